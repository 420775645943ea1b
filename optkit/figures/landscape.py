"""The landscape figure: filled contours of f over a box, each method's path, the stationary points.

For a 2-D problem the plane is the whole domain; for n > 2 it is the slice through a
point X in which coordinates i and j vary and the others stay at X (``dims``,
``slice_at``), and each path is drawn as its projection onto that plane.

Levels: ``count`` levels evenly spaced in f, or — when f spans decades over the box
(max − min ≥ 30 × (q − min), q the 5 % quantile of f on the grid) — spaced geometrically in f − min, so the valleys
are not one flat colour.  The stationary points come from
:func:`optkit.stationary.finder.classify_stationary_points` (2-D problems), each with its kind
(cached for closed forms: :mod:`optkit.figures.points`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optkit.errors import OptkitError
from optkit.figures.points import MarkedPoint, classified_in_box, classified_points
from optkit.figures.runs import FigureRun, plane_coordinates

DEFAULT_RESOLUTION = 201  # grid points per axis: smooth contours at 1000 px, 40k evaluations of f
DEFAULT_LEVELS = 24
LOG_SPAN = 30.0  # f spans decades when max − min ≥ LOG_SPAN · (q₀.₀₅ − min), q₀.₀₅ the 5 % quantile on the grid


@dataclass
class PathData:
    label: str
    x: list[float]
    y: list[float]
    outcome: str = ""
    thinned: bool = False


@dataclass
class Landscape:
    """Everything the landscape figure shows; drawn by :func:`optkit.render.plots.draw_landscape`."""

    problem: str
    title: str
    xlabel: str
    ylabel: str
    box: list[list[float]]  # [[x_lo, x_hi], [y_lo, y_hi]]
    xs: list[float]  # grid abscissae
    ys: list[float]  # grid ordinates
    z: np.ndarray  # z[j, i] = f at (xs[i], ys[j])
    levels: list[float]
    log_levels: bool
    paths: list[PathData] = field(default_factory=list)
    start: tuple[float, float] | None = None
    points: list[MarkedPoint] = field(default_factory=list)
    caption: str = ""
    dims: tuple[int, int] = (0, 1)


def plane_of(problem, dims=None, slice_at=None) -> tuple[tuple[int, int], np.ndarray]:
    """The drawn plane: coordinate indices (i, j) and the point the slice goes through.

    A 2-D problem needs neither; for n ≠ 2 both are required, and their absence is
    explained with what can be drawn instead.
    """
    n = problem.n
    if n == 2 and dims is None and slice_at is None:
        return (0, 1), np.zeros(2)
    if n < 2:
        raise OptkitError(f"{problem.name} has n = {n}: a contour plot needs two variables; draw the convergence "
                          "figure instead (--convergence)")
    if slice_at is None or (dims is None and n != 2):
        raise OptkitError(f"{problem.name} has n = {n}: contours need a 2-D slice, e.g. --slice-at "
                          f"{','.join(['0'] * n)} --dims 0,1 (coordinates i and j vary, the others stay at the "
                          "point); or draw --convergence or --spectrum, which work in any dimension")
    dims = (0, 1) if dims is None else tuple(int(d) for d in dims)
    if len(dims) != 2 or dims[0] == dims[1] or not all(0 <= d < n for d in dims):
        raise OptkitError(f"--dims {','.join(map(str, dims))} must be two different coordinates in 0..{n - 1}")
    point = np.asarray(slice_at, dtype=float).reshape(-1)
    if point.size != n:
        raise OptkitError(f"--slice-at has {point.size} components; {problem.name} has n = {n}")
    return dims, point


def plane_box(problem, dims, box=None) -> np.ndarray:
    """The drawn rectangle: ``box`` ((2, 2), given for the plane) or the problem's box on dims i, j."""
    if box is None:
        return np.asarray(problem.box, dtype=float)[list(dims)]
    box = np.asarray(box, dtype=float)
    if box.shape != (2, 2):
        raise OptkitError(f"the box of a contour plot is two lo,hi pairs (one per drawn axis), got shape {box.shape}")
    if not np.all(np.isfinite(box)) or not np.all(box[:, 0] < box[:, 1]):
        raise OptkitError("every box pair needs finite lo < hi")
    return box


def grid(problem, dims, point, box, resolution: int = DEFAULT_RESOLUTION):
    """f on a resolution × resolution grid of the plane (z[j, i] at (xs[i], ys[j]))."""
    xs = np.linspace(box[0, 0], box[0, 1], resolution)
    ys = np.linspace(box[1, 0], box[1, 1], resolution)
    X = np.broadcast_to(np.asarray(point, dtype=float)[:, None, None], (len(point), resolution, resolution)).copy()
    X[dims[0]], X[dims[1]] = np.meshgrid(xs, ys)
    z = _whole_grid(problem, X)
    if z is None:  # f is not written for arrays: one point at a time
        z = np.empty((resolution, resolution))
        for j in range(resolution):
            for i in range(resolution):
                z[j, i] = problem.f(X[:, j, i])
    return xs, ys, z


