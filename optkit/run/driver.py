"""``minimize``: the one iteration loop of optkit.

Every method in the catalogue (``methods.py``) runs through :func:`minimize`,
which alone iterates, counts evaluations, applies the stopping rules, records
the trace and classifies the end point.  A method only says what one step
does (``method.step``).

Stopping rules, checked at every iterate x_k in this order:

1. f or ∇f not finite → "non-finite value";
2. ‖g‖₂ ≤ gtol (Euclidean norm) → converged — unless the trend test below
   says the iterates are running off to infinity with a vanishing gradient
   (course exercise E8), or the method escapes saddles (``method.escapes``,
   sfn) and finds negative curvature at x_k;
3. ‖x‖₂ > x_bound → "no stationary point reached; iterates diverging";
4. after an accepted step: |Δf| ≤ ftol·max(1, |f|), ‖Δx‖₂ ≤ xtol·max(1, ‖x‖₂)
   → stalled (never success: ‖g‖₂ is above gtol);
5. the trend test, at k = 16, 32, 64, …;
6. k = max_iter, or evaluations ≥ max_evals.

A method ends the run itself with a status (singular or non-finite Hessian,
line-search failure, step or radius below its floor, non-descent direction).

**Trend test** ("f still falling while the gradient shrinks"): at checkpoints
i₀ < … < i₄ = (k/16, k/8, k/4, k/2, k) (rounded down, k ≥ 8) f falls and
‖x‖₂ grows at every checkpoint, ‖g‖₂ falls at every checkpoint and to at most
half overall, and
the displacements Dⱼ = ‖x_{iⱼ₊₁} − x_{iⱼ}‖ over these doubling windows do not
contract (Dⱼ₊₁ ≥ 0.9·Dⱼ) nor slow down (ratios non-decreasing within 5 %).
When the test only names the reason of a run that failed anyway (maximum
iterations, stalled), it also accepts ratios that fall but stay ≥ 1 (a
transition from linear to logarithmic growth).  Where Hessian-vector products
exist, the curvature along the displacement must also fall (non-increasing,
and by at least the square root of the gradient's decay): a flattening valley,
not a slow approach to a minimum with positive curvature.
Linear convergence to a point shrinks those ratios geometrically and
sublinear convergence to a point keeps them below 1, while iterates escaping
to infinity along a flattening valley (−log σ growing like log k for
gradient descent, linearly for Newton and Adam) keep them near or above 1.
It is a heuristic: it is documented, and a run it flags is never called a
success.

Counters (``Result.evaluations``) are the method's own work (f, grad, hess,
hvp).  Diagnostics — the Hessian eigenvalues of the trace (n ≤ 10 by default)
and the classification of the end point — are not counted there.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from optkit.stationary.point import classify_point
from optkit.errors import OptkitError
from optkit.methods.catalogue import COMMON, build
from optkit.run.results import Measure, Record, Result, Status, Step, converged_phrase

FULL_X_MAX_N = 1000  # records keep every coordinate up to this n, else the first ten
EIG_MAX_N = 10  # Hessian eigenvalues in the trace by default up to this n
DENSE_CLASSIFY_MAX_N = 2000
_NAN = float("nan")


@dataclass
class Context:
    """What a method may know about the run when it is prepared."""

    gtol: float
    rng: np.random.Generator
    n: int


# ---------------------------------------------------------------- problems from callables


class _Counts:
    def __init__(self):
        self.f = self.grad = self.hess = self.hvp = 0

    def as_dict(self) -> dict:
        return {"f": self.f, "grad": self.grad, "hess": self.hess, "hvp": self.hvp}


class CallableProblem:
    """A problem from SciPy-style callables: ``fun(x)``, ``jac(x)``, ``hess(x)``, ``hessp(x, v)``.

    A missing derivative is an error when a method needs it, unless
    ``finite_differences=True``: then ∇f comes from central differences of f
    (h = ε^⅓·max(1, |xᵢ|)), ∇²f from central differences of ∇f (symmetrised)
    and Hv from (∇f(x + hv) − ∇f(x − hv))/2h.
    """

    closed_form = False
    formula = None
    n_samples = None
    definition = None

    def __init__(self, fun, n, jac=None, hess=None, hessp=None, finite_differences=False, name=None):
        if not callable(fun):
            raise OptkitError("fun must be callable: x -> f(x)")
        for label, value in (("jac", jac), ("hess", hess), ("hessp", hessp)):
            if value is not None and not callable(value):
                raise OptkitError(f"{label} must be callable")
        self._fun, self._jac, self._hess, self._hessp = fun, jac, hess, hessp
        self.fd = finite_differences
        self.n = n
        self.name = name or getattr(fun, "__name__", "callables")
        self.counts = _Counts()

    @property
    def has_hessian(self) -> bool:
        return self._hess is not None or self.fd

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(f"x{i + 1}" for i in range(self.n))

    def provides(self, what: str) -> bool:
        if what == "grad":
            return self._jac is not None or self.fd
        if what == "hess":
            return self._hess is not None or self.fd
        if what == "hvp":
            return self._hessp is not None or self._hess is not None or self.fd
        return True

    def f(self, x, batch=None) -> float:
        with np.errstate(all="ignore"):
            return float(self._fun(np.asarray(x, dtype=float)))

    def grad(self, x, batch=None) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if self._jac is not None:
            with np.errstate(all="ignore"):
                return np.asarray(self._jac(x), dtype=float).reshape(-1)
        g = np.empty(self.n)
        for i in range(self.n):
            h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(x[i]))
            e = np.zeros(self.n)
            e[i] = h
            g[i] = (self.f(x + e) - self.f(x - e)) / (2 * h)
        return g

    def hess(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if self._hess is not None:
            with np.errstate(all="ignore"):
                return np.asarray(self._hess(x), dtype=float)
        H = np.empty((self.n, self.n))
        for i in range(self.n):
            h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(x[i]))
            e = np.zeros(self.n)
            e[i] = h
            H[:, i] = (self.grad(x + e) - self.grad(x - e)) / (2 * h)
        return 0.5 * (H + H.T)

    def hvp(self, x, v) -> np.ndarray:
        x, v = np.asarray(x, dtype=float), np.asarray(v, dtype=float)
        with np.errstate(all="ignore"):
            if self._hessp is not None:
                return np.asarray(self._hessp(x, v), dtype=float)
            if self._hess is not None:
                return np.asarray(self._hess(x), dtype=float) @ v
        vn = float(np.linalg.norm(v))
        if vn == 0:
            return np.zeros_like(v)
        h = np.finfo(float).eps ** (1 / 3) * max(1.0, float(np.linalg.norm(x))) / vn
        return (self.grad(x + h * v) - self.grad(x - h * v)) / (2 * h)


def _provides(problem, what: str) -> bool:
    if hasattr(problem, "provides"):
        return problem.provides(what)
    if what in ("hess", "hvp"):
        return problem.has_hessian or (what == "hvp" and getattr(problem._fns, "hvp", None) is not None)
    return True


# ---------------------------------------------------------------- counted access for methods


class Oracle:
    """The method's view of the problem: counted f, ∇f, ∇²f, Hv; the current mini-batch."""

    def __init__(self, problem):
        self.problem = problem
        self.counts = {"f": 0, "grad": 0, "hess": 0, "hvp": 0}
        self.batch = None
        self.last_hess = None

    def total(self) -> int:
        return sum(self.counts.values())

    def f(self, x) -> float:
        self.counts["f"] += 1
        return self.problem.f(x, batch=self.batch) if self.batch is not None else self.problem.f(x)

    def grad(self, x) -> np.ndarray:
        self.counts["grad"] += 1
        return self.problem.grad(x, batch=self.batch) if self.batch is not None else self.problem.grad(x)

    def hess(self, x) -> np.ndarray:
        self.counts["hess"] += 1
        H = self.problem.hess(x)
        self.last_hess = (x, H)  # the trace's eigenvalues at x reuse it (no second evaluation)
        return H

    def hvp(self, x, v) -> np.ndarray:
        self.counts["hvp"] += 1
        return self.problem.hvp(x, v)


