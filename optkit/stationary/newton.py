"""Newton-type solvers for ∇f = 0 and the scale-free root test of the numeric path.

Split from :mod:`optkit.stationary.numeric` (whose docstring, items 2-4 and 6,
gives the formulas and criteria) so that :mod:`optkit.stationary.curves` can use
them without an import cycle: the box and its function evaluations
(``_System``), deflation, Levenberg-Marquardt with the multiple-root jump,
plain Newton, the convergence summary and :func:`accepted`: one piece
(about 450 lines): every solver here shares the ``_Run`` record, the
``_System`` evaluator and the merit, and the acceptance test reads the runs
they produce; split further, one algorithm would be scattered over modules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

_EPS = float(np.finfo(float).eps)

# Deflation parameters of Farrell et al. (their defaults: power p = 2, shift σ = 1).
# Both are the paper's recommended defaults.
DEFLATION_POWER = 2.0
DEFLATION_SHIFT = 1.0

_LAMBDA_START = 1e-10   # relative LM damping at the start: essentially a Newton step
_LAMBDA_ZERO = 1e-20    # below this λ is set to 0: pure Newton steps (any floor slows
                        # convergence at nearly singular roots such as Powell's)
_STALL_STEPS = 5        # a run whose merit fell by less than 5 % over this many accepted
_STALL_FACTOR = 1.05    # steps is stalled at a local minimum of ‖g‖ (or ‖M·g‖)
_LAMBDA_GIVE_UP = 1e8   # beyond this even tiny gradient steps on ½‖g‖² fail: stalled
_NULL_TOL = 1e-6        # |λ| ≤ _NULL_TOL·max(1, max|λ|) counts as a zero eigenvalue
_MAX_CURVE_SAMPLES = 1000  # per direction of a traced curve
ACCEPT_RTOL = 1e-8      # a root's ‖g‖ must be this small relative to ‖g‖ a probe distance away
_JOIN_RTOL = 1e-6       # the looser test along the segment between two found points (same flat patch)
_PROBE = 1e-3           # that probe distance, as a fraction of the box diagonal
_PROBE_RCOND = 1e-30    # isolation probe: singular values below this (relative) are zero; an isolated
                        # point flatter than that a probe away (y^k, k ≳ 16) is reported as a curve
_OUTER = 0.25           # iterates may leave the box by this fraction of its width on each side
_AITKEN_MIN, _AITKEN_MAX = 0.3, 0.98  # linear step ratios that trigger the multiple-root jump


# ---------------------------------------------------------------------------
# Evaluation


class _System:
    """g = ∇f and H = ∇²f with failures mapped to None, plus the box geometry."""

    def __init__(self, grad, hess, box: np.ndarray):
        self.grad, self.hess, self.box = grad, hess, box
        self.n = box.shape[0]
        width = box[:, 1] - box[:, 0]
        self.diag = float(np.linalg.norm(width))
        # Iterates may leave the box a little (a root just outside is still
        # useful for deflation), not far: beyond it a decaying function's
        # gradient merely underflows, and runs would slide there.
        self.outer = np.column_stack([box[:, 0] - _OUTER * width, box[:, 1] + _OUTER * width])
        self.probe = _PROBE * self.diag
        self.first_error: str | None = None

    def g(self, x: np.ndarray) -> np.ndarray | None:
        return self._call(self.grad, x, (self.n,), "grad")

    def h(self, x: np.ndarray) -> np.ndarray | None:
        H = self._call(self.hess, x, (self.n, self.n), "hess")
        return None if H is None else 0.5 * (H + H.T)

    def _call(self, fun, x, shape, name):
        # A user function that overflows, divides by zero or leaves its domain
        # makes this start fail, not the search: numpy warnings are silenced and
        # arithmetic/domain errors caught (the first one is kept for the notes).
        try:
            with np.errstate(all="ignore"):
                v = np.asarray(fun(x.copy()), dtype=float)
                total = float(v.sum())  # non-finite iff some entry is (or the sum overflows)
        except (ArithmeticError, ValueError) as exc:
            if self.first_error is None:
                self.first_error = f"{name}{tuple(np.round(x, 6).tolist())} raised {type(exc).__name__}: {exc}"
            return None
        if v.shape != shape:
            if v.size != int(np.prod(shape)):
                raise ValueError(f"{name}(x) returned shape {v.shape}, expected {shape}")
            v = v.reshape(shape)
        return v if math.isfinite(total) else None

    def neighbourhood_gradient(self, x: np.ndarray) -> float:
        """min over i of max ‖g(x ± ρ·eᵢ)‖, ρ = 1e-3·box diagonal (non-finite probes skipped; 0 if all are).

        The minimum over directions: along a flat direction (y for x² + y¹⁰)
        the gradient a probe away is tiny, and a point only ρ/2 up that
        direction must not pass as a root because x's direction is steep.
        """
        size = math.inf
        for i in range(self.n):
            along = 0.0
            for sign in (1.0, -1.0):
                y = x.copy()
                y[i] += sign * self.probe
                gy = self.g(y)
                if gy is not None:
                    along = max(along, float(np.linalg.norm(gy)))
            if along > 0.0:
                size = min(size, along)
        return 0.0 if size == math.inf else size

    def inside_outer(self, x: np.ndarray) -> bool:
        return bool((x >= self.outer[:, 0]).all() and (x <= self.outer[:, 1]).all())

    def inside_box(self, x: np.ndarray, dedup_tol: float) -> bool:
        tol = dedup_tol * np.maximum(1.0, np.abs(self.box).max(axis=1))
        return bool((x >= self.box[:, 0] - tol).all() and (x <= self.box[:, 1] + tol).all())


def residual_scale(x: np.ndarray, smax: float) -> float:
    """scale = σ_max(H)·max(1, ‖x‖∞): the size of g's terms near x."""
    return float(smax * max(1.0, float(np.max(np.abs(x)))))


