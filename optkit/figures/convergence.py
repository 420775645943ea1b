"""The convergence figure: f − f* (or f) and ‖g‖₂ against iteration and against evaluations.

One line per method.  The f axis is logarithmic for f − f* when f* is known (values at
or below 0 — f* reached to rounding — are left out of the log axis, not faked), for f
itself when f stays positive, and symmetric-logarithmic (linear within ±``linthresh``)
when f changes sign.  Evaluations are the method's own (f + ∇f + ∇²f + Hv, each counted
once, as ``Result.evaluations``), cumulative at each iterate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from optkit.figures.runs import FigureRun


@dataclass
class Series:
    label: str
    k: list[int]
    f: list[float]  # f − f* when f* is known, else f
    grad_norm: list[float]
    evaluations: list[int] | None
    outcome: str = ""


@dataclass
class Convergence:
    title: str
    f_label: str  # "f − f*" or "f"
    f_scale: str  # "log" or "symlog"
    linthresh: float  # for symlog: linear within ±linthresh
    series: list[Series] = field(default_factory=list)
    caption: str = ""


def convergence(problem_name: str, runs: list[FigureRun], fstar: float | None, start: str = "") -> Convergence:
    series = []
    for run in runs:
        f = list(run.f) if fstar is None else [v - fstar for v in run.f]
        series.append(Series(run.label, list(run.ks), f, list(run.grad_norm), run.evaluations, run.outcome))
    values = [v for s in series for v in s.f]
    positive = all(v > 0 for v in values if v == v)
    scale = "log" if fstar is not None or positive else "symlog"
    finite_abs = [abs(v) for v in values if v == v and abs(v) != float("inf") and v != 0]
    linthresh = max(min(finite_abs), 1e-12) if finite_abs else 1.0
    methods = ", ".join(r.label for r in runs)
    title = f"{problem_name}: {methods}" + (f" from {start}" if start else "")
    notes = []
    if fstar is not None:
        notes.append(f"f* = {fstar:.10g}; points with f − f* ≤ 0 are not drawn on the log axis")
    elif scale == "symlog":
        notes.append(f"f changes sign: symmetric log axis, linear within ±{linthresh:.3g}")
    missing = [s.label for s in series if s.evaluations is None]
    if missing:
        notes.append(f"evaluations per iterate not recorded for {', '.join(missing)}")
    if any(r.thinning for r in runs):
        notes.append("traces thinned (first and last 1,000 iterates, every m-th between)")
    return Convergence(title, "f − f*" if fstar is not None else "f", scale, linthresh, series, "; ".join(notes))
