"""The stationary points a landscape marks (:class:`MarkedPoint`): ``optkit classify`` in the drawn box, cached.

Classifying a polynomial exactly costs a sympy import and a Gröbner basis — most of a
landscape's time.  For a closed-form problem the answer depends only on the formula,
its variables and parameters, and the box, so it is cached beside the derivative
programs (``$OPTKIT_CACHE_DIR``, see :mod:`optkit.symbolic.derivatives`) under a key
made of exactly those and optkit's version.  The cache holds numbers and kind words
only; an entry that does not read back as such is ignored and classified again.
Problems defined in Python are classified every time (their code may change).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass

CACHE_FORMAT = 1
KINDS = ("minimum", "maximum", "saddle", "degenerate")


@dataclass
class MarkedPoint:
    x: float
    y: float
    kind: str  # minimum, maximum, saddle or degenerate
    f: float
    index: int | None = None


def classified_points(found) -> list[MarkedPoint]:
    """The points of a :class:`~optkit.stationary.finder.ClassifyResult` (2-D), each with its kind."""
    return [MarkedPoint(float(p.x[0]), float(p.x[1]), p.classification.kind, float(p.f), p.classification.index)
            for p in found.points if p.classification.kind in KINDS]


def recorded_points(problem) -> list[MarkedPoint]:
    """The stationary points the problem file records (verified when the problem was added)."""
    return [MarkedPoint(float(k.x[0]), float(k.x[1]), k.kind, float(problem.f(k.x)), k.index)
            for k in problem.stationary_points if k.kind in KINDS]


def _key(problem, box) -> str | None:
    if not getattr(problem, "closed_form", False) or problem.formula is None:
        return None
    from optkit import __version__

    text = json.dumps([CACHE_FORMAT, __version__, problem.formula, list(problem.variables),
                       sorted((str(k), str(v)) for k, v in problem.params.items()), [list(map(float, b)) for b in box]])
    return "classify-" + hashlib.sha256(text.encode()).hexdigest()[:32]


def _read(path) -> list[MarkedPoint] | None:
    try:
        data = json.loads(path.read_text())
        points = []
        for x, y, kind, f, index in data["points"]:
            if kind not in KINDS or not all(isinstance(v, (int, float)) for v in (x, y, f)) \
                    or not (index is None or isinstance(index, int)) or not (math.isfinite(x) and math.isfinite(y)):
                return None
            points.append(MarkedPoint(float(x), float(y), kind, float(f), index))
        return points
    except (OSError, ValueError, KeyError, TypeError):
        return None


def classified_in_box(problem, box) -> list[MarkedPoint]:
    """The stationary points of a 2-D ``problem`` in ``box``, each with its kind (``optkit classify``)."""
    from optkit.stationary.finder import classify_stationary_points
    from optkit.symbolic.derivatives import _write, cache_dir

    key = _key(problem, box)
    path = cache_dir() / f"{key}.json" if key else None
    if path is not None:
        cached = _read(path)
        if cached is not None:
            return cached
    points = classified_points(classify_stationary_points(problem, box=box))
    if path is not None:
        _write(path, json.dumps({"points": [[p.x, p.y, p.kind, p.f, p.index] for p in points]}))
    return points
