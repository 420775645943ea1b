"""Descents: the shape of a step at x (Optimistix's split; a search then picks α).

Each descent has ``direction(oracle, k, x, f, g) -> Direction`` and declares
what it ``needs`` ("grad", "hess", "hvp").  Notation of N&W: g = ∇f(x),
H = ∇²f(x), p the direction.

* :class:`Steepest` — p = −g.
* :class:`Newton` — Hp = −g, solved (never inverted).  Pure Newton takes the
  step even when it does not descend (it is attracted to saddles and maxima,
  which is the point of course exercise E10) and says so in the trace; with a
  line search the ``fallback`` for a non-descent or singular H is the τ-shift
  of N&W Algorithm 3.3 (Cholesky with added multiple of the identity,
  β = 1e-3) or −g.
* :class:`SaddleFreeNewton` — p = −(|H| + λI)⁻¹g, |H| = V|Λ|Vᵀ (Dauphin et
  al. 2014, "Identifying and attacking the saddle point problem", §4 and
  Algorithm 1).  Exact from ``eigh``, or in a k-dimensional Krylov (Lanczos)
  subspace built from Hessian-vector products only.
* :class:`MomentumGD` — heavy-ball (Polyak 1964) and Nesterov (1983) momentum,
  a complete step rule rather than a direction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from optkit.run.results import Status, Step

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

    ``fallback`` (what happens when gᵀp ≥ 0 or H is singular):

    * ``"none"`` (pure Newton, the default with a unit step): a non-descent
      step is taken anyway and noted; a singular H ends the run with status
      "Hessian singular" (min|λ|/max|λ| ≤ ``singular_tol``);
    * ``"shift"`` (default with a line search): N&W Algorithm 3.3 — Cholesky
      of H + τI with τ₀ = 0 if min Hᵢᵢ > 0 else β − min Hᵢᵢ, τ ← max(2τ, β),
      β = 1e-3·max(1, ‖H‖_F) — so the step always descends; τ is recorded;
    * ``"steepest"``: p = −g, recorded.

    The singularity test uses the eigenvalues of the symmetric part for
    n ≤ 500 (cheap there, and recorded); for larger n only an exactly singular
    factorisation or a non-finite step is detected.
    """

    name = "newton"
    columns: tuple = ("damping",)  # τ of the shifted Hessian, when the fallback shifts
    models_curvature = True  # its direction carries pᵀHp: the trace gets the quadratic prediction
    needs = frozenset({"grad", "hess"})

    def __init__(self, fallback: str = "none", singular_tol: float = 1e-12):
        self.fallback, self.singular_tol = fallback, singular_tol

    def prepare(self, problem, ctx) -> None:
        pass

    def direction(self, oracle, k, x, f, g) -> Direction:
        H, failed = _hessian(oracle, x)
        if failed:
            return failed
        n = g.size
        singular = False
        ratio = None
        spectrum = {}
        if n <= 500:
            lam = np.linalg.eigvalsh(H)
            spectrum = {"hess_eigenvalues": lam.tolist()}  # the driver records it instead of recomputing
            big = float(np.max(np.abs(lam)))
            ratio = float(np.min(np.abs(lam)) / big) if big > 0 else 0.0
            singular = ratio <= self.singular_tol
        p = None
        if not singular:
            try:
                p = np.linalg.solve(H, -g)
            except np.linalg.LinAlgError:
                singular, ratio = True, 0.0
            else:
                singular = not np.all(np.isfinite(p))
        if singular and self.fallback == "none":
            return Direction(None, status=Status.SINGULAR_HESSIAN, measure=ratio if ratio is not None else 0.0,
                             tol=self.singular_tol, data=spectrum)
        slope = float(g @ p) if p is not None else math.nan
        if p is not None:  # pᵀHp, for the quadratic model's predicted decrease
            spectrum["curvature"] = float(p @ H @ p)
        if not singular and slope < 0:
            return Direction(p, data=spectrum)
        if self.fallback == "none":
            return Direction(p, note=f"Newton direction does not descend (gᵀp = {slope:.3g} ≥ 0); "
                                     "pure Newton takes it anyway", data={"descent": False, **spectrum})
        spectrum.pop("curvature", None)
        why = "H singular" if singular else f"Newton direction does not descend (gᵀp = {slope:.3g})"
        if self.fallback == "steepest":
            return Direction(-g, note=f"{why}: fell back to p = −g", data={"fallback": "steepest", **spectrum})
        tau, p = shifted_newton(H, g)
        return Direction(p, note=f"{why}: shifted H + τI with τ = {tau:.3g} (N&W Alg. 3.3)",
                         data={"fallback": "shift", "damping": tau, "curvature": float(p @ H @ p), **spectrum})


