"""Non-isolated stationary sets of the numeric path: the isolation probe, curve tracing, crossings.

Split from :mod:`optkit.stationary.numeric` (item 7 of its docstring gives the
criteria); the multistart calls :func:`group_nonisolated` on the roots it found.
"""

from __future__ import annotations

import math
import time

import numpy as np

from optkit.stationary.point import hessian_spectrum
from optkit.stationary.newton import (
    _MAX_CURVE_SAMPLES, _NULL_TOL, _PROBE_RCOND, _converged, _newton_vector, _System, levenberg_marquardt,
)

def null_space(H: np.ndarray) -> np.ndarray:
    """Columns spanning the eigenvectors with |λ| ≤ 1e-6·max(1, max|λ|)."""
    lam, V = np.linalg.eigh(H)
    scale = max(1.0, float(np.max(np.abs(lam))))
    return V[:, np.abs(lam) <= _NULL_TOL * scale]


class CurveFinder:
    """Probe found points for non-isolation and trace the stationary sets through them."""

    def __init__(self, system: _System, residual_tol: float, max_newton: int, dedup_tol: float, deadline=None):
        self.system, self.residual_tol, self.max_newton = system, residual_tol, max_newton
        self.deadline = deadline
        self.dedup_tol = dedup_tol
        self.t = 1e-3 * system.diag    # probe distance
        self.h = 1e-2 * system.diag    # continuation step

    def _polish(self, y: np.ndarray) -> np.ndarray | None:
        # No multiple-root jump and the absolute residual test here: near a curve of
        # stationary points Newton's steps shrink linearly *along* the curve (x·y²:
        # towards the origin), and the jump would carry the corrector away from the
        # point it corrects; the probes start at accepted roots, far from any tail.
        run = levenberg_marquardt(self.system, y, self.residual_tol, self.max_newton, jump=False)
        return run.x if _converged(run, self.residual_tol) else None

    def null_dim_and_tangent(self, x: np.ndarray) -> tuple[int, np.ndarray | None]:
        """(dim of H's numerical null space, a null vector along which x is confirmed non-isolated).

        The vector is None when no probe y = x ± t·v (v from ``_probe_directions``),
        corrected by LM to z within t/4 of y, is stationary: then x is isolated
        (possibly degenerate).  z counts as stationary when its full Newton
        step p = H(z)⁺g(z) (every singular
        value above 1e-30·σ_max inverted) is short, ‖p‖ ≤ t/4, and has no
        component along d = (z − x)/‖z − x‖, |p·d| ≤ t/100; d is the tangent returned.  Scale-free, unlike a residual
        test: at (0, t) for x² + y¹⁰, g = 10t⁹ is tiny, but p = (0, t/9) says
        the root is back at 0; on a stationary curve p is normal to it (or 0).
        """
        dim, passing = self.passing_directions(x, first_only=True)
        return dim, (passing[0] if passing else None)

    def passing_directions(self, x: np.ndarray, first_only: bool = False) -> tuple[int, list[np.ndarray]]:
        """(null-space dimension, the probe directions along which x is non-isolated)."""
        H = self.system.h(x)
        if H is None:
            return 0, []
        N = null_space(H)
        found = []
        if N.shape[1] == 2:
            found = self._plane_directions(x, N)
            if found and first_only:
                return 2, found[:1]
        for v in _probe_directions(N):
            for sign in (1.0, -1.0):
                y = x + sign * self.t * v
                z = self._polish(y)   # onto the set when v is only near its tangent (a crossing)
                if z is None or np.linalg.norm(z - y) > 0.25 * self.t:
                    continue
                d = (z - x) / np.linalg.norm(z - x)
                p = _newton_vector(self.system, z, rcond=_PROBE_RCOND)
                if p is not None and np.linalg.norm(p) <= 0.25 * self.t and abs(float(p @ d)) <= 0.01 * self.t:
                    found.append(sign * d)
                    break
            if found and first_only:
                break
        return N.shape[1], found

    def _plane_directions(self, x: np.ndarray, N: np.ndarray) -> list[np.ndarray]:
        """Directions v(θ) = cos θ·n₁ + sin θ·n₂ of a 2-D null space along which ∇f vanishes.

        At a crossing of stationary curves (the origin of x²y², where H = 0)
        the null basis is arbitrary and Newton contracts radially (g is
        homogeneous), so no corrector finds the curves from a basis probe:
        instead the minima of ‖g(x + t·v(θ))‖ over 72 angles are refined
        (bounded Brent) and kept where ‖g‖ ≤ 1e-6 of its largest value on
        the circle -- the curves' directions."""
        from scipy.optimize import minimize_scalar

        def size(theta):
            gy = self.system.g(x + self.t * (math.cos(theta) * N[:, 0] + math.sin(theta) * N[:, 1]))
            return math.inf if gy is None else float(np.linalg.norm(gy))

        angles = np.linspace(0.0, 2 * math.pi, 73)[:-1]
        values = np.array([size(a) for a in angles])
        if not np.all(np.isfinite(values)) or values.max() == 0.0:
            return []
        step = angles[1] - angles[0]
        out: list[np.ndarray] = []
        for k in range(len(angles)):
            if values[k] <= values[k - 1] and values[k] <= values[(k + 1) % len(angles)]:
                best = minimize_scalar(size, bounds=(angles[k] - step, angles[k] + step), method="bounded",
                                       options={"xatol": 1e-12})
                if best.fun <= 1e-6 * values.max():
                    v = math.cos(best.x) * N[:, 0] + math.sin(best.x) * N[:, 1]
                    if not any(float(v @ u) > 0.99 for u in out):
                        out.append(v)
        return out

    def trace(self, x0: np.ndarray, v0: np.ndarray) -> np.ndarray:
        """Predictor–corrector continuation of a 1-D stationary set through x0, both ways."""
        forward, closed = self._branch(x0, v0, stop_at=x0)
        backward = [] if closed else self._branch(x0, -v0, stop_at=None)[0]
        return np.array(backward[::-1] + [x0] + forward)

    def _branch(self, x0, v0, stop_at):
        out, x, v = [], x0, v0
        for _ in range(_MAX_CURVE_SAMPLES):
            if self.deadline is not None and time.monotonic() >= self.deadline:
                return out, False
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


