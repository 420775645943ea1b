"""A run as the figures see it: iterates, f, ‖g‖, evaluations and eigenvalues per iterate.

Built from a live :class:`optkit.Result` (:func:`from_result`) or from a stored compare
run (:func:`from_run_dict`, which carries the path alone).  Per-iterate evaluation
counts are not part of a trace; :func:`counted_minimize` runs ``minimize`` and reads
the problem's one evaluation counter at each iterate through the loop's callback (the
method's own work, exactly what ``Result.evaluations`` counts), and drops the counts
rather than show them wrong if they disagree with ``Result.evaluations``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class FigureRun:
    """One method's run: ``xs[k]`` is iterate k (thinned like the trace when it is)."""

    label: str
    xs: list[list[float]]
    f: list[float] | None = None
    grad_norm: list[float] | None = None
    ks: list[int] | None = None
    evaluations: list[int] | None = None  # cumulative method evaluations at each iterate
    eigenvalues: list[list[float] | None] | None = None
    outcome: str = ""
    thinning: dict | None = None  # {"kept": ..., "every": ...} when the trace was thinned
    x0: list[float] = field(default_factory=list)


def from_result(label: str, result, evaluations: list[int] | None = None) -> FigureRun:
    """The figure view of one :class:`optkit.Result`."""
    trace = result.trace
    thinning = getattr(result, "trace_thinning", None)
    return FigureRun(label=label, xs=[list(r.x) for r in trace], f=[r.f for r in trace],
                     grad_norm=[r.grad_norm for r in trace], ks=[r.k for r in trace], evaluations=evaluations,
                     eigenvalues=[r.eigenvalues for r in trace], outcome=result.outcome,
                     thinning=thinning or None, x0=list(result.x0))


def from_run_dict(run: dict) -> FigureRun:
    """The figure view of a stored compare run (the conventions' shape plus ``path``)."""
    xs = [list(map(float, x)) for x in (run.get("path") or [])]
    if not xs and run.get("x0") is not None:
        xs = [list(map(float, run["x0"]))]
    return FigureRun(label=str(run.get("method")), xs=xs, outcome=str(run.get("outcome", "")),
                     thinning=run.get("path_thinning") or None, x0=list(map(float, run.get("x0") or xs[0])))


def counted_minimize(problem, method: str, x0=None, **kwargs):
    """``minimize`` plus the cumulative evaluation count at every iterate of the trace.

    The count at iterate k is read from the problem's one counter (``problem.counts``,
    which diagnostics do not tick) when the loop calls back at x_k — f and ∇f at x_k are
    in, the step from x_k is not.  Returns ``(result, counts)``; ``counts`` is None when
    they cannot be vouched for (the total disagrees with ``Result.evaluations``).  A
    thinned trace gets the counts of the records it kept.
    """
    from optkit.run.driver import minimize

    if isinstance(problem, (str, bytes)) or not hasattr(problem, "counts"):
        return minimize(problem, method, x0, **kwargs), None
    counter = problem.counts
    before = counter.as_dict()
    seen: dict[int, int] = {}
    user_callback = kwargs.pop("callback", None)

    def callback(record):
        seen[record.k] = sum(counter.since(before).values())
        return bool(user_callback(record)) if user_callback is not None else False

    result = minimize(problem, method, x0, callback=callback, **kwargs)
    total = int(sum(result.evaluations.values()))
    seen.setdefault(result.trace[-1].k, total)  # the loop stops before calling back on the final iterate
    if any(r.k not in seen for r in result.trace) or max(seen.values()) > total:
        return result, None
    counts = [seen[r.k] for r in result.trace]
    return result, counts if counts == sorted(counts) else None


def replayed_counts(problem, result, method: str, x0, options: dict, **kwargs) -> list[int] | None:
    """Per-iterate evaluation counts of a finished run, by running it again counted.

    Runs are deterministic (seeded), so the replay retraces the run; the counts are
    returned only if it did (same iterates and f at every record), else None.
    """
    replay, counts = counted_minimize(problem, method, x0, options=dict(options), **kwargs)
    same = len(replay.trace) == len(result.trace) and all(
        a.x == b.x and (a.f == b.f or (a.f != a.f and b.f != b.f)) for a, b in zip(replay.trace, result.trace))
    return counts if same else None


def plane_coordinates(xs, dims: tuple[int, int]) -> tuple[list[float], list[float]]:
    """Coordinates i and j of each iterate (the path drawn in the plane of a slice)."""
    arr = np.asarray(xs, dtype=float).reshape(len(xs), -1)
    return arr[:, dims[0]].tolist(), arr[:, dims[1]].tolist()
