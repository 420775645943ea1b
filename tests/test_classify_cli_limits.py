"""classify's time limits and sizes (issue 8): --timeout caps the command, --exact-budget the exact path,
the exact path's child dies with its parent, and sizes are refused before anything is allocated."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optkit.cli.app import app

runner = CliRunner()
OPTKIT = str(Path(sys.executable).with_name("optkit"))
# A dense cubic-gradient system in 3 variables: the exact path takes minutes on it (Bézout 64).
HEAVY = "x**5 + y**5 + z**5 + 3*x**3*y*z - 2*x*y**3*z + 5*x*y*z**3 - x**2*y**2 + 7*y**2*z**2 - 4*x*z + y"


def test_timeout_inf_means_no_limit():
    out = runner.invoke(app, ["classify", "--fn", "quartic", "--timeout", "inf", "--format", "json"])
    assert out.exit_code == 0, out.output
    record = json.loads(out.output)
    assert record["cut_short"] is False and len(record["points"]) == 3


@pytest.mark.slow
def test_timeout_caps_the_whole_command_and_marks_the_output():
    command = [OPTKIT, "classify", "--expr", "sin(3*x)*cos(3*y) + x**2/100", "--box", "-40,40 -40,40",
               "--starts", "100000", "--timeout", "2", "--format", "json"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=30)  # a hang detector
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout)
    assert record["cut_short"] is True
    assert record["evidence"]["n_starts"] < 100000 + 100000 // 4
    assert any("cut short" in note for note in record["notes"])


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG and /proc are Linux's")
def test_exact_child_dies_with_its_parent_on_sigterm():
    proc = subprocess.Popen([OPTKIT, "classify", "--expr", HEAVY, "--vars", "x,y,z", "--method", "exact",
                             "--exact-budget", "120"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        children = []
        for _ in range(300):  # up to 30 s for start-up and the fork
            children = _children(proc.pid)
            if children:
                break
            time.sleep(0.1)
        assert children, "the exact path never forked"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        for _ in range(100):
            alive = [c for c in children if Path(f"/proc/{c}").exists()
                     and "zombie" not in Path(f"/proc/{c}/status").read_text().lower()]
            if not alive:
                break
            time.sleep(0.1)
        assert not alive, f"exact-path child(ren) {alive} outlived the parent"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for c in _children(proc.pid):
            try:
                os.kill(c, signal.SIGKILL)
            except ProcessLookupError:
                pass
