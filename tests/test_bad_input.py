"""Issue 8's bad-input corpus, in the suite: one line on stderr, exit 2, no traceback, no hang.

The cases live in ``tests/bad_input_cases.py`` (hand-written cases for every defect the issue
lists, and a generator of malformed values for every option of every command, read from the
Typer app so a new option is covered as soon as it is registered).  Here they run in-process
(CliRunner) under a hang detector of :data:`HANG_SECONDS`; what only a real process shows
(a closed pipe, a full disk, warnings reaching stderr, ``sys.exit`` in a problem file) is
run in a subprocess.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bad_input_cases as corpus
from optkit.cli.app import app

runner = CliRunner()


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"still running after {corpus.HANG_SECONDS} s")


def run_in_process(case: corpus.Case, root: Path):
    args, env = corpus.prepare(case, root)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, corpus.HANG_SECONDS)
    # A hang inside C code (a huge power) does not see the signal: end the run loudly instead.
    faulthandler.dump_traceback_later(2 * corpus.HANG_SECONDS, exit=True)
    try:
        result = runner.invoke(app, args, env=env or None)
    finally:
        faulthandler.cancel_dump_traceback_later()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if isinstance(result.exception, Hang):
        return None, "", ""
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        stderr += "Traceback:\n" + "".join(traceback.format_exception(result.exception))
    return result.exit_code, result.stdout, stderr


def _param(case: corpus.Case):
    marks = [pytest.mark.slow] if case.slow or case.args[0] == "classify" else []
    if case.owner:
        marks.append(pytest.mark.xfail(strict=False, reason=f"owned by {case.owner}"))
    return pytest.param(case, id=case.id, marks=marks)


# Cases that need a real process (a pipe, a device, the interpreter's own stderr).
SUBPROCESS_ONLY = {"output-dev-full", "output-dev-full-json", "list-sys-exit", "syntax-warning", "runtime-warning"}


@pytest.mark.parametrize("case", [_param(c) for c in corpus.CASES if c.id not in SUBPROCESS_ONLY])
def test_listed_case(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_in_process(case, tmp_path)
    assert corpus.verdict(case, code, out, err) is None, (code, out[-400:], err[-800:])


@pytest.mark.parametrize("case", [_param(c) for c in corpus.generated_cases()])
def test_generated_malformed_value(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_in_process(case, tmp_path)
    assert corpus.verdict(case, code, out, err) is None, (code, out[-400:], err[-800:])


@pytest.mark.slow
@pytest.mark.parametrize("case", [_param(c) for c in corpus.CASES if c.id in SUBPROCESS_ONLY])
def test_case_in_a_real_process(case, tmp_path):
    code, out, err = corpus.run_in_subprocess(case, tmp_path)
    assert corpus.verdict(case, code, out, err) is None, (code, out[-400:], err[-800:])


def test_the_generator_reads_every_command_and_option_from_the_app():
    """A new option is covered without editing the corpus: every value-taking parameter appears."""
    import typer.main

    group = typer.main.get_command(app)
    covered = {(c.args[0], a) for c in corpus.generated_cases() for a in c.args if a.startswith("--")}
    for name, command in group.commands.items():
        for param in command.params:
            if param.param_type_name == "option" and not param.is_flag and "--help" not in param.opts:
                assert (name, param.opts[0]) in covered, (name, param.opts[0])
    assert {c.args[0] for c in corpus.generated_cases()} == set(group.commands)


@pytest.mark.slow
@pytest.mark.parametrize("command", [
    ["eval", "--fn", "quartic"], ["list"], ["methods"], ["show", "quartic"],
    ["run", "gd", "--fn", "quartic", "--max-iter", "200", "--all"], ["eval", "--fn", "quartic", "-f", "json"],
])
def test_closed_pipe_exits_0_quietly(command, tmp_path):
    """`optkit ... | head -1`: the reader goes away; like any Unix filter, exit 0 and say nothing."""
    env = {**os.environ, "OPTKIT_CACHE_DIR": str(tmp_path)}
    script = "from optkit.cli.app import main; main()"
    proc = subprocess.Popen([sys.executable, "-c", script, *command], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    proc.stdout.close()  # the reader is gone before the first line is written (`| head -0`)
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=corpus.HANG_SECONDS) == 0, err
    assert err == ""


def test_sizes_are_refused_by_what_would_be_allocated():
    """n = 10⁶ vectors fit (Hessian-vector runs stay possible); its dense Hessian (8 TB) does not."""
    from optkit.errors import OptkitError
    from optkit.problems.problem import check_dense_hessian, machine_memory
    from optkit.problems.registry import Registry

    assert machine_memory() < 8e12 * 4  # the premise: no test machine holds four dense 10⁶×10⁶ Hessians
    problem = Registry.default().get("rosenbrock").instantiate(10**6)
    assert problem.n == 10**6
    with pytest.raises(OptkitError, match=r"1000000×1000000 Hessian .* needs 8 TB.*limit"):
        check_dense_hessian(problem.n, problem.name)
    if machine_memory() / 4 < 128e9:  # 16 vectors of 10⁹ doubles: beyond a quarter of any usual machine
        with pytest.raises(OptkitError, match=r"n = 1000000000 .* needs 128 GB.*limit"):
            Registry.default().get("rosenbrock").instantiate(10**9)
