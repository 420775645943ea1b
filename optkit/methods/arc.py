"""Adaptive cubic regularisation (ARC), Cartis, Gould & Toint (2011), with the exact subproblem.

One iteration at x with regularisation weight σ:

    p   = global minimiser of m(p) = f + gᵀp + ½pᵀHp + (σ/3)‖p‖₂³
    ρ   = (f(x) − f(x + p)) / (f(x) − m(p))
    x   ← x + p                   if ρ ≥ η₁ = 0.1
    σ   ← max(σ/2, σ_min)         if ρ ≥ η₂ = 0.9   (very successful)
        ← σ                       if η₁ ≤ ρ < η₂
        ← 2σ                      if ρ < η₁        (unsuccessful; the step is rejected)

(CGT 2011 Part I, Algorithm 2.1, with γ₁ = γ₂ = 2; σ₀ = ``sigma0``, σ_min = 1e-8.)
The model's global minimiser (CGT Theorem 3.1) satisfies (H + λI)p = −g with
λ = σ‖p‖ and H + λI ⪰ 0.  With H = VΛVᵀ and γ = Vᵀg, ‖p(λ)‖² = Σγᵢ²/(λᵢ + λ)²
falls and λ/σ rises on λ > max(0, −λ₁), so the single root of ‖p(λ)‖ = λ/σ is
found by Brent's method on that bracket.  Hard case (γ₁ = 0 and ‖p(−λ₁)‖ < −λ₁/σ):
λ = −λ₁ and the eigenvector of λ₁ is added to reach ‖p‖ = λ/σ.  No radius: the
step length is set by σ, which ARC adapts much as a trust region adapts Δ; like
the exact trust region it converges to second-order stationary points.

Needs the dense Hessian (one eigendecomposition per accepted iterate; reused
after a rejected step).  Unlike a trust region there is no radius floor: the run
stops with a status when σ exceeds 1e16 (no decrease is possible in floating point).
"""

from __future__ import annotations

import math

import numpy as np

from optkit.run.results import Status, Step

ETA1, ETA2 = 0.1, 0.9
SIGMA_MIN, SIGMA_MAX = 1e-8, 1e16
_EPS = float(np.finfo(float).eps)


def cubic_step(g: np.ndarray, H: np.ndarray, sigma: float, spectrum=None) -> tuple[np.ndarray, float]:
    """(p, λ): the global minimiser of gᵀp + ½pᵀHp + (σ/3)‖p‖³ and its multiplier λ = σ‖p‖."""
    from scipy.optimize import brentq

    lam_h, V = spectrum if spectrum is not None else np.linalg.eigh(0.5 * (H + H.T))
    gamma = V.T @ g
    scale = max(float(np.max(np.abs(lam_h))), float(np.linalg.norm(g)), 1.0)

    def norm_p(lam):
        return float(np.sqrt(np.sum((gamma / (lam_h + lam)) ** 2)))

    lo = max(0.0, -float(lam_h[0]))
    small = _EPS * scale
    hard = lo > 0 and abs(gamma[0]) <= small * 1e3 and norm_p(lo + small) < lo / sigma
    if hard:
        lam = lo
        safe = lam_h + lam > small
        c = np.zeros_like(gamma)
        c[safe] = -gamma[safe] / (lam_h[safe] + lam)
        rest = (lam / sigma) ** 2 - float(c @ c)
        c[0] += math.sqrt(max(rest, 0.0))
        return V @ c, lam
    if float(np.linalg.norm(g)) == 0.0:
        return np.zeros_like(g), 0.0
    a = lo if float(np.min(lam_h)) + lo > small else lo + small  # keep H + λI invertible at the bracket's end
    phi = lambda lam: norm_p(lam) - lam / sigma  # noqa: E731 — decreasing on (lo, ∞)
    if phi(a) <= 0:  # g (almost) zero along the flat directions: λ = a is the root to rounding
        lam = a
    else:
        b = max(2.0 * a, 1.0)
        while phi(b) > 0:
            b *= 2.0
        lam = brentq(phi, a, b, xtol=1e-15 * max(1.0, b), rtol=4 * _EPS)
    return -(V @ (gamma / (lam_h + lam))), lam


class AdaptiveCubic:
    name = "arc"
    monotone = True
    needs = frozenset({"grad", "hess"})

    def __init__(self, sigma0: float = 1.0):
        self.sigma0 = sigma0

    def prepare(self, problem, ctx) -> None:
        self.sigma = self.sigma0
        self._at = None  # (x, eigendecomposition of H): reused after a rejected step

    def step(self, k, x, f, g, oracle) -> Step:
        if self._at is None or not np.array_equal(self._at[0], x):
            H = oracle.hess(x)
            if not np.all(np.isfinite(H)):
                return Step(x, status=Status.NON_FINITE_HESSIAN, detail="∇²f has non-finite entries")
            H = 0.5 * (H + H.T)
            self._at = (x.copy(), H, np.linalg.eigh(H))
        _, H, spectrum = self._at
        sigma = self.sigma
        p, lam = cubic_step(g, H, sigma, spectrum)
        pnorm = float(np.linalg.norm(p))
        pred = -(float(g @ p) + 0.5 * float(p @ H @ p) + sigma / 3.0 * pnorm ** 3)
        data = {"sigma": sigma, "lambda": lam, "step_norm": pnorm, "pred": pred}
        if not (math.isfinite(pred) and pred > 0):
            self.sigma = 2.0 * sigma
            data.update(rho=-math.inf, accepted=False)
            step = Step(x, f=f, g=g, accepted=False, data=data, note=f"model decrease {pred:.3g} ≤ 0: rejected")
        else:
            f_new = oracle.f(x + p)
            actual = f - f_new
            rho = actual / pred if math.isfinite(f_new) else -math.inf
            g_new = None
            if math.isfinite(f_new) and abs(actual) <= 100 * _EPS * max(1.0, abs(f)):
                # f's change is rounding noise: the trapezoidal estimate −½(g + g₊)ᵀp instead (as in the TR)
                g_new = oracle.grad(x + p)
                rho = float(-0.5 * (g + g_new) @ p) / pred
                data["rho_from_gradients"] = True
            if rho >= ETA2:
                self.sigma = max(0.5 * sigma, SIGMA_MIN)
            elif rho < ETA1:
                self.sigma = 2.0 * sigma
            data.update(rho=rho, accepted=rho >= ETA1)
            if rho >= ETA1:
                return Step(x + p, f=f_new, g=g_new, data=data)
            step = Step(x, f=f, g=g, accepted=False, data=data)
        if self.sigma > SIGMA_MAX:
            step.status, step.detail = Status.LINE_SEARCH_FAILED, f"ARC weight σ = {self.sigma:.3g} > {SIGMA_MAX:g}: " \
                                                                  "no decrease possible in floating point"
        return step
