"""Armijo and strong Wolfe in isolation (N&W Algorithms 3.1, 3.5, 3.6), cross-checked with SciPy.

Each search gets x, f(x), g = ∇f(x) and a descent direction p from a plain
counting oracle (no driver).  Every accepted step is checked against the
conditions it promises, with f and ∇f evaluated here, independently of the
search:

    sufficient decrease   f(x + αp) ≤ f(x) + c₁ α gᵀp                 (N&W eq. 3.4)
    strong curvature      |∇f(x + αp)ᵀp| ≤ c₂ |gᵀp|                   (N&W eq. 3.7b)

and against ``scipy.optimize.line_search`` (Wolfe, Moré–Thuente style) on the
same (problem, x, p): SciPy finds a strong Wolfe step exactly where optkit does,
and where the first trial α = 1 already satisfies the conditions both return it.
"""

import warnings

import numpy as np
import pytest
from scipy.optimize import line_search as scipy_line_search

import optkit
from optkit.methods.searches import Armijo, ExactQuadratic, StrongWolfe
from optkit.run.results import Status

C1, C2, RHO = 1e-4, 0.9, 0.5  # N&W's constants for Newton-type and steepest-descent searches


class Oracle:
    """f, ∇f and Hv of a problem, counted, as the driver's oracle would give them."""

    def __init__(self, problem):
        self.problem = problem
        self.calls = {"f": 0, "grad": 0, "hvp": 0}

    def f(self, x):
        self.calls["f"] += 1
        return self.problem.f(x)

    def grad(self, x):
        self.calls["grad"] += 1
        return self.problem.grad(x)

    def hvp(self, x, v):
        self.calls["hvp"] += 1
        return self.problem.hvp(x, v)


def _cases():
    """(problem, x, direction) triples away from stationary points: steepest and, where it descends, Newton."""
    cases = []
    for name in ("rosenbrock", "course-2.2", "himmelblau", "beale"):
        p = optkit.get_problem(name)
        rng = np.random.default_rng(len(name))  # seeded: the same points every run
        box = np.asarray(p.box, dtype=float)
        for i in range(6):
            x = rng.uniform(box[:, 0], box[:, 1])
            g = p.grad(x)
            if np.linalg.norm(g) < 1e-3:
                continue
            cases.append(pytest.param(name, x, "steepest", id=f"{name}-{i}-steepest"))
            d = np.linalg.solve(p.hess(x), -g)
            if g @ d < 0:
                cases.append(pytest.param(name, x, "newton", id=f"{name}-{i}-newton"))
    return cases


def _scipy_wolfe(p, x, d, g, f):
    """``scipy.optimize.line_search`` (N&W Alg. 3.5/3.6 with SciPy's interpolation); where it gives up (its
    zoom stops after ``maxiter`` trials on lines with ‖g‖ ~ 1e5), MINPACK's Moré–Thuente search of the same
    module (``line_search_wolfe1``), which takes the same c₁, c₂ and also tries α = 1 first."""
    from scipy.optimize._linesearch import LineSearchWarning, line_search_wolfe1

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LineSearchWarning)
        ref = scipy_line_search(p.f, p.grad, x, d, gfk=g, old_fval=f, c1=C1, c2=C2, maxiter=100)
    if ref[0] is None:
        ref = line_search_wolfe1(p.f, p.grad, x, d, gfk=g, old_fval=f, c1=C1, c2=C2)
    return ref


def _setup(name, x, kind):
    p = optkit.get_problem(name)
    g = p.grad(x)
    d = -g if kind == "steepest" else np.linalg.solve(p.hess(x), -g)
    return p, p.f(x), g, d


@pytest.mark.parametrize("name, x, kind", _cases())
def test_armijo_step_has_sufficient_decrease_and_is_the_first_that_does(name, x, kind):
    p, f, g, d = _setup(name, x, kind)
    result = Armijo(alpha0=1.0, c1=C1, rho=RHO).search(Oracle(p), 0, x, f, g, d)
    assert result.status is None and not result.data.get("approximate")
    alpha = result.alpha
    assert p.f(x + alpha * d) <= f + C1 * alpha * (g @ d)
    # backtracking: α = ρʲ is the first of 1, ρ, ρ², … that satisfies it, so α/ρ did not
    j = round(np.log(alpha) / np.log(RHO))
    assert alpha == RHO**j and result.trials == j + 1
    if j > 0:
        assert not p.f(x + alpha / RHO * d) <= f + C1 * alpha / RHO * (g @ d)
    assert np.array_equal(result.x, x + alpha * d)