def deflation_log(x: np.ndarray, roots: np.ndarray, powers=DEFLATION_POWER,
                  sigma: float = DEFLATION_SHIFT) -> tuple[float, np.ndarray]:
    """log M(x) and w = ∇log M(x) for M(x) = Πⱼ (‖x − rⱼ‖^(−pⱼ) + σ).

    ∂/∂x log(‖d‖^(−p) + σ) = −p‖d‖^(−p−2)·d / (‖d‖^(−p) + σ),  d = x − rⱼ.
    ``powers`` is one p for all roots or one per root.  Returns (inf, nan-vector)
    at a known root.
    """
    d = x - roots
    r2 = np.einsum("ij,ij->i", d, d)
    if (r2 == 0.0).any():
        return math.inf, np.full(x.shape, np.nan)
    with np.errstate(all="ignore"):
        a = r2 ** (-0.5 * powers)
        log_m = float(np.log(a + sigma).sum())
        w = (-powers * a / r2 / (a + sigma)) @ d
    return log_m, w


def deflation_power(slow: bool, ratio: float) -> float:
    """p for one known root: 2, or m + 1 at a degenerate root of estimated multiplicity m.

    M·g must blow up at a known root, i.e. p must exceed the order to which g
    vanishes there (Farrell et al. 2015, §2).  Newton converges linearly with
    ratio q = (m − 1)/m at a root of multiplicity m, so m ≈ 1/(1 − q); capped at 8.
    """
    if not slow:
        return DEFLATION_POWER
    m = 1.0 / max(1.0 - ratio, 1e-3)
    return float(min(max(DEFLATION_POWER, math.ceil(m - 1e-6) + 1.0), 8.0))


# ---------------------------------------------------------------------------
# Levenberg–Marquardt on g = 0 (optionally deflated)


@dataclass
class _Run:
    x: np.ndarray | None          # None: a non-finite evaluation ended the run
    gnorm: float = np.inf
    smax: float = 0.0              # σ_max(H) at x
    smin: float = 0.0              # σ_min(H) at x
    steps: list = field(default_factory=list)      # accepted step norms
    residuals: list = field(default_factory=list)  # ‖g‖ before the first and after each accepted step
    vectors: list = field(default_factory=list)    # the last accepted step vectors (for the jump)
    jump_q: float = 0.0            # linear ratio of the last accepted multiple-root jump (0: none)
    smax0: float = 0.0             # σ_max(H) at the run's first point (the curvature it started with)


def aitken_jump(vectors: list) -> tuple[np.ndarray, float] | None:
    """The extrapolated remaining distance p·q/(1 − q) when Newton converges linearly.

    At a root of multiplicity m Newton's steps shrink by q = (m − 1)/m and keep
    their direction; the remaining steps sum to p_last·q/(1 − q) (a geometric
    series: Aitken's Δ² extrapolation, which for one variable is Schröder's
    modified Newton step m·p).  Needs three steps with two ratios in
    [0.3, 0.98] agreeing to 10 % and the last two directions within 8°.
    """
    if len(vectors) < 3:
        return None
    p1, p2, p3 = vectors[-3:]
    n1, n2, n3 = (math.sqrt(float(v @ v)) for v in (p1, p2, p3))
    if min(n1, n2, n3) == 0.0:
        return None
    q1, q2 = n2 / n1, n3 / n2
    if not (_AITKEN_MIN <= q1 <= _AITKEN_MAX and _AITKEN_MIN <= q2 <= _AITKEN_MAX) or abs(q1 - q2) > 0.1 * q2:
        return None
    if float(p2 @ p3) < 0.99 * n2 * n3:
        return None
    return p3 * (q2 / (1.0 - q2)), q2


