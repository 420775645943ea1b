"""Stopping rules and heuristics: pure functions of a run's history.

The driver (``run/driver.py``) checks at every iterate x_k, in this order:

1. f or ∇f not finite → "non-finite value" (:func:`non_finite`);
2. ‖g‖₂ ≤ gtol (Euclidean norm) → converged — unless :func:`trend` says the
   iterates are running off to infinity with a vanishing gradient (course
   exercise E8), or :func:`vanishing_unbounded` finds the small gradient reached
   while the last steps still run away over flat ground (trust region on
   sigmoid), or the method escapes saddles (sfn) and finds negative curvature;
   both divergence tests are off with ``divergence_check=False``;
3. ‖x‖₂ > x_bound → "no stationary point reached; iterates diverging";
4. after an accepted step: |Δf| ≤ ftol·max(1, |f|), ‖Δx‖₂ ≤ xtol·max(1, ‖x‖₂)
   → stalled, never success (:func:`stalled`).  Mini-batch runs take Δf and
   Δx over a whole epoch (⌈samples/batch⌉ steps), never over one batch, and
   skip the default "zero step" test (xtol = 0): batches whose gradients are
   zero move nothing while the full gradient is far from zero;
5. the trend test at k = 16, 32, 64, … (:func:`is_checkpoint`), unless the
   divergence check is switched off;
6. k = max_iter, or evaluations ≥ max_evals (:func:`limits`).

**Trend test** ("f still falling while the gradient shrinks"): at checkpoints
i₀ < … < i₄ = (k/16, k/8, k/4, k/2, k) (rounded down, k ≥ 8) f falls and
‖x‖₂ grows at every checkpoint, ‖g‖₂ falls at every checkpoint and to at most
half overall, and the displacements Dⱼ = ‖x_{iⱼ₊₁} − x_{iⱼ}‖ over these
doubling windows do not contract (Dⱼ₊₁ ≥ 0.9·Dⱼ) nor slow down (ratios
non-decreasing within 5 %).  When the test only names the reason of a run that
failed anyway (maximum iterations, stalled: ``strict=False``), it also accepts
ratios that fall but stay ≥ 1 (a transition from linear to logarithmic
growth).  Where the curvature along the displacement can be measured, it must
also fall (non-increasing, and by at least the square root of the gradient's
decay): a flattening valley, not a slow approach to a minimum with positive
curvature.  Linear convergence to a point shrinks those ratios geometrically
and sublinear convergence keeps them below 1, while iterates escaping to
infinity along a flattening valley (−log σ growing like log k for gradient
descent, linearly for Newton and Adam) keep them near or above 1.  It is a
heuristic: documented, and a run it flags is never called a success.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from optkit.run.results import Status

#: The trend test looks at k ≥ TREND_MIN_K only: fewer iterates cannot show a trend over four doublings.
TREND_MIN_K = 8
#: ... and runs it during the loop at k = 16, 32, 64, … (cheap: O(log k) checks per run).
TREND_FIRST_CHECKPOINT = 16
#: Iterates kept for the trend test: every k < 2**SIGNIFICANT_BITS and every k with at most that many
#: significant bits (so k >> s is kept whenever k is): O(2**bits · log k) vectors, whatever max_iter is.
SIGNIFICANT_BITS = 6
#: Above this n only powers of two are kept (one vector per doubling), to bound memory at large n.
FULL_CHECKPOINTS_MAX_N = 1000


def non_finite(k: int, f: float, g: np.ndarray) -> str:
    """'' or what is not finite at iterate k (rule 1)."""
    if math.isfinite(f) and bool(np.all(np.isfinite(g))):
        return ""
    what = "f" if not math.isfinite(f) else "∇f"
    return f"{what} = {f if what == 'f' else 'non-finite'} at iteration {k}"


def stalled(last_df: float, last_dx: float, f: float, xnorm: float, ftol: float, xtol: float,
            zero_step: bool = True):
    """(status, measure, tolerance) when f or x stalled on the last accepted step (rule 4), else None.

    ``zero_step=False`` (mini-batch runs) drops the default test xtol = 0, "the step was exactly
    zero": a zero mini-batch gradient gives a zero step while the full gradient is not small.
    """
    f_limit = ftol * max(1.0, abs(f))
    if ftol > 0 and last_df <= f_limit:
        return Status.FTOL, last_df, f_limit
    x_limit = xtol * max(1.0, xnorm)
    if (xtol > 0 or zero_step) and last_dx <= x_limit:
        return Status.XTOL, last_dx, x_limit
    return None


def limits(k: int, evaluations: int, max_iter: int, max_evals: int | None):
    """(status, measure, tolerance) when an iteration or evaluation limit is reached (rule 6), else None."""
    if k >= max_iter:
        return Status.MAX_ITER, k, max_iter
    if max_evals is not None and evaluations >= max_evals:
        return Status.MAX_EVALS, evaluations, max_evals
    return None


def is_checkpoint(k: int) -> bool:
    """The trend test runs during the loop at k = 16, 32, 64, … (rule 5)."""
    return k >= TREND_FIRST_CHECKPOINT and (k & (k - 1)) == 0


@dataclass
class Checkpoints:
    """f, ‖g‖₂, ‖x‖₂ and x at the iterations the trend test may look at (memory O(log k))."""

    n: int
    bits: int = 0
    kept: dict = field(default_factory=dict)  # k -> (f, gnorm, xnorm, x)

    def __post_init__(self):
        if not self.bits:
            self.bits = SIGNIFICANT_BITS if self.n <= FULL_CHECKPOINTS_MAX_N else 1

    def anchor(self, k: int) -> int:
        """k rounded down to ``bits`` significant bits: the latest iterate whose halvings are all kept."""
        shift = max(0, k.bit_length() - self.bits)
        return (k >> shift) << shift

    def add(self, k: int, f: float, gnorm: float, xnorm: float, x: np.ndarray) -> None:
        if self.anchor(k) == k:
            self.kept[k] = (float(f), float(gnorm), float(xnorm), np.array(x, dtype=float))

    def __contains__(self, k: int) -> bool:
        return k in self.kept


def trend(history: Checkpoints, k: int, strict: bool,
          curvature: Callable[[np.ndarray, np.ndarray], float] | None = None) -> str:
    """'' or a description of iterates running off with a vanishing gradient (module docstring).

    ``curvature(x, u)`` = uᵀ∇²f(x)u for a unit u, or None where it cannot be measured.
    """
    if k < TREND_MIN_K:
        return ""
    k = history.anchor(k)
    idx = [k >> s for s in (4, 3, 2, 1, 0)]
    if any(i not in history for i in idx):
        return ""
    fs, gs, xn, xs = zip(*(history.kept[i] for i in idx))
    if not all(a > b for a, b in zip(fs, fs[1:])):
        return ""
    if not all(a < b for a, b in zip(xn, xn[1:])):
        return ""
    if not all(a > b for a, b in zip(gs, gs[1:])) or not gs[-1] <= 0.5 * gs[0]:
        return ""
    D = [float(np.linalg.norm(b - a)) for a, b in zip(xs, xs[1:])]
    if min(D) <= 0:
        return ""
    ratios = [b / a for a, b in zip(D, D[1:])]
    steady = all(r >= 0.9 for r in ratios) and all(b >= 0.95 * a for a, b in zip(ratios, ratios[1:]))
    growing = all(r >= 1.0 for r in ratios)  # at least logarithmic growth in every doubled window
    if not (steady or (growing and not strict)):
        return ""
    if curvature is not None and not flattening(xs, gs, curvature):
        return ""
    return (f"over iterations {idx[0]}–{idx[-1]}: f {fs[0]:.4g} → {fs[-1]:.4g}, ‖g‖₂ {gs[0]:.3g} → {gs[-1]:.3g}, "
            f"‖x‖₂ {xn[0]:.4g} → {xn[-1]:.4g}")


#: "Running away" is judged on the last RUNAWAY_STEPS accepted steps ...
RUNAWAY_STEPS = 3
#: ... each at least this fraction of the one before, or the last of the first (not shrinking: Newton on
#: x⁴ shrinks its steps by 2/3, a linearly convergent method by its rate; steps that keep their length
#: are not converging) ...
NOT_SHRINKING = 0.8
#: ... the last one long: with ‖g‖ ≤ gtol a bowl of curvature λ gives steps of about ‖g‖/λ, so a step
#: this long means curvature below about 1e3·gtol along it (gradient descent's steps α‖g‖ are far shorter) ...
LONG_STEP = 1e-3
#: ... and the measured curvature uᵀHu along it numerically zero: at most this multiple of ‖g‖/‖step‖
#: (the gradient is not explained by a bowl: at a true minimum reached by a long last step,
#: uᵀHu·‖step‖ ≫ ‖g‖), or at most gtol itself.
FLAT_CURVATURE = 10.0
#: A last step shorter than this fraction of the one before barely moved (a line search that found
#: nothing better on a plateau): the runaway is judged on the steps before it, the curvature at the end.
NEGLIGIBLE_STEP = 1e-3


def vanishing_unbounded(recent: list[np.ndarray], gnorm: float, gtol: float,
                        curvature: Callable[[np.ndarray, np.ndarray], float] | None) -> str:
    """'' or why a gradient below gtol was reached along an unbounded path, not at a stationary point.

    ``recent``: the last accepted iterates, oldest first (RUNAWAY_STEPS + 2 of them).
    All must hold over the last RUNAWAY_STEPS steps (or all of them, when the run has
    made fewer; a negligible last step is set aside, see NEGLIGIBLE_STEP):
    ‖x‖₂ grew at every step, every step (or the last) is at least NOT_SHRINKING × the
    one before (the first), so the steps are not shrinking (Newton approaching a degenerate minimum such as x⁴ shrinks its steps by 2/3 each),
    the last step is long (≥ LONG_STEP), and the curvature c = uᵀHu along it is
    numerically zero: |c|·‖s‖ ≤ FLAT_CURVATURE·‖g‖₂, or |c| ≤ gtol.  Without a way
    to measure curvature there is no evidence, and nothing is said.
    """
    if curvature is None or len(recent) < 2:  # (∇f = 0 in floats may be underflow: e^{−x} at x = 800)
        return ""
    xs = list(recent)[-(RUNAWAY_STEPS + 2):]  # fewer steps when the run has made fewer
    end = xs[-1]
    if len(xs) >= 3 and np.linalg.norm(xs[-1] - xs[-2]) < NEGLIGIBLE_STEP * np.linalg.norm(xs[-2] - xs[-3]):
        xs = xs[:-1]  # a last step that barely moved: the run is judged on the steps before it
    xs = xs[-(RUNAWAY_STEPS + 1):]
    norms = [float(np.linalg.norm(x)) for x in xs]
    steps = [float(np.linalg.norm(b - a)) for a, b in zip(xs, xs[1:])]
    if not all(a < b for a, b in zip(norms, norms[1:])):
        return ""
    last = steps[-1]
    steady = all(b >= NOT_SHRINKING * a > 0 for a, b in zip(steps, steps[1:]))
    if not (steady or last >= NOT_SHRINKING * steps[0] > 0):  # last against first: a zig-zag still counts
        return ""
    if last < LONG_STEP:
        return ""
    c = curvature(end, (xs[-1] - xs[-2]) / last)
    if c is None or not math.isfinite(c) or (abs(c) * last > FLAT_CURVATURE * gnorm and abs(c) > gtol):
        return ""
    return (f"‖g‖₂ = {gnorm:.3g} ≤ gtol while ‖x‖₂ grew {norms[0]:.6g} → {norms[-1]:.6g} over the last "
            f"{len(steps)} step{'s' if len(steps) > 1 else ''}, which did not shrink (last {last:.3g}), and the "
            f"curvature along them is {c:.3g}, numerically zero")


def flattening(xs, gs, curvature) -> bool:
    """The curvature uᵀHu along the overall displacement u falls at least like √(‖g‖ ratio).

    Running off to infinity along a flattening valley (−log σ) shrinks g and the
    curvature together; approaching a non-degenerate minimum (however slowly,
    e.g. Adam at its constant speed) leaves the curvature bounded away from zero.
    A curvature that cannot be measured (``curvature`` returns None) is no evidence
    either way: the test passes.
    """
    u = xs[-1] - xs[0]
    u = u / np.linalg.norm(u)
    c = [curvature(x, u) for x in xs]
    if any(v is None for v in c):
        return True
    if not all(math.isfinite(v) for v in c):
        return False
    if c[0] <= 0:
        return c[-1] <= 0  # concave along the path: no minimum ahead on this line
    if not all(b <= 1.05 * a for a, b in zip(c, c[1:])):
        return False
    return c[-1] <= math.sqrt(gs[-1] / gs[0]) * c[0]
