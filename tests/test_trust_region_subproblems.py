"""Trust-region subproblem solvers in isolation: hand-worked steps, easy,
interior, boundary and hard cases, and properties over random symmetric H.

m(p) = gᵀp + ½pᵀHp on ‖p‖ ≤ Δ throughout (N&W chapter 4 notation).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from optkit.methods.subproblems import (
    SOLVERS,
    HessianOperator,
    SubproblemResult,
    cauchy_point,
    dogleg,
    more_sorensen,
    steihaug_cg,
)


def model(g, H, p):
    g, H, p = np.asarray(g, float), np.asarray(H, float), np.asarray(p, float)
    return float(g @ p + 0.5 * p @ H @ p)


def assert_more_sorensen(g, H, delta, res, rtol=1e-8):
    """N&W Theorem 4.1: (H+λI)p = −g, λ ≥ 0, λ(Δ − ‖p‖) = 0, H + λI ⪰ 0."""
    g, H = np.asarray(g, float), np.asarray(H, float)
    p, lam = res.p, res.lam
    n = g.size
    hnorm = np.linalg.norm(H, 2)
    pnorm = np.linalg.norm(p)
    assert lam is not None and lam >= 0.0
    assert pnorm <= delta * (1 + rtol)
    residual = np.linalg.norm((H + lam * np.eye(n)) @ p + g)
    assert residual <= rtol * (np.linalg.norm(g) + (hnorm + lam) * pnorm), residual
    if lam > 0.0:
        assert abs(pnorm - delta) <= rtol * delta
    assert np.linalg.eigvalsh(H + lam * np.eye(n))[0] >= -rtol * (hnorm + lam)


# ----------------------------------------------------------------------------
# the two known instances of algorithms.md, worked by hand


def test_hard_case_known_instance():
    # H = diag(−2, 1), g = (0, 1), Δ = 1.  g ⟂ e₁ (eigenvector of λ₁ = −2), and
    # p(λ=2) = −(0, 1/(1+2)) = (0, −1/3) has norm 1/3 < 1: the hard case.
    # λ = 2, p = (τ, −1/3) with τ² + 1/9 = 1, τ = ±2√2/3;
    # m = −1/3 + ½(−2·8/9 + 1/9) = −1/3 − 5/6 = −7/6 for either sign.
    H, g = np.diag([-2.0, 1.0]), np.array([0.0, 1.0])
    res = more_sorensen(g, H, 1.0)
    assert res.lam == pytest.approx(2.0, abs=1e-8)
    assert abs(res.p[0]) == pytest.approx(2 * math.sqrt(2) / 3, abs=1e-8)
    assert res.p[1] == pytest.approx(-1 / 3, abs=1e-8)
    assert np.linalg.norm(res.p) == pytest.approx(1.0, abs=1e-8)
    assert model(g, H, res.p) == pytest.approx(-7 / 6, abs=1e-8)
    assert res.model_decrease == pytest.approx(7 / 6, abs=1e-8)
    assert res.hits_boundary
    assert "hard case" in res.note
    assert_more_sorensen(g, H, 1.0, res)


def test_psd_singular_interior_known_instance():
    # H = [[1,1],[1,1]] has eigenvalues 0 (q = (1,−1)/√2) and 2 (q = (1,1)/√2);
    # g = (1,1) lies in the range.  Minimum-norm solution of Hp = −g:
    # p = −(qᵀg/2) q = −(√2/2)(1,1)/√2 = (−½, −½), ‖p‖ = 1/√2 ≤ 1, so λ = 0 and
    # m = −1 + ½(p₁ + p₂)² = −1 + ½ = −½.
    H, g = np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([1.0, 1.0])
    res = more_sorensen(g, H, 1.0)
    np.testing.assert_allclose(res.p, [-0.5, -0.5], atol=1e-12)
    assert res.lam == 0.0
    assert not res.hits_boundary
    assert model(g, H, res.p) == pytest.approx(-0.5, abs=1e-12)
    assert_more_sorensen(g, H, 1.0, res)


def test_dogleg_on_singular_psd_falls_back_to_exact():
    H, g = np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([1.0, 1.0])
    res = dogleg(g, H, 1.0)
    np.testing.assert_allclose(res.p, [-0.5, -0.5], atol=1e-12)
    assert "positive definite: dogleg fell back" in res.note


# ----------------------------------------------------------------------------
# hand-worked Cauchy point and dogleg step on one SPD example
#
#   H = diag(1, 4), g = (2, 2):  ‖g‖ = 2√2, ‖g‖³ = 16√2, gᵀg = 8, gᵀHg = 4 + 16 = 20.
#   Newton step  p_B = −H⁻¹g = (−2, −½),  ‖p_B‖² = 4.25.
#   p_U = −(gᵀg / gᵀHg) g = −0.4·(2, 2) = (−0.8, −0.8),  ‖p_U‖ = 0.8√2 ≈ 1.131.

H_SPD = np.diag([1.0, 4.0])
G_SPD = np.array([2.0, 2.0])


def test_cauchy_point_by_hand_on_boundary():
    # Δ = 1: τ = min(16√2 / (1·20), 1) = min(1.131, 1) = 1, p = −Δ g/‖g‖ = −(1,1)/√2.
    # m = −(4/√2) + ½·(1·½ + 4·½) = −2√2 + 1.25.
    res = cauchy_point(G_SPD, H_SPD, 1.0)
    np.testing.assert_allclose(res.p, -np.array([1.0, 1.0]) / math.sqrt(2), atol=1e-14)
    assert res.hits_boundary
    assert res.model_decrease == pytest.approx(2 * math.sqrt(2) - 1.25, abs=1e-14)
    assert res.lam is None


def test_cauchy_point_by_hand_inside():
    # Δ = 2: τ = 16√2 / (2·20) = 0.4√2 ≈ 0.566 < 1,
    # p = −τΔ g/‖g‖ = −0.4√2 · 2 · (2,2)/(2√2) = (−0.8, −0.8) = p_U.
    # m = gᵀp + ½pᵀHp = −3.2 + ½(0.64 + 2.56) = −1.6.
    res = cauchy_point(G_SPD, H_SPD, 2.0)
    np.testing.assert_allclose(res.p, [-0.8, -0.8], atol=1e-14)
    assert not res.hits_boundary
    assert res.model_decrease == pytest.approx(1.6, abs=1e-14)
    assert res.hvp_count == 1


def test_cauchy_point_negative_curvature_goes_to_boundary():
    # gᵀHg = 1 − 2 < 0 → τ = 1, p = −Δ g/‖g‖
    res = cauchy_point([1.0, 1.0], np.diag([1.0, -2.0]), 3.0)
    np.testing.assert_allclose(res.p, -3.0 * np.array([1.0, 1.0]) / math.sqrt(2))
    assert res.hits_boundary and "curvature" in res.note


def test_dogleg_by_hand_second_leg():
    # Choose Δ so the dogleg point is the midpoint of the second leg (τ = 1.5):
    # p = p_U + ½(p_B − p_U) = (−0.8, −0.8) + ½(−1.2, 0.3) = (−1.4, −0.65),
    # Δ² = 1.96 + 0.4225 = 2.3825; since ‖p_U‖² = 1.28 < Δ² < 4.25 = ‖p_B‖² it is on leg 2.
    # m = 2(−1.4) + 2(−0.65) + ½(1.96 + 4·0.4225) = −4.1 + 1.825 = −2.275.
    res = dogleg(G_SPD, H_SPD, math.sqrt(2.3825))
    np.testing.assert_allclose(res.p, [-1.4, -0.65], atol=1e-12)
    assert res.hits_boundary
    assert res.model_decrease == pytest.approx(2.275, abs=1e-12)
    assert res.note == ""


def test_dogleg_first_leg_and_interior():
    # Δ = 1 < ‖p_U‖: steepest-descent leg cut at the boundary, −Δ g/‖g‖ (the Cauchy point).
    np.testing.assert_allclose(dogleg(G_SPD, H_SPD, 1.0).p, cauchy_point(G_SPD, H_SPD, 1.0).p)
    # Δ = 3 > ‖p_B‖ ≈ 2.06: the full Newton step.
    res = dogleg(G_SPD, H_SPD, 3.0)
    np.testing.assert_allclose(res.p, [-2.0, -0.5], atol=1e-14)
    assert not res.hits_boundary


def test_dogleg_indefinite_does_not_raise():
    H, g = np.diag([-2.0, 1.0]), np.array([1.0, 1.0])
    res = dogleg(g, H, 1.0)
    assert np.linalg.norm(res.p) <= 1.0 * (1 + 1e-10)
    assert "positive definite: dogleg fell back" in res.note
    assert res.model_decrease >= cauchy_point(g, H, 1.0).model_decrease
    assert res.model_decrease == pytest.approx(more_sorensen(g, H, 1.0).model_decrease)


# ----------------------------------------------------------------------------
# exact solver: interior, boundary, hard and nearly-hard cases


def _spd(n, seed):
    A = np.random.default_rng(seed).standard_normal((n, n))
    return A.T @ A + np.eye(n)


def test_exact_interior_spd_is_newton_step():
    H = _spd(5, 0)
    g = np.random.default_rng(1).standard_normal(5)
    p_newton = -np.linalg.solve(H, g)
    res = more_sorensen(g, H, 10 * np.linalg.norm(p_newton))
    np.testing.assert_allclose(res.p, p_newton, rtol=1e-10)
    assert res.lam == 0.0 and not res.hits_boundary and res.note == ""


def test_exact_boundary_spd():
    H = _spd(5, 2)
    g = np.random.default_rng(3).standard_normal(5)
    delta = 0.1 * np.linalg.norm(np.linalg.solve(H, g))
    res = more_sorensen(g, H, delta)
    assert res.hits_boundary and res.lam > 0
    assert np.linalg.norm(res.p) == pytest.approx(delta, rel=1e-10)
    assert_more_sorensen(g, H, delta, res)


def test_exact_nearly_hard_case():
    # g has a tiny component along the eigenvector of λ₁ = −2: λ sits just above 2
    # and the secular equation has a pole right next to the root.
    H, g = np.diag([-2.0, 1.0]), np.array([1e-9, 1.0])
    res = more_sorensen(g, H, 1.0)
    assert res.lam == pytest.approx(2.0, abs=1e-8)
    assert model(g, H, res.p) == pytest.approx(-7 / 6, abs=1e-8)
    assert_more_sorensen(g, H, 1.0, res)


def test_exact_hard_case_repeated_eigenvalue_rotated():
    Q, _ = np.linalg.qr(np.random.default_rng(4).standard_normal((4, 4)))
    H = Q @ np.diag([-1.0, -1.0, 2.0, 3.0]) @ Q.T
    g = Q @ np.array([0.0, 0.0, 1.0, 1.0])  # orthogonal to the λ₁ = −1 eigenspace
    res = more_sorensen(g, H, 2.0)
    assert res.lam == pytest.approx(1.0, abs=1e-8)
    assert np.linalg.norm(res.p) == pytest.approx(2.0, rel=1e-10)
    assert "hard case" in res.note
    assert_more_sorensen(g, H, 2.0, res)
    # ‖p(1)‖² = 1/9 + 1/16, remaining length goes along the λ₁ eigenspace at curvature −1
    expected = -(1 / 3 + 1 / 4) + 0.5 * (2 / 9 + 3 / 16) - 0.5 * (4 - 1 / 9 - 1 / 16)
    assert model(g, H, res.p) == pytest.approx(expected, abs=1e-10)


def test_exact_not_converged_returns_feasible_step_and_says_so():
    H = _spd(5, 11)
    g = np.random.default_rng(12).standard_normal(5)
    delta = 1e-3 * np.linalg.norm(np.linalg.solve(H, g))
    res = more_sorensen(g, H, delta, max_iter=1)
    assert np.linalg.norm(res.p) <= delta
    assert "not converged" in res.note
    assert more_sorensen(g, H, delta).note == ""


def test_exact_zero_gradient_indefinite_moves_along_negative_curvature():
    res = more_sorensen([0.0, 0.0], np.diag([3.0, -1.0]), 2.0)
    np.testing.assert_allclose(np.abs(res.p), [0.0, 2.0], atol=1e-14)
    assert res.model_decrease == pytest.approx(2.0)  # −½·(−1)·2²


def test_cg_cannot_see_the_hard_case_but_exact_does():
    # Krylov space of (H, g) = span{e₂}: CG never sees the −2 curvature along e₁.
    H, g = np.diag([-2.0, 1.0]), np.array([0.0, 1.0])
    cg = steihaug_cg(g, lambda v: H @ v, 1.0)
    np.testing.assert_allclose(cg.p, [0.0, -1.0], atol=1e-14)
    assert model(g, H, cg.p) == pytest.approx(-0.5)
    assert more_sorensen(g, H, 1.0).model_decrease > cg.model_decrease + 0.6


# ----------------------------------------------------------------------------
# Steihaug–Toint CG


class HvpOnly(HessianOperator):
    """An operator that records any request for the dense matrix."""

    def __init__(self, H):
        super().__init__(hvp=lambda v: H @ v)
        self.matrix_requests = 0

    def matrix(self):
        self.matrix_requests += 1
        return super().matrix()


def test_cg_large_radius_spd_is_newton_step_with_hvp_only():
    H = _spd(6, 5)
    g = np.random.default_rng(6).standard_normal(6)
    op = HvpOnly(H)
    res = steihaug_cg(g, op, 1e6, tol=1e-12 * np.linalg.norm(g), max_iter=60)
    np.testing.assert_allclose(res.p, -np.linalg.solve(H, g), rtol=1e-8)
    assert not res.hits_boundary
    assert op.matrix_requests == 0
    assert res.hvp_count == op.hvp_calls > 0
    assert res.model_decrease == pytest.approx(-model(g, H, res.p), rel=1e-10)


def test_cg_default_tolerance_is_inexact_newton():
    # N&W eq. 7.3: stop once ‖Hp + g‖ ≤ min(0.5, √‖g‖)‖g‖
    H = _spd(6, 7)
    g = 1e-2 * np.random.default_rng(8).standard_normal(6)
    res = steihaug_cg(g, lambda v: H @ v, 1e6)
    gn = np.linalg.norm(g)
    assert np.linalg.norm(H @ res.p + g) <= min(0.5, math.sqrt(gn)) * gn
    assert res.hvp_count <= 6


def test_cg_negative_curvature_by_hand():
    # H = diag(2, −1), g = (1, 1), Δ = 10.
    # j=0: d₀ = (−1,−1), d₀ᵀHd₀ = 1, α₀ = 2, z₁ = (−2,−2) (inside), r₁ = (1,1) + 2(−2,1) = (−3,3).
    # j=1: β₁ = 18/2 = 9, d₁ = (3,−3) + 9(−1,−1) = (−6,−12), d₁ᵀHd₁ = 72 − 144 = −72 < 0.
    # Boundary: ‖z₁ + τd₁‖² = 100 ⇔ 45τ² + 18τ − 23 = 0, τ = (−3 ± 2√31)/15; the positive
    # root has model change τ·d₁ᵀr₁ + ½τ²(−72) = −18τ − 36τ², lower than the negative root's.
    H, g = np.diag([2.0, -1.0]), np.array([1.0, 1.0])
    res = steihaug_cg(g, lambda v: H @ v, 10.0)
    tau = (-3 + 2 * math.sqrt(31)) / 15
    np.testing.assert_allclose(res.p, [-2 - 6 * tau, -2 - 12 * tau], rtol=1e-12)
    assert np.linalg.norm(res.p) == pytest.approx(10.0, rel=1e-12)
    assert res.hits_boundary
    assert res.note == "negative curvature found at CG iteration 1"
    assert res.hvp_count == 2
    assert res.model_decrease == pytest.approx(-model(g, H, res.p), rel=1e-12)


def test_cg_boundary_on_spd():
    H = _spd(4, 9)
    g = np.random.default_rng(10).standard_normal(4)
    res = steihaug_cg(g, lambda v: H @ v, 0.01)
    assert res.hits_boundary
    assert np.linalg.norm(res.p) == pytest.approx(0.01, rel=1e-12)


# ----------------------------------------------------------------------------
# HessianOperator, SOLVERS and input validation


def test_hessian_operator():
    H = np.array([[2.0, 1.0], [1.0, 3.0]])
    op = HessianOperator(matrix=H)
    np.testing.assert_allclose(op.matvec(np.array([1.0, 0.0])), [2.0, 1.0])
    assert op.hvp_calls == 1
    np.testing.assert_array_equal(op.matrix(), H)
    hvp_only = HessianOperator(hvp=lambda v: H @ v)
    with pytest.raises(ValueError, match="only Hessian-vector products"):
        hvp_only.matrix()
    with pytest.raises(ValueError):
        HessianOperator()


@pytest.mark.parametrize("name", ["cauchy", "dogleg", "cg", "exact"])
def test_solvers_uniform_calling_convention(name):
    assert set(SOLVERS) == {"cauchy", "dogleg", "cg", "exact"}
    H, g = np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([1.0, -1.0])
    res = SOLVERS[name](g, HessianOperator(matrix=H), 0.5)
    assert isinstance(res, SubproblemResult)
    assert np.linalg.norm(res.p) <= 0.5 * (1 + 1e-10)
    assert res.model_decrease == pytest.approx(-model(g, H, res.p), rel=1e-10)


@pytest.mark.parametrize("name", ["cauchy", "cg"])
def test_hvp_only_solvers(name):
    H, g = np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([1.0, -1.0])
    op = HvpOnly(H)
    res = SOLVERS[name](g, op, 0.5)
    assert op.matrix_requests == 0 and res.hvp_count == op.hvp_calls


@pytest.mark.parametrize("name", ["dogleg", "exact"])
def test_dense_solvers_reject_hvp_only_clearly(name):
    op = HessianOperator(hvp=lambda v: v)
    with pytest.raises(ValueError, match="dense Hessian"):
        SOLVERS[name](np.ones(2), op, 1.0)


@pytest.mark.parametrize("solver", [cauchy_point, dogleg, steihaug_cg, more_sorensen])
@pytest.mark.parametrize(
    "g, H, delta, match",
    [
        ([1.0, 1.0], np.eye(2), 0.0, "delta"),
        ([1.0, 1.0], np.eye(2), -1.0, "delta"),
        ([1.0, 1.0], np.eye(2), math.inf, "delta"),
        ([1.0, math.nan], np.eye(2), 1.0, "non-finite"),
        ([1.0, 1.0], np.array([[1.0, math.inf], [0.0, 1.0]]), 1.0, "non-finite"),
        ([1.0, 1.0, 1.0], np.eye(2), 1.0, "shape|match"),
    ],
)
def test_invalid_input_raises(solver, g, H, delta, match):
    with pytest.raises(ValueError, match=match):
        solver(g, H, delta)


# ----------------------------------------------------------------------------
# properties over random symmetric matrices

_entries = st.one_of(
    st.integers(-3, 3).map(float),  # exact zeros and ties: singular and hard cases
    st.floats(-10, 10, allow_nan=False).map(lambda x: 0.0 if abs(x) < 1e-6 else x),
)


@st.composite
def subproblems(draw):
    n = draw(st.integers(1, 6))
    A = draw(arrays(float, (n, n), elements=_entries))
    H = 0.5 * (A + A.T)
    g = draw(arrays(float, n, elements=_entries))
    if draw(st.booleans()):
        # steer towards the hard case: remove g's component along the bottom eigenvector
        q1 = np.linalg.eigh(H)[1][:, 0]
        g = g - (g @ q1) * q1
    delta = 10.0 ** draw(st.floats(-3, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    return g, H, delta, seed


def _feasible_points(H, delta, seed, count=40):
    n = H.shape[0]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((count, n))
    x *= (delta * rng.uniform(0, 1, count) ** (1 / n) / np.linalg.norm(x, axis=1))[:, None]
    Q = np.linalg.eigh(H)[1]
    return np.vstack([x, delta * Q.T, -delta * Q.T])  # also ±Δ along each eigenvector


@pytest.mark.slow  # > 1 s on an idle machine (pytest --durations)
@settings(deadline=None, max_examples=300)
@given(subproblems())
def test_solver_properties(problem):
    g, H, delta, seed = problem
    scale = np.linalg.norm(g) * delta + np.linalg.norm(H, 2) * delta**2
    tol = 1e-9 * scale
    op = lambda: HessianOperator(matrix=H)  # noqa: E731 - a fresh counter per solver
    results = {name: solver(g, op(), delta) for name, solver in SOLVERS.items()}
    values = {name: model(g, H, res.p) for name, res in results.items()}

    for name, res in results.items():
        assert np.linalg.norm(res.p) <= delta * (1 + 1e-8), name
        if res.hits_boundary:
            assert np.linalg.norm(res.p) >= delta * (1 - 1e-8), name
        assert values[name] <= tol, name  # never worse than p = 0
        assert res.model_decrease == pytest.approx(-values[name], abs=tol), name
        # N&W Lemma 4.3: at least the Cauchy decrease
        assert values[name] <= values["cauchy"] + tol, name

    # the exact step is the global minimiser
    for name in ("cauchy", "dogleg", "cg"):
        assert values["exact"] <= values[name] + tol, name
    for x in _feasible_points(H, delta, seed):
        assert values["exact"] <= model(g, H, x) + tol
    assert_more_sorensen(g, H, delta, results["exact"])
    assert results["exact"].hits_boundary or results["exact"].lam == 0.0
