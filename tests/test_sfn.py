"""Saddle-free Newton with adaptive (Levenberg–Marquardt) damping (issue 9 §4).

The damping rule in isolation (hand-computed model values), and the showcase:
xor-mlp at width 4, where a fixed λ = 1e-3 reaches f ≤ 1e-6 from 1 of 20
seeded starts within 2,000 iterations (benchmarks/xor_sfn.py on main) and
adaptive damping from all of them.
"""

from __future__ import annotations

import numpy as np
import pytest

import optkit
from optkit.methods.descents import SaddleFreeNewton
from optkit.run.driver import Context, minimize


def _sfn(**kw) -> SaddleFreeNewton:
    s = SaddleFreeNewton(**kw)
    s.prepare(None, Context(1e-8, np.random.default_rng(0), 2))
    return s


def test_damping_falls_after_a_good_full_step_and_rises_after_a_poor_one():
    s = _sfn(damping=1.0)
    s._model = (-2.0, 2.0)  # gᵀp = −2, pᵀ|H|p = 2 ⇒ predicted decrease at α = 1 is 2 − 1 = 1 (by hand)
    info = s.feedback(1.0, 10.0, 9.1)  # actual 0.9: r = 0.9 > ¾
    assert info["model_ratio"] == pytest.approx(0.9) and s.lam == 0.25
    s.feedback(1.0, 10.0, 9.9)  # r = 0.1 < ¼
    assert s.lam == 1.0
    s.feedback(0.5, 10.0, 9.0)  # backtracked: raised whatever r is
    assert s.lam == 4.0
    s.feedback(1.0, 10.0, 9.5)  # r = 0.5: unchanged
    assert s.lam == 4.0


def test_damping_stays_within_its_bounds_and_is_fixed_when_not_adaptive():
    s = _sfn(damping=1e-12)
    s._model = (-2.0, 2.0)
    s.feedback(1.0, 10.0, 9.0)
    assert s.lam == SaddleFreeNewton.LAMBDA_MIN
    fixed = _sfn(damping=1e-3, adaptive=False)
    fixed._model = (-2.0, 2.0)
    assert fixed.feedback(1.0, 10.0, 9.0) == {} and fixed.lam == 1e-3


def test_the_step_uses_the_current_damping():
    # f = x² − y²/2 at (1, −1): g = (2, 1), H = diag(2, −1), |H| = diag(2, 1), λ = 1:
    # p = −(2/(2 + 1), 1/(1 + 1)) = (−2/3, −1/2) (by hand) — y moves away from the saddle at 0
    problem = optkit.problem_from_expression("x**2 - y**2/2")
    r = minimize(problem, "sfn", [1.0, -1.0], damping=1.0, line_search="none", max_iter=1)
    np.testing.assert_allclose(np.array(r.trace[1].x) - [1.0, -1.0], [-2 / 3, -0.5], atol=1e-15)
    assert r.trace[0].data["damping"] == 1.0


@pytest.mark.slow
@pytest.mark.parametrize("krylov_dim", [0, 14])
def test_xor_mlp_width_4_is_learned_from_seeded_starts(krylov_dim):
    problem = optkit.get_problem("xor-mlp", width=4)
    for seed in range(5):
        x0 = 0.5 * np.random.default_rng(seed).standard_normal(problem.n)
        r = minimize(problem, "sfn", x0, krylov_dim=krylov_dim, max_iter=2000, eig=False)
        assert min(rec.f for rec in r.trace) <= 1e-6, (seed, r.f, r.message)
        dampings = [rec.data["damping"] for rec in r.trace if rec.data and "damping" in rec.data]
        assert len(set(dampings)) > 1  # the damping adapted along the run, recorded in the trace
