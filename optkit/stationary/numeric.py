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

4. **Acceptance** (scale-free, :func:`accepted`).  A root is accepted when
   ‖g(x)‖ ≤ 1e-8·minᵢ maxₛ ‖g(x + s·ρ·eᵢ)‖, s = ±1, ρ = 1e-3·box diagonal:
   the gradient must be tiny *relative to the gradient a probe away*, in
   every coordinate direction.  Invariant under f → c·f and blind to mere
   underflow: in the tail of exp(−x² − y²)(x − y) ‖g‖ ≈ 1e-51 but equally
   small a probe away, so such points are rejected.  Failing that, the
   absolute test ‖g‖ ≤ residual_tol·max(1, σ_max(H)·max(1, ‖x‖∞)) is
   accepted only with a Newton step ‖H⁺g‖ ≤ 1e-6·ρ (badly scaled problems).
   A solver's success flag is never trusted.  After the residual test is
   first met, iterations continue while they still reduce ‖g‖.
   *Multiple roots*: when three Newton steps shrink by a steady ratio q in
   [0.3, 0.98] along one direction, the Aitken jump p·q/(1 − q) (Schröder's
   m·p in one variable) is taken if it lowers ‖g‖; a start where LM stalls
   is retried with plain non-monotone Newton (:func:`newton_run`), which
   converges to Peano-type roots where every full step first raises ‖g‖.
   *Extra starts*: the lowest and highest n_starts/16 of 8·n_starts/8 Sobol
   samples of f (another stream) first descend on ±f (L-BFGS-B in the box),
   so minima and maxima whose basins are smaller than the start spacing are
   found.  Iterates may leave the box by a quarter of its width only.

5. **De-duplication on coordinates**, never on f (distinct saddles can share
   f to many digits): x_i and x_j merge when
   ‖x_i − x_j‖∞ ≤ max(dedup_tol·max(1, ‖x_i‖∞), 2(u_i + u_j)), with u the
   coordinate uncertainty below (which matters only at slowly converging,
   degenerate roots), or when they are within ρ and g passes the root test
   (at 1e-6) at the quarter points of the segment between them -- one flat
   patch around a degenerate root.  A merge of points farther apart than
   their uncertainties is reported in the notes: the resolution is
   dedup_tol (relative) or such a patch, and roots closer than that may
   have been merged.  Points outside the box, beyond a tolerance of
   dedup_tol·max(1, |bound|), are dropped.

6. **Degeneracy signs.**  ``slow_convergence``: near the end, three
   consecutive significant Newton steps shrink by ratios in [0.1, 0.99] while
   ‖g‖ keeps falling (ratio ≤ 0.95), and no step ratio collapses below 0.1
   afterwards — linear, not quadratic, convergence; a point is flagged when
   most runs that ended at it were.  ``uncertainty`` (of the run kept):
   for slow convergence the geometric tail ‖p_last‖·q/(1 − q) of the
   remaining steps (q the median of those ratios); otherwise
   min(‖g‖/σ_min(H), ‖p_last‖); never below eps·max(1, ‖x‖∞).

7. **Non-isolated stationary sets** (:mod:`optkit.stationary.curves`) (e.g. f = (x − y)², stationary on the
   line x = y).  Criterion: a found point r whose Hessian has a numerical null
   space (|λ| ≤ 1e-6·max(1, max|λ|)) is *non-isolated* when, for a direction
   v in it (a basis vector, or a normalised sum or difference of two),
   undeflated LM started at y = r ± t·v (t = 1e-3·box diagonal) stays within
   t/4 of y at a point z whose Newton step H(z)⁺g(z) (singular values below
   1e-30·σ_max dropped) is short and has no component along z − r; at an
   isolated flat point (x² + y¹⁰) that step points back to r.  With a 2-D
   null space (a crossing of curves, the origin of x²y², where Newton only
   contracts radially) the directions are the angles at which ‖g‖ on the
   circle of radius t vanishes (72 samples refined by Brent), each traced.  A set through a point with a one-dimensional null space is
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
import time
from dataclasses import dataclass, field

import numpy as np

from optkit.stationary.newton import (  # noqa: F401  (deflation_log stays importable from here)
    _EPS, _JOIN_RTOL, DEFLATION_POWER, _Run, _System, _converged, accepted, convergence_summary, deflation_log,
    deflation_power, levenberg_marquardt, newton_run,
)


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
    cut_short: bool = False    # stopped by the deadline before every start ran


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


def _joined(system: _System | None, a: np.ndarray, b: np.ndarray, residual_tol: float) -> bool:
    """Two found points within the probe distance ρ are one root when ∇f passes the root
    test all along the segment between them (checked at its quarter points): a degenerate
    root's slowly converging runs end anywhere in such a flat patch."""
    if system is None or float(np.max(np.abs(a - b))) > system.probe:
        return False
    for t in (0.25, 0.5, 0.75):
        y = a + t * (b - a)
        gy = system.g(y)
        if gy is None:
            return False
        run = _Run(y, float(np.linalg.norm(gy)))
        H = system.h(y)
        if H is None:
            return False
        run.smax = float(np.linalg.norm(H, 2))
        if not accepted(system, run, residual_tol, rtol=_JOIN_RTOL):
            return False
    return True