def _try_jump(system, merit_of, run: _Run, x, merit):
    """Take the Aitken jump when it lowers the merit; (x, g, merit, w) after it, or None."""
    jump = aitken_jump(run.vectors)
    if jump is None:
        return None
    xj = x + jump[0]
    gj = system.g(xj) if system.inside_outer(xj) else None
    if gj is None:
        return None
    mj, wj = merit_of(xj, math.sqrt(gj @ gj))
    if not mj < merit:
        return None
    run.vectors.clear()
    run.jump_q = jump[1]
    return xj, gj, mj, wj


def _lm_step(U, S, Vt, g, lam) -> np.ndarray:
    """p = −V diag(σ/(σ² + μ)) Uᵀg with μ = λ·σ_max²: the LM step for min ‖g + A p‖."""
    den = S * S + lam * S[0] ** 2
    num = S * (U.T @ g)
    if den[-1] > 0:          # S is sorted descending: den[-1] is the smallest
        return -(Vt.T @ (num / den))
    # Exactly singular directions (σ = 0) get no step component.
    return -(Vt.T @ np.divide(num, den, out=np.zeros_like(S), where=den > 0))


class _Merit:
    """The quantity a step must reduce: log‖g‖, or log‖M·g‖ = log M + log‖g‖ when deflated.

    Logs keep a large M finite.  Deflated, ∇log M at the same point is kept for
    the next Jacobian A = H + g wᵀ.
    """

    def __init__(self, roots: np.ndarray | None, powers: np.ndarray | None = None):
        self.roots, self.powers = roots, powers

    def __call__(self, x: np.ndarray, gnorm: float) -> tuple[float, np.ndarray | None]:
        log_g = math.log(gnorm) if gnorm > 0 else -math.inf
        if self.roots is None:
            return log_g, None
        log_m, w = deflation_log(x, self.roots, self.powers)
        return log_m + log_g, w


def levenberg_marquardt(system: _System, x0: np.ndarray, residual_tol: float, max_iter: int,
                        roots: np.ndarray | None = None, handover_tol: float | None = None,
                        powers: np.ndarray | None = None, jump: bool = True) -> _Run:
    """Solve ∇f(x) = 0 from x0 by LM with H as Jacobian; deflated when ``roots`` is given.

    Undeflated, it runs until a step fails to reduce ‖g‖ once the residual
    test ‖g‖ ≤ residual_tol·max(1, scale) is met, until LM stalls (λ > 1e8,
    or the merit fell by less than 5 % over the last 5 steps), or for
    ``max_iter`` steps.  Deflated, it also stops as soon as
    ‖g‖ ≤ handover_tol·max(1, scale): the caller then polishes undeflated.
    """
    x = np.array(x0, dtype=float)
    g, H = system.g(x), system.h(x)
    if g is None or H is None:
        return _Run(None)
    merit_of = _Merit(roots, DEFLATION_POWER if powers is None else powers)
    gnorm = math.sqrt(g @ g)
    merit, w = merit_of(x, gnorm)
    if roots is not None and not math.isfinite(merit) and gnorm > 0:
        return _Run(x, gnorm, *_extreme_singular_values(H), residuals=[gnorm])  # on a known root
    run = _Run(x, residuals=[gnorm])
    lam = _LAMBDA_START
    merits = [merit]
    while True:
        U, S, Vt = np.linalg.svd(H)
        run.x, run.gnorm, run.smax, run.smin = x, gnorm, float(S[0]), float(S[-1])
        run.smax0 = run.smax0 or run.smax
        tol = residual_tol * max(1.0, residual_scale(x, S[0]))
        if gnorm == 0.0 or len(run.steps) >= max_iter or _stalled(merits):
            return run
        if roots is not None:
            if gnorm <= handover_tol * tol / residual_tol:
                return run
            U, S, Vt = np.linalg.svd(H + np.outer(g, w))
        step = _try_steps(system, merit_of, x, g, U, S, Vt, lam, merit, at_floor=gnorm <= tol)
        if step is None:
            return run
        x_old = x
        x, g, pnorm, merit, w, lam = step
        run.vectors = run.vectors[-2:] + [x - x_old]
        run.steps.append(pnorm)
        run.residuals.append(math.sqrt(g @ g))
        merits.append(merit)
        jumped = _try_jump(system, merit_of, run, x, merit) if jump else None
        if jumped is not None:
            x, g, merit, w = jumped
            merits.append(merit)
        H = system.h(x)
        if H is None:
            return _Run(None)
        gnorm = math.sqrt(g @ g)
        lam = lam / 10.0 if lam / 10.0 >= _LAMBDA_ZERO else 0.0