def _whole_grid(problem, X) -> np.ndarray | None:
    """f at every grid point in one array call, when the problem's f broadcasts (closed forms do).

    Trusted only if the shape is right and it agrees with the point-by-point f at a few
    grid points; otherwise None, and the caller evaluates point by point.
    """
    fn = getattr(getattr(problem, "_fns", None), "f", None)  # the uncounted closure (Problem.f casts to float)
    if fn is None:
        return None
    try:
        with np.errstate(all="ignore"):
            z = np.asarray(fn(X), dtype=float)
    except Exception:  # noqa: BLE001 -- any failure means "not vectorised"; the scalar path decides
        return None
    if z.shape != X.shape[1:]:
        return None
    r = X.shape[1]
    for j, i in ((0, 0), (r - 1, r - 1), (r // 3, 2 * r // 3), (r // 2, r // 2), (r - 1, 0)):
        want = problem.f(X[:, j, i])
        if not (np.isclose(z[j, i], want, rtol=1e-12, atol=1e-300) or (np.isnan(want) and np.isnan(z[j, i]))):
            return None
    return z


def choose_levels(z: np.ndarray, count: int = DEFAULT_LEVELS) -> tuple[list[float], bool]:
    """Contour levels over the finite values of z; geometric in f − min when f spans decades."""
    if count < 2:
        raise OptkitError(f"--levels must be at least 2, got {count}")
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        raise OptkitError("f is not finite anywhere on the box; choose another --box")
    lo, hi, low = float(finite.min()), float(finite.max()), float(np.quantile(finite, 0.05))
    if hi <= lo:
        hi = lo + 1.0  # a constant f: one band
    if low - lo > 0 and hi - lo >= LOG_SPAN * (low - lo):
        offsets = np.geomspace(max((low - lo) * 0.02, (hi - lo) * 1e-6), hi - lo, count - 1)
        return [lo] + (lo + offsets).tolist(), True
    return np.linspace(lo, hi, count).tolist(), False


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def start_text(x0) -> str:
    """'(1, 0.001)'; beyond four coordinates the first three and the count, so titles stay one line."""
    x0 = list(x0)
    if len(x0) > 4:
        return "(" + ", ".join(_fmt(v) for v in x0[:3]) + f", …; n = {len(x0)})"
    return "(" + ", ".join(_fmt(v) for v in x0) + ")"


def landscape(problem, runs: list[FigureRun], *, box=None, levels: int | None = None, dims=None, slice_at=None,
              stationary=None, resolution: int = DEFAULT_RESOLUTION, title: str | None = None) -> Landscape:
    """The landscape record of ``problem`` with the paths of ``runs``.

    ``stationary``: a :class:`ClassifyResult` to mark, a list of :class:`MarkedPoint`, None to
    classify here (2-D problems), or False for no markers.
    """
    dims, point = plane_of(problem, dims, slice_at)
    rect = plane_box(problem, dims, box)
    xs, ys, z = grid(problem, dims, point, rect, resolution)
    lv, log = choose_levels(z, DEFAULT_LEVELS if levels is None else levels)
    names = list(problem.variables)
    paths = []
    for run in runs:
        px, py = plane_coordinates(run.xs, dims)
        paths.append(PathData(run.label, px, py, run.outcome, bool(run.thinning)))
    points = []
    source = "optkit classify"
    if problem.n == 2 and stationary is not False:
        if isinstance(stationary, list):
            found, source = stationary, "recorded in the problem file"
        elif stationary is not None:
            found = classified_points(stationary)
        else:
            found = classified_in_box(problem, rect)
        points = [p for p in found if rect[0, 0] <= p.x <= rect[0, 1] and rect[1, 0] <= p.y <= rect[1, 1]]
    x0 = runs[0].x0 if runs else None
    start = None
    if x0:
        sx, sy = plane_coordinates([x0], dims)
        start = (sx[0], sy[0])
    if title is None:
        methods = ", ".join(r.label for r in runs)
        title = f"{problem.name}" + (f": {methods}" if methods else "") + (f" from {start_text(x0)}" if x0 else "")
    caption = []
    if problem.n != 2:
        others = [f"{names[k]} = {_fmt(point[k])}" for k in range(problem.n) if k not in dims]
        caption.append(f"slice through {', '.join(others)}; paths projected onto ({names[dims[0]]}, {names[dims[1]]})")
    if log:
        caption.append("levels spaced geometrically in f − min (f spans decades)")
    if any(p.thinned for p in paths):
        caption.append("paths thinned like their traces (first and last 1,000 iterates, every m-th between)")
    if problem.n == 2 and stationary is not False:
        caption.append(f"{len(points)} stationary point{'s' if len(points) != 1 else ''} in the box ({source})")
    return Landscape(problem=problem.name, title=title, xlabel=names[dims[0]], ylabel=names[dims[1]],
                     box=rect.tolist(), xs=xs.tolist(), ys=ys.tolist(), z=z, levels=lv, log_levels=log,
                     paths=paths, start=start, points=points, caption="; ".join(caption), dims=dims)
