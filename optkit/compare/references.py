"""SciPy references (``scipy:BFGS``, ``scipy:trust-exact``, ...) under the sweep's tolerances.

The problem's f, ∇f, ∇²f and Hv are wrapped in counters, so a SciPy run's evaluations are
counted exactly like an optkit run's.  SciPy's own verdict (``success``) is not used: the end
point is classified by optkit's rule (:func:`optkit.compare.endpoint.end_point_outcome`), so
SciPy's "success" at a saddle shows as outcome ``saddle``.

How far each method takes the sweep's tolerances (SciPy allows no more):

* BFGS: ``gtol`` with ``norm=2`` (optkit's ‖g‖₂), ``maxiter``; ``xtol`` as ``xrtol``.
* L-BFGS-B: ``gtol`` on the projected gradient's max-norm (≤ ‖g‖₂, so it may stop
  earlier; the end point is then judged on ‖g‖₂ ≤ gtol), ``ftol``, ``maxiter``, ``maxfun``.
* trust-exact, trust-ncg, trust-krylov: ``gtol`` on ‖g‖₂, ``maxiter``.
* Newton-CG: no gradient tolerance; it stops when the average relative step is below
  ``xtol``, which is set to gtol so that it runs on to the same precision.
"""

from __future__ import annotations

import threading
import time
import warnings

import numpy as np


class _TimeUp(Exception):
    """Raised from the callback when the run's time limit has passed."""


class Counted:
    """The problem's functions as SciPy callables, each call counted like the driver's oracle."""

    def __init__(self, problem):
        self.problem = problem
        self.counts = {"f": 0, "grad": 0, "hess": 0, "hvp": 0}

    def f(self, x):
        self.counts["f"] += 1
        return self.problem.f(x)

    def grad(self, x):
        self.counts["grad"] += 1
        return self.problem.grad(x)

    def hess(self, x):
        self.counts["hess"] += 1
        return self.problem.hess(x)

    def hvp(self, x, v):
        self.counts["hvp"] += 1
        return self.problem.hvp(x, v)


def _options(name: str, tol, max_evals) -> dict:
    common = {"maxiter": int(tol.max_iter)}
    if name == "BFGS":
        return {**common, "gtol": tol.gtol, "norm": 2, **({"xrtol": tol.xtol} if tol.xtol else {})}
    if name == "L-BFGS-B":
        return {**common, "gtol": tol.gtol, "ftol": tol.ftol, "maxfun": int(max_evals or 10 ** 9)}
    if name == "Newton-CG":
        return {**common, "xtol": tol.gtol}
    if name in ("trust-exact", "trust-ncg", "trust-krylov"):
        return {**common, "gtol": tol.gtol}
    if name == "CG":
        return {**common, "gtol": tol.gtol, "norm": 2}
    return common  # Nelder-Mead: no derivative tolerance at all


def run_reference(problem, name: str, x0, tol, run_timeout: float) -> dict:
    """One SciPy run: the end point, the path, the counts and SciPy's own message (plain data)."""
    from scipy.optimize import minimize as scipy_minimize

    from optkit.methods.specs import SCIPY_METHODS

    counted = Counted(problem)
    kwargs = {}
    needs = SCIPY_METHODS[name]
    if "grad" in needs:
        kwargs["jac"] = counted.grad
    if name == "trust-exact":
        kwargs["hess"] = counted.hess
    elif "hvp" in needs:
        kwargs["hessp"] = counted.hvp
    with _WARNINGS_LOCK:
        return _run(scipy_minimize, counted, name, np.asarray(x0, dtype=float), tol, kwargs, run_timeout)


#: ``warnings.catch_warnings`` changes process-wide state: two SciPy runs in the threads of one Dask
#: worker would record each other's warnings (and one could restore the filters under the other).
#: Runs are pure Python under the GIL, so holding this lock costs a threaded worker no parallelism.
_WARNINGS_LOCK = threading.Lock()


def _run(scipy_minimize, counted, name, x0, tol, kwargs, run_timeout: float) -> dict:
    path = [x0.tolist()]
    start = time.perf_counter()
    deadline = start + run_timeout

    def callback(xk):
        path.append(np.asarray(xk, dtype=float).tolist())
        if time.perf_counter() > deadline:
            raise _TimeUp

    timed_out, message, nit, x_end = False, "", 0, x0
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        try:
            res = scipy_minimize(counted.f, x0, method=name, callback=callback,
                                 options=_options(name, tol, tol.max_evals), **kwargs)
            x_end, message, nit = np.asarray(res.x, dtype=float), str(res.message), int(getattr(res, "nit", 0) or 0)
        except _TimeUp:
            timed_out, x_end, nit = True, np.asarray(path[-1]), len(path) - 1
        except (np.linalg.LinAlgError, ValueError, FloatingPointError, OverflowError, ZeroDivisionError) as exc:
            message = f"SciPy raised {type(exc).__name__}: {exc}"
            x_end, nit = np.asarray(path[-1]), len(path) - 1
            return {"x": x_end, "iterations": nit, "evaluations": dict(counted.counts),
                    "time": time.perf_counter() - start, "path": path, "scipy_message": message, "crashed": True,
                    "timed_out": False, "notes": []}
    elapsed = time.perf_counter() - start
    if not np.array_equal(np.asarray(path[-1]), x_end):
        path.append(x_end.tolist())
    notes = [f"SciPy warned: {w.message}" for w in caught]
    return {"x": x_end, "iterations": nit, "evaluations": dict(counted.counts), "time": elapsed, "path": path,
            "scipy_message": message, "crashed": False, "timed_out": timed_out, "notes": notes}


def missing_needs(problem, needs) -> list[str]:
    """What of ``needs`` (grad, hess, hvp) the problem lacks."""
    from optkit.compare.endpoint import provides

    return [need for need in sorted(needs) if not provides(problem, need)]