@pytest.mark.parametrize("name, x, kind", _cases())
def test_strong_wolfe_step_satisfies_both_conditions_and_agrees_with_scipy(name, x, kind):
    p, f, g, d = _setup(name, x, kind)
    ours = StrongWolfe(alpha0=1.0, c1=C1, c2=C2).search(Oracle(p), 0, x, f, g, d)
    assert ours.status is None, ours.detail
    alpha = ours.alpha
    slope = g @ d
    assert p.f(x + alpha * d) <= f + C1 * alpha * slope
    assert abs(p.grad(x + alpha * d) @ d) <= C2 * abs(slope)
    assert ours.f == p.f(x + alpha * d) and np.array_equal(ours.g, p.grad(x + alpha * d))
    ref = _scipy_wolfe(p, x, d, g, f)
    assert ref[0] is not None  # SciPy finds a strong Wolfe step on the same line
    unit_ok = p.f(x + d) <= f + C1 * slope and abs(p.grad(x + d) @ d) <= C2 * abs(slope)
    if unit_ok:  # both try α = 1 first (no previous f given to SciPy) and must stop there
        assert alpha == 1.0 and ref[0] == 1.0


def test_armijo_on_x_squared_by_hand():
    # f = x², x = 1, p = −g = −2: α = 1 gives f(−1) = 1 > 1 − 1e-4·1·4; α = ½ gives f(0) = 0: accepted
    p = optkit.problem_from_expression("x**2")
    x = np.array([1.0])
    result = Armijo().search(Oracle(p), 0, x, 1.0, np.array([2.0]), np.array([-2.0]))
    assert result.alpha == 0.5 and result.trials == 2 and result.x.tolist() == [0.0]


def test_wolfe_on_a_quadratic_accepts_the_exact_minimiser_along_p():
    # f = ½(x² + 10y²) from (10, 1) along −g: φ(α) is a parabola; its minimiser α* = gᵀg / gᵀAg (by hand:
    # g = (10, 10), gᵀg = 200, gᵀAg = 100 + 1000 = 1100, α* = 2/11) has φ'(α*) = 0, so it is a Wolfe step.
    # α = 1 overshoots (f rises), so the zoom's cubic interpolation — exact on a quadratic — lands on α*.
    p = optkit.problem_from_expression("(x**2 + 10*y**2)/2")
    x = np.array([10.0, 1.0])
    g = p.grad(x)
    result = StrongWolfe().search(Oracle(p), 0, x, p.f(x), g, -g)
    assert result.alpha == pytest.approx(2 / 11, rel=1e-12)


def test_exact_search_gives_the_closed_form_step():
    p = optkit.problem_from_expression("(x**2 + 10*y**2)/2")
    x = np.array([10.0, 1.0])
    g = p.grad(x)
    oracle = Oracle(p)
    result = ExactQuadratic().search(oracle, 0, x, p.f(x), g, -g)
    assert result.alpha == pytest.approx(2 / 11, rel=1e-15) and oracle.calls == {"f": 0, "grad": 0, "hvp": 1}


@pytest.mark.parametrize("search", [Armijo(), StrongWolfe(), ExactQuadratic()], ids=["armijo", "wolfe", "exact"])
def test_a_non_descent_direction_is_a_status_without_evaluations(search):
    p = optkit.problem_from_expression("x**2 + y**2")
    x = np.array([1.0, 1.0])
    g = p.grad(x)
    oracle = Oracle(p)
    result = search.search(oracle, 0, x, p.f(x), g, g)  # gᵀp = ‖g‖² > 0: uphill
    assert result.status is Status.NON_DESCENT and result.measure == pytest.approx(8.0)
    assert oracle.calls == {"f": 0, "grad": 0, "hvp": 0} and np.array_equal(result.x, x)


def test_wolfe_on_an_unbounded_line_says_so():
    # f = −x along p = 1: φ(α) = −(x + α) falls without bound, no bracket exists
    p = optkit.problem_from_expression("-x")
    result = StrongWolfe(alpha_max=1e6).search(Oracle(p), 0, np.array([0.0]), 0.0, np.array([-1.0]), np.array([1.0]))
    assert result.status is Status.LINE_SEARCH_FAILED and "unbounded" in result.detail


def test_armijo_floor_is_a_status():
    # a gradient that promises far more than f gives (claimed gᵀp = −1e30, true slope −2 at x = 1):
    # f(1 − α) ≈ 1 − 2α never reaches 1 − 1e26·α, so α halves until it falls below alpha_min
    p = optkit.problem_from_expression("x**2")
    result = Armijo(alpha_min=1e-6).search(Oracle(p), 0, np.array([1.0]), 1.0, np.array([1e30]),
                                          np.array([-1.0]))
    assert result.status is Status.STEP_FLOOR and result.measure < 1e-6