def newton_run(system: _System, x0: np.ndarray, max_iter: int) -> _Run:
    """Plain Newton (pseudo-inverse, steps capped at the box diagonal), non-monotone.

    The fallback for starts where LM stalls: at a multiple root such as Peano's
    (y − x²)(y − 2x²) the full Newton step often increases ‖g‖, so LM's
    monotone test shrinks every step, while plain Newton converges (linearly,
    then the Aitken jump).  Stops on leaving the outer box, a non-finite value,
    a step below rounding level or after ``max_iter`` steps; the caller then
    polishes with LM and applies the acceptance test, so a wandering run costs
    time, never a wrong point.
    """
    x = np.array(x0, dtype=float)
    g, H = system.g(x), system.h(x)
    if g is None or H is None:
        return _Run(None)
    run = _Run(x, residuals=[math.sqrt(g @ g)])
    merit_of = _Merit(None)
    for _ in range(max_iter):
        U, S, Vt = np.linalg.svd(H)
        run.x, run.gnorm, run.smax, run.smin = x, math.sqrt(g @ g), float(S[0]), float(S[-1])
        if run.gnorm == 0.0:
            return run
        keep = S > 1e-14 * S[0]
        p = -(Vt.T[:, keep] @ ((U.T[keep] @ g) / S[keep]))
        pnorm = float(np.linalg.norm(p))
        if pnorm > system.diag:
            p *= system.diag / pnorm
            pnorm = system.diag
        if pnorm <= 4 * _EPS * max(1.0, float(np.abs(x).max())):
            return run
        xt = x + p
        gt = system.g(xt) if system.inside_outer(xt) else None
        Ht = system.h(xt) if gt is not None else None
        if Ht is None:
            return run
        x, g, H = xt, gt, Ht
        run.vectors = run.vectors[-2:] + [p]
        run.steps.append(pnorm)
        run.residuals.append(math.sqrt(g @ g))
        jumped = _try_jump(system, merit_of, run, x, merit_of(x, run.residuals[-1])[0])
        if jumped is not None:
            x, g = jumped[0], jumped[1]
            H = system.h(x)
            if H is None:
                return run
    U, S, Vt = np.linalg.svd(H)
    run.x, run.gnorm, run.smax, run.smin = x, math.sqrt(g @ g), float(S[0]), float(S[-1])
    return run


def _try_steps(system, merit_of, x, g, U, S, Vt, lam, merit, at_floor):
    """Raise λ until a step reduces the merit; None if none does (or x cannot move)."""
    xscale = max(1.0, float(np.abs(x).max()))
    while lam <= _LAMBDA_GIVE_UP:
        p = _lm_step(U, S, Vt, g, lam)
        pnorm = math.sqrt(p @ p)
        if pnorm > system.diag:   # a trust bound: no jump across the whole box
            p *= system.diag / pnorm
            pnorm = system.diag
        if pnorm <= 4 * _EPS * xscale:
            return None           # x can no longer change
        xt = x + p
        gt = system.g(xt) if system.inside_outer(xt) else None
        if gt is not None:
            new_merit, w = merit_of(xt, math.sqrt(gt @ gt))
            if new_merit < merit:
                return xt, gt, pnorm, new_merit, w, lam
        if at_floor:
            return None           # at the rounding floor: one failed polish step ends the run
        lam = max(lam * 10.0, _LAMBDA_START)
    return None


def _stalled(merits: list[float]) -> bool:
    """The merit fell by less than 5 % over the last 5 accepted steps."""
    return len(merits) > _STALL_STEPS and merits[-_STALL_STEPS - 1] - merits[-1] < math.log(_STALL_FACTOR)


def _extreme_singular_values(H: np.ndarray) -> tuple[float, float]:
    S = np.linalg.svd(H, compute_uv=False)
    return float(S[0]), float(S[-1])


