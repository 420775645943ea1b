"""``minimize``: the one iteration loop of optkit.

Every method in the catalogue (``methods/catalogue.py``) runs through
:func:`minimize`, which alone iterates, applies the stopping rules, records the
trace and classifies the end point; exact arithmetic (``exact=True``) is a step
rule like any other (``methods/exact_steps.py``).  A method only says what one
step does (``method.step``).

The parts live beside it: the stopping rules and the divergence heuristics
as pure functions of the history (``run/stopping.py``, whose docstring lists
the rules in the order they are checked), the diagnostics — eigenvalues per
iterate, end-point classification, gradient-flat regions — (``run/diagnostics.py``),
the thinned trace (``run/trace.py``) and the plain records (``run/results.py``).

Counters (``Result.evaluations``) come from the problem's one counter
(``problem.counts``): the method's own work (f, grad, hess, hvp) and the
loop's evaluation of f and ∇f at each new iterate; diagnostics are not counted.

The loop ends early, with the partial result, on a callback returning True,
on the time limit (``timeout`` seconds: status TIMEOUT) and on Ctrl-C
(KeyboardInterrupt: status INTERRUPTED) — library users get the partial result too.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from optkit.errors import OptkitError
from optkit.methods.catalogue import COMMON, build
from optkit.problems.callables import CallableProblem, as_problem, names_list
from optkit.run import diagnostics, stopping
from optkit.run.deadline import Abandoned, run_with_deadline
from optkit.run.results import Measure, Record, Result, Status, Step, converged_phrase
from optkit.run.oracle import LazyRng, Oracle
from optkit.run.trace import Trace

FULL_X_MAX_N = 1000  # records keep every coordinate up to this n, else the first ten (a row stays printable)
VECTORS_MAX_N = 10  # records keep the vectors grad and direction up to this n (conventions, "Traces")
EIG_MAX_N = diagnostics.EIG_MAX_N
DEFAULT_EXACT_BUDGET = 10.0  # seconds of sympy work per exact step before continuing in floating point
_NAN = float("nan")
_CUT_SHORT = (Status.TIMEOUT, Status.INTERRUPTED)  # no end-point diagnosis: the user wants the answer now


@dataclass
class Context:
    """What a method may know about the run when it is prepared."""

    gtol: float
    rng: Any  # a numpy Generator, seeded on first use (run/oracle.py, LazyRng)
    n: int


def minimize(problem: Any = None, method: str = "gd", x0=None, *, fun: Callable | None = None,
             jac: Callable | None = None, hess: Callable | None = None, hessp: Callable | None = None,
             finite_differences: bool = False, eig: bool | None = None, eig_max_n: int = EIG_MAX_N,
             callback: Callable[[Record], bool] | None = None, exact: bool = False,
             exact_budget: float | None = DEFAULT_EXACT_BUDGET, timeout: float | None = None,
             time_origin: float | None = None, options: dict | None = None, **kwargs) -> Result:
    """Run ``method`` on ``problem`` from ``x0``; return the :class:`Result` record.

    ``method``: a name, alias, preset or spec (``"tr:subproblem=cg"``), or a
    :class:`optkit.methods.catalogue.Method` (``make_method(...)``; each run builds its
    own step rule from it, so one method object serves many runs).
    ``problem``: a :class:`optkit.Problem` (``optkit.get_problem("course-2.2")``)
    or, SciPy style, a callable f (also as ``fun=``) with ``jac``, ``hess``,
    ``hessp`` (``finite_differences=True`` fills in missing derivatives).
    ``x0`` defaults to the problem's start; with ``exact=True`` its entries may be
    text ("1/2", "1+sqrt(2)") read exactly.  Keyword options: the common ones
    (``max_iter``, ``gtol`` — on ‖g‖₂ —, ``ftol``, ``xtol``, ``max_evals``,
    ``seed``, ``x_bound``, ``divergence_check``) and the method's (see
    ``optkit methods``), also as a dict ``options``.  ``eig``: record Hessian
    eigenvalues per iteration (default: when n ≤ ``eig_max_n`` and a Hessian is
    available).  ``callback(record)`` is called per iterate; returning True stops
    the run.  ``exact=True``: exact arithmetic (gd and newton on closed-form
    problems), at most ``exact_budget`` seconds of sympy work per step before the
    run continues in floating point.  ``timeout``: seconds for the whole run
    (status TIMEOUT), counted from ``time_origin`` (a ``time.perf_counter()``
    value; default: this call — the CLI passes the command's start).  Ctrl-C
    returns the partial result (status INTERRUPTED).
    """
    called = time.perf_counter()
    started = called if time_origin is None else time_origin
    raw = dict(options or {})
    raw.update(kwargs)
    common = {key: COMMON[key].coerce(raw.pop(key), "the run") if key in raw else COMMON[key].default
              for key in COMMON}
    if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > 0):
        raise OptkitError(f"timeout must be a positive number of seconds, got {timeout!r}")
    problem = as_problem(problem, fun, jac, hess, hessp, finite_differences, x0)
    x0_given = x0
    x0 = _start(problem, x0)
    entry, m, values, given = build(method, raw)
    if exact:
        from optkit.methods.exact_steps import exact_method

        m = exact_method(entry, m, values, given, _given_text(method, raw, "lr"), x0_given, exact_budget)
    for need in sorted(m.needs):
        if not diagnostics.provides(problem, need):
            what = {"grad": "the gradient", "hess": "the Hessian", "hvp": "Hessian-vector products"}[need]
            hint = " (pass jac/hess/hessp, or finite_differences=True)" if isinstance(problem, CallableProblem) else ""
            raise OptkitError(f"{entry.name} needs {what}; problem {problem.name} provides none{hint}")
    batch_size = values.get("batch_size")
    if batch_size is not None:
        if getattr(problem, "n_samples", None) is None:
            raise OptkitError(f"batch_size applies to data-driven problems; {problem.name} has no data set")
        if batch_size > problem.n_samples:
            raise OptkitError(f"batch_size = {batch_size} exceeds the {problem.n_samples} samples of {problem.name}")
    rng = LazyRng(common["seed"])
    m.prepare(problem, Context(common["gtol"], rng, problem.n))
    want_eig = (problem.n <= eig_max_n) if eig is None else bool(eig)
    want_eig = want_eig and diagnostics.provides(problem, "hvp")
    run = _Run(problem, m, entry.name, x0, common, want_eig, callback, batch_size, rng, started, timeout)
    result = run.run()
    result.options = {**values, **common, "seed": rng.seed}
    if exact:
        result.options["exact"] = True
    if timeout is not None:
        result.options["timeout"] = timeout
    result.columns = list(getattr(m, "columns", ()))
    result.wall_time = time.perf_counter() - called
    return result


def _given_text(method, raw: dict, key: str):
    """An option as the user wrote it (text such as "1/3" is read exactly by --exact), or None."""
    if key in raw:
        return raw[key]
    if isinstance(method, str):
        from optkit.methods.specs import parse_spec

        return parse_spec(method).given.get(key)
    return None


def _start(problem, x0) -> np.ndarray:
    if x0 is None:
        return np.array(problem.x0, dtype=float)
    if isinstance(x0, (list, tuple)) and any(isinstance(v, str) for v in x0):
        from optkit.symbolic.grammar import parse_number

        x0 = [parse_number(v, "x0 component") if isinstance(v, str) else v for v in x0]
    try:
        x = np.asarray(x0, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise OptkitError(f"x0 must be a vector of numbers, got {x0!r}") from None
    if x.size != problem.n:
        raise OptkitError(f"x0 has {x.size} components, expected n = {problem.n} for {problem.name}")
    if not np.all(np.isfinite(x)):
        raise OptkitError("x0 must be finite")
    return x.copy()


def _direction(step: Step, x: np.ndarray) -> np.ndarray:
    """p_k for the trace: the method's own, else (x_{k+1} − x_k)/α_k when it reports α, else the step itself."""
    if step.direction is not None:
        return np.asarray(step.direction, dtype=float)
    s = np.asarray(step.x, dtype=float) - x
    alpha = step.data.get("alpha")
    if isinstance(alpha, (int, float)) and math.isfinite(alpha) and alpha > 0:
        return s / alpha
    return s


class _Run:
    """State of one run; :meth:`loop` is the iteration."""

    def __init__(self, problem, method, name, x0, common, want_eig, callback, batch_size, rng, started, timeout):
        self.problem, self.method, self.name, self.x0 = problem, method, name, x0
        self.c, self.want_eig, self.callback = common, want_eig, callback
        self.batch_size, self.rng = batch_size, rng
        self.started, self.timeout = started, timeout
        self.deadline = None if timeout is None else started + timeout
        self.oracle = Oracle(problem)
        self.trace = Trace()
        self.history = stopping.Checkpoints(x0.size)
        self.curvature = diagnostics.curvature_along(problem)
        self.recent: deque[np.ndarray] = deque([x0], maxlen=stopping.RUNAWAY_STEPS + 2)  # accepted iterates
        self.exact = getattr(method, "exact", None)  # exact step rules keep their exact iterates here
        self.notes: list[str] = []
        self.last_df = _NAN
        self.last_dx = _NAN
        # mini-batches: stagnation is judged over an epoch (n_samples / batch_size steps), never on one batch
        self.epoch = 1 if batch_size is None else -(-problem.n_samples // batch_size)
        self.epoch_start = None
        self.current = None  # (k, x, f, g) of the last recorded iterate: what an abandoned run reports
        self.abandoned = False
        self.lock = threading.Lock()  # record k and take the partial result atomically (deadline.py)

    def _evaluate(self, x, f=None, g=None):
        """f and ∇f at a new iterate, on the full data: the record and the stopping rules never see a batch."""
        if self.batch_size is not None:
            self.oracle.batch = None
            f, g = None, None
        if f is None:
            f = self.oracle.f(x)
        if g is None:
            g = self.oracle.grad(x)
        return f, g

    def _record(self, k, x, f, g, exact=None) -> Record:
        n = x.size
        full = n <= FULL_X_MAX_N
        xn = float(np.linalg.norm(x))
        gn = float(np.linalg.norm(g))
        record = Record(k, (x if full else x[:10]).tolist(), float(f), gn, xn, x_truncated=not full, exact=exact,
                        grad=np.asarray(g, dtype=float).tolist() if n <= VECTORS_MAX_N else None)
        with self.lock:
            if self.abandoned:
                raise Abandoned
            self.trace.append(record)
            self.current = (k, x, f, g)
        self.history.add(k, f, gn, xn, x)
        return record

    def run(self) -> Result:
        """:meth:`loop`, held to the time limit even when one iteration overruns it (``run/deadline.py``);
        exact step rules stay on this thread, as their budget's SIGALRM reaches the main thread only."""
        if self.deadline is None or self.exact is not None:
            return self.loop()
        return run_with_deadline(self.loop, self.deadline, self._abandon)

    def _abandon(self, reason: str) -> Result:
        """The run as it stood after its last recorded iterate; the worker stops at its next record."""
        with self.lock:
            self.abandoned = True
            current = self.current
        what = "the time limit" if reason == "timeout" else "Ctrl-C"
        if current is None:  # still evaluating f(x0), ∇f(x0): the start is all there is
            k, x, f, g = 0, self.x0, _NAN, np.full(self.x0.size, _NAN)
            self.trace.append(Record(0, self.x0.tolist(), _NAN, _NAN, float(np.linalg.norm(self.x0))))
            self.notes.append(f"f and ∇f at x0 were still being evaluated at {what}")
        else:
            k, x, f, g = current
            self.notes.append(f"iteration {k + 1} was still running at {what} and was abandoned")
        if reason == "timeout":
            return self._result(k, x, f, g, Status.TIMEOUT, time.perf_counter() - self.started, self.timeout, "")
        return self._result(k, x, f, g, Status.INTERRUPTED, k, None, "")

    def _eigenvalues(self, x: np.ndarray):
        """Hessian eigenvalues for the trace (None when not wanted): from the method's own ∇²f at x if it has one."""
        if not self.want_eig or not np.all(np.isfinite(x)):
            return None
        cached = self.oracle.last_hess
        H = cached[1] if cached is not None and np.array_equal(cached[0], x) else diagnostics.hessian(self.problem, x)
        return diagnostics.eigenvalues(H)

    def _annotate(self, record: Record, **fields) -> None:
        """Set fields of a recorded iterate — unless the run was abandoned, whose records belong to its result."""
        with self.lock:
            if self.abandoned:
                raise Abandoned
            for key, value in fields.items():
                setattr(record, key, value)

    def loop(self) -> Result:
        x = self.x0
        f, g = self._evaluate(x)
        self._record(0, x, f, g, exact=self.exact.start if self.exact is not None else None)
        self.epoch_start = (x, f)
        k = 0
        accepted_last = False
        try:
            while True:
                status, measure, tol, detail = self._check(k, x, f, g, accepted_last)
                if status is not None:
                    break
                if self.callback is not None and self.callback(self.trace.last):
                    status, measure, tol, detail = Status.CALLBACK, None, None, ""
                    break
                step = self._step(k, x, f, g)
                if step.status is not None:
                    status, measure, tol, detail = step.status, step.measure, step.tol, step.detail
                    break
                x_new = np.asarray(step.x, dtype=float)
                if step.accepted:
                    f_new, g_new = self._evaluate(x_new, step.f, step.g)
                    self._annotate(self.trace.last, data={**self.trace.last.data, "actual": f - f_new})
                    self._stagnation_measures(k + 1, x, f, x_new, f_new)
                else:
                    f_new, g_new = f, g
                accepted_last = step.accepted
                if step.accepted:
                    self.recent.append(x_new)
                x, f, g, k = x_new, f_new, g_new, k + 1
                self._record(k, x, f, g, exact=step.exact)
        except KeyboardInterrupt:
            status, measure, tol, detail = Status.INTERRUPTED, k, None, ""
        try:
            last = self.trace.last
            in_time = self.deadline is None or time.perf_counter() < self.deadline
            if last.eigenvalues is None and status not in _CUT_SHORT and in_time:
                self._annotate(last, eigenvalues=self._eigenvalues(x))
            return self._result(k, x, f, g, status, measure, tol, detail)
        except KeyboardInterrupt:  # Ctrl-C during the end-point diagnosis: the run, without it
            return self._result(k, x, f, g, Status.INTERRUPTED, k, None, "")

    def _step(self, k, x, f, g) -> Step:
        """One step of the method from x_k; its data, note and vectors go on record k."""
        g_step = g
        if self.batch_size is not None:
            self.oracle.batch = np.sort(self.rng.choice(self.problem.n_samples, self.batch_size, replace=False))
            g_step = self.oracle.grad(x)
        if self.exact is not None and self.deadline is not None:
            self.exact.deadline = self.deadline
        step: Step = self.method.step(k, x, f, g_step, self.oracle)
        data = dict(step.data)
        known = data.pop("hess_eigenvalues", None)  # a method that already has the spectrum at x_k
        eigenvalues = list(known) if known is not None and self.want_eig else self._eigenvalues(x)
        fields = {"data": data, "note": step.note, "eigenvalues": eigenvalues}  # record k had none yet
        if x.size <= VECTORS_MAX_N and step.status is None:
            fields["direction"] = _direction(step, x).tolist()
        self._annotate(self.trace.last, **fields)
        return step

    def _stagnation_measures(self, k, x, f, x_new, f_new) -> None:
        """|Δf| and ‖Δx‖₂ over the last step, or over the last epoch with mini-batches."""
        if self.epoch == 1:
            self.last_df, self.last_dx = abs(f - f_new), float(np.linalg.norm(x_new - x))
        elif k % self.epoch == 0:
            x_then, f_then = self.epoch_start
            self.last_df, self.last_dx = abs(f_then - f_new), float(np.linalg.norm(x_new - x_then))
            self.epoch_start = (x_new, f_new)

    def _check(self, k, x, f, g, accepted_last):
        """The stopping rules in order (run/stopping.py); (status, measure, tol, detail), status None to go on."""
        c = self.c
        gnorm = float(np.linalg.norm(g))
        bad = stopping.non_finite(k, f, g)
        if bad:
            return Status.NON_FINITE, None, None, bad
        if gnorm <= c["gtol"]:
            trend = self._trend(k, strict=True)
            if trend:
                return Status.DIVERGING_TREND, None, None, trend + f"; ‖g‖₂ = {gnorm:.3g} is below gtol only " \
                                                                   "because the iterates run off to infinity"
            runaway = stopping.vanishing_unbounded(self.recent, gnorm, c["gtol"], self.curvature) \
                if c["divergence_check"] else ""
            if runaway:
                return Status.VANISHING_UNBOUNDED, None, None, runaway
            escapes = getattr(self.method, "escapes", None)
            if escapes is not None and k < c["max_iter"] and escapes(x, g, self.oracle):
                self.notes.append(f"iteration {k}: ‖g‖₂ = {gnorm:.3g} ≤ gtol but the Hessian has negative "
                                  f"curvature (a saddle): {self.name} steps away along the most negative eigenvector")
                return None, None, None, ""
            return Status.CONVERGED, gnorm, c["gtol"], ""
        xnorm = float(np.linalg.norm(x))
        if xnorm > c["x_bound"]:
            return Status.DIVERGING, xnorm, c["x_bound"], ""
        if accepted_last and k > 0 and (self.epoch == 1 or k % self.epoch == 0):
            stop = stopping.stalled(self.last_df, self.last_dx, f, xnorm, c["ftol"], c["xtol"],
                                    zero_step=self.batch_size is None)
            if stop is not None:
                return (*stop, "")
        if stopping.is_checkpoint(k):
            trend = self._trend(k, strict=True)
            if trend:
                return Status.DIVERGING_TREND, None, None, trend
        stop = stopping.limits(k, self.oracle.total(), c["max_iter"], c["max_evals"])
        if stop is not None:
            return (*stop, "")
        if self.deadline is not None and time.perf_counter() >= self.deadline:
            return Status.TIMEOUT, time.perf_counter() - self.started, self.timeout, ""
        return None, None, None, ""

    def _trend(self, k: int, strict: bool) -> str:
        if not self.c["divergence_check"]:
            return ""
        return stopping.trend(self.history, k, strict, self.curvature)

    def _result(self, k, x, f, g, status, measure, tol, detail) -> Result:
        c = self.c
        if status in (Status.MAX_ITER, Status.MAX_EVALS, Status.FTOL, Status.XTOL, Status.STEP_FLOOR,
                      Status.RADIUS_FLOOR, Status.LINE_SEARCH_FAILED):
            trend = self._trend(k, strict=False)
            if trend:
                why = status.message(measure, tol, detail)
                status, detail = Status.DIVERGING_TREND, f"{trend}; run stopped on: {why}"
        finite = bool(np.all(np.isfinite(x)) and np.all(np.isfinite(g)))
        classification = None
        out_of_time = self.deadline is not None and time.perf_counter() >= self.deadline
        if out_of_time and status not in _CUT_SHORT:
            self.notes.append("the end point was not classified: the time limit (--timeout) was reached")
        if finite and status not in _CUT_SHORT and not out_of_time:
            classification = diagnostics.classify_end(self.problem, x, g, c["gtol"])
            if not status.converged:
                flat = diagnostics.gradient_flat(self.problem, x, g)
                if flat:
                    self.notes.append(flat)
        cdict = classification.to_dict() if classification is not None else None
        message = status.message(measure, tol, detail)
        if status is Status.CONVERGED:
            message = f"{converged_phrase(cdict)}: {message}"
            if self.exact is not None and self.exact.gradient_zero:
                message += " (∇f = 0 exactly)"
        if status in _CUT_SHORT:
            message += f"; cut short: the trace and the measures are those of iteration {k}"
        gnorm = float(np.linalg.norm(g))
        xnorm = float(np.linalg.norm(x))
        measures = [
            Measure("‖g‖₂", gnorm, c["gtol"], "‖g‖₂ ≤ gtol"),
            Measure("|Δf|", self.last_df, c["ftol"] * max(1.0, abs(f)) if math.isfinite(f) else _NAN,
                    "|Δf| ≤ ftol·max(1, |f|)"),
            Measure("‖Δx‖₂", self.last_dx, c["xtol"] * max(1.0, xnorm), "‖Δx‖₂ ≤ xtol·max(1, ‖x‖₂)"),
        ]
        return Result(
            problem=self.problem.name, method=self.name, options={}, status=status, message=message,
            x=x.tolist(), f=float(f), grad_norm=gnorm, iterations=k, evaluations=self.oracle.used(),
            classification=cdict, trace=self.trace.records(), wall_time=0.0, measures=measures, n=x.size,
            x0=self.x0.tolist(), variables=names_list(self.problem.variables), notes=list(self.notes),
            exact=self.exact.to_dict() if self.exact is not None else None, trace_thinning=self.trace.thinning(),
        )
