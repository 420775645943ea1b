"""The one loop: one evaluation counter, callables, and the loop's own features."""

import numpy as np
import pytest

import optkit
from optkit.problems.callables import CallableProblem
from optkit.run.driver import minimize


@pytest.mark.parametrize("method", ["gd", "newton", "tr", "sfn", "adam", "newton+armijo", "tr-cg"])
def test_one_counter_the_result_reports_what_the_problem_counted(method):
    p = optkit.get_problem("rosenbrock")
    before = p.counts.as_dict()
    result = minimize(p, method, max_iter=20)
    assert result.evaluations == p.counts.since(before)
    assert result.evaluations["f"] >= result.iterations  # at least f at every new iterate
    # diagnostics (eigenvalues per iterate, the end-point classification) are not counted
    assert result.evaluations["hess"] <= result.iterations + 1
    assert result.trace[0].eigenvalues is not None


def test_callable_problems_count_in_the_same_counter():
    calls = {"f": 0, "jac": 0}

    def f(x):
        calls["f"] += 1
        return float(x @ x)

    def jac(x):
        calls["jac"] += 1
        return 2 * x

    result = minimize(f, "gd", np.ones(2), jac=jac, lr=0.25, max_iter=5)
    assert result.evaluations["f"] == result.evaluations["grad"] == result.iterations + 1
    # the user's callables were called that often by the method, and more by the diagnostics (uncounted)
    assert calls["jac"] >= result.evaluations["grad"]


def test_finite_differences_count_one_gradient_per_gradient():
    p = CallableProblem(lambda x: float(x @ x), 3, finite_differences=True)
    p.grad(np.ones(3))
    assert p.counts.as_dict() == {"f": 0, "grad": 1, "hess": 0, "hvp": 0}
    assert p.grad(np.ones(3)) == pytest.approx(2 * np.ones(3), rel=1e-8)


def test_driver_never_reaches_into_problem_internals():
    import inspect

    from optkit.run import diagnostics, driver, stopping

    for module in (driver, diagnostics, stopping):
        assert "._fns" not in inspect.getsource(module)


# ---------------------------------------------------------------- Ctrl-C, time limit (issues 8, 7; conventions)


def test_ctrl_c_returns_the_partial_result():
    def interrupt(record):
        if record.k == 5:
            raise KeyboardInterrupt  # what Ctrl-C raises in the main thread
        return False

    result = minimize(optkit.get_problem("quartic"), "gd", lr=1e-4, max_iter=1000, callback=interrupt)
    assert result.status.name == "INTERRUPTED" and result.iterations == 5
    assert [r.k for r in result.trace] == list(range(6))
    assert result.outcome == "not-converged" and not result.success
    assert "cut short: the trace and the measures are those of iteration 5" in result.message


@pytest.mark.slow
def test_ctrl_c_on_the_command_line_prints_the_trace_and_exits_130():
    import os
    import signal
    import subprocess
    import sys
    import time

    cmd = [sys.executable, "-c", "import sys; from optkit.cli.app import main; sys.argv = ['optkit'] + sys.argv[1:]; "
           "sys.exit(main())", "run", "gd", "--fn", "quartic", "--lr", "1e-9", "--max-iter", "100000000",
           "--no-color", "--format", "json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)  # imports, then the loop is running
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=30)  # a hang detector, not a speed test
    assert proc.returncode == 130, err
    import json

    record = json.loads(out)
    assert record["status"] == "interrupted" and record["iterations"] > 0
    assert "Traceback" not in err


def test_timeout_stops_the_loop_with_the_outcome_timeout():
    from typer.testing import CliRunner

    from tests.test_exact_loop import APP

    result = CliRunner().invoke(APP, ["run", "gd", "--fn", "quartic", "--lr", "1e-9", "--max-iter", "100000000",
                                      "--timeout", "0.5", "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    record = json.loads(result.stdout)
    assert record["status"] == "timeout" and record["outcome"] == "timeout" and not record["success"]
    assert "cut short" in record["message"] and record["iterations"] > 0
    assert record["options"]["timeout"] == 0.5


def test_timeout_must_be_positive():
    with pytest.raises(optkit.errors.OptkitError, match="timeout"):
        minimize(optkit.get_problem("quartic"), "gd", timeout=0)


# ---------------------------------------------------------------- mini-batches, seeds, the divergence switch (issue 12)


def test_mini_batch_runs_never_stop_on_one_zero_batch_gradient():
    # seed 3 draws only samples whose gradient is zero at the start: the old loop stopped at k = 1 "xtol"
    result = minimize(optkit.get_problem("xor-linear"), "gd", batch_size=1, seed=3, lr=0.05, max_iter=200)
    assert result.iterations == 200 and result.status.name == "MAX_ITER"


def test_the_seed_used_is_recorded_and_reproduces_the_run():
    p = optkit.get_problem("xor-linear")
    first = minimize(p, "gd", batch_size=1, lr=0.05, max_iter=30)
    seed = first.options["seed"]
    assert isinstance(seed, int)
    again = minimize(p, "gd", batch_size=1, lr=0.05, max_iter=30, seed=seed)
    assert again.x == first.x
    assert minimize(p, "gd", lr=0.05, max_iter=3).options["seed"] is None  # no randomness used, none drawn


def test_the_divergence_check_can_be_switched_off():
    p = optkit.get_problem("logistic-positive")
    on = minimize(p, "gd", max_iter=3000)
    off = minimize(p, "gd", max_iter=3000, divergence_check=False)
    assert on.outcome == "diverging"
    assert off.status.name == "MAX_ITER" and off.iterations == 3000


def test_long_traces_are_thinned_with_the_grid_in_the_result():
    result = minimize(optkit.get_problem("quartic"), "gd", lr=1e-6, max_iter=5000, eig=False)
    ks = [r.k for r in result.trace]
    assert ks[:1000] == list(range(1000)) and ks[-1000:] == list(range(4001, 5001))
    assert result.trace_thinning == {"kept": len(ks), "every": 2}
    assert result.to_dict()["trace_thinning"] == result.trace_thinning


def test_records_carry_grad_and_direction_for_small_n():
    result = minimize(optkit.get_problem("quartic"), "gd", lr=0.01, max_iter=2)
    r0 = result.trace[0]
    assert r0.grad == pytest.approx([19.0, 1.0])  # by hand: (4x³ + 12x² + 6x − 3y, −3x + 4y) at (1, 1)
    assert r0.direction == pytest.approx([-19.0, -1.0], rel=1e-12)  # steepest descent: p = −g
    assert result.trace[-1].direction is None  # no step from the last iterate


def test_ctrl_c_during_the_end_point_diagnosis_still_returns_the_run(monkeypatch):
    from optkit.run import diagnostics

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(diagnostics, "classify_end", interrupted)
    result = minimize(optkit.get_problem("quartic"), "newton", max_iter=50)
    assert result.status.name == "INTERRUPTED" and result.classification is None
    assert result.iterations > 0 and len(result.trace) == result.iterations + 1
