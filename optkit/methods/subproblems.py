"""Trust-region subproblem solvers (Nocedal & Wright, chapters 4 and 7).

Each solver approximately minimises the quadratic model

    m(p) = gᵀp + ½ pᵀHp      subject to   ‖p‖₂ ≤ Δ        (N&W eq. 4.3, f dropped)

and returns a :class:`SubproblemResult`.  The outer trust-region loop (ratio ρ,
radius update) lives elsewhere; a solver has exactly one job.

Uniform calling convention (what :data:`SOLVERS` holds)::

    solver(g, hessian_operator, delta) -> SubproblemResult

where ``hessian_operator`` is a :class:`HessianOperator`: ``.matvec(v)`` gives
Hv, ``.matrix()`` gives the dense H when one is available.  The public
functions also accept a plain ndarray H (and ``steihaug_cg`` a plain callable
v ↦ Hv).

==========  ===========================  =====================================
name        needs                        what it returns
==========  ===========================  =====================================
"cauchy"    one Hessian-vector product   N&W Algorithm 4.2 / eq. 4.12
"dogleg"    dense H, H ≻ 0               N&W §4.1 (falls back to "exact")
"cg"        Hessian-vector products      Steihaug–Toint CG, N&W Algorithm 7.2
"exact"     dense H                      Moré–Sorensen, N&W Algorithm 4.3, §4.3
==========  ===========================  =====================================

Invalid input (Δ ≤ 0, non-finite g or H, shape mismatch) raises
:class:`SubproblemInputError`, which is both a ``ValueError`` and an
``OptkitError`` (so the CLI reports it as a one-line error).

Kept as one piece (over 400 lines) on purpose: the four solvers share the calling convention, the
:class:`HessianOperator` and :class:`SubproblemResult`, and are read and tested side by side as
N&W chapter 4 presents them (tests/test_trust_region_subproblems.py checks each in isolation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from optkit.errors import OptkitError

_EPS = float(np.finfo(float).eps)


class SubproblemInputError(OptkitError, ValueError):
    """Invalid input to a trust-region subproblem solver."""


@dataclass(frozen=True, eq=False)  # eq=False: "==" on ndarray fields would be ambiguous
class SubproblemResult:
    """A trust-region step and what is known about it.

    p               the step
    hits_boundary   ‖p‖ ≈ Δ
    lam             Lagrange multiplier λ ≥ 0 of ‖p‖ ≤ Δ (exact solver; None when not computed)
    model_decrease  m(0) − m(p) = −(gᵀp + ½pᵀHp) ≥ 0
    note            "" or a short human note on what happened
    hvp_count       Hessian-vector products (``matvec`` calls) used; 0 for the
                    factorisation-based solvers (dogleg, exact)
    """

    p: np.ndarray
    hits_boundary: bool
    lam: float | None
    model_decrease: float
    note: str
    hvp_count: int


class HessianOperator:
    """The Hessian as a solver sees it: ``matvec(v) = Hv`` and, if known, ``matrix() = H``.

    ``matvec`` uses ``hvp`` when given, else ``matrix @ v``; every call is
    counted in ``hvp_calls``.  ``matrix()`` raises ValueError when only ``hvp``
    is available, so a solver that needs the dense H fails loudly instead of
    silently forming it from n products.
    """

    def __init__(
        self,
        matrix: np.ndarray | None = None,
        hvp: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:
        if matrix is None and hvp is None:
            raise SubproblemInputError("HessianOperator needs a matrix, an hvp callable, or both")
        if hvp is not None and not callable(hvp):
            raise SubproblemInputError(f"hvp must be callable v -> H v, got {type(hvp).__name__}")
        self._matrix = None if matrix is None else _square_finite_matrix(matrix)
        self._hvp = hvp
        self.hvp_calls = 0

    @property
    def has_matrix(self) -> bool:
        return self._matrix is not None

    def matvec(self, v: np.ndarray) -> np.ndarray:
        self.hvp_calls += 1
        if self._hvp is not None:
            return np.asarray(self._hvp(v), dtype=float)
        return self._matrix @ v

    def matrix(self) -> np.ndarray:
        if self._matrix is None:
            raise SubproblemInputError(
                "this subproblem solver needs the dense Hessian matrix, but only Hessian-vector "
                "products (hvp) were provided; use the 'cg' or 'cauchy' solver, or pass matrix="
            )
        return self._matrix


# ----------------------------------------------------------------------------
# input checks and small shared helpers


def _square_finite_matrix(H) -> np.ndarray:
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise SubproblemInputError(f"Hessian must be a square matrix, got shape {H.shape}")
    if not np.all(np.isfinite(H)):
        raise SubproblemInputError("Hessian contains non-finite values (nan or inf)")
    return H


def _check_g(g) -> np.ndarray:
    g = np.asarray(g, dtype=float)
    if g.ndim != 1 or g.size == 0:
        raise SubproblemInputError(f"gradient g must be a non-empty 1-D vector, got shape {g.shape}")
    if not np.all(np.isfinite(g)):
        raise SubproblemInputError("gradient g contains non-finite values (nan or inf)")
    return g


def _check_delta(delta) -> float:
    try:
        delta = float(delta)
    except (TypeError, ValueError):
        raise SubproblemInputError(f"trust radius delta must be a number, got {delta!r}") from None
    if not (math.isfinite(delta) and delta > 0.0):
        raise SubproblemInputError(f"trust radius delta must be finite and > 0, got {delta}")
    return delta


def _check_max_iter(max_iter) -> int:
    if isinstance(max_iter, (int, np.integer)) and not isinstance(max_iter, bool) and max_iter >= 1:
        return int(max_iter)
    raise SubproblemInputError(f"max_iter must be an integer >= 1, got {max_iter!r}")


def _as_operator(H) -> HessianOperator:
    if isinstance(H, HessianOperator):
        return H
    if callable(H):
        return HessianOperator(hvp=H)
    return HessianOperator(matrix=H)


def _dense_hessian(H, n: int) -> np.ndarray:
    """The symmetric part ½(H + Hᵀ) of a dense n×n Hessian.

    The model only sees pᵀHp, i.e. the symmetric part, so symmetrising changes
    nothing mathematically while making ``eigh`` (which reads one triangle) and
    Cholesky well defined for slightly asymmetric finite-difference Hessians.
    """
    if isinstance(H, HessianOperator):
        H = H.matrix()
    elif callable(H):
        raise SubproblemInputError(
            "this subproblem solver needs the dense Hessian matrix, got a callable; "
            "use the 'cg' solver for Hessian-vector products"
        )
    H = _square_finite_matrix(H)
    if H.shape != (n, n):
        raise SubproblemInputError(f"Hessian shape {H.shape} does not match gradient length {n}")
    return 0.5 * (H + H.T)


def _matvec_checked(op: HessianOperator, v: np.ndarray) -> np.ndarray:
    if op.has_matrix and op.matrix().shape != (v.size, v.size):
        raise SubproblemInputError(
            f"Hessian shape {op.matrix().shape} does not match gradient length {v.size}"
        )
    Hv = op.matvec(v)
    if Hv.shape != v.shape:
        raise SubproblemInputError(
            f"Hessian-vector product has shape {Hv.shape}, expected {v.shape}"
        )
    if not np.all(np.isfinite(Hv)):
        raise SubproblemInputError("Hessian-vector product contains non-finite values")
    return Hv


def _decrease(g: np.ndarray, p: np.ndarray, Hp: np.ndarray) -> float:
    """m(0) − m(p) = −(gᵀp + ½ pᵀHp)."""
    return float(-(g @ p + 0.5 * (p @ Hp)))


def _boundary_roots(z: np.ndarray, d: np.ndarray, delta: float) -> tuple[float, float]:
    """Both roots τ₋ ≤ τ₊ of ‖z + τd‖ = Δ (d ≠ 0, ‖z‖ ≤ Δ so τ₋ ≤ 0 ≤ τ₊).

    Uses the cancellation-free form q = −½(b + sign(b)√disc), roots q/a and c/q.
    """
    a = float(d @ d)
    b = 2.0 * float(z @ d)
    c = float(z @ z) - delta * delta
    sq = math.sqrt(max(b * b - 4.0 * a * c, 0.0))
    q = -0.5 * (b + math.copysign(sq, b))
    if q == 0.0:  # b = 0 and c = 0: z on the boundary, d tangent
        return 0.0, 0.0
    r1, r2 = q / a, c / q
    return min(r1, r2), max(r1, r2)


# ----------------------------------------------------------------------------
# Cauchy point


def cauchy_point(g, H, delta) -> SubproblemResult:
    """Cauchy point, N&W Algorithm 4.2 / eq. 4.12.

        p = −τ Δ g/‖g‖,   τ = 1                          if gᵀHg ≤ 0,
                          τ = min(‖g‖³ / (Δ gᵀHg), 1)     otherwise.

    It minimises m along −g inside the region.  Costs one Hessian-vector
    product, so ``H`` may be an ndarray, a :class:`HessianOperator` (also
    hvp-only) or a callable v ↦ Hv.
    """
    g = _check_g(g)
    delta = _check_delta(delta)
    if isinstance(H, HessianOperator) or callable(H):
        op = _as_operator(H)
    else:
        op = HessianOperator(matrix=_dense_hessian(H, g.size))
    gnorm = float(np.linalg.norm(g))
    if gnorm == 0.0:
        return SubproblemResult(np.zeros_like(g), False, None, 0.0, "zero gradient: p = 0", 0)
    # Work with the unit vector u = g/‖g‖: uᵀHu = gᵀHg/‖g‖² avoids overflow of ‖g‖³.
    u = g / gnorm
    Hu = _matvec_checked(op, u)
    curv = float(u @ Hu)
    if curv <= 0.0:
        tau = 1.0
        note = "non-positive curvature along −g: Cauchy point on the boundary"
    else:
        tau = min(gnorm / (delta * curv), 1.0)
        note = ""
    s = tau * delta
    p = -s * u
    decrease = s * gnorm - 0.5 * s * s * curv
    return SubproblemResult(p, tau == 1.0, None, float(decrease), note, 1)


# ----------------------------------------------------------------------------
# dogleg


def _cholesky_or_none(H: np.ndarray) -> np.ndarray | None:
    """Cholesky factor L of H, or None when H is not (numerically) positive definite.

    A factorisation that succeeds with a pivot at rounding level would produce
    a meaningless Newton step, so such H count as singular.
    """
    try:
        L = np.linalg.cholesky(H)
    except np.linalg.LinAlgError:
        return None
    diag = np.abs(np.diag(L))
    if diag.min() ** 2 <= H.shape[0] * _EPS * max(diag.max() ** 2, np.abs(H).max()):
        return None
    return L


def _newton_step(L: np.ndarray, g: np.ndarray) -> np.ndarray:
    """p_B = −H⁻¹g from H = LLᵀ (two triangular solves)."""
    from scipy.linalg import solve_triangular

    y = solve_triangular(L, -g, lower=True)
    return solve_triangular(L.T, y, lower=False)


def dogleg(g, H, delta) -> SubproblemResult:
    """Dogleg step, N&W §4.1 (the dogleg path).  Needs H ≻ 0.

        p_B = −H⁻¹g (full Newton step),   p_U = −(gᵀg / gᵀHg) g (unconstrained
        minimiser along −g);  p(τ) = τ p_U for 0 ≤ τ ≤ 1,
        p(τ) = p_U + (τ − 1)(p_B − p_U) for 1 ≤ τ ≤ 2, cut at ‖p‖ = Δ.

    If ‖p_B‖ ≤ Δ the step is p_B.  When the Cholesky factorisation of H fails
    (H indefinite or singular) the dogleg is undefined; instead of raising,
    the exact Moré–Sorensen step is returned and ``note`` says so.  As a last
    safeguard the step is never worse than the Cauchy point (N&W Lemma 4.3),
    which rounding in an ill-conditioned H could otherwise violate.
    """
    g = _check_g(g)
    delta = _check_delta(delta)
    Hd = _dense_hessian(H, g.size)
    L = _cholesky_or_none(Hd)
    if L is None:
        exact = more_sorensen(g, Hd, delta)
        note = ("Hessian not (numerically) positive definite: dogleg fell back to the exact "
                "(Moré–Sorensen) solver")
        if exact.note:
            note += f" ({exact.note})"
        return SubproblemResult(
            exact.p, exact.hits_boundary, exact.lam, exact.model_decrease, note, 0
        )

    p_B = _newton_step(L, g)
    if np.linalg.norm(p_B) <= delta:
        p, hits, note = p_B, False, ""
    else:
        gnorm = float(np.linalg.norm(g))
        u = g / gnorm
        curv = float(u @ Hd @ u)  # > 0 because H ≻ 0
        p_U = -(gnorm / curv) * u
        if np.linalg.norm(p_U) >= delta:
            p = -delta * u
        else:
            # second leg: ‖p_U + s(p_B − p_U)‖ = Δ with s = τ − 1 ∈ [0, 1]
            _, s = _boundary_roots(p_U, p_B - p_U, delta)
            p = p_U + min(s, 1.0) * (p_B - p_U)
        hits, note = True, ""

    decrease = _decrease(g, p, Hd @ p)
    cauchy = cauchy_point(g, Hd, delta)
    if decrease < cauchy.model_decrease:
        return SubproblemResult(
            cauchy.p, cauchy.hits_boundary, None, cauchy.model_decrease,
            "ill-conditioned Hessian: dogleg step gave less decrease than the Cauchy point, "
            "returned the Cauchy point", 0,
        )
    return SubproblemResult(p, hits, None, decrease, note, 0)


# ----------------------------------------------------------------------------
# Steihaug–Toint conjugate gradient


def steihaug_cg(g, hvp, delta, tol=None, max_iter=None) -> SubproblemResult:
    """Steihaug–Toint truncated CG, N&W Algorithm 7.2.

    Runs CG on Hp = −g from z₀ = 0, r₀ = g, d₀ = −g, using only products Hd:

        α_j = r_jᵀr_j / d_jᵀHd_j,  z_{j+1} = z_j + α_j d_j,  r_{j+1} = r_j + α_j Hd_j,
        β_{j+1} = r_{j+1}ᵀr_{j+1} / r_jᵀr_j,  d_{j+1} = −r_{j+1} + β_{j+1} d_j,

    and stops (i) at negative curvature d_jᵀHd_j ≤ 0, going to the boundary
    along d_j at whichever root of ‖z_j + τd_j‖ = Δ has the lower model value;
    (ii) when z_{j+1} would leave the region, going to the boundary along d_j;
    (iii) when ‖r_{j+1}‖ ≤ tol.  Default tol = min(0.5, √‖g‖)·‖g‖ (N&W eq. 7.3
    forcing sequence), default max_iter = n.

    ``hvp`` is a callable v ↦ Hv or a :class:`HessianOperator`; the dense
    matrix is never requested.  The iterates live in the Krylov space of
    (H, g), so negative curvature orthogonal to it (the "hard case") is not seen.
    """
    g = _check_g(g)
    delta = _check_delta(delta)
    n = g.size
    op = _as_operator(hvp)
    gnorm = float(np.linalg.norm(g))
    if tol is None:
        tol = min(0.5, math.sqrt(gnorm)) * gnorm
    tol = float(tol)
    if not (math.isfinite(tol) and tol >= 0.0):
        raise SubproblemInputError(f"tol must be finite and >= 0, got {tol}")
    if max_iter is None:
        max_iter = n
    max_iter = _check_max_iter(max_iter)

    z = np.zeros(n)
    if gnorm <= tol:
        return SubproblemResult(z, False, None, 0.0, "gradient below tolerance: p = 0", 0)

    def result(p, r_at_p, hits, note, count):
        # m(p) = ½(gᵀp + r(p)ᵀp) with r(p) = g + Hp, so no extra product is needed
        return SubproblemResult(p, hits, None, float(-0.5 * (g @ p + r_at_p @ p)), note, count)

    r = g.copy()
    d = -g
    rr = float(r @ r)
    for j in range(max_iter):
        Hd = _matvec_checked(op, d)
        count = j + 1
        dHd = float(d @ Hd)
        if dHd <= 0.0:
            tau_lo, tau_hi = _boundary_roots(z, d, delta)
            dr = float(d @ r)

            def model_change(t: float) -> float:
                return t * dr + 0.5 * t * t * dHd

            tau = tau_lo if model_change(tau_lo) < model_change(tau_hi) else tau_hi
            return result(z + tau * d, r + tau * Hd, True,
                          f"negative curvature found at CG iteration {j}", count)
        alpha = rr / dHd
        z_next = z + alpha * d
        if np.linalg.norm(z_next) >= delta:
            _, tau = _boundary_roots(z, d, delta)
            return result(z + tau * d, r + tau * Hd, True, "", count)
        z = z_next
        r = r + alpha * Hd
        rr_next = float(r @ r)
        if math.sqrt(rr_next) <= tol:
            return result(z, r, False, "", count)
        d = -r + (rr_next / rr) * d
        rr = rr_next
    return result(z, r, False,
                  f"CG stopped after max_iter = {max_iter} iterations with "
                  f"‖r‖ = {math.sqrt(rr):.3g} > tol = {tol:.3g}", max_iter)


# ----------------------------------------------------------------------------
# exact (Moré–Sorensen)


def _secular(gamma: np.ndarray, d: np.ndarray, t: float) -> tuple[float, float]:
    """‖p‖ and ‖q‖² at shift t, in the eigenbasis.

    ‖p‖² = Σ γᵢ²/(dᵢ + t)²,   ‖q‖² = pᵀ(H + λI)⁻¹p = Σ γᵢ²/(dᵢ + t)³.
    """
    w = gamma / (d + t)
    return math.sqrt(float(w @ w)), float((w * w) @ (1.0 / (d + t)))


def _solve_secular(gamma, d, delta, tol, max_iter) -> tuple[float, bool, int]:
    """Root t > 0 of φ(t) = 1/Δ − 1/‖p(t)‖, N&W Algorithm 4.3 with a bisection safeguard.

    Newton: t ← t + (‖p‖/‖q‖)² (‖p‖ − Δ)/Δ.  φ is convex and decreasing, so
    Newton started left of the root (‖p‖ ≥ Δ) climbs to it monotonically;
    the bracket [lo, hi] only catches rounding.  Bounds: ‖p(t)‖ ≥ |γᵢ|/(dᵢ + t)
    gives lo = maxᵢ(|γᵢ|/Δ − dᵢ)⁺, ‖p(t)‖ ≤ ‖γ‖/t gives hi = ‖γ‖/Δ.
    Only indices with γᵢ ≠ 0 are passed in, and dᵢ + t > 0 for every t > lo.
    Returns (t, converged, iterations).
    """
    lo = max(0.0, float(np.max(np.abs(gamma) / delta - d)))
    hi = max(float(np.linalg.norm(gamma)) / delta, lo)
    t = lo
    for it in range(1, max_iter + 1):
        pnorm, qq = _secular(gamma, d, t) if (t > 0.0 or d.min() > 0.0) else (math.inf, 0.0)
        if abs(pnorm - delta) <= tol * delta:
            return t, True, it
        if pnorm > delta:
            lo = t
        else:
            hi = t
        t_new = math.nan
        if math.isfinite(pnorm) and qq > 0.0:
            t_new = t + (pnorm * pnorm / qq) * (pnorm - delta) / delta
        if not (lo < t_new < hi):
            t_new = 0.5 * (lo + hi)
        if t_new == t or hi - lo <= 4.0 * _EPS * hi:
            # the bracket cannot shrink further in floating point: done
            return hi, abs(_secular(gamma, d, hi)[0] - delta) <= tol * delta, it
        t = t_new
    # Not converged: hi is always feasible (‖p(hi)‖ ≤ Δ).
    return hi, False, max_iter


def more_sorensen(g, H, delta, tol=1e-10, max_iter=200) -> SubproblemResult:
    """Exact (nearly) global minimiser of m on ‖p‖ ≤ Δ: N&W Algorithm 4.3 and §4.3.

    Finds p, λ with (N&W Theorem 4.1)

        (H + λI)p = −g,   λ ≥ 0,   λ(Δ − ‖p‖) = 0,   H + λI ⪰ 0,

    via the eigendecomposition H = QΛQᵀ (γ = Qᵀg):
    ‖p(λ)‖² = Σ γᵢ²/(λᵢ + λ)².  Cases, with λ₁ the smallest eigenvalue:

    * interior: H ⪰ 0, g ∈ range(H), ‖H⁺g‖ ≤ Δ → p = −H⁺g (minimum norm), λ = 0;
    * boundary: solve 1/Δ − 1/‖p(λ)‖ = 0 for λ > max(0, −λ₁) by safeguarded
      Newton (Algorithm 4.3), to |‖p‖ − Δ| ≤ tol·Δ;
    * hard case (§4.3): λ₁ < 0, g ⟂ eigenspace of λ₁ and ‖p(−λ₁)‖ ≤ Δ →
      λ = −λ₁, p = p(−λ₁) + τz with z a unit eigenvector of λ₁ and τ the root
      of ‖p‖ = Δ with the lower model value.

    λ is iterated as the shift t = λ + min(λ₁, 0) above the bottom of the
    spectrum, so the denominators dᵢ + t = λᵢ + λ keep full relative accuracy
    near the pole −λ₁ (where λ + λ₁ would cancel).  Cost O(n³) (``eigh``):
    meant for n up to a few thousand.
    """
    g = _check_g(g)
    delta = _check_delta(delta)
    tol = float(tol)
    if not (math.isfinite(tol) and tol > 0.0):
        raise SubproblemInputError(f"tol must be finite and > 0, got {tol}")
    max_iter = _check_max_iter(max_iter)
    n = g.size
    Hd = _dense_hessian(H, n)

    lams, Q = np.linalg.eigh(Hd)
    gamma = Q.T @ g
    gnorm = float(np.linalg.norm(g))
    lam1 = float(lams[0])
    # Eigenvalues within rounding of each other (eigh is accurate to ~eps‖H‖)
    # are one eigenspace; γ-components at rounding level are zero.
    eig_tol = 10.0 * n * _EPS * float(np.max(np.abs(lams)))
    g_tol = 100.0 * n * _EPS * gnorm
    indefinite = lam1 < -eig_tol
    lam_ref = lam1 if indefinite else 0.0
    d = np.maximum(lams - lam_ref, 0.0)
    bottom = d <= eig_tol  # eigenspace of λ₁ (indefinite) or null space (H ⪰ 0)
    d[bottom] = 0.0
    gamma = gamma.copy()
    pole = float(np.linalg.norm(gamma[bottom])) > g_tol
    if not pole:
        gamma[bottom] = 0.0

    def finish(t: float, p: np.ndarray, hits: bool, note: str) -> SubproblemResult:
        lam = t - lam_ref  # λ = t − min(λ₁, 0)
        return SubproblemResult(p, hits, float(lam), _decrease(g, p, Hd @ p), note, 0)

    if not pole:
        # ‖p(t)‖ is finite at t = 0: p(0) = −Σ_{dᵢ>0} γᵢ/dᵢ qᵢ
        c0 = np.zeros(n)
        c0[~bottom] = -gamma[~bottom] / d[~bottom]
        p0 = Q @ c0
        if np.linalg.norm(p0) <= delta:
            if not indefinite:
                note = "singular positive semidefinite Hessian: minimum-norm interior step"
                return finish(0.0, p0, False, note if bottom.any() else "")
            z = Q[:, int(np.argmax(bottom))]
            p = _hard_case_step(g, Hd, p0, z, delta)
            note = f"hard case: g orthogonal to the eigenspace of λ₁ = {lam1:.6g}"
            return finish(0.0, p, True, note)

    active = gamma != 0.0
    t, converged, its = _solve_secular(gamma[active], d[active], delta, tol, max_iter)
    c = np.zeros(n)
    c[active] = -gamma[active] / (d[active] + t)  # > 0 denominators: t > 0 or no pole
    p = Q @ c
    note = "" if converged else (
        f"secular equation not converged after {its} iterations: "
        f"|‖p‖ − Δ|/Δ = {abs(np.linalg.norm(p) - delta) / delta:.2e}, returned a feasible step"
    )
    return finish(t, p, True, note)


def _hard_case_step(g, H, p0, z, delta) -> np.ndarray:
    """p = p0 + τz with ‖p‖ = Δ, choosing the root of lower model value (N&W §4.3)."""
    tau_lo, tau_hi = _boundary_roots(p0, z, delta)
    candidates = [p0 + tau_lo * z, p0 + tau_hi * z]
    values = [float(g @ p + 0.5 * (p @ H @ p)) for p in candidates]
    return candidates[int(np.argmin(values))]


SOLVERS: dict[str, Callable[..., SubproblemResult]] = {
    "cauchy": cauchy_point,
    "dogleg": dogleg,
    "cg": steihaug_cg,
    "exact": more_sorensen,
}
"""Every entry is called ``solver(g, hessian_operator, delta)`` with a :class:`HessianOperator`."""
