"""The trust-region outer iteration, N&W Algorithm 4.1, over the subproblem solvers of ``trust_region.py``.

One iteration at x with radius Δ:

    p      ≈ argmin m(p) = f + gᵀp + ½pᵀHp  s.t. ‖p‖₂ ≤ Δ   (``subproblem``)
    ρ      = (f(x) − f(x + p)) / (m(0) − m(p))
    Δ      ← Δ/4                 if ρ < ¼
           ← min(2Δ, Δ_max)      if ρ > ¾ and ‖p‖ = Δ
    x      ← x + p               if ρ > η      (else the step is rejected)

Defaults are SciPy's: Δ₀ = 1, Δ_max = 1000, η = 0.15 (Optim.jl uses Δ_max = 100,
η = 0.1).  Allowed: 0 < Δ₀ ≤ Δ_max < ∞, 0 ≤ η < ¼.  A rejected step is an
iteration (x unchanged); ρ > η ≥ 0 with m(0) − m(p) > 0 means an accepted
step never increases f.  A step whose predicted decrease is not positive
(a solver at its limit) is rejected and the radius shrunk.  When f(x) − f(x + p)
is within 100 ulps of max(1, |f|) — rounding noise near a minimum — ρ uses
the trapezoidal estimate −½(g + ∇f(x + p))ᵀp of the actual decrease instead,
so an accepted step may then raise f by rounding noise only.  The run stops
with a status when Δ falls below ``delta_min``.

The Hessian reaches the solver as a ``HessianOperator``: the dense H (one
∇²f evaluation per accepted point) for "dogleg" and "exact", or Hessian-vector
products only for "cg" and "cauchy" — no n×n matrix is ever formed for those.
"""

from __future__ import annotations

import math

import numpy as np

from optkit.run.results import Status, Step
from optkit.methods.subproblems import SOLVERS, HessianOperator, SubproblemInputError

DENSE = ("dogleg", "exact")
_EPS = float(np.finfo(float).eps)


class TrustRegion:
    name = "trust-region"
    monotone = True
    #: trace columns (Step.data keys; "actual" is the driver's f(x) − f(x + p)), in display order
    columns: tuple = ("pred_quadratic", "actual", "delta", "rho", "accepted", "step_norm", "lambda")

    def __init__(self, subproblem: str = "exact", delta0: float = 1.0, delta_max: float = 1000.0,
                 eta: float = 0.15, delta_min: float = 1e-12):
        self.subproblem, self.delta0, self.delta_max, self.eta, self.delta_min = (
            subproblem, delta0, delta_max, eta, delta_min)
        self.solver = SOLVERS[subproblem]
        self.needs = frozenset({"grad", "hess"}) if subproblem in DENSE else frozenset({"grad", "hvp"})

    def prepare(self, problem, ctx) -> None:
        self.delta = self.delta0
        self._H_at = None  # (x, H): H is reused after a rejected step (x unchanged)

    def step(self, k, x, f, g, oracle) -> Step:
        delta = self.delta
        if self.subproblem in DENSE:
            if self._H_at is None or not np.array_equal(self._H_at[0], x):
                self._H_at = (x.copy(), oracle.hess(x))
            H = self._H_at[1]
            if not np.all(np.isfinite(H)):
                return Step(x, status=Status.NON_FINITE_HESSIAN, detail="∇²f has non-finite entries")
            op = HessianOperator(matrix=H)
        else:
            op = HessianOperator(hvp=lambda v: oracle.hvp(x, v))
        try:
            if self.subproblem == "cg":
                # forcing term η = min(½, ‖g‖): CG residual ≤ η‖g‖ gives quadratic convergence
                # (N&W eq. 7.3 and Theorem 7.2; SciPy's trust-ncg uses min(½, √‖g‖), superlinear)
                gnorm = float(np.linalg.norm(g))
                sub = self.solver(g, op, delta, tol=min(0.5, gnorm) * gnorm)
            else:
                sub = self.solver(g, op, delta)
        except SubproblemInputError as exc:
            return Step(x, status=Status.NON_FINITE_HESSIAN, detail=str(exc))
        p, pred = sub.p, sub.model_decrease
        g_new = None
        data = {"delta": delta, "step_norm": float(np.linalg.norm(p)), "pred_quadratic": pred,
                "boundary": bool(sub.hits_boundary)}
        if sub.lam is not None:
            data["lambda"] = sub.lam
        if sub.hvp_count:
            data["hvp"] = sub.hvp_count
        note = sub.note
        if not (math.isfinite(pred) and pred > 0):
            # m(0) − m(p) ≤ 0: nothing to gain inside this radius (or a solver at its limit)
            rho, f_new, accepted = -math.inf, None, False
            note = (note + "; " if note else "") + f"predicted decrease {pred:.3g} ≤ 0: step rejected"
        else:
            x_new = x + p
            f_new = oracle.f(x_new)
            actual = f - f_new
            rho = actual / pred if math.isfinite(f_new) else -math.inf
            if math.isfinite(f_new) and abs(actual) <= 100 * _EPS * max(1.0, abs(f)):
                # f's change is rounding noise: estimate it by the trapezoidal rule −½(g + g₊)ᵀp instead
                g_new = oracle.grad(x_new)
                rho = float(-0.5 * (g + g_new) @ p) / pred
                data["rho_from_gradients"] = True
            accepted = rho > self.eta
        # radius update, N&W Algorithm 4.1
        if rho < 0.25:
            self.delta = 0.25 * delta
        elif rho > 0.75 and sub.hits_boundary:
            self.delta = min(2.0 * delta, self.delta_max)
        data.update(rho=rho, accepted=accepted)
        if accepted:
            return Step(x + p, f=f_new, g=g_new, data=data, note=note)
        step = Step(x, f=f, g=g, accepted=False, data=data, note=note)
        if self.delta < self.delta_min:
            step.status, step.measure, step.tol = Status.RADIUS_FLOOR, self.delta, self.delta_min
        return step
