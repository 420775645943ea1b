"""Golden traces of the course exercises (E2, E3, E5, E8, E9, E10) through ``minimize``.

Golden values come from the hand calculations in shared/course-exercises.md or
from an independent method (scipy, sympy, closed forms), never from optkit.
"""

from fractions import Fraction

import numpy as np
import pytest

import optkit
from optkit.run.driver import minimize


def problem(name, fallback_formula=None):
    """A registered problem, or (while the catalogue is being filled) the same formula built here."""
    try:
        return optkit.get_problem(name)
    except optkit.OptkitError:
        if fallback_formula is None:
            raise
        return optkit.problem_from_expression(fallback_formula)


E2 = "2*x**2 + 2*y**2 - x*y - 17*y*cos(0.2*pi*x)"
E3 = "(x1 - 6)**2 - x1*x2 + x2**2"
SADDLE = "x**2 - y**2"


# ---------------------------------------------------------------- E2: Newton–Raphson


def test_e2_newton_first_step_is_the_hand_step():
    result = minimize(problem("course-2.2", E2), "newton", [0, 0])
    x1 = result.trace[1].x
    # H(0,0) = [[4, -1], [-1, 4]], g = (0, -17): x1 = -H⁻¹g = (17/15, 68/15) by hand
    assert x1[0] == float(Fraction(17, 15)) and x1[1] == float(Fraction(68, 15))
    assert result.trace[1].f == pytest.approx(-19.805752, abs=1e-6)  # f(17/15, 68/15): shared/course-exercises.md E2
    # trace eigenvalues: H(0, 0) = [[4, −1], [−1, 4]] has eigenvalues 3 and 5 (by hand)
    assert result.trace[0].eigenvalues == pytest.approx([3.0, 5.0])
    for method in ("gd", "trust-region", "sfn"):
        other = minimize(problem("course-2.2", E2), method, [0, 0], max_iter=2)
        assert other.trace[0].eigenvalues == pytest.approx([3.0, 5.0])
        assert "hess_eigenvalues" not in other.trace[0].data


def test_e2_newton_converges_quadratically_to_the_course_minimum():
    result = minimize(problem("course-2.2", E2), "newton", [0, 0])
    assert result.success and result.classification["kind"] == "minimum"
    # minimum, f and eigenvalues: shared/course-exercises.md (E2), and scipy's trust-exact below
    assert result.x == pytest.approx([0.130875, 4.268358], abs=1e-6)
    assert result.f == pytest.approx(-36.403498, abs=1e-6)
    assert result.classification["eigenvalues"] == pytest.approx([3.9995, 32.550], abs=1e-3)
    # an independent check of the minimum: scipy's trust-exact from the same start
    from scipy.optimize import minimize as sp_minimize

    p = problem("course-2.2", E2)
    ref = sp_minimize(p.f, [0.0, 0.0], jac=p.grad, hess=p.hess, method="trust-exact", options={"gtol": 1e-10})
    assert result.x == pytest.approx(ref.x, abs=1e-8)
    # quadratic convergence: ‖g_{k+1}‖ ≤ C‖g_k‖² over the last steps
    g = [r.grad_norm for r in result.trace]
    assert g[-1] <= 1e-8 and g[-2] < 1e-3
    assert g[-1] <= 10 * g[-2] ** 2 and g[-2] <= 10 * g[-3] ** 2
    assert "converged to a local minimum" in result.message


# ---------------------------------------------------------------- E3: schedule 1/(k+2)


def test_e3_schedule_trace_and_stop_at_zero_gradient():
    result = minimize(problem("gd-schedule", E3), "gd", [6, 6], schedule="1/(k+2)")
    xs = [r.x for r in result.trace]
    # by hand (shared/course-exercises.md E3): g(6, 6) = (−6, 6), x₁ = (6, 6) − ½(−6, 6) = (9, 3);
    # g(9, 3) = (3, −3), x₂ = (9, 3) − ⅓(3, −3) = (8, 4), where g = 0 and f = −12
    assert xs == [[6.0, 6.0], [9.0, 3.0], [8.0, 4.0]]
    assert [r.data.get("alpha") for r in result.trace[:2]] == [0.5, pytest.approx(1 / 3)]
    assert result.trace[-1].grad_norm == 0.0
    assert result.success and result.iterations == 2 and result.f == -12.0
    assert "‖g‖₂ = 0 ≤ gtol" in result.message


def test_e5_first_order_prediction_beside_actual_decrease():
    # f = x² at x = 1, α = 0.1: g = 2, predicted α‖g‖² = 0.4, actual 1 − 0.8² = 0.36
    result = minimize(optkit.problem_from_expression("x**2"), "gd", [1.0], lr=0.1, max_iter=1)
    step = result.trace[0].data
    assert step["pred_linear"] == pytest.approx(0.4)
    assert step["actual"] == pytest.approx(0.36)


# ---------------------------------------------------------------- E9: Adam's first step


def test_e9_adam_first_step_is_alpha_against_the_sign():
    p = optkit.problem_from_expression("3*x**2 - 0.5*y")  # g(1, 1) = (6, -0.5)
    result = minimize(p, "adam", [1.0, 1.0], lr=0.01, max_iter=1)
    step = np.subtract(result.trace[1].x, result.trace[0].x)
    g = np.array([6.0, -0.5])
    assert step == pytest.approx(-0.01 * g / (np.abs(g) + 1e-8), rel=1e-12)
    assert step == pytest.approx(-0.01 * np.sign(g), rel=1e-6)