def shifted_newton(H: np.ndarray, g: np.ndarray, beta: float | None = None) -> tuple[float, np.ndarray]:
    """N&W Algorithm 3.3 (Cholesky with added multiple of the identity): (H + τI)p = −g, H + τI ≻ 0."""
    from scipy.linalg import cho_factor, cho_solve

    n = g.size
    if beta is None:
        beta = 1e-3 * max(1.0, float(np.linalg.norm(H)))
    dmin = float(np.min(np.diag(H)))
    tau = 0.0 if dmin > 0 else beta - dmin
    for _ in range(200):
        try:
            factor = cho_factor(H + tau * np.eye(n))
        except np.linalg.LinAlgError:
            tau = max(2.0 * tau, beta)
            continue
        return tau, cho_solve(factor, -g)
    return tau, -g  # unreachable for finite H: τ grows past ‖H‖


class SaddleFreeNewton:
    """Saddle-free Newton, Dauphin et al. (2014): p = −(|H| + λI)⁻¹ g.

    With H = VΛVᵀ and |H| = V|Λ|Vᵀ the step along eigenvector i is
    −gᵢ/(|λᵢ| + λ): Newton's −gᵢ/λᵢ moves *towards* a saddle along negative
    curvature, SFN away; p is a descent direction whenever g ≠ 0.

    Damping λ = ``damping`` (absolute, default 1e-3) is mandatory: |λᵢ| → 0
    would give unbounded steps.  (The paper picks λ per step from a few
    candidates by lowest f; a fixed λ keeps the step reproducible.)  On a
    quadratic, a coordinate along eigenvalue μ < 0 grows by exactly
    1 + |μ|/(|μ| + λ) per unit step.

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

    def __init__(self, damping: float = 1e-3, krylov_dim: int = 0, escape: bool = True, escape_step: float = 1.0):
        self.damping, self.krylov_dim, self.escape, self.escape_step = damping, krylov_dim, escape, escape_step
        self.needs = frozenset({"grad", "hvp"}) if krylov_dim else frozenset({"grad", "hess"})

    def prepare(self, problem, ctx) -> None:
        self.gtol = ctx.gtol
        self.rng = ctx.rng

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
        return bool(theta[0] < -math.sqrt(_EPS) * max(1.0, float(np.max(np.abs(theta)))))

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
            data = {"damping": self.damping, "krylov_dim": int(T.shape[0]), "ritz_min": float(theta[0])}
        else:
            H, failed = _hessian(oracle, x)
            if failed:
                return failed
            theta, V = np.linalg.eigh(H)
            to_x, gamma = (lambda c: V @ c), V.T @ g
            data = {"damping": self.damping, "hess_eigenvalues": theta.tolist()}
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
        coefficients = -gamma / (np.abs(theta) + self.damping)
        p = to_x(coefficients)
        if not np.all(np.isfinite(p)):
            return Direction(None, status=Status.NON_FINITE, detail="saddle-free Newton step")
        # pᵀHp = Σ θᵢcᵢ² with the true (signed) eigenvalues: the second-order Taylor prediction
        # (Ritz values for the Krylov variant: the model restricted to the Krylov space)
        data["curvature"] = float(theta @ coefficients**2)
        return Direction(p, data=data)


def lanczos(matvec, v0: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """k-step Lanczos with full reorthogonalisation: rows of Q orthonormal, T = QHQᵀ tridiagonal.

    Stops early on breakdown (an invariant subspace: ‖w‖ ≤ 1e-10·scale), so
    T may be smaller than k×k.  Returns (Q as an m×n array, T as m×m).
    """
    n = v0.size
    k = min(k, n)
    Q = np.empty((k, n))
    alphas, betas = [], []
    q = v0 / np.linalg.norm(v0)
    scale = 0.0
    m = 0
    for j in range(k):
        Q[j] = q
        m = j + 1
        w = np.asarray(matvec(q), dtype=float)
        a = float(q @ w)
        alphas.append(a)
        w = w - a * q - (betas[-1] * Q[j - 1] if j > 0 else 0.0)
        w -= (Q[:m] @ w) @ Q[:m]  # full reorthogonalisation (k is small; keeps T honest), row-major products
        b = float(np.linalg.norm(w))
        scale = max(scale, abs(a), b)
        if j == k - 1 or not math.isfinite(b) or b <= 1e-10 * max(scale, 1e-300):
            break
        betas.append(b)
        q = w / b
    T = np.diag(alphas)
    if m > 1:
        off = np.array(betas[: m - 1])
        T += np.diag(off, 1) + np.diag(off, -1)
    return Q[:m], T


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