def convergence_summary(run: _Run) -> tuple[bool, float, float]:
    """(slow_convergence, uncertainty, linear ratio q or 0) from the accepted steps of a polishing run.

    Only significant steps count (‖p‖ > 100·eps·max(1, ‖x‖∞); smaller ones are
    rounding noise).  Linear convergence: among the last six step ratios
    q = ‖p_{k+1}‖/‖p_k‖ there are three consecutive ones in [0.1, 0.99] with
    ‖g‖ falling (ratio ≤ 0.95) at each, and no ratio below 0.1 after them —
    quadratic convergence always ends with q collapsing towards 0.  Trailing
    ratios above 1 (noise at the rounding floor) are ignored.
    """
    x = run.x
    floor = _EPS * max(1.0, float(np.max(np.abs(x))))
    steps = np.asarray(run.steps, dtype=float)
    res = np.asarray(run.residuals, dtype=float)
    keep = np.flatnonzero(steps > 100 * floor)
    slow, q_lin = False, 0.0
    if keep.size >= 4:
        idx = keep[-7:]
        q = steps[idx[1:]] / steps[idx[:-1]]
        with np.errstate(all="ignore"):
            rr = res[idx[1:] + 1] / res[idx[1:]]
        linear = (q >= 0.1) & (q <= 0.99) & (rr <= 0.95) & (np.diff(idx) == 1)
        for j in range(len(q) - 3, -1, -1):
            if linear[j:j + 3].all() and not np.any(q[j:] < 0.1):
                slow, q_lin = True, float(np.median(q[j:j + 3]))
                break
    if run.jump_q and not slow and run.smin <= 1e-6 * max(run.smax, run.smax0):
        slow, q_lin = True, run.jump_q   # the jump itself was the evidence of linear convergence
    last = float(steps[keep[-1]]) if keep.size else np.inf
    if slow and not run.jump_q:
        # Geometric tail of the remaining steps: the distance still to go.
        u = last * q_lin / (1.0 - q_lin)
    else:
        lin = run.gnorm / run.smin if run.smin > 0 else np.inf
        u = min(lin, last)
        if not np.isfinite(u):
            u = floor
    return slow, float(max(u, floor)), q_lin


def _converged(run: _Run, tol_factor: float) -> bool:
    """The residual test ‖g‖ ≤ tol_factor·max(1, scale) at the run's end point (the hand-over test)."""
    return run.x is not None and run.gnorm <= tol_factor * max(1.0, residual_scale(run.x, run.smax))


def accepted(system: _System, run: _Run, residual_tol: float, rtol: float = ACCEPT_RTOL) -> bool:
    """The scale-free root test: ‖g(x)‖ ≤ 1e-8·max ‖g(x ± ρeᵢ)‖, ρ = 1e-3·box diagonal.

    Invariant under f → c·f and under the decay of f: in the tail of
    exp(−‖x‖²)·(x − y) ‖g‖ may be 1e-51, but it is as small a probe away, so
    the ratio is ≈ 1 and the point is rejected; at a true root ‖g‖ is rounding
    noise while ‖g‖ a probe away is of the order ‖H‖·ρ (or ρ^m at a root of
    multiplicity m).  Where every probe is non-finite the absolute test
    ‖g‖ ≤ residual_tol·max(1, scale) decides.  ‖g‖ = 0 exactly is a root.
    """
    if run.x is None:
        return False
    if run.gnorm == 0.0:
        return True
    size = system.neighbourhood_gradient(run.x)
    if size > 0.0 and run.gnorm <= rtol * size:
        return True
    # Else: the absolute test with a Newton step negligible beside the probe
    # distance (badly scaled problems, whose flattest direction is far flatter
    # than the gradient's rounding noise) -- never met in a tail, where the
    # Newton step −H⁻¹g stays of order one however small g and H are.
    return _converged(run, residual_tol) and _newton_length(system, run.x) <= 1e-6 * system.probe


def _newton_length(system: _System, x: np.ndarray) -> float:
    """‖H⁺g‖ with every non-zero singular value inverted (no cut-off)."""
    p = _newton_vector(system, x)
    return math.inf if p is None else float(np.linalg.norm(p))


def _newton_vector(system: _System, x: np.ndarray, rcond: float = 0.0) -> np.ndarray | None:
    """H⁺g with every singular value above rcond·σ_max inverted (None if not finite)."""
    g, H = system.g(x), system.h(x)
    if g is None or H is None:
        return None
    U, S, Vt = np.linalg.svd(H)
    keep = S > rcond * S[0]
    with np.errstate(all="ignore"):
        p = Vt.T[:, keep] @ ((U.T[keep] @ g) / S[keep])
    return p if np.all(np.isfinite(p)) else None