# ---------------------------------------------------------------- the loop


def minimize(problem: Any = None, method: str = "gd", x0=None, *, fun: Callable | None = None,
             jac: Callable | None = None, hess: Callable | None = None, hessp: Callable | None = None,
             finite_differences: bool = False, eig: bool | None = None, eig_max_n: int = EIG_MAX_N,
             callback: Callable[[Record], bool] | None = None, exact: bool = False,
             options: dict | None = None, **kwargs) -> Result:
    """Run ``method`` on ``problem`` from ``x0``; return the :class:`Result` record.

    ``problem``: a :class:`optkit.Problem` (``optkit.get_problem("course-2.2")``)
    or, SciPy style, a callable f (also as ``fun=``) with ``jac``, ``hess``,
    ``hessp`` (``finite_differences=True`` fills in missing derivatives).
    ``x0`` defaults to the problem's start.  Keyword options: the common ones
    (``max_iter``, ``gtol`` — on ‖g‖₂ —, ``ftol``, ``xtol``, ``max_evals``,
    ``seed``, ``x_bound``) and the method's (see ``optkit methods``), also
    as a dict ``options``.  ``eig``: record Hessian eigenvalues per iteration
    (default: when n ≤ ``eig_max_n`` and a Hessian is available).
    ``callback(record)`` is called per iterate; returning True stops the run.
    ``exact=True``: exact arithmetic (gd and newton on closed-form problems).
    """
    raw = dict(options or {})
    raw.update(kwargs)
    common = {key: COMMON[key].coerce(raw.pop(key), "the run") if key in raw else COMMON[key].default
              for key in COMMON}
    problem = _as_problem(problem, fun, jac, hess, hessp, finite_differences, x0)
    x0 = _start(problem, x0)
    if exact:
        from optkit.methods.exact_steps import run_exact

        return run_exact(problem, method, x0, common, raw)
    entry, m, values, given = build(method, raw)
    for need in sorted(m.needs):
        if not _provides(problem, need):
            what = {"grad": "the gradient", "hess": "the Hessian", "hvp": "Hessian-vector products"}[need]
            hint = " (pass jac/hess/hessp, or finite_differences=True)" if isinstance(problem, CallableProblem) else ""
            raise OptkitError(f"{entry.name} needs {what}; problem {problem.name} provides none{hint}")
    batch_size = values.get("batch_size")
    if batch_size is not None:
        if getattr(problem, "n_samples", None) is None:
            raise OptkitError(f"batch_size applies to data-driven problems; {problem.name} has no data set")
        if batch_size > problem.n_samples:
            raise OptkitError(f"batch_size = {batch_size} exceeds the {problem.n_samples} samples of {problem.name}")
    rng = np.random.default_rng(common["seed"])
    ctx = Context(common["gtol"], rng, problem.n)
    m.prepare(problem, ctx)
    want_eig = (problem.n <= eig_max_n) if eig is None else bool(eig)
    want_eig = want_eig and _provides(problem, "hvp")
    run = _Run(problem, m, entry.name, x0, common, want_eig, callback, batch_size, rng)
    result = run.loop()
    result.options = {**values, **common}
    return result


