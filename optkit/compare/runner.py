"""One run of a sweep: a :class:`~optkit.compare.sweep.RunSpec` in, a plain run record out.

:func:`execute` is what every executor calls, in whatever process: it rebuilds the problem
and the method from the spec, runs ``optkit.minimize`` (or the SciPy reference), and returns
the conventions' compare-run dict (problem, n, params, method, canonical, start_index, x0,
seed, outcome, solved, success, converged, status, iterations, evaluations, time, f,
grad_norm, classification) plus f − f*, which minimum was reached, the end point, the path
(the iterates, thinned as the conventions say) and ``reason`` for a skipped or failed run.
It never raises: a method that needs what the problem lacks is ``skipped``, an unexpected
exception ``failed``, a run past its time limit ``timeout``.
"""

from __future__ import annotations

import json
import math
import traceback

import numpy as np

from optkit.compare.sweep import RunSpec
from optkit.errors import OptkitError

class _Point:
    """An iterate of a SciPy run, numbered for :class:`optkit.run.trace.Trace`."""

    __slots__ = ("k", "x")

    def __init__(self, k: int, x: list):
        self.k, self.x = k, x


def thin_path(points: list) -> tuple[list, dict | None]:
    """(kept points, ``{"kept", "every"}`` or None): the driver's own thinning rule (:mod:`optkit.run.trace`)."""
    from optkit.run.trace import Trace

    trace = Trace()
    for k, x in enumerate(points):
        trace.append(_Point(k, x))
    return [p.x for p in trace.records()], trace.thinning()


def base_record(spec: RunSpec) -> dict:
    ref = spec.problem
    return {"problem": ref.name, "n": ref.n, "params": ref.params_dict, "expr": ref.expr, "method": spec.method,
            "canonical": json.loads(spec.canonical), "start_index": spec.start_index, "x0": list(spec.x0),
            "seed": spec.seed, "key": spec.key(), "match_key": spec.match_key()}


def _blank(spec: RunSpec, outcome: str, status: str, reason: str) -> dict:
    return {**base_record(spec), "outcome": outcome, "solved": False, "solved_minimum": None, "success": False,
            "converged": False, "status": status, "message": reason, "reason": reason, "iterations": 0,
            "evaluations": {"f": 0, "grad": 0, "hess": 0, "hvp": 0}, "time": 0.0, "f": math.nan,
            "f_minus_fstar": None, "grad_norm": math.nan, "x": None, "classification": None, "notes": [],
            "path": [], "path_thinning": None}


def skipped(spec: RunSpec, reason: str) -> dict:
    return _blank(spec, "skipped", "skipped", reason)


def failed(spec: RunSpec, reason: str, status: str = "failed") -> dict:
    """A run that crashed (its worker, or an unexpected exception); ``status`` failed or timeout."""
    return _blank(spec, "timeout" if status == "timeout" else "failed", status, reason)


def execute(spec: RunSpec) -> dict:
    """Run one spec; never raises."""
    try:
        from optkit.compare.instances import build_problem
        from optkit.methods.specs import parse_spec

        problem = build_problem(spec.problem)
        method = parse_spec(spec.method)
        if method.is_scipy:
            return _reference(spec, problem, method.method.split(":", 1)[1])
        return _optkit(spec, problem)
    except Exception as exc:  # noqa: BLE001 - the sweep goes on; the record says what happened
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return failed(spec, f"{type(exc).__name__}: {exc} (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})")


def _optkit(spec: RunSpec, problem) -> dict:
    from optkit.compare.endpoint import provides
    from optkit.methods.catalogue import build
    from optkit.run.driver import minimize

    entry, method, _, _ = build(spec.method)
    lacking = [need for need in sorted(method.needs) if not provides(problem, need)]
    if lacking:
        return skipped(spec, f"{entry.name} needs {', '.join(lacking)}; problem {problem.name} provides none")
    try:
        result = minimize(problem, spec.method, np.asarray(spec.x0, dtype=float), eig=False, timeout=spec.run_timeout,
                          options={**spec.tolerances.common(), "seed": spec.seed})
    except OptkitError as exc:  # e.g. batch_size on a problem without a data set
        return skipped(spec, str(exc))
    path = [list(r.x) for r in result.trace]
    return _finish(spec, problem, outcome=result.outcome, status=result.status.name.lower(), message=result.message,
                   x=result.x, f=result.f, grad_norm=result.grad_norm, converged=result.converged,
                   iterations=result.iterations, evaluations=result.evaluations, elapsed=result.wall_time,
                   classification=result.classification, path=(path, result.trace_thinning), notes=list(result.notes),
                   f_x0=result.trace[0].f)


def _reference(spec: RunSpec, problem, name: str) -> dict:
    from optkit.compare.endpoint import reference_outcome, reference_status
    from optkit.compare.references import missing_needs, run_reference
    from optkit.methods.specs import SCIPY_METHODS

    lacking = missing_needs(problem, SCIPY_METHODS[name])
    if lacking:
        return skipped(spec, f"scipy:{name} needs {', '.join(lacking)}; problem {problem.name} provides none")
    end = run_reference(problem, name, spec.x0, spec.tolerances, spec.run_timeout)
    status, message, classification, f, gnorm = reference_status(end, problem, spec.tolerances)
    return _finish(spec, problem, outcome=reference_outcome(status, classification), status=status, message=message,
                   x=np.asarray(end["x"]).tolist(), f=f, grad_norm=gnorm, converged=status == "converged",
                   iterations=end["iterations"], evaluations=end["evaluations"], elapsed=end["time"],
                   classification=classification, path=thin_path(end["path"]), notes=end["notes"])


def _finish(spec: RunSpec, problem, *, outcome, status, message, x, f, grad_norm, converged, iterations, evaluations,
            elapsed, classification, path: tuple, notes, f_x0: float | None = None) -> dict:
    from optkit.compare.solved import solved_verdict

    with np.errstate(all="ignore"):
        if f_x0 is None:  # only a minimum's verdict reads f(x0); a run cut short in f must not call f again
            f_x0 = float(problem.f(np.asarray(spec.x0, dtype=float))) if outcome == "minimum" else math.nan
        verdict = solved_verdict(problem, outcome, x, f, f_x0, spec.tolerances.solved_ftol)
    kept, thinning = path
    return {**base_record(spec), "outcome": outcome, "solved": verdict["solved"], "solved_minimum": verdict["minimum"],
            "success": outcome == "minimum", "converged": bool(converged), "status": status, "message": message,
            "reason": None, "iterations": int(iterations), "evaluations": {k: int(v) for k, v in evaluations.items()},
            "time": float(elapsed), "f": float(f), "f_minus_fstar": verdict["f_minus_fstar"],
            "grad_norm": float(grad_norm), "x": [float(v) for v in x], "classification": classification,
            "notes": notes, "path": kept, "path_thinning": thinning}
