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
