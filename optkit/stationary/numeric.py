"""Numeric search for every stationary point (∇f = 0) of a smooth f inside a box.

This is the numeric path of ``optkit classify`` (the exact Gröbner path for
polynomials lives elsewhere).  It solves the square system g(x) = ∇f(x) = 0,
whose Jacobian is the Hessian H(x), from many starts:

1. **Starts.**  A scrambled Sobol sequence (``scipy.stats.qmc.Sobol``, seeded,
   so the search is deterministic) scaled to the box.  Default number of
   starts: ``min(64·n, 1024)`` — 128 in 2-D, 256 in 4-D.  The points are the
   first ``n_starts`` of a 2^m-point Sobol sequence, so any count keeps the
   sequence's low-discrepancy prefix (and SciPy's power-of-two warning quiet).

2. **Newton, safeguarded (Levenberg–Marquardt).**  From x with residual g and
   Jacobian A (A = H undeflated), the step solves

       (AᵀA + μI) p = −Aᵀg,      μ = λ·σ_max(A)²,

   computed from the SVD A = UΣVᵀ as p = −V diag(σᵢ/(σᵢ² + μ)) Uᵀg.  λ starts
   at 1e-10 (a Newton step), is divided by 10 after an accepted step (and set
   to 0 below 1e-20: pure Newton) and multiplied by 10 after a rejected one.
   A step is accepted only when it reduces the merit ‖g‖ (‖M·g‖ when
   deflated); this is LM on ½‖g‖², which also handles singular Hessians.  A
   run stops as stalled when λ passes 1e8 or the merit fell by less than 5 %
   over 5 accepted steps (a local minimum of ‖g‖ that is not a root).  Steps
   are capped at the box diagonal and may not leave the box enlarged by its
   width on each side.  Near a non-degenerate root λ → 0 and the steps are
   Newton's, so convergence is quadratic; at a degenerate root (singular H)
   Newton converges only linearly (ratio (m−1)/m for a root of multiplicity
   m: ½ on a homogeneous cubic f).

3. **Deflation** (Farrell, Birkisson & Funke 2015, "Deflation techniques for
   finding distinct solutions of nonlinear partial differential equations",
   SIAM J. Sci. Comput. 37(4):A2026–A2045).  Once roots r_1..r_k are known,
   each new start first solves the deflated system

       G(x) = M(x)·g(x),   M(x) = Πⱼ (‖x − rⱼ‖^(−pⱼ) + σ),   pⱼ = 2, σ = 1,

   which has the same roots as g except the known ones (G → ∞ as x → rⱼ
   because pⱼ exceeds the order to which g vanishes at rⱼ), so Newton is
   pushed away from them.  At a slowly converging (degenerate) root g may
   vanish to higher order (g is cubic at the origin of f = x²y²), so there
   pⱼ = m + 1 with m ≈ 1/(1 − q) the multiplicity implied by the linear
   ratio q (capped at 8).  With

       w(x) = ∇log M(x) = Σⱼ −pⱼ‖x − rⱼ‖^(−pⱼ−2)(x − rⱼ) / (‖x − rⱼ‖^(−pⱼ) + σ),

   the Jacobian is  J_G = M·(H + g wᵀ).  Writing d = −H⁻¹g for the undeflated
   Newton step, Sherman–Morrison gives the paper's §3 result: the deflated
   Newton step is a scaled undeflated one,

       δ = −J_G⁻¹G = τ·d,    τ = 1 / (1 − wᵀd)

   (check: (H + g wᵀ)·τd = τ(−g + g·wᵀd) = −g).  Because M is a scalar, LM
   on G, (J_GᵀJ_G + μI)p = −J_GᵀG, is LM with the matrix A = H + g wᵀ on the
   residual g and damping μ/M², which is what is implemented (λ → 0
   reproduces τ·d exactly).  The deflated run hands over at
   ‖g‖ ≤ √residual_tol·max(1, scale); the candidate is then polished with
   undeflated LM, so returned points are roots of g itself.  A start whose
   deflated run finds nothing (the normal outcome once all roots near it are
   known) falls back to plain LM from the start, so the search never does
   worse than plain multistart Newton from the same starts; ``hits`` counts
   the starts that ended at each point.  Roots found outside the box stay in
   the deflation set (so starts are not pulled back to them) but are not
   returned.

4. **Acceptance.**  A root is accepted on its residual only:
   ‖g(x)‖₂ ≤ residual_tol·max(1, scale), scale = σ_max(H(x))·max(1, ‖x‖∞) —
   the size of g's terms, hence of its rounding error.  A solver's success
   flag is never trusted (SciPy's ``root`` reports failure at degenerate
   roots it has converged to).  After the residual test is first met,
   iterations continue while they still reduce ‖g‖ (so regular roots are
   polished to rounding level and degenerate ones keep converging linearly,
   up to ``max_newton`` steps).

5. **De-duplication on coordinates**, never on f (distinct saddles can share
   f to many digits): x_i and x_j merge when
   ‖x_i − x_j‖∞ ≤ max(dedup_tol·max(1, ‖x_i‖∞), 2(u_i + u_j)), with u the
   coordinate uncertainty below (which matters only at slowly converging,
   degenerate roots).  Points outside the box, beyond a tolerance of
   dedup_tol·max(1, |bound|), are dropped.

6. **Degeneracy signs.**  ``slow_convergence``: near the end, three
   consecutive significant Newton steps shrink by ratios in [0.1, 0.99] while
   ‖g‖ keeps falling (ratio ≤ 0.95), and no step ratio collapses below 0.1
   afterwards — linear, not quadratic, convergence; a point is flagged when
   most runs that ended at it were.  ``uncertainty`` (of the run kept):
   for slow convergence the geometric tail ‖p_last‖·q/(1 − q) of the
   remaining steps (q the median of those ratios); otherwise
   min(‖g‖/σ_min(H), ‖p_last‖); never below eps·max(1, ‖x‖∞).

7. **Non-isolated stationary sets** (e.g. f = (x − y)², stationary on the
   line x = y).  Criterion: a found point r whose Hessian has a numerical null
   space (|λ| ≤ 1e-6·max(1, max|λ|)) is *non-isolated* when, for a direction
   v in it (a basis vector, or a normalised sum or difference of two),
   undeflated LM started at y = r ± t·v (t = 1e-3·box diagonal) converges to
   a point within t/4 of y — so y itself was (almost) stationary — rather
   than back to r, as it does at an isolated degenerate point like the
   monkey saddle.  A set through a point with a one-dimensional null space is
   traced by predictor–corrector continuation (predict along the null vector
   with step h = box diagonal/100, correct with LM, which moves normal to the
   set) until it leaves the box, closes on itself or stops being stationary;
   every found degenerate point within h of the trace is absorbed into it.
   Non-isolated points with a null space of dimension ≥ 2 on no traced curve
   are grouped by single linkage (distance ≤ box diagonal/5) and returned as
   the point clouds found, with a note.  Each set is one entry of ``curves``
   (an (m, n) array of samples); its points are not in ``points``.
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


@dataclass
class NumericPoint:
    """One isolated stationary point found numerically."""

    x: np.ndarray
    grad_norm: float           # ‖∇f(x)‖₂ at the polished point
    uncertainty: float         # estimated coordinate uncertainty (see module docstring, item 6)
    slow_convergence: bool     # Newton converged only linearly (sign of a degenerate point)
    hits: int                  # how many starts converged here


@dataclass
class NumericSearchResult:
    """Everything the multistart found, with the tolerances it used."""

    points: list[NumericPoint]
    n_starts: int
    last_new_at: int | None    # 1-based index of the start after which the last new point appeared
    curves: list[np.ndarray]   # non-isolated sets: each an (m, n) array of sample points
    dedup_tol: float
    residual_tol: float
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Validation and starts


def _validate_box(box) -> np.ndarray:
    try:
        b = np.array(box, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"box must be an (n, 2) array of [lo, hi] rows: {exc}") from None
    if b.ndim != 2 or b.shape[1] != 2 or b.shape[0] < 1:
        raise ValueError(f"box must be an (n, 2) array of [lo, hi] rows, got shape {b.shape}")
    if not np.all(np.isfinite(b)):
        raise ValueError("box bounds must be finite numbers")
    bad = np.flatnonzero(b[:, 0] >= b[:, 1])
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"box row {i} has lo = {b[i, 0]:g} ≥ hi = {b[i, 1]:g}; need lo < hi")
    return b


def default_n_starts(n: int) -> int:
    """64 starts per dimension, at most 1024 (the work grows with n anyway)."""
    return int(min(64 * n, 1024))


def _validate_options(n_starts, n, residual_tol, dedup_tol, max_newton) -> int:
    if n_starts is None:
        n_starts = default_n_starts(n)
    if isinstance(n_starts, bool) or not isinstance(n_starts, (int, np.integer)) or n_starts < 1:
        raise ValueError(f"n_starts must be an integer ≥ 1, got {n_starts!r}")
    for name, value in (("residual_tol", residual_tol), ("dedup_tol", dedup_tol)):
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    if isinstance(max_newton, bool) or not isinstance(max_newton, (int, np.integer)) or max_newton < 1:
        raise ValueError(f"max_newton must be an integer ≥ 1, got {max_newton!r}")
    return int(n_starts)


def sobol_starts(box: np.ndarray, n_starts: int, seed) -> np.ndarray:
    """The first n_starts points of a scrambled, seeded Sobol sequence, scaled to the box."""
    from scipy.stats import qmc

    n = box.shape[0]
    m = max(0, int(np.ceil(np.log2(n_starts))))
    unit = qmc.Sobol(d=n, scramble=True, rng=seed).random_base2(m)[:n_starts]
    return box[:, 0] + unit * (box[:, 1] - box[:, 0])


# ---------------------------------------------------------------------------
# Evaluation


class _System:
    """g = ∇f and H = ∇²f with failures mapped to None, plus the box geometry."""

    def __init__(self, grad, hess, box: np.ndarray):
        self.grad, self.hess, self.box = grad, hess, box
        self.n = box.shape[0]
        width = box[:, 1] - box[:, 0]
        self.diag = float(np.linalg.norm(width))
        # Iterates may leave the box (a root just outside is still useful for
        # deflation) but not the box enlarged by its width on every side.
        self.outer = np.column_stack([box[:, 0] - width, box[:, 1] + width])
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
                        powers: np.ndarray | None = None) -> _Run:
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
        x, g, pnorm, merit, w, lam = step
        H = system.h(x)
        if H is None:
            return _Run(None)
        gnorm = math.sqrt(g @ g)
        run.steps.append(pnorm)
        run.residuals.append(gnorm)
        merits.append(merit)
        lam = lam / 10.0 if lam / 10.0 >= _LAMBDA_ZERO else 0.0


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
    last = float(steps[keep[-1]]) if keep.size else np.inf
    if slow:
        # Geometric tail of the remaining steps: the distance still to go.
        u = last * q_lin / (1.0 - q_lin)
    else:
        lin = run.gnorm / run.smin if run.smin > 0 else np.inf
        u = min(lin, last)
        if not np.isfinite(u):
            u = floor
    return slow, float(max(u, floor)), q_lin


# ---------------------------------------------------------------------------
# Bookkeeping of found roots


@dataclass
class _Root:
    x: np.ndarray
    gnorm: float
    uncertainty: float
    slow_votes: int     # runs ending here whose convergence was linear
    first: int          # 1-based index of the first start that reached it
    power: float = DEFLATION_POWER
    hits: int = 1

    @property
    def slow(self) -> bool:
        """Linear convergence in most runs that ended here: a single run's step
        history can be spoiled by rounding noise, the majority rarely is."""
        return 2 * self.slow_votes > self.hits


def _same(a: _Root, x: np.ndarray, u: float, dedup_tol: float) -> bool:
    tol = max(dedup_tol * max(1.0, float(np.max(np.abs(a.x)))), 2.0 * (a.uncertainty + u))
    return float(np.max(np.abs(a.x - x))) <= tol


def _record(roots: list[_Root], new: _Root, dedup_tol: float) -> bool:
    """Merge ``new`` into a known root (keeping the point with the smaller residual) or append it."""
    for r in roots:
        if _same(r, new.x, new.uncertainty, dedup_tol):
            r.hits += 1
            r.slow_votes += new.slow_votes
            if new.gnorm < r.gnorm:
                r.x, r.gnorm, r.uncertainty = new.x, new.gnorm, new.uncertainty
            r.power = max(r.power, new.power)
            return False
    roots.append(new)
    return True


# ---------------------------------------------------------------------------
# Non-isolated sets


def null_space(H: np.ndarray) -> np.ndarray:
    """Columns spanning the eigenvectors with |λ| ≤ 1e-6·max(1, max|λ|)."""
    lam, V = np.linalg.eigh(H)
    scale = max(1.0, float(np.max(np.abs(lam))))
    return V[:, np.abs(lam) <= _NULL_TOL * scale]


class _CurveFinder:
    """Probe found points for non-isolation and trace the stationary sets through them."""

    def __init__(self, system: _System, residual_tol: float, max_newton: int, dedup_tol: float):
        self.system, self.residual_tol, self.max_newton = system, residual_tol, max_newton
        self.dedup_tol = dedup_tol
        self.t = 1e-3 * system.diag    # probe distance
        self.h = 1e-2 * system.diag    # continuation step

    def _polish(self, y: np.ndarray) -> np.ndarray | None:
        run = levenberg_marquardt(self.system, y, self.residual_tol, self.max_newton)
        return run.x if _converged(run, self.residual_tol) else None

    def null_dim_and_tangent(self, x: np.ndarray) -> tuple[int, np.ndarray | None]:
        """(dim of H's numerical null space, a null vector along which x is confirmed non-isolated).

        The vector is None when no probe x ± t·v (v from ``_probe_directions``)
        stays stationary: then x is isolated (possibly degenerate).
        """
        H = self.system.h(x)
        if H is None:
            return 0, None
        N = null_space(H)
        for v in _probe_directions(N):
            for sign in (1.0, -1.0):
                y = x + sign * self.t * v
                z = self._polish(y)
                if z is not None and np.linalg.norm(z - y) <= 0.25 * self.t:
                    return N.shape[1], v
        return N.shape[1], None

    def trace(self, x0: np.ndarray, v0: np.ndarray) -> np.ndarray:
        """Predictor–corrector continuation of a 1-D stationary set through x0, both ways."""
        forward, closed = self._branch(x0, v0, stop_at=x0)
        backward = [] if closed else self._branch(x0, -v0, stop_at=None)[0]
        return np.array(backward[::-1] + [x0] + forward)

    def _branch(self, x0, v0, stop_at):
        out, x, v = [], x0, v0
        for _ in range(_MAX_CURVE_SAMPLES):
            y = x + self.h * v
            z = self._polish(y)
            if z is None or np.linalg.norm(z - y) > 0.5 * self.h or np.linalg.norm(z - x) < 0.5 * self.h:
                return out, False   # the set ends or turns too sharply to follow
            if not self.system.inside_box(z, self.dedup_tol):
                return out, False
            if stop_at is not None and len(out) >= 3 and np.linalg.norm(z - stop_at) <= 0.75 * self.h:
                return out, True    # closed curve
            H = self.system.h(z)
            if H is None:
                return out, False
            N = null_space(H)
            if N.shape[1] == 0:
                return out, False
            v_new = N @ (N.T @ v)     # the null direction closest to where we were going
            nv = float(np.linalg.norm(v_new))
            if nv < 1e-3:
                return out, False
            out.append(z)
            x, v = z, v_new / nv
        return out, False


def _probe_directions(N: np.ndarray) -> list[np.ndarray]:
    """The null-space basis vectors and, for a null space of dimension ≥ 2, their
    normalised pairwise sums and differences (first four basis vectors only):
    a stationary curve through a point where H = 0 need not follow a basis vector."""
    basis = [N[:, k] for k in range(N.shape[1])]
    combos = [(a + sign * b) / math.sqrt(2.0) for i, a in enumerate(basis[:4]) for b in basis[i + 1:4]
              for sign in (1.0, -1.0)]
    return basis + combos


def _group_nonisolated(finder: _CurveFinder, roots: list[_Root], notes: list[str]):
    """Split roots into isolated ones and non-isolated sets; return (isolated, sets).

    Each set is (samples array, first-start index of its members, member count).
    A traced curve also absorbs degenerate points within h of it that the probe
    did not confirm (a crossing of two stationary curves, like the origin for
    f = x²y², has a 2-D null space whose basis vectors need not point along
    either curve).
    """
    info = [finder.null_dim_and_tangent(r.x) for r in roots]
    non = [k for k, (_, v) in enumerate(info) if v is not None]
    degenerate = [k for k, (d, _) in enumerate(info) if d > 0]
    assigned: set[int] = set()
    sets = []
    for i in sorted(non, key=lambda k: (info[k][0], roots[k].first)):
        if i in assigned or info[i][0] != 1:
            continue
        samples = finder.trace(roots[i].x, info[i][1])
        members = {k for k in degenerate if k not in assigned and
                   float(np.min(np.linalg.norm(samples - roots[k].x, axis=1))) <= finder.h} | {i}
        assigned |= members
        if samples.shape[0] < 2:
            samples = np.array(sorted((roots[k].x for k in members), key=tuple))
        sets.append((samples, min(roots[k].first for k in members), len(members)))
        notes.append(f"non-isolated stationary set: {len(members)} found point(s) on it, "
                     f"traced as a curve of {samples.shape[0]} samples")
    rest = [k for k in non if k not in assigned]
    for cluster in _single_linkage([roots[k].x for k in rest], 0.2 * finder.system.diag):
        members = [rest[c] for c in cluster]
        assigned |= set(members)
        pts = np.array(sorted((roots[k].x for k in members), key=tuple))
        sets.append((pts, min(roots[k].first for k in members), len(members)))
        notes.append(f"non-isolated stationary set with a {info[members[0]][0]}-dimensional null space: "
                     f"not traced; its entry in curves holds the {len(members)} point(s) found on it")
    isolated = [r for k, r in enumerate(roots) if k not in assigned]
    return isolated, sets


def _single_linkage(xs: list[np.ndarray], dist: float) -> list[list[int]]:
    clusters: list[list[int]] = []
    for i, x in enumerate(xs):
        joined = [c for c in clusters if any(np.linalg.norm(xs[j] - x) <= dist for j in c)]
        merged = [i] + [j for c in joined for j in c]
        clusters = [c for c in clusters if c not in joined] + [sorted(merged)]
    return clusters


# ---------------------------------------------------------------------------
# Driver


def _converged(run: _Run, tol_factor: float) -> bool:
    """The residual test ‖g‖ ≤ tol_factor·max(1, scale) at the run's end point."""
    return run.x is not None and run.gnorm <= tol_factor * max(1.0, residual_scale(run.x, run.smax))


def _solve_from(system: _System, x0: np.ndarray, roots: list[_Root], residual_tol: float,
                max_newton: int, deflation: bool) -> _Run:
    """One start: deflated LM (if roots are known) polished undeflated; else plain LM from x0.

    When the deflated run finds no new root (it stalls at a local minimum of
    ‖M·g‖, which is the normal outcome once every root near the start is
    known) or its polish fails, the start falls back to undeflated LM from x0,
    so every start contributes at least what plain multistart Newton would.
    """
    if deflation and roots:
        known = np.array([r.x for r in roots])
        powers = np.array([r.power for r in roots])
        handover = float(np.sqrt(residual_tol))
        run = levenberg_marquardt(system, x0, residual_tol, max_newton, roots=known, handover_tol=handover,
                                  powers=powers)
        if _converged(run, handover):
            polished = levenberg_marquardt(system, run.x, residual_tol, max_newton)
            if _converged(polished, residual_tol):
                return polished
    return levenberg_marquardt(system, x0, residual_tol, max_newton)


def find_stationary_points(grad, hess, box, n_starts=None, seed=0, residual_tol=1e-10, dedup_tol=1e-6,
                           max_newton=100, deflation=True) -> NumericSearchResult:
    """All stationary points of f in ``box`` found by deflated Newton (LM) multistart.

    Parameters: ``grad(x) -> (n,)`` and ``hess(x) -> (n, n)``; ``box`` an (n, 2)
    array of [lo, hi]; ``n_starts`` (default ``min(64·n, 1024)``) Sobol starts
    drawn with ``seed``; ``residual_tol`` for ‖∇f‖ relative to its scale;
    ``dedup_tol`` for merging points (relative to max(1, ‖x‖∞));
    ``max_newton`` steps per run; ``deflation`` on/off.  See the module
    docstring for the algorithm, formulas and criteria.  Raises ValueError on
    an invalid box or option.
    """
    box = _validate_box(box)
    n = box.shape[0]
    n_starts = _validate_options(n_starts, n, residual_tol, dedup_tol, max_newton)
    system = _System(grad, hess, box)
    roots: list[_Root] = []
    failed = nonfinite = 0
    for i, x0 in enumerate(sobol_starts(box, n_starts, seed), start=1):
        run = _solve_from(system, x0, roots, residual_tol, max_newton, deflation)
        if run.x is None:
            nonfinite += 1
            continue
        if not _converged(run, residual_tol):
            failed += 1
            continue
        slow, u, q = convergence_summary(run)
        _record(roots, _Root(run.x.copy(), run.gnorm, u, int(slow), first=i, power=deflation_power(slow, q)),
                dedup_tol)

    notes: list[str] = []
    inside = [r for r in roots if system.inside_box(r.x, dedup_tol)]
    if len(inside) < len(roots):
        notes.append(f"{len(roots) - len(inside)} stationary point(s) found outside the box were kept "
                     "for deflation but are not returned")
    finder = _CurveFinder(system, residual_tol, max_newton, dedup_tol)
    isolated, sets = _group_nonisolated(finder, inside, notes)
    if nonfinite:
        notes.append(f"{nonfinite} start(s) skipped: gradient or Hessian not finite along the way")
    if system.first_error is not None:
        notes.append(f"evaluation errors were treated as non-finite values; the first: {system.first_error}")
    if failed:
        notes.append(f"{failed} start(s) ended without reaching ‖∇f‖ ≤ tolerance "
                     "(LM stalled at a local minimum of ‖∇f‖ or ran out of steps)")

    firsts = [r.first for r in isolated] + [first for _, first, _ in sets]
    last_new = max(firsts) if firsts else None
    if last_new is not None and last_new > n_starts // 2:
        notes.append(f"the last new point appeared at start {last_new} of {n_starts}: "
                     "more starts may find more points")
    points = [NumericPoint(x=r.x, grad_norm=r.gnorm, uncertainty=r.uncertainty,
                           slow_convergence=r.slow, hits=r.hits)
              for r in sorted(isolated, key=lambda r: tuple(r.x))]
    return NumericSearchResult(points=points, n_starts=n_starts, last_new_at=last_new,
                               curves=[s for s, _, _ in sets], dedup_tol=float(dedup_tol),
                               residual_tol=float(residual_tol), notes=notes)