def _as_problem(problem, fun, jac, hess, hessp, fd, x0):
    if problem is None and fun is None:
        raise OptkitError("give a problem (optkit.get_problem(...)) or fun=callable")
    if problem is not None and fun is not None:
        raise OptkitError("give either a problem or fun=, not both")
    candidate = problem if problem is not None else fun
    if hasattr(candidate, "grad") and hasattr(candidate, "counts"):
        if any(v is not None for v in (jac, hess, hessp)):
            raise OptkitError("jac/hess/hessp apply to plain callables, not to a registered problem")
        return candidate
    if not callable(candidate):
        raise OptkitError(f"cannot minimise {type(candidate).__name__}: give a Problem or a callable")
    if x0 is None:
        raise OptkitError("x0 is required with plain callables")
    n = np.asarray(x0, dtype=float).reshape(-1).size
    return CallableProblem(candidate, n, jac, hess, hessp, fd)


def _start(problem, x0) -> np.ndarray:
    if x0 is None:
        return np.array(problem.x0, dtype=float)
    try:
        x = np.asarray(x0, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise OptkitError(f"x0 must be a vector of numbers, got {x0!r}") from None
    if x.size != problem.n:
        raise OptkitError(f"x0 has {x.size} components, expected n = {problem.n} for {problem.name}")
    if not np.all(np.isfinite(x)):
        raise OptkitError("x0 must be finite")
    return x.copy()


class _Run:
    """State of one run; :meth:`loop` is the iteration."""

    def __init__(self, problem, method, name, x0, common, want_eig, callback, batch_size, rng):
        self.problem, self.method, self.name, self.x0 = problem, method, name, x0
        self.c, self.want_eig, self.callback = common, want_eig, callback
        self.batch_size, self.rng = batch_size, rng
        self.oracle = Oracle(problem)
        self.records: list[Record] = []
        self.fs: list[float] = []
        self.gs: list[float] = []
        self.xn: list[float] = []
        self.xs: dict[int, np.ndarray] = {}  # full iterates kept for the trend test
        self.notes: list[str] = []
        self.last_df = _NAN
        self.last_dx = _NAN

    # -- evaluation at a new iterate (full data: the record and the stopping rules see the true f, ∇f)
    def _evaluate(self, x, f=None, g=None):
        if self.batch_size is not None:
            self.oracle.batch = None
            f, g = None, None
        if f is None:
            f = self.oracle.f(x)
        if g is None:
            g = self.oracle.grad(x)
        return f, g

    def _record(self, k, x, f, g) -> None:
        n = x.size
        full = n <= FULL_X_MAX_N
        xn = float(np.linalg.norm(x))
        gn = float(np.linalg.norm(g))
        self.records.append(Record(k, (x if full else x[:10]).tolist(), float(f), gn, xn, x_truncated=not full))
        self.fs.append(float(f))
        self.gs.append(gn)
        self.xn.append(xn)
        if full or k == 0 or (k & (k - 1)) == 0:
            self.xs[k] = x.copy()

    def _eigenvalues(self, record: Record, x: np.ndarray) -> None:
        """Hessian eigenvalues for the trace: from the method's own ∇²f at x when it evaluated one."""
        if not self.want_eig or not np.all(np.isfinite(x)):
            return
        cached = self.oracle.last_hess
        H = cached[1] if cached is not None and np.array_equal(cached[0], x) else _diagnostic_hessian(self.problem, x)
        if H is not None and np.all(np.isfinite(H)):
            record.eigenvalues = np.linalg.eigvalsh(0.5 * (H + H.T)).tolist()

    def loop(self) -> Result:
        start = time.perf_counter()
        x = self.x0
        f, g = self._evaluate(x)
        self._record(0, x, f, g)
        k = 0
        accepted_last = False
        while True:
            status, measure, tol, detail = self._check(k, x, f, g, accepted_last)
            if status is not None:
                break
            if self.callback is not None and self.callback(self.records[-1]):
                status, measure, tol, detail = Status.CALLBACK, None, None, ""
                break
            g_step = g
            if self.batch_size is not None:
                self.oracle.batch = np.sort(self.rng.choice(self.problem.n_samples, self.batch_size, replace=False))
                g_step = self.oracle.grad(x)
            step: Step = self.method.step(k, x, f, g_step, self.oracle)
            record = self.records[-1]
            data = dict(step.data)
            known = data.pop("hess_eigenvalues", None)  # a method that already has the spectrum at x_k
            if known is not None and self.want_eig:
                record.eigenvalues = list(known)
            else:
                self._eigenvalues(record, x)
            record.data = data
            record.note = step.note
            if step.status is not None:
                status, measure, tol, detail = step.status, step.measure, step.tol, step.detail
                break
            x_new = np.asarray(step.x, dtype=float)
            if step.accepted:
                f_new, g_new = self._evaluate(x_new, step.f, step.g)
                record.data["actual"] = f - f_new
                self.last_df = abs(f - f_new)
                self.last_dx = float(np.linalg.norm(x_new - x))
            else:
                f_new, g_new = f, g
            accepted_last = step.accepted
            x, f, g = x_new, f_new, g_new
            k += 1
            self._record(k, x, f, g)
        wall = time.perf_counter() - start
        if self.records[-1].eigenvalues is None:
            self._eigenvalues(self.records[-1], x)
        return self._result(k, x, f, g, status, measure, tol, detail, wall)

    def _check(self, k, x, f, g, accepted_last):
        c = self.c
        gnorm = self.gs[-1]
        if not (math.isfinite(f) and np.all(np.isfinite(g))):
            what = "f" if not math.isfinite(f) else "∇f"
            return Status.NON_FINITE, None, None, f"{what} = {f if what == 'f' else 'non-finite'} at iteration {k}"
        if gnorm <= c["gtol"]:
            trend = self._trend(k, strict=True)
            if trend:
                return Status.DIVERGING_TREND, None, None, trend + f"; ‖g‖₂ = {gnorm:.3g} is below gtol only " \
                                                                   "because the iterates run off to infinity"
            escapes = getattr(self.method, "escapes", None)
            if escapes is not None and k < c["max_iter"] and escapes(x, g, self.oracle):
                self.notes.append(f"iteration {k}: ‖g‖₂ = {gnorm:.3g} ≤ gtol but the Hessian has negative "
                                  f"curvature (a saddle): {self.name} steps away along the most negative eigenvector")
                return None, None, None, ""
            return Status.CONVERGED, gnorm, c["gtol"], ""
        xnorm = self.xn[-1]
        if xnorm > c["x_bound"]:
            return Status.DIVERGING, xnorm, c["x_bound"], ""
        if accepted_last and k > 0:
            ftol = c["ftol"] * max(1.0, abs(f))
            if c["ftol"] > 0 and self.last_df <= ftol:
                return Status.FTOL, self.last_df, ftol, ""
            xtol = c["xtol"] * max(1.0, xnorm)
            if self.last_dx <= xtol:
                return Status.XTOL, self.last_dx, xtol, ""
        if k >= 16 and (k & (k - 1)) == 0:
            trend = self._trend(k, strict=True)
            if trend:
                return Status.DIVERGING_TREND, None, None, trend
        if k >= c["max_iter"]:
            return Status.MAX_ITER, k, c["max_iter"], ""
        if c["max_evals"] is not None and self.oracle.total() >= c["max_evals"]:
            return Status.MAX_EVALS, self.oracle.total(), c["max_evals"], ""
        return None, None, None, ""

    def _trend(self, k: int, strict: bool) -> str:
        """'' or a description of iterates running off with a vanishing gradient (see the module docstring)."""
        if k < 8:
            return ""
        if k not in self.xs:  # large n: only powers of two are kept
            k = 1 << (k.bit_length() - 1)
        idx = [k >> s for s in (4, 3, 2, 1, 0)]
        if any(i not in self.xs for i in idx):
            return ""
        fs = [self.fs[i] for i in idx]
        gs = [self.gs[i] for i in idx]
        xn = [self.xn[i] for i in idx]
        if not all(a > b for a, b in zip(fs, fs[1:])):
            return ""
        if not all(a < b for a, b in zip(xn, xn[1:])):
            return ""
        if not all(a > b for a, b in zip(gs, gs[1:])) or not gs[-1] <= 0.5 * gs[0]:
            return ""
        D = [float(np.linalg.norm(self.xs[b] - self.xs[a])) for a, b in zip(idx, idx[1:])]
        if min(D) <= 0:
            return ""
        ratios = [b / a for a, b in zip(D, D[1:])]
        steady = all(r >= 0.9 for r in ratios) and all(b >= 0.95 * a for a, b in zip(ratios, ratios[1:]))
        growing = all(r >= 1.0 for r in ratios)  # at least logarithmic growth in every doubled window
        if not (steady or (growing and not strict)):
            return ""
        if not self._flattening(idx, gs):
            return ""
        return (f"over iterations {idx[0]}–{idx[-1]}: f {fs[0]:.4g} → {fs[-1]:.4g}, ‖g‖₂ {gs[0]:.3g} → {gs[-1]:.3g}, "
                f"‖x‖₂ {xn[0]:.4g} → {xn[-1]:.4g}")

    def _flattening(self, idx, gs) -> bool:
        """The curvature uᵀHu along the overall displacement u falls at least like √(‖g‖ ratio).

        Running off to infinity along a flattening valley (−log σ) shrinks g and
        the curvature together; approaching a non-degenerate minimum (however
        slowly, e.g. Adam at its constant speed) leaves the curvature bounded
        away from zero.  Without Hessian-vector products this evidence is skipped.
        """
        if not _provides(self.problem, "hvp"):
            return True
        u = self.xs[idx[-1]] - self.xs[idx[0]]
        u = u / np.linalg.norm(u)
        try:
            c = [float(u @ self.problem.hvp(self.xs[i], u)) for i in idx]
        except OptkitError:
            return True
        if not all(math.isfinite(v) for v in c):
            return False
        if c[0] <= 0:
            return c[-1] <= 0  # concave along the path: no minimum ahead on this line
        if not all(b <= 1.05 * a for a, b in zip(c, c[1:])):
            return False
        return c[-1] <= math.sqrt(gs[-1] / gs[0]) * c[0]

    def _gradient_flat(self, x, g) -> str:
        """'' or a note when g lies nearly in the null space of H: ‖Hg‖₂ ≤ 1e-3·‖H‖₂·‖g‖₂.

        A run stalling there has not found a critical point; Frye et al. (2021),
        "Critical point-finding methods reveal gradient-flat regions of deep
        network losses", call such places gradient-flat regions.
        """
        gnorm = float(np.linalg.norm(g))
        if gnorm == 0 or not _provides(self.problem, "hvp") or x.size > DENSE_CLASSIFY_MAX_N:
            return ""
        H = _diagnostic_hessian(self.problem, x)
        if H is None or not np.all(np.isfinite(H)):
            return ""
        scale = float(np.max(np.abs(np.linalg.eigvalsh(0.5 * (H + H.T)))))
        ratio = float(np.linalg.norm(H @ g)) / gnorm
        if scale > 0 and ratio <= 1e-3 * scale:
            return (f"gradient-flat region (Frye et al. 2021): ‖Hg‖₂/‖g‖₂ = {ratio:.3g} ≤ 1e-3·‖H‖₂ = "
                    f"{1e-3 * scale:.3g} — the gradient lies nearly in the null space of H; not a critical point")
        return ""

    def _classification(self, x, g):
        H = _diagnostic_hessian(self.problem, x) if _provides(self.problem, "hvp") else None
        if H is not None:
            from optkit.stationary.point import hessian_source

            source = hessian_source(self.problem) if self.problem.has_hessian else "formula"  # else exact Hv columns
            return classify_point(g, H, gtol=self.c["gtol"], source=source)
        if _provides(self.problem, "hvp") and x.size > DENSE_CLASSIFY_MAX_N:
            extremes = _extreme_eigenvalues(self.problem, x)
            if extremes is not None:
                cl = classify_point(g, None, gtol=self.c["gtol"], eigenvalues=extremes)
                cl.notes.append("only the extreme eigenvalues were computed (Lanczos on Hessian-vector products)")
                if cl.kind == "saddle":
                    cl.index = None
                return cl
        if _provides(self.problem, "grad") and x.size <= EIG_MAX_N * 10:
            from optkit.stationary.point import difference_hessian

            cl = classify_point(g, difference_hessian(self.problem.grad, x), gtol=self.c["gtol"],
                                source="finite-differences")
            cl.notes.append("no Hessian: classified with central differences of the gradient")
            return cl
        return classify_point(g, None, gtol=self.c["gtol"])

    def _result(self, k, x, f, g, status, measure, tol, detail, wall) -> Result:
        c = self.c
        if status in (Status.MAX_ITER, Status.MAX_EVALS, Status.FTOL, Status.XTOL, Status.STEP_FLOOR,
                      Status.RADIUS_FLOOR, Status.LINE_SEARCH_FAILED):
            trend = self._trend(k, strict=False)
            if trend:
                why = status.message(measure, tol, detail)
                status, detail = Status.DIVERGING_TREND, f"{trend}; run stopped on: {why}"
        classification = self._classification(x, g) if np.all(np.isfinite(x)) and np.all(np.isfinite(g)) else None
        if not status.converged and classification is not None:
            flat = self._gradient_flat(x, g)
            if flat:
                self.notes.append(flat)
        cdict = classification.to_dict() if classification is not None else None
        message = status.message(measure, tol, detail)
        if status is Status.CONVERGED:
            message = f"{converged_phrase(cdict)}: {message}"
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
            x=x.tolist(), f=float(f), grad_norm=gnorm, iterations=k, evaluations=dict(self.oracle.counts),
            classification=cdict, trace=self.records, wall_time=wall, measures=measures, n=x.size,
            x0=self.x0.tolist(), variables=list(self.problem.variables), notes=self.notes,
        )


def _diagnostic_hessian(problem, x) -> np.ndarray | None:
    """∇²f at x for the trace and the classification (not counted as the method's work)."""
    n = x.size
    try:
        if problem.has_hessian and n <= DENSE_CLASSIFY_MAX_N:
            return problem.hess(x)
        if n <= 200:
            return np.column_stack([problem.hvp(x, e) for e in np.eye(n)])
    except OptkitError:
        return None
    return None


def _extreme_eigenvalues(problem, x) -> np.ndarray | None:
    """Smallest and largest Hessian eigenvalue from Hessian-vector products (ARPACK Lanczos)."""
    from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, LinearOperator, eigsh

    n = x.size
    op = LinearOperator((n, n), matvec=lambda v: problem.hvp(x, np.ravel(v)), dtype=float)
    try:
        lo = eigsh(op, k=1, which="SA", return_eigenvectors=False, tol=1e-6, maxiter=2000)[0]
        hi = eigsh(op, k=1, which="LA", return_eigenvectors=False, tol=1e-6, maxiter=2000)[0]
    except (ArpackError, ArpackNoConvergence):
        return None
    return np.array([lo, hi])
