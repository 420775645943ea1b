"""Trust-region radius rules in isolation and on Brown badly scaled (issue 9 §3).

Golden values by hand (noted beside each); SciPy's defaults from its
documentation (trust-exact: initial_trust_radius = 1, max_trust_radius = 1000, eta = 0.15).
"""

from __future__ import annotations

import numpy as np
import pytest

import optkit
from optkit.methods.catalogue import PRESETS, build
from optkit.methods.subproblems import HessianOperator
from optkit.methods.trust_region import TrustRegion
from optkit.run.driver import Context, minimize


@pytest.mark.parametrize("subproblem", ["exact", "cg", "dogleg", "cauchy"])
def test_brown_badly_scaled_is_solved_in_at_most_50_iterations(subproblem):
    # the minimiser (1e6, 2e-6) is 1e6 away from x0 = (1, 1); an absolute Δ_max = 1000 needs 1000+ steps
    r = minimize(optkit.get_problem("brown-badly-scaled"), f"tr:subproblem={subproblem}", max_iter=50, eig=False)
    assert r.outcome == "minimum" and r.iterations <= 50, r.message
    np.testing.assert_allclose(r.x, [1e6, 2e-6], rtol=1e-9)  # the minimiser, from the problem file


def test_scipy_tr_keeps_scipys_absolute_cap_on_brown():
    r = minimize(optkit.get_problem("brown-badly-scaled"), "scipy-tr", max_iter=200, eig=False)
    assert r.iterations == 200 and not r.success  # capped at 1000 per step: ≥ 1000 steps needed


def test_scipy_tr_pins_every_radius_rule():
    _, method, values, _ = build("scipy-tr")
    assert (values["delta0"], values["delta_max"], values["eta"]) == (1.0, 1000.0, 0.15)
    assert (method.radius_scale, method.initial_radius, method.shrink, method.grow, method.scaling) == (
        "absolute", "fixed", "quarter", 2.0, "none")
    assert set(PRESETS["scipy-tr"].options) >= {"radius_scale", "initial_radius", "shrink", "grow", "scaling"}


def _prepared(**kw) -> TrustRegion:
    tr = TrustRegion(**kw)
    tr.prepare(None, Context(1e-8, np.random.default_rng(0), 2))
    return tr


def test_relative_cap_grows_with_the_iterate():
    tr = _prepared(delta_max=10.0, radius_scale="relative")
    assert tr._cap(np.array([0.1, 0.0])) == 10.0  # max(1, ‖x‖) = 1
    assert tr._cap(np.array([3.0, 4.0])) == 50.0  # ‖x‖ = 5, by hand
    assert _prepared(delta_max=10.0, radius_scale="absolute")._cap(np.array([3.0, 4.0])) == 10.0


def test_interpolated_shrink_matches_a_hand_computed_quadratic_fit():
    tr = _prepared(shrink="interpolate")
    g, p = np.array([-2.0, 0.0]), np.array([1.0, 0.0])
    # f along t·p: f + gᵀp t + c t² with gᵀp = −2 and f(x + p) − f = 3 ⇒ c = 5, minimiser t = 2/(2·5) = 0.2
    assert tr._shrunk(1.0, 1.0, -1.0, g, p, 0.0, 3.0) == pytest.approx(0.2)
    # safeguards: γ ∈ [0.1, 0.5]
    assert tr._shrunk(1.0, 1.0, -1.0, g, p, 0.0, 100.0) == pytest.approx(0.1)
    assert tr._shrunk(1.0, 1.0, 0.1, g, p, 0.0, -1.9) == pytest.approx(0.5)
    assert _prepared(shrink="quarter")._shrunk(1.0, 0.5, -1.0, g, p, 0.0, 3.0) == 0.25
    assert _prepared(shrink="step")._shrunk(1.0, 0.5, -1.0, g, p, 0.0, 3.0) == 0.125


class _Oracle:
    def __init__(self, H):
        self.H = H

    def hvp(self, x, v):
        return self.H @ v


@pytest.mark.parametrize("dense", [True, False])
def test_hessian_scaling_makes_a_diagonal_hessian_the_identity(dense):
    # H = diag(1, 1e6) (by hand): D = diag(1, 1e3), D⁻¹HD⁻¹ = I, and g/d is the scaled gradient
    H = np.diag([1.0, 1e6])
    tr = _prepared(scaling="hessian", subproblem="exact" if dense else "cauchy")
    op = HessianOperator(matrix=H) if dense else HessianOperator(hvp=lambda v: H @ v)
    gs, ops = tr._scaled(np.array([1.0, 1e3]), op, np.zeros(2), _Oracle(H))
    np.testing.assert_allclose(gs, [1.0, 1.0])
    np.testing.assert_allclose(ops.matvec(np.array([1.0, 2.0])), [1.0, 2.0])


class _FakeOracle:
    """H = [[1]] everywhere and f(x + p) = 5.2 whatever p: a step that raises f from 5 (by construction)."""

    def hess(self, x):
        return np.array([[1.0]])

    def f(self, x):
        return 5.2

    def grad(self, x):
        return np.array([0.0])


@pytest.mark.parametrize("memory, accepted", [(0, False), (3, True)])
def test_nonmonotone_acceptance_judges_against_the_worst_recent_f(memory, accepted):
    # p = −H⁻¹g = −1 (Δ = 2), predicted decrease ½ (by hand); f rises 5 → 5.2: ρ = −0.4 (monotone: rejected);
    # against max(recent f) = 10: (10 − 5.2)/0.5 = 9.6 > η (Toint 1997: accepted)
    tr = TrustRegion(delta0=2.0, nonmonotone=memory)
    tr.prepare(None, Context(1e-8, np.random.default_rng(0), 1))
    tr._recent = [10.0]
    step = tr.step(0, np.array([1.0]), 5.0, np.array([1.0]), _FakeOracle())
    assert step.accepted is accepted and step.data["rho"] == pytest.approx(-0.4)
    assert tr.monotone is (memory == 0)