def _near(roots: list[_Root], x: np.ndarray, u: float, dedup_tol: float, system: _System | None) -> list[_Root]:
    """The known roots that could be merged with x (a vectorised pre-filter: with
    thousands of roots, as in sin(3x)·cos(3y) on a wide box, a scan of each
    pair in Python would dominate the run)."""
    if len(roots) < 32:
        return roots
    X = np.array([r.x for r in roots])
    U = np.array([r.uncertainty for r in roots])
    reach = np.maximum(dedup_tol * max(1.0, float(np.max(np.abs(x))) + float(np.max(np.abs(X)))),
                       2.0 * (U + u))
    if system is not None:
        reach = np.maximum(reach, system.probe)
    close = np.flatnonzero(np.max(np.abs(X - x), axis=1) <= reach)
    return [roots[k] for k in close]


def _record(roots: list[_Root], new: _Root, dedup_tol: float, system: _System | None = None,
            residual_tol: float = 1e-10, merges: list | None = None) -> bool:
    """Merge ``new`` into a known root (keeping the point with the smaller residual) or append it.

    ``merges`` collects the distances of merges that were not within the two
    points' own uncertainties (points closer than the resolution may have been one
    or two roots: the output says so)."""
    for r in _near(roots, new.x, new.uncertainty, dedup_tol, system):
        same = _same(r, new.x, new.uncertainty, dedup_tol)
        if not same and _joined(system, r.x, new.x, residual_tol):
            same = True
        if same:
            distance = float(np.max(np.abs(r.x - new.x)))
            if merges is not None and distance > 2.0 * (r.uncertainty + new.uncertainty) + 1e3 * _EPS:
                merges.append((distance, r.x.copy()))
            r.hits += 1
            r.slow_votes += new.slow_votes
            if new.gnorm < r.gnorm:
                r.x, r.gnorm, r.uncertainty = new.x, new.gnorm, new.uncertainty
            r.power = max(r.power, new.power)
            return False
    roots.append(new)
    return True


# ---------------------------------------------------------------------------
# Driver


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
            if accepted(system, polished, residual_tol):
                return polished
    run = levenberg_marquardt(system, x0, residual_tol, max_newton)
    if run.x is None or accepted(system, run, residual_tol):
        return run
    # LM stalled: plain Newton, which converges to multiple roots where LM's monotone test fails.
    newton = newton_run(system, x0, max_newton)
    if newton.x is None or not system.inside_box(newton.x, 0.05):
        return run
    polished = levenberg_marquardt(system, newton.x, residual_tol, max_newton)
    if polished.x is not None and polished.gnorm > newton.gnorm:
        polished = newton
    polished.steps = newton.steps + polished.steps
    polished.residuals = newton.residuals + polished.residuals[1:]
    polished.jump_q = polished.jump_q or newton.jump_q
    return polished if accepted(system, polished, residual_tol) else run