def test_e9_without_bias_correction_the_first_step_is_3_16_times_longer():
    p = optkit.problem_from_expression("3*x**2 - 0.5*y")
    on = minimize(p, "adam", [1.0, 1.0], lr=0.01, max_iter=1)
    off = minimize(p, "adam", [1.0, 1.0], lr=0.01, max_iter=1, bias_correction=False)
    ratio = np.subtract(off.trace[1].x, off.trace[0].x) / np.subtract(on.trace[1].x, on.trace[0].x)
    expected = (1 - 0.9) / np.sqrt(1 - 0.999)  # ≈ 3.162
    assert ratio == pytest.approx([expected, expected], rel=1e-6)
    assert expected == pytest.approx(3.16, abs=0.01)


# ---------------------------------------------------------------- E10: saddles


def test_e10_newton_lands_on_the_saddle_and_says_so():
    result = minimize(problem("saddle", SADDLE), "newton", [1, 1e-3])
    assert result.iterations == 1 and result.x == [0.0, 0.0]
    assert result.classification["kind"] == "saddle" and result.classification["index"] == 1
    assert "converged to a saddle point (index 1)" in result.message
    assert "minimum" not in result.message


def test_e10_sfn_moves_away_from_the_saddle():
    result = minimize(problem("saddle", SADDLE), "sfn", [1, 1e-3], max_iter=10)
    ys = [abs(r.x[1]) for r in result.trace]
    assert all(b > a for a, b in zip(ys, ys[1:]))  # |y| grows every step
    assert not result.success


@pytest.mark.parametrize("mu, damping", [(-2.0, 1e-3), (-2.0, 1.0), (-0.5, 0.25)])
def test_damped_sfn_growth_factor_on_a_quadratic(mu, damping):
    # f = x² + (μ/2) y², fixed λ (adaptive off): along y (eigenvalue μ < 0) a unit step multiplies y by 1 + |μ|/(|μ| + λ)
    p = optkit.problem_from_expression(f"x**2 + ({mu}/2)*y**2")
    result = minimize(p, "sfn", [1.0, 1e-3], damping=damping, adaptive=False, line_search="none", max_iter=3)
    factor = 1 + abs(mu) / (abs(mu) + damping)
    ys = [r.x[1] for r in result.trace]
    for a, b in zip(ys, ys[1:]):
        assert b / a == pytest.approx(factor, rel=1e-12)


def test_sfn_at_an_exact_saddle_steps_along_the_negative_eigenvector():
    result = minimize(problem("saddle", SADDLE), "sfn", [0, 0], max_iter=1)
    first = result.trace[0]
    assert "saddle" in first.note and "most negative eigenvector" in first.note
    assert result.trace[1].x[0] == 0.0 and abs(result.trace[1].x[1]) > 0.5
    assert any("saddle" in note for note in result.notes)


@pytest.mark.parametrize("dim", [2, 6])
def test_krylov_sfn_with_full_dimension_reproduces_the_exact_step(dim):
    rng = np.random.default_rng(dim)
    A = rng.standard_normal((dim, dim))
    A = A + A.T
    b = rng.standard_normal(dim)
    fun = lambda x: 0.5 * x @ A @ x - b @ x  # noqa: E731
    exact = minimize(fun, "sfn", np.ones(dim), jac=lambda x: A @ x - b, hess=lambda x: A, max_iter=1,
                     line_search="none")
    krylov = minimize(fun, "sfn", np.ones(dim), jac=lambda x: A @ x - b, hessp=lambda x, v: A @ v, max_iter=1,
                      line_search="none", krylov_dim=dim)
    assert krylov.trace[1].x == pytest.approx(exact.trace[1].x, rel=1e-8, abs=1e-10)
    assert krylov.evaluations["hess"] == 0 and krylov.evaluations["hvp"] >= 1


# ---------------------------------------------------------------- E8: no minimizer


LOGISTIC_RUNS = [("gd", {}), ("gd", {"line_search": "armijo"}), ("newton", {}), ("trust-region", {}),
                 ("tr", {"subproblem": "cg"}), ("sfn", {}), ("adam", {}), ("adam", {"lr": 0.05})]


@pytest.mark.parametrize("method, options", LOGISTIC_RUNS)
def test_e8_logistic_positive_reports_diverging_iterates(method, options):
    result = minimize(optkit.get_problem("logistic-positive"), method, **options)
    assert result.success is False
    assert "iterates diverging" in result.message and "no stationary point reached" in result.message
    b = [r.x[1] for r in result.trace]
    assert b[-1] > b[0] and result.trace[-1].x_norm > result.trace[0].x_norm  # the bias and ‖x‖ grow
    assert result.trace[-1].f < result.trace[0].f


def test_e8_even_when_the_gradient_underflows_below_gtol():
    # Newton's steps in b are ≈ 1 while ‖g‖ shrinks like e^(−b): ‖g‖ ≤ 1e-8 near b ≈ 18 is not a stationary point
    result = minimize(optkit.get_problem("logistic-positive"), "newton", gtol=1e-6)
    assert not result.success and result.status.name == "DIVERGING_TREND"


def test_a_slow_approach_to_a_far_minimum_is_not_called_diverging():
    # Adam walks at constant speed towards (50, 50): f falls, ‖g‖ shrinks, ‖x‖ grows — but curvature stays
    p = optkit.problem_from_expression("(x - 50)**2 + 3*(y - 50)**2")
    result = minimize(p, "adam", [0, 0], lr=0.01, max_iter=1000)
    assert result.status.name == "MAX_ITER"
    himmelblau = optkit.problem_from_expression("(x**2 + y - 11)**2 + (x + y**2 - 7)**2")
    result = minimize(himmelblau, "adam", [0, 0], max_iter=1000)
    assert result.status.name == "MAX_ITER"
