"""Damped (modified) Newton is not drawn into saddles; pure Newton stays pure; singular means untrustworthy.

Issue 9 §2 and §3.  Golden values: eigenvalues and solves from numpy/scipy
(independent of the code under test) or by hand, as noted beside each.
"""

from __future__ import annotations

import numpy as np
import pytest

import optkit
from optkit.methods.descents import shifted_newton, trusted_solve
from optkit.run.driver import minimize
from optkit.run.results import Status


# ---------------------------------------------------------------- the modification in isolation


def test_shift_is_zero_and_the_step_is_newtons_for_a_positive_definite_h():
    H, g = np.array([[4.0, 1.0], [1.0, 3.0]]), np.array([1.0, -2.0])
    tau, p = shifted_newton(H, g)
    assert tau == 0.0
    np.testing.assert_allclose(p, np.linalg.solve(H, -g), rtol=1e-14)  # numpy's solve, independent


@pytest.mark.parametrize("H", [np.diag([1.0, -1.0]), np.array([[1.0, 2.0], [2.0, 1.0]]), np.diag([0.0, 2.0])])
def test_shift_makes_h_positive_definite_and_the_step_descends(H):
    g = np.array([0.3, -0.7])
    tau, p = shifted_newton(H, g)
    assert tau > 0
    assert np.linalg.eigvalsh(H + tau * np.eye(2))[0] > 0
    np.testing.assert_allclose((H + tau * np.eye(2)) @ p, -g, atol=1e-12)
    assert g @ p < 0


def test_trusted_solve_accepts_a_badly_scaled_but_exact_system():
    # Brown badly scaled: H = diag(2, 2e12) is far from singular for a solve (LU is exact to rounding)
    H, b = np.diag([2.0, 2e12]), np.array([1.0, 1.0])
    p, rcond, _ = trusted_solve(H, b)
    np.testing.assert_allclose(p, [0.5, 5e-13], rtol=1e-15)  # by hand
    assert rcond == pytest.approx(1e-12)  # 1-norm condition of diag(2, 2e12) is 1e12, by hand


@pytest.mark.parametrize("H", [np.array([[1.0, 1.0], [1.0, 1.0]]), np.diag([0.0, 2.0]),
                               np.array([[1.0, 1.0], [1.0, 1.0 + 1e-17]])])
def test_trusted_solve_refuses_singular_systems(H):
    p, rcond, _ = trusted_solve(H, np.array([1.0, 2.0]))
    assert p is None and rcond <= np.finfo(float).eps


# ---------------------------------------------------------------- runs


HIMMELBLAU_START = [0.43625, 4.350724]  # issue 9 §2 reproducer


def test_damped_newton_on_himmelblau_reaches_a_minimum_and_records_the_modification():
    p = optkit.get_problem("himmelblau")
    # independent check that the start sits where H is indefinite (numpy eigenvalues)
    assert np.linalg.eigvalsh(p.hess(np.array(HIMMELBLAU_START)))[0] < 0
    r = minimize(p, "newton+armijo", HIMMELBLAU_START)
    assert r.outcome == "minimum" and r.success
    first = r.trace[0].data
    assert first["modification"] == "shift" and first["damping"] > 0
    assert "N&W Alg. 3.3" in r.trace[0].note


def test_pure_newton_still_walks_into_the_himmelblau_saddle():
    # course exercise E10: pure Newton is attracted to the nearest stationary point, whatever its kind
    r = minimize(optkit.get_problem("himmelblau"), "newton", HIMMELBLAU_START)
    assert r.outcome == "saddle" and not r.success


def test_damped_newton_steps_off_a_saddle_it_reaches_exactly():
    # x² − y² from (1, 0): ∇f has no y component on y = 0, so only negative curvature can move it off
    problem = optkit.problem_from_expression("x**2 - y**2 + 0.1*y**4")
    r = minimize(problem, "newton+armijo", [1.0, 0.0])
    assert r.outcome == "minimum"
    assert abs(r.x[1]) == pytest.approx(np.sqrt(5.0), rel=1e-8)  # minima at y = ±√5, by hand
    assert any(rec.data.get("escape") for rec in r.trace)
    assert any("saddle" in note for note in r.notes)


SADDLE_PROBLEMS = ["himmelblau", "beale", "six-hump-camel", "styblinski-tang", "goldstein-price", "rastrigin",
                   "three-hump-camel", "mccormick", "course-2.2", "freudenstein-roth"]


@pytest.mark.slow
@pytest.mark.parametrize("name", SADDLE_PROBLEMS)
def test_damped_newton_never_ends_at_a_saddle_or_maximum(name):
    p = optkit.get_problem(name)
    rng = np.random.default_rng(2024)
    lo, hi = p.box[:, 0], p.box[:, 1]
    for x0 in [p.x0] + [rng.uniform(lo, hi) for _ in range(20)]:
        r = minimize(p, "newton+armijo", x0, eig=False)
        assert r.outcome not in ("saddle", "maximum"), (name, x0, r.message)


def test_pure_newton_on_brown_is_not_stopped_by_a_false_singularity():
    # issue 9 §3: H ≈ [[2, 4], [4, 2e12]] at (1000001, 2e-6); min|λ|/max|λ| ≈ 1e-12 but the solve is exact
    r = minimize(optkit.get_problem("brown-badly-scaled"), "newton", [1000001.0, 0.000002])
    assert r.status is Status.CONVERGED
    np.testing.assert_allclose(r.x, [1e6, 2e-6], rtol=1e-10)  # the minimizer, from the problem file


def test_exactly_singular_hessian_is_still_a_status():
    r = minimize(optkit.problem_from_expression("x**3 + y**2"), "newton", [0, 1])
    assert r.status is Status.SINGULAR_HESSIAN and "reciprocal condition" in r.message
