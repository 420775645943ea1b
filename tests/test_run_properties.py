"""Properties every run must have, and the parts (schedules, searches, Adam variants) in isolation."""

import json
import math

import numpy as np
import pytest

import optkit
from optkit.run.driver import minimize
from optkit.errors import OptkitError
from optkit.run.results import Result, Status
from optkit.methods.schedules import make_schedule

ROUNDING = 100 * np.finfo(float).eps  # the driver's resolution of f (relative to max(1, |f|))


def rosenbrock():
    return optkit.get_problem("rosenbrock")


MONOTONE_RUNS = [
    ("gd", {"line_search": "armijo"}), ("gd", {"line_search": "wolfe"}), ("newton", {"line_search": "armijo"}),
    ("newton", {"line_search": "wolfe"}), ("sfn", {}), ("tr", {"subproblem": "exact", "nonmonotone": 0}),
    ("tr", {"subproblem": "dogleg", "nonmonotone": 0}), ("tr", {"subproblem": "cg", "nonmonotone": 0}),
    ("tr", {"subproblem": "cauchy", "nonmonotone": 0}), ("arc", {}),
]
PROBLEMS = ["rosenbrock", "quartic", "course-2.2", "himmelblau", "xor-mlp"]


@pytest.mark.parametrize("method, options", MONOTONE_RUNS)
@pytest.mark.parametrize("name", PROBLEMS)
def test_armijo_and_trust_region_never_increase_f_on_accepted_steps(name, method, options):
    result = minimize(optkit.get_problem(name), method, max_iter=150, **options)
    for a, b in zip(result.trace, result.trace[1:]):
        assert b.f <= a.f + ROUNDING * max(1.0, abs(a.f)), (a.k, a.f, b.f)
        if a.data.get("accepted") is False:
            assert b.x == a.x and b.f == a.f
    assert len(result.trace) == result.iterations + 1
    assert sum(result.evaluations.values()) >= result.iterations
    assert result.evaluations["grad"] >= 1


@pytest.mark.parametrize("subproblem", ["exact", "dogleg", "cg", "cauchy"])
@pytest.mark.parametrize("name", PROBLEMS)
def test_nonmonotone_trust_region_never_exceeds_its_reference_value(name, subproblem):
    # Toint (1997), the default trust region: an accepted f never exceeds the largest f of the current and
    # the 10 previous accepted iterates
    result = minimize(optkit.get_problem(name), "tr", subproblem=subproblem, max_iter=150)
    accepted = [result.trace[0].f]
    for a, b in zip(result.trace, result.trace[1:]):
        if a.data.get("accepted") is False:
            assert b.x == a.x and b.f == a.f
            continue
        assert b.f <= max(accepted[-11:]) + ROUNDING * max(1.0, abs(a.f)), (a.k, a.f, b.f)
        accepted.append(b.f)


@pytest.mark.parametrize("method", ["gd", "newton", "trust-region", "arc", "sfn", "adam"])
def test_counters_and_trace_length(method):
    result = minimize(optkit.get_problem("course-2.2"), method, max_iter=30)
    assert len(result.trace) == result.iterations + 1
    assert [r.k for r in result.trace] == list(range(result.iterations + 1))
    assert result.evaluations["f"] + result.evaluations["grad"] >= result.iterations
    second_order = result.evaluations["hess"] + result.evaluations["hvp"]
    if method in ("newton", "trust-region", "arc", "sfn"):  # one ∇²f per iterate (course-2.2: every TR step accepted)
        assert second_order >= result.iterations > 0
    else:  # first-order methods never ask for curvature
        assert second_order == 0
    assert result.trace[-1].data == {}  # the last record has no step


@pytest.mark.parametrize("method, options", [("gd", {"lr": 0.5}), ("adam", {"lr": 0.05}),
                                             ("gd", {"lr": 0.5, "momentum": "nesterov"})])
@pytest.mark.parametrize("name", ["xor-mlp", "logistic-positive"])
def test_same_seed_same_trace(name, method, options):
    p = optkit.get_problem(name)
    runs = [minimize(p, method, max_iter=40, batch_size=2, seed=seed, **options) for seed in (7, 7, 8)]
    xs = [[r.x for r in run.trace] for run in runs]
    assert xs[0] == xs[1]
    assert xs[0] != xs[2]
    assert runs[0].options["batch_size"] == 2 and runs[0].options["seed"] == 7


