"""The trust-region outer iteration, N&W Algorithm 4.1, over the subproblem solvers of ``subproblems.py``.

One iteration at x with radius Δ:

    p      ≈ argmin m(p) = f + gᵀp + ½pᵀHp  s.t. ‖p‖₂ ≤ Δ   (``subproblem``)
    ρ      = (f(x) − f(x + p)) / (m(0) − m(p))
    Δ      ← Δ/4                 if ρ < ¼
           ← min(2Δ, Δ_max)      if ρ > ¾ and ‖p‖ = Δ
    x      ← x + p               if ρ > η      (else the step is rejected)

Defaults (``tr``, chosen by measurement on the classic set, benchmarks/classic_set.py,
issue 9 §5): Δ₀ = 10, η = 0.01, nonmonotone acceptance against the largest f of
the current and 10 previous accepted iterates (Toint 1997: a step is accepted
when ρ > η or (f_ref − f(x + p))/(m(0) − m(p)) > η; the radius update uses ρ),
and a relative cap Δ_max·max(1, ‖x‖₂) with Δ_max = 1000 (``radius_scale``; Moré
1983), so a minimiser 10⁶ away (Brown badly scaled) is reached in tens of steps
instead of a thousand.  The preset ``scipy-tr`` pins SciPy's trust-exact rules:
Δ₀ = 1, absolute Δ_max = 1000, η = 0.15, monotone (Optim.jl: Δ_max = 100, η = 0.1).
Options measured and kept off by default because they cost evaluations there:
``shrink`` = "step" (‖p‖/4) or "interpolate" (γ‖p‖ from a quadratic fit),
``initial_radius`` = "step" (Δ₀ = ‖first step‖, after Sartenaer 1997), ``grow`` > 2,
and ``scaling`` = "hessian" (the ellipsoid ‖Dp‖ ≤ Δ, D = diag(√|Hᵢᵢ|); default for
the Cauchy point only, which needs it on badly scaled problems).

Allowed: 0 < Δ₀ ≤ Δ_max < ∞, 0 ≤ η < ¼.  A rejected step is an iteration (x
unchanged); with ``nonmonotone`` = 0, ρ > η ≥ 0 with m(0) − m(p) > 0 means an
accepted step never increases f.  A step whose predicted decrease is not positive
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
                 eta: float = 0.15, delta_min: float = 1e-12, radius_scale: str = "absolute",
                 initial_radius: str = "fixed", shrink: str = "quarter", grow: float = 2.0, scaling: str = "none",
                 nonmonotone: int = 0):
        self.subproblem, self.delta0, self.delta_max, self.eta, self.delta_min = (
            subproblem, delta0, delta_max, eta, delta_min)
        self.radius_scale, self.initial_radius, self.shrink, self.grow = radius_scale, initial_radius, shrink, grow
        if scaling == "auto":
            # measured on the classic set (issue 9): the ellipsoid costs exact/dogleg/cg 1.37–1.6× the
            # evaluations, but lets the Cauchy point solve 166 runs instead of 146 (Brown in 43 iterations)
            scaling = "hessian" if subproblem == "cauchy" else "none"
        self.scaling, self.nonmonotone = scaling, nonmonotone
        self.monotone = nonmonotone == 0
        self.solver = SOLVERS[subproblem]
        self.needs = frozenset({"grad", "hess"}) if subproblem in DENSE else frozenset({"grad", "hvp"})

    def prepare(self, problem, ctx) -> None:
        self.delta = self.delta0
        self._first = True
        self._recent = []  # f at the last ``nonmonotone`` accepted iterates (Toint 1997)
        self._d = None  # ellipsoidal scaling D = diag(d) of ‖Dp‖ ≤ Δ ("hessian" scaling)
        self._H_at = None  # (x, H): H is reused after a rejected step (x unchanged)

    def _cap(self, x) -> float:
        """Δ_max, or Δ_max·max(1, ‖Dx‖₂) when the radius is relative to the iterate's size (Moré 1983)."""
        if self.radius_scale == "relative":
            size = x if self._d is None else self._d * x
            return self.delta_max * max(1.0, float(np.linalg.norm(size)))
        return self.delta_max

    def _scaled(self, g, op, x, oracle):
        """(g, op) in the variables y = Dp, D = diag(d), dᵢ = max(dᵢ_prev, √|Hᵢᵢ|, 1e-8·max d) (Moré 1983;
        MINPACK's non-decreasing rule): the trust region becomes the ellipsoid ‖Dp‖ ≤ Δ (CGT ch. 6.7).
        Hᵢᵢ from the dense H, or from n Hessian-vector products with eᵢ (counted) for Hv-only solvers.
        """
        if op.has_matrix:
            diag = np.diag(op.matrix())
        else:
            diag = np.array([oracle.hvp(x, e)[i] for i, e in enumerate(np.eye(x.size))])
        d = np.sqrt(np.abs(diag))
        d = np.maximum(d, 1e-8 * max(float(np.max(d)), 1.0))
        self._d = d if self._d is None else np.maximum(self._d, d)
        d = self._d
        if op.has_matrix:
            scaled = HessianOperator(matrix=op.matrix() / np.outer(d, d))
        else:
            scaled = HessianOperator(hvp=lambda v: oracle.hvp(x, v / d) / d)
        return g / d, scaled

    def step(self, k, x, f, g, oracle) -> Step:
        cap = self._cap(x)
        if self._first and self.initial_radius == "step":
            # Δ₀ from the first step: solve with the largest radius; an interior (Newton) step sets Δ₀ = ‖p‖
            self.delta = cap
        self._first = False
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
        g_full = g
        if self.scaling == "hessian":
            g, op = self._scaled(g, op, x, oracle)
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
        if self.scaling == "hessian":
            p, g = p / self._d, g_full
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
            if self.nonmonotone and not accepted and math.isfinite(f_new):
                # Toint (1997): judge the step against the largest of the last M values of f
                f_ref = max(self._recent + [f])
                accepted = (f_ref - f_new) / pred > self.eta
                data["rho_nonmonotone"] = (f_ref - f_new) / pred
        # radius update, N&W Algorithm 4.1 (shrink rule and growth factor as configured)
        pnorm = float(np.linalg.norm(sub.p))  # in the radius's own norm (‖Dp‖ when scaled)
        if self.initial_radius == "step" and delta == cap and not sub.hits_boundary and k == 0:
            delta = self.delta = max(pnorm, self.delta_min)  # Δ₀ = ‖first step‖
        if rho < 0.25:
            self.delta = self._shrunk(delta, pnorm, rho, g, p, f, f_new)
        elif rho > 0.75 and sub.hits_boundary:
            self.delta = min(self.grow * delta, self._cap(x + p) if accepted else cap)
        data.update(rho=rho, accepted=accepted)
        if accepted:
            if self.nonmonotone:
                self._recent = (self._recent + [f])[-self.nonmonotone:]
            return Step(x + p, f=f_new, g=g_new, data=data, note=note)
        step = Step(x, f=f, g=g, accepted=False, data=data, note=note)
        if self.delta < self.delta_min:
            step.status, step.measure, step.tol = Status.RADIUS_FLOOR, self.delta, self.delta_min
        return step

    def _shrunk(self, delta, pnorm, rho, g, p, f, f_new) -> float:
        """The radius after a poor step (ρ < ¼).

        "quarter": Δ/4 (N&W Alg. 4.1, SciPy); "step": ‖p‖/4 (Optim.jl — below Δ/4 when p was interior);
        "interpolate": γ‖p‖ with γ the minimiser of the quadratic in t through f, gᵀp and f(x + p),
        γ = −gᵀp / (2(f(x + p) − f − gᵀp)), safeguarded to [1/10, 1/2] (Dennis & Schnabel A6.4.5;
        Conn, Gould & Toint §17.1); ‖p‖/4 when f(x + p) is not finite.
        """
        if self.shrink == "quarter":
            return 0.25 * delta
        if self.shrink == "step" or f_new is None or not math.isfinite(f_new):
            return 0.25 * pnorm
        slope = float(g @ p)
        curv = f_new - f - slope
        gamma = -slope / (2.0 * curv) if curv > 0 else 0.5
        return min(max(gamma, 0.1), 0.5) * pnorm
