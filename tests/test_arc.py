"""Adaptive cubic regularisation (Cartis, Gould & Toint 2011): the cubic subproblem in isolation, and runs.

Golden values by hand (1-D cubics) or from an independent dense grid search of the
model (numpy), never from the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optkit
from optkit.methods.arc import cubic_step
from optkit.run.driver import minimize


def cubic_model(g, H, sigma, p):
    return float(g @ p + 0.5 * p @ H @ p + sigma / 3 * np.linalg.norm(p) ** 3)


def test_one_dimensional_cubic_by_hand():
    # m(p) = −p + p³/3 (h = 0, σ = 1): m'(p) = −1 + p² = 0 ⇒ p = 1, λ = σ|p| = 1
    p, lam = cubic_step(np.array([-1.0]), np.array([[0.0]]), 1.0)
    assert p[0] == pytest.approx(1.0, rel=1e-12) and lam == pytest.approx(1.0, rel=1e-12)
    # m(p) = p − p²/2 + |p|³/3 (g = 1, h = −1, σ = 1): for p < 0, m' = 1 − p − p² = 0 at
    # p = (−1 − √5)/2, the global minimiser (by hand; m there is below m at the other root)
    p, lam = cubic_step(np.array([1.0]), np.array([[-1.0]]), 1.0)
    assert p[0] == pytest.approx((-1 - np.sqrt(5)) / 2, rel=1e-12)


def _grid_minimum(g, H, sigma, radius):
    t = np.linspace(-radius, radius, 801)
    P = np.stack(np.meshgrid(t, t), -1).reshape(-1, 2)
    vals = P @ g + 0.5 * np.einsum("ij,jk,ik->i", P, H, P) + sigma / 3 * np.linalg.norm(P, axis=1) ** 3
    return float(vals.min())


@settings(max_examples=30)
@given(st.lists(st.floats(-3, 3), min_size=2, max_size=2), st.floats(-3, 3), st.floats(-3, 3), st.floats(-2, 2),
       st.floats(0.1, 5))
def test_the_step_is_the_global_minimiser_of_the_cubic_model(g, a, b, c, sigma):
    g, H = np.array(g), np.array([[a, c], [c, b]])
    p, lam = cubic_step(g, H, sigma)
    n = np.linalg.norm(p)
    # CGT Theorem 3.1: (H + λI)p = −g, λ = σ‖p‖, H + λI ⪰ 0
    np.testing.assert_allclose((H + lam * np.eye(2)) @ p, -g, atol=1e-8 * max(1, np.linalg.norm(g)))
    assert lam == pytest.approx(sigma * n, rel=1e-8, abs=1e-10)
    assert np.linalg.eigvalsh(H + lam * np.eye(2))[0] >= -1e-8
    # and no grid point of the model does better (independent check)
    radius = 1.5 * max(n, 1e-3)
    assert cubic_model(g, H, sigma, p) <= _grid_minimum(g, H, sigma, radius) + 1e-9


def test_hard_case_adds_the_negative_eigenvector():
    # H = diag(−2, 1), g = (0, 1), σ = 1: g ⟂ the eigenvector of −2, so λ = 2 and ‖p‖ = λ/σ = 2
    p, lam = cubic_step(np.array([0.0, 1.0]), np.diag([-2.0, 1.0]), 1.0)
    assert lam == pytest.approx(2.0) and np.linalg.norm(p) == pytest.approx(2.0)
    assert abs(p[0]) == pytest.approx(np.sqrt(4 - 1 / 9))  # p₂ = −1/(1 + 2) = −1/3 (by hand)


@pytest.mark.parametrize("name", ["rosenbrock", "himmelblau", "beale", "brown-badly-scaled", "wood"])
def test_arc_reaches_a_minimum(name):
    r = minimize(optkit.get_problem(name), "arc", eig=False)
    assert r.outcome == "minimum", r.message


def test_arc_is_not_drawn_into_the_himmelblau_saddle():
    r = minimize(optkit.get_problem("himmelblau"), "arc", [0.43625, 4.350724], eig=False)  # pure Newton's saddle
    assert r.outcome == "minimum"