def test_result_round_trips_through_json():
    result = minimize(optkit.get_problem("course-2.2"), "tr", max_iter=20)
    text = json.dumps(result.to_dict())
    again = Result.from_dict(json.loads(text))
    assert again.to_dict() == json.loads(text)
    assert again.status is result.status and again.success == result.success


# ---------------------------------------------------------------- statuses, never tracebacks


def test_singular_hessian_is_a_status():
    result = minimize(optkit.problem_from_expression("x**3 + y**2"), "newton", [0, 1])
    assert result.status is Status.SINGULAR_HESSIAN and not result.success


def test_non_finite_hessian_is_a_status():
    fun = lambda x: float(x @ x)  # noqa: E731
    result = minimize(fun, "newton", [1.0, 2.0], jac=lambda x: 2 * x, hess=lambda x: np.full((2, 2), np.nan))
    assert result.status is Status.NON_FINITE_HESSIAN and "Hessian not finite" in result.message
    result = minimize(fun, "tr", [1.0, 2.0], jac=lambda x: 2 * x, hess=lambda x: np.full((2, 2), np.inf))
    assert result.status is Status.NON_FINITE_HESSIAN


def test_nan_during_the_run_is_a_status():
    result = minimize(optkit.problem_from_expression("log(x)"), "gd", [0.5], lr=1.0)
    assert result.status is Status.NON_FINITE and not result.success
    assert math.isnan(result.f) or math.isinf(result.f)


def test_nan_at_the_start_is_a_status():
    result = minimize(lambda x: float("nan"), "gd", [1.0], jac=lambda x: np.array([1.0]))
    assert result.status is Status.NON_FINITE and result.iterations == 0


def test_max_evals_and_stalls_are_failures_with_their_measures():
    result = minimize(rosenbrock(), "gd", line_search="armijo", max_evals=50)
    assert result.status is Status.MAX_EVALS and not result.success
    assert "max_evals 50" in result.message
    result = minimize(rosenbrock(), "gd", line_search="armijo", ftol=1e-3)
    assert result.status is Status.FTOL and not result.success and "ftol" in result.message
    result = minimize(rosenbrock(), "gd", line_search="armijo", xtol=1e-3)
    assert result.status is Status.XTOL and not result.success


def test_divergence_by_norm_bound():
    result = minimize(optkit.get_problem("saddle"), "gd", line_search="armijo")
    assert result.status is Status.DIVERGING
    assert "no stationary point reached; iterates diverging: ‖x‖₂" in result.message


def test_radius_floor_is_a_status():
    # a gradient with the wrong sign (f = x·x, jac = −2x): every model predicts a decrease where f rises,
    # so ρ < 0 at every step: Δ = 1, ¼, 1/16, 1/64, 1/256 are rejected in turn and the fifth rejection
    # leaves Δ = 1/1024 < delta_min = 1e-3, which ends the run at iterate k = 4 (by hand)
    fun = lambda x: float(x @ x)  # noqa: E731
    result = minimize(fun, "tr", [1.0, 1.0], jac=lambda x: -2 * x, hess=lambda x: 2 * np.eye(2), delta_min=1e-3, delta0=1.0,
                      subproblem="cauchy", max_iter=200)
    assert result.status is Status.RADIUS_FLOOR and result.iterations == 4
    assert [r.data["delta"] for r in result.trace] == [4.0**-i for i in range(5)]
    assert all(r.data["accepted"] is False for r in result.trace) and not result.success
    assert all(r.x == [1.0, 1.0] for r in result.trace)


def test_gradient_norm_is_the_euclidean_norm():
    result = minimize(optkit.problem_from_expression("x**2 + y**2"), "gd", [3.0, 4.0], lr=0.1, max_iter=0)
    assert result.trace[0].grad_norm == 10.0  # ‖(6, 8)‖₂
    assert result.status is Status.MAX_ITER and "max_iter 0" in result.message


# ---------------------------------------------------------------- SciPy-style callables


