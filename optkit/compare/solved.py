"""The solved rule of ``compare`` (shared/conventions.md, "Outcomes and success").

A run is **solved** when its outcome is ``minimum`` and, where the problem records its minima,

    f − f_local ≤ solved_ftol · max(1, |f(x0) − f*|),

with f_local the value at the recorded minimum the run reached (the nearest one, when the end
point lies within 10⁻³·max(1, ‖x_m‖) of it) and f* the problem's global minimum value (its
declared ``fstar``, else the least recorded minimum).  The minimum reached is ``global`` when
f_local is f* to that tolerance, else ``local``.  An end point that the second-order test
calls a minimum but that lies near no recorded minimum (one of Rastrigin's many local minima,
say) is a minimum the problem does not record: solved, ``global`` if f is f* to the
tolerance, else ``local``.  When the problem records nothing (``--expr``), a minimum is
solved and which one is ``unknown``.
"""

from __future__ import annotations

import math

import numpy as np

NEAR = 1e-3  # relative distance within which an end point has reached a recorded minimum
RULE = ("solved: outcome minimum and f − f_local ≤ {tol:g}·max(1, |f(x0) − f*|), f_local the recorded minimum "
        "the run reached (global or local; a minimum the problem does not record counts as local)")


def recorded_minima(problem) -> list[np.ndarray]:
    """Minimizers the problem records: its stationary points of kind minimum (or behaving as one) and ``minimizers``."""
    points = [np.asarray(p.x, dtype=float) for p in problem.stationary_points
              if p.kind == "minimum" or p.behaves_as == "minimum"]
    points += [np.asarray(m, dtype=float) for m in problem.minimizers]
    return points


def solved_verdict(problem, outcome: str, x_end, f_end: float, f_x0: float, solved_ftol: float) -> dict:
    """``{"solved", "minimum" (global/local/unknown/None), "f_minus_fstar", "f_local"}`` for one run.

    f at recorded minima is evaluated on the problem directly: diagnostics, not counted as the
    method's work (the driver counts through its own oracle).
    """
    minima = recorded_minima(problem)
    values = [float(problem.f(m)) for m in minima]
    fstar = problem.fstar if problem.fstar is not None else (min(values) if values else None)
    f_minus = None if fstar is None or not math.isfinite(f_end) else f_end - fstar
    out = {"solved": False, "minimum": None, "f_minus_fstar": f_minus, "f_local": None}
    if outcome != "minimum":
        return out
    if fstar is None:
        return {**out, "solved": True, "minimum": "unknown"}
    scale = max(1.0, abs(f_x0 - fstar)) if math.isfinite(f_x0) else 1.0
    tol = solved_ftol * scale
    if not minima:
        return {**out, "solved": True, "minimum": "global" if f_end - fstar <= tol else "local"}
    x_end = np.asarray(x_end, dtype=float)
    distances = [float(np.linalg.norm(x_end - m)) for m in minima]
    nearest = int(np.argmin(distances))
    if not distances[nearest] <= NEAR * max(1.0, float(np.linalg.norm(minima[nearest]))):
        return {**out, "solved": True, "minimum": "global" if f_end - fstar <= tol else "local"}
    f_local = values[nearest]
    solved = bool(f_end - f_local <= tol)
    which = "global" if f_local - fstar <= tol else "local"
    return {**out, "solved": solved, "minimum": which if solved else None, "f_local": f_local}
