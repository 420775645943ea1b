"""Steepest, Newton and saddle-free Newton directions in isolation: gᵀp < 0 wherever it is promised.

A direction is asked of a descent with a fixed g and H (no driver, no search).
What each one promises (``descents.py``):

* steepest: p = −g, so gᵀp = −‖g‖² < 0 for g ≠ 0;
* Newton, H ≻ 0: p = −H⁻¹g, gᵀp = −gᵀH⁻¹g < 0;  H indefinite: pure Newton (fallback
  none) takes p anyway and says so exactly when gᵀp ≥ 0; the shift fallback (N&W
  Alg. 3.3) solves (H + τI)p = −g with H + τI ≻ 0, so gᵀp < 0 always;
* saddle-free Newton: p = −V(|Λ| + λI)⁻¹Vᵀg, gᵀp = −Σ (vᵢᵀg)²/(|λᵢ| + λ) < 0 for any
  symmetric H and g ≠ 0 (Dauphin et al. 2014, §4); the Krylov variant keeps it, since
  g lies in its Krylov space.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from optkit.methods.descents import Newton, SaddleFreeNewton, Steepest, shifted_newton


class MatrixOracle:
    """The oracle of f(y) = gᵀ(y − x) + ½(y − x)ᵀH(y − x) at x: ∇²f = H, Hv = Hv."""

    def __init__(self, H):
        self.H = H

    def hess(self, x):
        return self.H

    def hvp(self, x, v):
        return self.H @ v


class Ctx:
    def __init__(self, gtol=1e-8, seed=0):
        self.gtol, self.rng = gtol, np.random.default_rng(seed)


def random_case(seed, n, definite=False):
    """A symmetric H (positive definite or, in general, indefinite, with |λ| ≥ 0.1) and a gradient g ≠ 0."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lam = rng.uniform(0.1, 10, n) * (1 if definite else rng.choice([-1, 1], n))
    g = rng.standard_normal(n)
    return Q @ np.diag(lam) @ Q.T, g, lam


def direction(descent, H, g):
    x = np.zeros(g.size)
    descent.prepare(None, Ctx())
    return descent.direction(MatrixOracle(H), 0, x, 0.0, g)


CASES = dict(seed=st.integers(0, 10_000), n=st.integers(1, 8))


@given(**CASES)
def test_steepest_is_minus_g(seed, n):
    _, g, _ = random_case(seed, n)
    d = direction(Steepest(), np.eye(n), g)
    assert np.array_equal(d.p, -g) and g @ d.p == pytest.approx(-(g @ g))


@given(**CASES)
def test_newton_on_a_positive_definite_hessian_solves_hp_minus_g_and_descends(seed, n):
    H, g, _ = random_case(seed, n, definite=True)
    d = direction(Newton(fallback="none"), H, g)
    assert d.status is None and not d.note
    assert H @ d.p == pytest.approx(-g, abs=1e-9 * max(1.0, np.abs(g).max()))
    assert g @ d.p < 0


@given(**CASES)
def test_pure_newton_says_so_exactly_when_its_step_does_not_descend(seed, n):
    H, g, _ = random_case(seed, n)
    d = direction(Newton(fallback="none"), H, g)
    p = np.linalg.solve(H, -g)  # the Newton step, solved independently
    assert d.p == pytest.approx(p)
    assert ("does not descend" in d.note) == (g @ p >= 0)


@given(**CASES)
def test_shifted_newton_always_descends_with_a_positive_definite_shift(seed, n):
    H, g, _ = random_case(seed, n)
    d = direction(Newton(fallback="shift"), H, g)
    assert g @ d.p < 0
    if d.data.get("fallback") == "shift":
        tau = d.data["damping"]
        assert np.linalg.eigvalsh(H + tau * np.eye(n))[0] > 0
        assert (H + tau * np.eye(n)) @ d.p == pytest.approx(-g, abs=1e-8 * max(1.0, np.abs(g).max()))
    else:  # no shift was needed: the plain Newton step already descends
        assert g @ np.linalg.solve(H, -g) < 0


def test_shifted_newton_by_hand():
    # H = diag(1, −2): min Hᵢᵢ = −2 < 0, so τ₀ = β + 2 with β = 1e-3·max(1, ‖H‖_F) = 1e-3·√5;
    # H + τ₀I = diag(3 + β, β) ≻ 0 is accepted at once (N&W Alg. 3.3)
    H = np.diag([1.0, -2.0])
    tau, p = shifted_newton(H, np.array([1.0, 1.0]))
    beta = 1e-3 * np.sqrt(5.0)
    assert tau == pytest.approx(2 + beta, rel=1e-15)
    assert p == pytest.approx([-1 / (3 + beta), -1 / beta], rel=1e-12)


@given(**CASES, damping=st.sampled_from([1e-3, 0.1, 1.0]))
def test_saddle_free_newton_descends_for_any_symmetric_hessian(seed, n, damping):
    H, g, lam = random_case(seed, n)
    d = direction(SaddleFreeNewton(damping=damping), H, g)
    lam, V = np.linalg.eigh(H)
    expected = -V @ ((V.T @ g) / (np.abs(lam) + damping))  # −(|H| + λI)⁻¹g, Dauphin et al. (2014), §4
    assert d.p == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert g @ d.p < 0


@given(**CASES)
def test_krylov_saddle_free_newton_descends_and_is_exact_with_k_equal_n(seed, n):
    H, g, _ = random_case(seed, n)
    small = direction(SaddleFreeNewton(damping=1e-3, krylov_dim=max(1, n // 2)), H, g)
    assert g @ small.p < 0
    full = direction(SaddleFreeNewton(damping=1e-3, krylov_dim=n), H, g)
    exact = direction(SaddleFreeNewton(damping=1e-3), H, g)
    assert full.p == pytest.approx(exact.p, rel=1e-6, abs=1e-9)


def test_saddle_free_newton_by_hand_on_a_diagonal_saddle():
    # H = diag(2, −2), g = (2, 2), λ = 0: p = −(2/2, 2/2) = (−1, −1); Newton's −H⁻¹g = (−1, +1) climbs along y
    d = direction(SaddleFreeNewton(damping=1e-12), np.diag([2.0, -2.0]), np.array([2.0, 2.0]))
    assert d.p == pytest.approx([-1.0, -1.0], rel=1e-9)
    newton = direction(Newton(fallback="none"), np.diag([2.0, -2.0]), np.array([2.0, 2.0]))
    assert newton.p == pytest.approx([-1.0, 1.0]) and "does not descend" in newton.note