def test_plain_callables_run_through_every_method():
    from scipy.optimize import rosen, rosen_der, rosen_hess, rosen_hess_prod

    for method, options in [("gd", {"line_search": "wolfe", "max_iter": 5}), ("newton", {}), ("tr", {}),
                            ("tr", {"subproblem": "cg"}), ("sfn", {}), ("sfn", {"krylov_dim": 2})]:
        result = minimize(rosen, method, [-1.2, 1.0], jac=rosen_der, hess=rosen_hess, hessp=rosen_hess_prod,
                          **options)
        if method != "gd":
            assert result.success and result.x == pytest.approx([1, 1], abs=1e-6)
        else:  # five strong Wolfe steps of gradient descent: f falls at every one, the run stops at max_iter
            fs = [r.f for r in result.trace]
            assert result.status is Status.MAX_ITER and len(fs) == 6 and all(b < a for a, b in zip(fs, fs[1:]))


def test_missing_derivative_is_named_or_finite_differences_fill_it():
    from scipy.optimize import rosen, rosen_der

    with pytest.raises(OptkitError, match="newton needs the Hessian.*finite_differences"):
        minimize(rosen, "newton", [-1.2, 1.0], jac=rosen_der)
    with pytest.raises(OptkitError, match="needs the gradient"):
        minimize(rosen, "gd", [-1.2, 1.0])
    result = minimize(rosen, "newton", [-1.2, 1.0], finite_differences=True, gtol=1e-5)
    assert result.success and result.x == pytest.approx([1, 1], abs=1e-4)


def test_library_errors_for_bad_options():
    p = optkit.get_problem("course-2.2")
    with pytest.raises(OptkitError, match="x0 has 3 components"):
        minimize(p, "gd", [1, 2, 3])
    with pytest.raises(OptkitError, match="0 ≤ eta < 0.25"):
        minimize(p, "tr", eta=0.5)
    with pytest.raises(OptkitError, match="does not apply to newton"):
        minimize(p, "newton", lr=0.1)


# ---------------------------------------------------------------- schedules


@pytest.mark.parametrize("spec, k, expected", [
    ("constant", 5, 0.1),
    ("inverse-time:r=0.5", 4, 0.1 / 3),
    ("step:gamma=0.5,every=3", 7, 0.1 * 0.25),
    ("exponential:gamma=0.9", 3, 0.1 * 0.729),
    ("cosine:T=10,alpha_min=0.01", 5, 0.01 + 0.09 * 0.5),
    ("cosine:T=10,alpha_min=0.01", 10, 0.01),
    ("cosine:T=10,alpha_min=0.01", 25, 0.01),  # clamped at T (optax), not periodic (PyTorch)
    ("polynomial:T=4,power=2,end=0", 2, 0.1 * 0.25),
    ("polynomial:T=4,power=2,end=0.02", 9, 0.02),
    ("warmup:steps=4", 0, 0.025),
    ("warmup:steps=4", 10, 0.1),
])
def test_schedules_match_their_closed_forms(spec, k, expected):
    assert make_schedule(spec, 0.1)(k) == pytest.approx(expected, rel=1e-12)


def test_formula_schedule_is_exact_in_exact_mode():
    import sympy as sp

    s = make_schedule("1/(k+2)", 0.01, lr_given=False)
    assert s(0) == 0.5 and s.exact(1) == sp.Rational(1, 3)
    assert make_schedule("step:gamma=0.5,every=2", 0.1).exact(5) == sp.Rational(1, 40)


@pytest.mark.parametrize("spec", ["cosine:T=0", "step:gamma=1.5", "exponential:gamma=0", "warmup:steps=2.5",
                                  "polynomial:power=-1", "cosine:alpha_min=1", "nonsense(k", "1/(k-2)", ""])
def test_invalid_schedules_raise(spec):
    with pytest.raises(OptkitError):
        s = make_schedule(spec, 0.1, lr_given=False)
        for k in range(5):
            s(k)


# ---------------------------------------------------------------- searches


def test_armijo_on_x_squared_halves_once():
    # f = x² at 1, p = −g = −2: α = 1 gives f(−1) = 1 > 1 − 4c₁; α = ½ gives f(0) = 0: accepted
    result = minimize(optkit.problem_from_expression("x**2"), "gd", [1.0], line_search="armijo", max_iter=1)
    assert result.trace[0].data["alpha"] == 0.5 and result.trace[0].data["trials"] == 2
    assert result.trace[1].x == [0.0]


