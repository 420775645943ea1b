"""The time limit holds while one iteration overruns it (``run/deadline.py``).

Before: the loop checked ``timeout`` between iterations only, so
``optkit run newton --fn quadratic --n 6000 --timeout 1`` ran for 7.9 s (one dense
solve) and an f that blocks never returned at all.  Here f blocks on an event
that only the test sets: the call returning at all, with status timeout, is the
proof that the iteration was abandoned (no wall-clock assertion; 30 s is the
hang detector).
"""

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import optkit
from optkit.run import deadline
from optkit.run.driver import minimize

OPTKIT = str(Path(sys.executable).with_name("optkit"))


def blocking_problem(after_calls: int):
    """f = x·x that blocks, from its ``after_calls``-th call on, until ``release`` is set."""
    release = threading.Event()
    calls = []

    def f(x):
        calls.append(1)
        if len(calls) >= after_calls:
            release.wait(120)
        return float(x @ x)

    return f, release


def test_an_iteration_that_overruns_the_limit_is_abandoned_with_the_partial_run():
    f, release = blocking_problem(after_calls=4)
    try:
        r = minimize(f, "gd", [1.0, 2.0], jac=lambda x: 2 * x, lr=0.01, timeout=0.5)
        last_data = dict(r.trace[-1].data)
    finally:
        release.set()  # let the abandoned worker finish (it stops at its next record)
    deadline._left_running[-1].join(30)
    assert r.trace[-1].data == last_data  # the worker, released, left the returned result alone
    assert r.status.name == "TIMEOUT" and r.outcome == "timeout" and not r.success
    assert any("was still running at the time limit and was abandoned" in n for n in r.notes)
    # f was called at x0 and after steps 1 and 2; the 4th call (after step 3) blocked: iterations 0..2 recorded
    assert r.iterations == 2 and [rec.k for rec in r.trace] == [0, 1, 2]
    assert r.x == pytest.approx(list(np.array([1.0, 2.0]) * 0.98 ** 2))  # x_k = (1 − 2·0.01)^k x0, by hand
    assert r.classification is None  # cut short: no end-point diagnosis


def test_ctrl_c_during_an_overrunning_iteration_returns_the_partial_run():
    release = threading.Event()
    calls = []

    def f(x):
        calls.append(1)
        if len(calls) == 3:  # the caller is waiting on the worker now: Ctrl-C reaches it there
            os.kill(os.getpid(), signal.SIGINT)
            release.wait(120)
        return float(x @ x)

    try:
        r = minimize(f, "gd", [1.0, 2.0], jac=lambda x: 2 * x, lr=0.01, timeout=60)
    finally:
        release.set()
    assert r.status.name == "INTERRUPTED" and r.iterations == 1
    assert any("was still running at Ctrl-C" in n for n in r.notes)


def test_a_run_within_its_limit_is_unchanged():
    p = optkit.get_problem("himmelblau")
    a, b = minimize(p, "newton", x0=[1.0, 1.0]), minimize(p, "newton", x0=[1.0, 1.0], timeout=60)
    assert a.x == b.x and a.iterations == b.iterations and a.evaluations == b.evaluations
    assert b.status.name == "CONVERGED"


def test_errors_of_the_loop_reach_the_caller():
    def f(x):
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        minimize(f, "gd", [1.0], jac=lambda x: 2 * x, timeout=10)


BLOCKS = """
import time
import numpy as np
from optkit.problems.problem import Functions, ProblemDefinition

def build(n):
    def f(x):
        if x[0] < 0.9:
            time.sleep(600)  # one evaluation far longer than the time limit
        return float(x @ x)
    return Functions(f=f, grad=lambda x: 2 * x, hess=lambda x: 2 * np.eye(2), x0=[1.0, 1.0],
                     box=[[-2, 2], [-2, 2]], fstar=0.0)

PROBLEM = ProblemDefinition(name="stall", build=build, dimension=2)
"""


@pytest.mark.skipif(not Path(OPTKIT).exists(), reason="the optkit script is not installed beside this Python")
def test_the_installed_command_answers_at_its_time_limit_and_exits(tmp_path):
    (tmp_path / "stall.py").write_text(BLOCKS)
    done = subprocess.run([OPTKIT, "run", "gd", "--fn", "stall", "--problems", str(tmp_path), "--lr", "0.1",
                           "--timeout", "1"], capture_output=True, text=True, timeout=30,
                          env={**os.environ, "COLUMNS": "100"})
    assert done.returncode == 0, done.stderr
    assert "stopped by the time limit" in done.stdout
    assert "iteration 1 was still running at the time limit and was abandoned" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_start_whose_evaluation_overruns_the_limit_reports_the_start():
    f, release = blocking_problem(after_calls=1)
    try:
        r = minimize(f, "gd", [1.0, 2.0], jac=lambda x: 2 * x, timeout=0.3)
    finally:
        release.set()
    assert r.status.name == "TIMEOUT" and r.iterations == 0 and r.x == [1.0, 2.0]
    assert any("at x0 were still being evaluated" in n for n in r.notes)


def test_an_in_process_command_never_ends_its_caller_when_a_worker_is_left():
    """Only the optkit script's own process may end with os._exit: Typer's test runner (and a notebook) call the
    app in-process, and an os._exit there once ended the whole test session with exit code 0 half-way."""
    script = (
        "import threading\n"
        "from typer.testing import CliRunner\n"
        "from optkit.cli.app import app\n"
        "from optkit.run import deadline\n"
        "stop = threading.Event()\n"
        "worker = threading.Thread(target=stop.wait, daemon=True)\n"
        "worker.start()\n"
        "deadline._left_running.append(worker)  # as if a run had been abandoned at its limit\n"
        "result = CliRunner().invoke(app, ['list'])\n"
        "print('still here', result.exit_code)\n"
        "stop.set()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "still here 0" in done.stdout