def group_nonisolated(finder: CurveFinder, roots: list, notes: list[str]):
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
    # A crossing of stationary curves (the origin for x²y²) has a null space of
    # dimension ≥ 2: trace every probe direction along which it is non-isolated
    # and that no traced curve already covers.
    for k in [k for k in non if info[k][0] >= 2]:
        x = roots[k].x
        for v in finder.passing_directions(x)[1]:
            ahead = [x + 2 * finder.h * v, x - 2 * finder.h * v]
            if any(float(np.min(np.linalg.norm(samples - a, axis=1))) <= finder.h
                   for samples, _, _ in sets for a in ahead):
                continue
            samples = finder.trace(x, v)
            if samples.shape[0] < 3:
                continue
            assigned.add(k)
            sets.append((samples, roots[k].first, 1))
            notes.append(f"non-isolated stationary set through a crossing: traced as a curve of "
                         f"{samples.shape[0]} samples")
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


CURVE_ZERO_TOL = 1e-6  # |λ| ≤ 1e-6·max(1, max|λ|): zero (the set's own directions, or degenerate across it)


def curve_segments(hess, samples: np.ndarray) -> list[dict]:
    """The kind of a non-isolated stationary set along its samples, split where it changes.

    At a point of a d-dimensional stationary set the Hessian has (at least) d
    zero eigenvalues, along the set; the others give the kind across it:
    all positive, a (non-strict) minimum; all negative, a maximum; both signs,
    not an extremum ("saddle"); a further zero eigenvalue, "degenerate" (the
    second-order test across the set is inconclusive: no higher-order test is
    made here).  d is the smallest number of zero eigenvalues over the samples.
    Consecutive samples of one kind form a segment {kind, start, end, n_samples}
    (x·y² on the x-axis: minima for x > 0, maxima for x < 0).
    """
    spectra = []
    for x in samples:
        try:
            with np.errstate(all="ignore"):
                values = hessian_spectrum(hess(np.asarray(x, dtype=float)))[0]
        except (ArithmeticError, ValueError, np.linalg.LinAlgError):
            values = None
        spectra.append(values if values is not None and np.all(np.isfinite(values)) else None)
    zero_counts = []
    for values in spectra:
        if values is not None:
            tol = CURVE_ZERO_TOL * max(1.0, float(np.max(np.abs(values))))
            zero_counts.append(int(np.sum(np.abs(values) <= tol)))
    dim = max(1, min(zero_counts)) if zero_counts else 1
    segments: list[dict] = []
    for x, values in zip(samples, spectra):
        kind = "undecided"
        if values is not None:
            tol = CURVE_ZERO_TOL * max(1.0, float(np.max(np.abs(values))))
            across = values[np.argsort(np.abs(values))][dim:]
            if np.any(np.abs(across) <= tol):
                kind = "degenerate"
            elif across.size == 0:
                kind = "degenerate"
            elif np.all(across > 0):
                kind = "minimum"
            elif np.all(across < 0):
                kind = "maximum"
            else:
                kind = "saddle"
        point = [float(v) for v in x]
        if segments and segments[-1]["kind"] == kind:
            segments[-1]["end"] = point
            segments[-1]["n_samples"] += 1
        else:
            segments.append({"kind": kind, "start": point, "end": point, "n_samples": 1})
    return segments