def test_exact_line_search_contracts_by_9_over_11_squared():
    # N&W Theorem 3.3 at equality: A = diag(1, 10) from (10, 1)
    p = optkit.get_problem("quadratic")
    result = minimize(p, "gd", [10, 1], line_search="exact", max_iter=6)
    fs = [r.f for r in result.trace]
    for a, b in zip(fs, fs[1:]):
        assert b / a == pytest.approx((9 / 11) ** 2, rel=1e-12)


def test_exact_line_search_is_refused_on_non_quadratics():
    with pytest.raises(OptkitError, match="quadratic"):
        minimize(optkit.get_problem("rosenbrock"), "gd", line_search="exact")
    with pytest.raises(OptkitError, match="degree 4"):
        minimize(optkit.get_problem("quartic"), "gd", line_search="exact")


def test_wolfe_steps_satisfy_the_strong_wolfe_conditions():
    p = optkit.get_problem("rosenbrock")
    result = minimize(p, "gd", line_search="wolfe", max_iter=20)
    for a, b in zip(result.trace, result.trace[1:]):
        g0 = p.grad(np.array(a.x))
        g1 = p.grad(np.array(b.x))
        pdir = -g0
        alpha = a.data["alpha"]
        if a.data.get("approximate"):
            continue
        assert b.f <= a.f + 1e-4 * alpha * (g0 @ pdir)
        assert abs(g1 @ pdir) <= 0.9 * abs(g0 @ pdir) + 1e-12


def test_damped_newton_falls_back_on_a_non_descent_direction():
    # at (0.1, 0.5) on x² − y² + y⁴/4 … H is indefinite; Armijo-damped Newton shifts H and records it
    p = optkit.problem_from_expression("x**2 - y**2 + y**4/4")
    result = minimize(p, "newton", [1.0, 0.5], line_search="armijo")
    assert result.success and result.classification["kind"] == "minimum"
    assert any(r.data.get("fallback") == "shift" for r in result.trace)
    pure = minimize(p, "newton", [1.0, 0.5])
    assert pure.classification["kind"] == "saddle"  # pure Newton is drawn into the saddle (0, 0)


# ---------------------------------------------------------------- momentum and Adam variants


def test_heavy_ball_first_step_is_plain_gd_then_adds_momentum():
    p = optkit.problem_from_expression("x**2")
    result = minimize(p, "gd", [1.0], lr=0.1, momentum="heavy-ball", beta=0.5, max_iter=2)
    x0, x1, x2 = (r.x[0] for r in result.trace)
    assert x1 == pytest.approx(0.8)  # v = −0.1·2
    assert x2 == pytest.approx(0.8 + (0.5 * -0.2 - 0.1 * 1.6))


def test_adamw_decouples_weight_decay():
    p = optkit.problem_from_expression("3*x")  # g = 3 everywhere
    result = minimize(p, "adam", [2.0], lr=0.1, weight_decay=0.5, max_iter=1)
    assert result.trace[1].x[0] == pytest.approx(2.0 - 0.1 * (3 / (3 + 1e-8) + 0.5 * 2.0))


def test_amsgrad_keeps_the_running_maximum():
    # f = x²/2 from 1 with α = 0.9, β₂ = ½: g₁ = 1, x₁ ≈ 0.1, g₂ ≈ 0.1.
    # v₁ = ½, v₂ = ¼ + ½·0.01 = 0.255: plain v̂₂ = 0.255/(1 − ¼) = 0.34; AMSGrad keeps max v = ½: v̂₂ = 2/3
    p = optkit.problem_from_expression("x**2/2")
    plain = minimize(p, "adam", [1.0], lr=0.9, max_iter=2, beta2=0.5)
    ams = minimize(p, "adam", [1.0], lr=0.9, max_iter=2, beta2=0.5, amsgrad=True)
    assert plain.trace[1].x == ams.trace[1].x
    assert plain.trace[1].data["v_hat"] == pytest.approx([0.34], rel=1e-6)
    assert ams.trace[1].data["v_hat"] == pytest.approx([2 / 3], rel=1e-6)


