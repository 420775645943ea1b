"""Descents: the shape of a step at x (Optimistix's split; a search then picks α).

Each descent has ``direction(oracle, k, x, f, g) -> Direction`` and declares
what it ``needs`` ("grad", "hess", "hvp").  Notation of N&W: g = ∇f(x),
H = ∇²f(x), p the direction.

* :class:`Steepest` — p = −g.
* :class:`Newton` — Hp = −g, solved (never inverted).  Pure Newton takes the
  step even when it does not descend (it is attracted to saddles and maxima,
  which is the point of course exercise E10) and says so in the trace; with a
  line search (modified Newton, N&W §3.4) every H that is not positive
  definite is shifted, H + τI (N&W Algorithm 3.3, β = 1e-3·‖H‖_F), and a
  saddle reached exactly is left along negative curvature.
* :class:`SaddleFreeNewton` — p = −(|H| + λI)⁻¹g, |H| = V|Λ|Vᵀ (Dauphin et
  al. 2014, "Identifying and attacking the saddle point problem", §4 and
  Algorithm 1).  Exact from ``eigh``, or in a k-dimensional Krylov (Lanczos)
  subspace built from Hessian-vector products only.
* :class:`MomentumGD` — heavy-ball (Polyak 1964) and Nesterov (1983) momentum,
  a complete step rule rather than a direction.

Kept as one piece (a little over 400 lines): the Newton-family directions share the
:class:`Direction` record and the helpers that decide when H can be trusted (the checked LU
solve, the Cholesky shift, the negative-curvature test), which are read together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from optkit.run.results import Status, Step
from optkit.stationary.ritz import lanczos

_EPS = float(np.finfo(float).eps)


@dataclass
class Direction:
    p: np.ndarray | None
    data: dict = field(default_factory=dict)
    note: str = ""
    status: Status | None = None
    measure: float | None = None
    tol: float | None = None
    detail: str = ""


class Steepest:
    """p = −g (N&W §2.2)."""

    name = "steepest"
    columns: tuple = ()  # trace columns (Step.data keys) this descent adds
    needs = frozenset({"grad"})

    def prepare(self, problem, ctx) -> None:
        pass

    def direction(self, oracle, k, x, f, g) -> Direction:
        return Direction(-g)


def _hessian(oracle, x) -> tuple[np.ndarray | None, Direction | None]:
    H = oracle.hess(x)
    if not np.all(np.isfinite(H)):
        bad = int(np.sum(~np.isfinite(H)))
        return None, Direction(None, status=Status.NON_FINITE_HESSIAN, detail=f"{bad} non-finite entries at x")
    return 0.5 * (H + H.T), None


class Newton:
    """Newton–Raphson direction: solve Hp = −g (N&W eq. 2.15; never form H⁻¹).

    ``fallback`` (what is done with an H that is not safely positive definite):

    * ``"none"`` (pure Newton, the default with a unit step): the Newton step is
      taken whatever the curvature — it is attracted to saddles and maxima,
      which is the point of course exercise E10 — and a non-descent step is
      noted; an untrustworthy solve ends the run with status "Hessian singular"
      (see :func:`trusted_solve`);
    * ``"shift"`` (default with a line search; *modified Newton*, N&W §3.4):
      whenever the Cholesky factorisation of H fails — H indefinite or
      singular, whatever the sign of gᵀp — the step solves (H + τI)p = −g with
      τ from N&W Algorithm 3.3 (Cholesky with added multiple of the identity,
      β = 1e-3·‖H‖_F, relative so the shift is scale-invariant); τ is recorded as ``damping`` and
      ``modification = "shift"`` in the trace.  Chosen over modified Cholesky
      (Gill–Murray, which perturbs H entry by entry and can distort a
      well-scaled H badly, N&W p. 53) and over eigenvalue modification (which
      needs a full eigendecomposition and, flipping signs, *is* saddle-free
      Newton, a method of its own here): the shift needs only Cholesky
      factorisations, and because H + τI has a small eigenvalue ≈ β along the
      most negative direction the step moves *away* from a saddle along it.
      At a stationary point with negative curvature (‖g‖ ≤ gtol) the driver
      asks :meth:`escapes`; the step is then along the most negative
      eigenvector (N&W §4.3's direction of negative curvature), recorded;
    * ``"steepest"``: p = −g where the Newton direction does not descend or
      the solve is untrusted, recorded.
    """

    name = "newton"
    columns: tuple = ("damping",)  # τ of the shifted Hessian, when the fallback shifts
    models_curvature = True  # its direction carries pᵀHp: the trace gets the quadratic prediction
    needs = frozenset({"grad", "hess"})

    def __init__(self, fallback: str = "none"):
        self.fallback = fallback

    def prepare(self, problem, ctx) -> None:
        self.gtol = ctx.gtol

    def escapes(self, x, g, oracle) -> bool:
        """Modified Newton only: at ‖g‖ ≤ gtol, is there negative curvature to escape along?"""
        if self.fallback != "shift":
            return False
        H, failed = _hessian(oracle, x)
        return failed is None and negative_curvature(np.linalg.eigh(H)[0])

    def direction(self, oracle, k, x, f, g) -> Direction:
        H, failed = _hessian(oracle, x)
        if failed:
            return failed
        if self.fallback == "shift":
            return self._modified(H, g)
        p, rcond, why = trusted_solve(H, -g)
        if p is None and self.fallback == "none":
            return Direction(None, status=Status.SINGULAR_HESSIAN, measure=rcond, tol=_EPS, detail=why)
        slope = float(g @ p) if p is not None else math.nan
        curvature = {"curvature": float(p @ H @ p)} if p is not None else {}  # pᵀHp: the quadratic prediction
        if p is not None and slope < 0:
            return Direction(p, data=curvature)
        if self.fallback == "none":
            return Direction(p, note=f"Newton direction does not descend (gᵀp = {slope:.3g} ≥ 0); "
                                     "pure Newton takes it anyway", data={"descent": False, **curvature})
        reason = f"H singular{why}" if p is None else f"Newton direction does not descend (gᵀp = {slope:.3g})"
        return Direction(-g, note=f"{reason}: fell back to p = −g", data={"fallback": "steepest"})

    def _modified(self, H, g) -> Direction:
        gnorm = float(np.linalg.norm(g))
        if gnorm <= self.gtol:
            lam, V = np.linalg.eigh(H)
            if negative_curvature(lam):
                v = V[:, 0] if float(g @ V[:, 0]) <= 0 else -V[:, 0]
                return Direction(v, data={"escape": True, "modification": "negative-curvature"},
                                 note=f"at a saddle (‖g‖₂ = {gnorm:.3g} ≤ gtol, λ_min = {lam[0]:.4g}): "
                                      "stepped along the most negative eigenvector")
        tau, p = shifted_newton(H, g)
        if p is None or not np.all(np.isfinite(p)):
            return Direction(None, status=Status.NON_FINITE_HESSIAN,
                             detail=f"no finite shift τ makes H + τI positive definite (‖H‖_F = "
                                    f"{float(np.linalg.norm(H)):.3g})")
        if tau == 0.0:
            return Direction(p, data={"modification": "none", "damping": 0.0, "curvature": float(p @ H @ p)})
        return Direction(p, note=f"H not positive definite: modified Newton, (H + τI)p = −g with τ = {tau:.3g} "
                                 "(N&W Alg. 3.3)",
                         data={"modification": "shift", "fallback": "shift", "damping": tau,
                               "curvature": float(p @ H @ p)})


def negative_curvature(eigenvalues: np.ndarray) -> bool:
    """λ_min < −√ε·max(1, max|λ|): negative curvature beyond the rounding of an eigensolver (Weyl)."""
    return bool(eigenvalues[0] < -math.sqrt(_EPS) * max(1.0, float(np.max(np.abs(eigenvalues)))))


def trusted_solve(H: np.ndarray, b: np.ndarray) -> tuple[np.ndarray | None, float, str]:
    """Solve Hp = b by LU with partial pivoting, returning (p or None, rcond, why-not).

    The solve is trusted unless (i) the factorisation has an exactly zero
    pivot, (ii) LAPACK's 1-norm reciprocal condition estimate (``gecon``) is
    ≤ ε — then not one digit of p is reliable (the forward error bound is
    cond·ε ≥ 1) — or (iii) p is not finite or its residual fails the backward-
    stability test ‖Hp − b‖₁ ≤ 100·n·ε·(‖H‖₁‖p‖₁ + ‖b‖₁) (Higham, *Accuracy and
    Stability*, Thm 9.4 with a generous growth factor).  This replaces an
    eigenvalue-ratio test, which called H = diag(2, 2·10¹²) singular although
    its solve is exact to rounding (Brown badly scaled, issue 9).
    """
    from scipy.linalg import LinAlgWarning, lapack, lu_factor, lu_solve
    import warnings

    n = b.size
    anorm = float(np.linalg.norm(H, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LinAlgWarning)
        try:
            lu, piv = lu_factor(H, check_finite=False)
        except (np.linalg.LinAlgError, ValueError):
            return None, 0.0, ""
    if not np.all(np.isfinite(lu)) or np.any(np.diag(lu) == 0):
        return None, 0.0, " (zero pivot in the LU factorisation)"
    rcond, info = lapack.dgecon(lu, anorm, norm="1")
    rcond = float(rcond)
    if info != 0 or not rcond > _EPS:
        return None, rcond, ""
    p = lu_solve((lu, piv), b, check_finite=False)
    if not np.all(np.isfinite(p)):
        return None, rcond, " (non-finite step)"
    residual = float(np.linalg.norm(H @ p - b, 1))
    bound = 100 * n * _EPS * (anorm * float(np.linalg.norm(p, 1)) + float(np.linalg.norm(b, 1)))
    if residual > bound:
        return None, rcond, f" (residual ‖Hp + g‖₁ = {residual:.3g} > {bound:.3g})"
    return p, rcond, ""


def shifted_newton(H: np.ndarray, g: np.ndarray, beta: float | None = None) -> tuple[float, np.ndarray]:
    """N&W Algorithm 3.3 (Cholesky with added multiple of the identity): (H + τI)p = −g, H + τI ≻ 0.

    Returns (τ, None) when τ overflows (H with entries near the float limit).

    τ = 0 when H itself factors (the plain Newton step); otherwise τ₀ = 0 if
    min Hᵢᵢ > 0 else β − min Hᵢᵢ, then τ ← max(2τ, β) until Cholesky succeeds.
    """
    from scipy.linalg import cho_factor, cho_solve

    n = g.size
    if beta is None:
        beta = 1e-3 * float(np.linalg.norm(H)) or 1e-3  # relative: scale-invariant (N&W use 1e-3 for ‖H‖ ≈ 1)
    tau = 0.0
    try:
        return tau, cho_solve(cho_factor(H), -g)
    except np.linalg.LinAlgError:
        pass
    dmin = float(np.min(np.diag(H)))
    tau = 0.0 if dmin > 0 else beta - dmin
    for _ in range(200):
        if not math.isfinite(tau):  # ‖H‖ near the float limit: no finite shift makes H + τI factorable
            return tau, None
        try:
            factor = cho_factor(H + tau * np.eye(n))
        except np.linalg.LinAlgError:
            tau = max(2.0 * tau, beta)
            continue
        return tau, cho_solve(factor, -g)
    return tau, None  # unreachable for finite H: τ grows past ‖H‖


class SaddleFreeNewton:
    """Saddle-free Newton, Dauphin et al. (2014): p = −(|H| + λI)⁻¹ g.

    With H = VΛVᵀ and |H| = V|Λ|Vᵀ the step along eigenvector i is
    −gᵢ/(|λᵢ| + λ): Newton's −gᵢ/λᵢ moves *towards* a saddle along negative
    curvature, SFN away; p is a descent direction whenever g ≠ 0.

    Damping λ is mandatory: |λᵢ| → 0 would give unbounded steps.  With
    ``adaptive`` (default) λ starts at ``damping`` and follows the
    Levenberg–Marquardt rule (Moré 1978; Nielsen 1999) on the |H| model
    m(αp) = α gᵀp + ½α² pᵀ|H|p of the step the line search took:
    r = (f − f₊)/(−m(αp));  λ ← 4λ when the search backtracked (α < 1) or
    r < ¼ (the model overpromised), λ ← λ/4 when α = 1 and r > ¾; λ stays in
    [1e-12, 1e12].  A small λ takes long steps across plateaus of small
    curvature (where a fixed λ = 1e-3 crawls: xor-mlp, issue 9 §4); a large
    one shortens steps where |H| is a poor model.  (Dauphin et al. pick λ per
    step from a few candidates by lowest f, which costs several f per step.)
    ``adaptive`` off: λ = ``damping`` fixed; on a quadratic a coordinate
    along eigenvalue μ < 0 then grows by exactly 1 + |μ|/(|μ| + λ) per unit step.

    ``krylov_dim`` = k > 0: the paper's Algorithm 1 — a Lanczos basis Q of
    the Krylov space of (H, g) from k Hessian-vector products (full
    reorthogonalisation), T = QᵀHQ = UΘUᵀ, p = −QU(|Θ| + λI)⁻¹UᵀQᵀg.  Memory
    O(n·k); no n×n matrix is formed.  With k ≥ n it reproduces the exact step.

    At a stationary point (‖g‖ ≤ gtol) with negative curvature the SFN step
    is ≈ 0; with ``escape`` (default) the step is ``escape_step`` along the
    eigenvector of the most negative eigenvalue (Ritz vector in the Krylov
    variant, whose Lanczos run then starts from a seeded random vector), and
    the trace says so.
    """

    name = "sfn"
    columns: tuple = ("damping",)
    models_curvature = True  # its direction carries pᵀHp: the trace gets the quadratic prediction

    LAMBDA_MIN, LAMBDA_MAX = 1e-12, 1e12

    def __init__(self, damping: float = 1e-3, krylov_dim: int = 0, escape: bool = True, escape_step: float = 1.0,
                 adaptive: bool = True):
        self.damping, self.krylov_dim, self.escape, self.escape_step = damping, krylov_dim, escape, escape_step
        self.adaptive = adaptive
        self.needs = frozenset({"grad", "hvp"}) if krylov_dim else frozenset({"grad", "hess"})

    def prepare(self, problem, ctx) -> None:
        self.gtol = ctx.gtol
        self.rng = ctx.rng
        self.lam = self.damping
        self._model = None  # (gᵀp, pᵀ|H|p) of the last direction, for the damping update

    def feedback(self, alpha: float, f: float, f_new: float | None) -> dict:
        """Levenberg–Marquardt update of λ after the line search took α·p (see the class docstring)."""
        if not self.adaptive or self._model is None or f_new is None:
            return {}
        slope, curvature = self._model
        pred = -(alpha * slope + 0.5 * alpha * alpha * curvature)
        r = (f - f_new) / pred if pred > 0 else -math.inf
        if alpha < 1.0 or r < 0.25:
            self.lam = min(4.0 * self.lam, self.LAMBDA_MAX)
        elif r > 0.75:
            self.lam = max(0.25 * self.lam, self.LAMBDA_MIN)
        return {"model_ratio": r, "next_damping": self.lam}

    def escapes(self, x, g, oracle) -> bool:
        """At ‖g‖ ≤ gtol: is there negative curvature to escape along?  (Counted ∇²f or Hv work.)

        Exact: the smallest eigenvalue of H.  Krylov: the smallest Ritz value of
        a Lanczos run from a seeded random vector; a negative Ritz value is a
        genuine direction of negative curvature (a Rayleigh quotient).
        """
        if not self.escape:
            return False
        if self.krylov_dim:
            _, T = lanczos(lambda v: oracle.hvp(x, v), self.rng.standard_normal(g.size), self.krylov_dim)
            theta = np.linalg.eigvalsh(T)
        else:
            H, failed = _hessian(oracle, x)
            if failed:
                return False
            theta = np.linalg.eigvalsh(H)
        return negative_curvature(theta)

    def direction(self, oracle, k, x, f, g) -> Direction:
        gnorm = float(np.linalg.norm(g))
        at_stationary = gnorm <= self.gtol
        if self.krylov_dim:
            start = self.rng.standard_normal(g.size) if at_stationary else g
            Q, T = lanczos(lambda v: oracle.hvp(x, v), start, self.krylov_dim)
            if not (np.all(np.isfinite(T)) and np.all(np.isfinite(Q))):
                return Direction(None, status=Status.NON_FINITE_HESSIAN, detail="non-finite Hessian-vector product")
            theta, U = np.linalg.eigh(T)
            # Ritz vectors are V = QᵀU; it is applied as Qᵀ(Uc), never formed (products with Q are O(n·k))
            to_x, gamma = (lambda c: (U @ c) @ Q), U.T @ (Q @ g)
            data = {"damping": self.lam, "krylov_dim": int(T.shape[0]), "ritz_min": float(theta[0])}
        else:
            H, failed = _hessian(oracle, x)
            if failed:
                return failed
            theta, V = np.linalg.eigh(H)
            to_x, gamma = (lambda c: V @ c), V.T @ g
            data = {"damping": self.lam, "hess_eigenvalues": theta.tolist()}
        # gamma: g in the (Ritz) eigenbasis; to_x maps eigenbasis coefficients back to R^n
        if at_stationary and self.escape and theta[0] < -math.sqrt(_EPS) * max(1.0, float(np.max(np.abs(theta)))):
            v = to_x(np.eye(theta.size)[0])
            v /= np.linalg.norm(v)
            if float(g @ v) > 0:
                v = -v
            data["escape"] = True
            return Direction(self.escape_step * v, data=data,
                             note=f"at a saddle (‖g‖₂ = {gnorm:.3g} ≤ gtol, λ_min = {theta[0]:.4g}): stepped "
                                  f"{self.escape_step:g} along the most negative eigenvector")
        self._model = None
        c = -gamma / (np.abs(theta) + self.lam)
        p = to_x(c)
        if not np.all(np.isfinite(p)):
            return Direction(None, status=Status.NON_FINITE, detail="saddle-free Newton step")
        # the |H| model along p, in the (Ritz) eigenbasis: gᵀp = γᵀc, pᵀ|H|p = Σ|θᵢ|cᵢ²
        # (in the Krylov form p lies in span Q, so the model is exact within the subspace)
        self._model = (float(gamma @ c), float(np.abs(theta) @ (c * c)))
        # pᵀHp = Σ θᵢcᵢ² with the true (signed) eigenvalues: the second-order Taylor prediction
        # (Ritz values for the Krylov variant: the model restricted to the Krylov space)
        data["curvature"] = float(theta @ c**2)
        return Direction(p, data=data)


class MomentumGD:
    """Gradient descent with momentum; a full step rule (the search is the schedule).

    Heavy ball (Polyak 1964):  v ← βv − α_k ∇f(x),          x ← x + v.
    Nesterov (1983; Sutskever et al. 2013 form):
                               v ← βv − α_k ∇f(x + βv),     x ← x + v.
    v₀ = 0, so the first step is plain gradient descent.  Not monotone: f may
    rise on some steps.  With a mini-batch, ∇f is the batch gradient.
    """

    needs = frozenset({"grad"})
    monotone = False
    columns: tuple = ("alpha", "pred_linear", "actual", "step_norm")  # trace columns (Step.data keys), in order

    def __init__(self, schedule, beta: float = 0.9, nesterov: bool = False):
        self.schedule, self.beta, self.nesterov = schedule, beta, nesterov
        self.name = "nesterov" if nesterov else "heavy-ball"

    def prepare(self, problem, ctx) -> None:
        self.v = None

    def step(self, k, x, f, g, oracle) -> Step:
        if self.v is None:
            self.v = np.zeros_like(x)
        alpha = self.schedule(k)
        if self.nesterov:
            g_look = oracle.grad(x + self.beta * self.v)
            self.v = self.beta * self.v - alpha * g_look
        else:
            self.v = self.beta * self.v - alpha * g
        data = {"alpha": alpha, "momentum": self.beta, "step_norm": float(np.linalg.norm(self.v))}
        if not self.nesterov:
            data["pred_linear"] = float(-(g @ self.v))  # first-order prediction −gᵀ(x_{k+1} − x_k)
        return Step(x + self.v, data=data)