def extreme_starts(f, box: np.ndarray, n_extra: int, seed, deadline=None) -> tuple[np.ndarray, np.ndarray]:
    """Starts where f is lowest and highest among 8·n_extra Sobol samples (another stream).

    Minima and maxima sit where f is extreme; in a wide box their basins can be
    smaller than the spacing of the Newton starts (the minimum of
    exp(−x² − y²)(x − y) in [−8, 8]²), but samples of f alone are cheap.
    Half the extra starts are the lowest samples, half the highest.
    """
    samples = sobol_starts(box, 8 * n_extra, np.random.default_rng([int(seed) % 2**32, 1]))
    values = np.full(len(samples), np.nan)
    with np.errstate(all="ignore"):
        for k, x in enumerate(samples):
            if deadline is not None and k % 64 == 0 and time.monotonic() >= deadline:
                break
            try:
                values[k] = float(f(x))
            except (ArithmeticError, ValueError):
                values[k] = np.nan
    finite = np.flatnonzero(np.isfinite(values))
    order = finite[np.argsort(values[finite], kind="stable")]
    half = max(1, n_extra // 2)
    low = list(order[:half])
    high = [k for k in order[::-1][:half] if k not in set(low)]
    return samples[low], samples[high]


def descend(f, grad, box: np.ndarray, x0: np.ndarray, sign: float) -> np.ndarray:
    """A local minimiser of sign·f from x0 in the box (L-BFGS-B, 200 iterations at most).

    From a low sample a descent on f itself ends near a minimum, never in the
    tail of a decaying function (f there is higher); Newton on ∇f = 0 then
    polishes.  Any failure returns x0."""
    from scipy.optimize import minimize

    def fun(x):
        with np.errstate(all="ignore"):
            value, g = sign * float(f(x)), sign * np.asarray(grad(x), dtype=float)
        if not (math.isfinite(value) and np.all(np.isfinite(g))):
            raise FloatingPointError
        return value, g

    try:
        out = minimize(fun, x0, jac=True, method="L-BFGS-B", bounds=box.tolist(), options={"maxiter": 200})
    except (ArithmeticError, ValueError):
        return x0
    return out.x if np.all(np.isfinite(out.x)) else x0


def find_stationary_points(grad, hess, box, n_starts=None, seed=0, residual_tol=1e-10, dedup_tol=1e-6,
                           max_newton=100, deflation=True, f=None, deadline=None) -> NumericSearchResult:
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
    merges: list = []
    failed = nonfinite = 0
    starts = sobol_starts(box, n_starts, seed)
    signs = np.zeros(len(starts))  # 0: Newton from the start; ±1: first descend on ±f
    if f is not None:
        low, high = extreme_starts(f, box, max(2, n_starts // 8), seed, deadline)
        starts = np.vstack([starts, low, high])
        signs = np.concatenate([signs, np.ones(len(low)), -np.ones(len(high))])
    cut_short = False
    used = 0
    for i, x0 in enumerate(starts, start=1):
        if deadline is not None and time.monotonic() >= deadline:
            cut_short = True
            break
        used = i
        if signs[i - 1]:
            x0 = descend(f, grad, box, x0, signs[i - 1])
        run = _solve_from(system, x0, roots, residual_tol, max_newton, deflation)
        if run.x is None:
            nonfinite += 1
            continue
        if not accepted(system, run, residual_tol):
            failed += 1
            continue
        slow, u, q = convergence_summary(run)
        _record(roots, _Root(run.x.copy(), run.gnorm, u, int(slow), first=i, power=deflation_power(slow, q)),
                dedup_tol, system, residual_tol, merges)

    roots = _merge_joined(roots, system, residual_tol, merges)
    notes: list[str] = []
    if cut_short:
        notes.append(f"cut short by the time limit after {used} of {len(starts)} starts")
    if merges:
        distance, where = max(merges, key=lambda m: m[0])
        notes.append(f"found points up to {distance:.2g} apart (near {np.round(where, 8).tolist()}) were merged as "
                     f"one: roots closer than the resolution (dedup_tol = {dedup_tol:g} relative, or a flat patch "
                     f"within the probe distance {system.probe:.2g} where ∇f passes the root test throughout) "
                     "may have been merged")
    inside = [r for r in roots if system.inside_box(r.x, dedup_tol)]
    if len(inside) < len(roots):
        notes.append(f"{len(roots) - len(inside)} stationary point(s) found outside the box were kept "
                     "for deflation but are not returned")
    from optkit.stationary.curves import CurveFinder, group_nonisolated

    finder = CurveFinder(system, residual_tol, max_newton, dedup_tol, deadline)
    if deadline is not None and time.monotonic() >= deadline:
        cut_short = True
        isolated, sets = inside, []
        notes.append("cut short by the time limit before the test for non-isolated points: "
                     "every point is listed as isolated")
    else:
        isolated, sets = group_nonisolated(finder, inside, notes)
    if nonfinite:
        notes.append(f"{nonfinite} start(s) skipped: gradient or Hessian not finite along the way")
    if system.first_error is not None:
        notes.append(f"evaluation errors were treated as non-finite values; the first: {system.first_error}")
    if failed:
        notes.append(f"{failed} start(s) ended without reaching ‖∇f‖ ≤ tolerance "
                     "(LM stalled at a local minimum of ‖∇f‖ or ran out of steps)")

    firsts = [r.first for r in isolated] + [first for _, first, _ in sets]
    last_new = max(firsts) if firsts else None
    if last_new is not None and last_new > used // 2:
        notes.append(f"the last new point appeared at start {last_new} of {used}: "
                     "more starts may find more points")
    points = [NumericPoint(x=r.x, grad_norm=r.gnorm, uncertainty=r.uncertainty,
                           slow_convergence=r.slow, hits=r.hits)
              for r in sorted(isolated, key=lambda r: tuple(r.x))]
    return NumericSearchResult(points=points, n_starts=used, last_new_at=last_new,
                               curves=[s for s, _, _ in sets], dedup_tol=float(dedup_tol),
                               residual_tol=float(residual_tol), notes=notes, cut_short=cut_short)


def _merge_joined(roots: list[_Root], system: _System, residual_tol: float, merges: list) -> list[_Root]:
    """A last pass of the flat-patch join over every pair: a root recorded before its
    neighbour was polished further may be joined to it only now."""
    kept: list[_Root] = []
    for r in sorted(roots, key=lambda r: r.gnorm):
        home = next((k for k in _near(kept, r.x, r.uncertainty, 0.0, system)
                     if _joined(system, k.x, r.x, residual_tol)), None)
        if home is None:
            kept.append(r)
            continue
        merges.append((float(np.max(np.abs(home.x - r.x))), home.x.copy()))
        home.hits += r.hits
        home.slow_votes += r.slow_votes
        home.first = min(home.first, r.first)
        home.power = max(home.power, r.power)
    return kept