def test_a_stall_where_g_is_in_the_null_space_of_h_is_called_gradient_flat():
    result = minimize(optkit.problem_from_expression("x**2 + 0.000001*y"), "gd", [1, 0], lr=0.1, max_iter=200)
    assert not result.success and any("gradient-flat region" in note for note in result.notes)


def test_callback_can_stop_the_run():
    seen = []

    def callback(record):
        seen.append(record.k)
        return record.k == 3

    result = minimize(optkit.get_problem("course-2.2"), "gd", callback=callback)
    assert result.status is Status.CALLBACK and result.iterations == 3 and seen == [0, 1, 2, 3]


def test_large_n_trace_keeps_the_norm_and_the_first_coordinates():
    p = optkit.get_problem("rosenbrock", n=1200)
    result = minimize(p.f, "tr", p.x0, jac=p.grad, hessp=p.hvp, subproblem="cg", max_iter=3)
    assert result.trace[0].x_truncated and len(result.trace[0].x) == 10
    assert result.trace[0].x_norm == pytest.approx(np.linalg.norm(p.x0))
    assert result.evaluations["hess"] == 0 and result.trace[0].eigenvalues is None


def test_pure_newton_records_a_non_descent_step_and_fallbacks_are_recorded():
    # x² − y² from (1e-3, 1): gᵀp = −2x² + 2y² > 0, so the Newton direction climbs; pure Newton takes it
    p = optkit.get_problem("saddle")
    pure = minimize(p, "newton", [1e-3, 1.0])
    assert "does not descend" in pure.trace[0].note and pure.trace[0].data["descent"] is False
    assert pure.classification["kind"] == "saddle"
    steepest = minimize(p, "newton", [1e-3, 1.0], line_search="armijo", fallback="steepest", max_iter=3)
    assert steepest.trace[0].data["fallback"] == "steepest" and "p = −g" in steepest.trace[0].note
    shifted = minimize(p, "newton", [1e-3, 1.0], line_search="armijo", max_iter=3)
    assert shifted.trace[0].data["fallback"] == "shift" and shifted.trace[0].data["damping"] > 2


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=25)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 5), sub=st.sampled_from(["exact", "dogleg", "cg", "cauchy"]))
def test_trust_region_on_random_quadratics_never_increases_f(seed, n, sub):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n))
    A = A + A.T  # indefinite in general
    b = rng.standard_normal(n)
    fun = lambda x: float(0.5 * x @ A @ x - b @ x)  # noqa: E731
    result = minimize(fun, "tr", rng.standard_normal(n), jac=lambda x: A @ x - b, hess=lambda x: A,
                      subproblem=sub, max_iter=40)
    fs = [r.f for r in result.trace]
    assert all(b_ <= a + ROUNDING * max(1.0, abs(a)) for a, b_ in zip(fs, fs[1:]))
    lam = np.linalg.eigvalsh(A)
    if lam[0] < -1e-8 * max(1.0, abs(lam[-1])):
        # indefinite: f is unbounded below, there is no minimum to find, so never success
        assert not result.success and result.outcome != "minimum"
    elif result.converged:  # positive definite: the only stationary point is the minimiser A⁻¹b
        assert result.success and result.outcome == "minimum"
        assert result.x_array == pytest.approx(np.linalg.solve(A, b), abs=1e-6 * max(1.0, 1 / lam[0]))


@settings(max_examples=25)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 6))
def test_newton_lands_on_the_stationary_point_of_a_quadratic_in_one_step(seed, n):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lam = rng.uniform(0.5, 5, n) * rng.choice([-1, 1], n)
    A = Q @ np.diag(lam) @ Q.T
    b = rng.standard_normal(n)
    result = minimize(lambda x: float(0.5 * x @ A @ x - b @ x), "newton", np.zeros(n) + 1,
                      jac=lambda x: A @ x - b, hess=lambda x: A, gtol=1e-9)
    assert result.iterations <= 2 and result.converged
    assert result.x_array == pytest.approx(np.linalg.solve(A, b), abs=1e-8)
    expected = "minimum" if np.all(lam > 0) else ("maximum" if np.all(lam < 0) else "saddle")
    assert result.classification["kind"] == expected
    assert result.outcome == expected and result.success is (expected == "minimum")
