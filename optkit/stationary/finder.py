"""``optkit classify``: every stationary point of a problem, each classified.

Two paths (``method="auto"`` picks one):

* **exact** -- polynomial or rational closed forms: ∇f = 0 solved by a
  lexicographic Gröbner basis with exact real-root isolation
  (:mod:`optkit.stationary.exact`); the list is proven complete.  The Hessian's
  inertia is decided exactly where it can be (Descartes' rule of signs on the
  characteristic polynomial is exact for a symmetric matrix, whose eigenvalues
  are real).  A time budget guards against sympy running away; past it the
  numeric path takes over and the result says so.
* **numeric** -- everything else, inside a box: Sobol starts, safeguarded
  Newton on ∇f = 0 with deflation (:mod:`optkit.stationary.numeric`).  The list
  is evidence, not proof: the result reports the starts used and after how
  many the last new point appeared.

Classification follows :func:`optkit.analysis.classify_point`; a numerically
found point's zero threshold is widened by how much the eigenvalues move over
the point's coordinate uncertainty.  Degenerate points get a genuine
higher-order test (:mod:`optkit.higher_order`, the splitting lemma) when the
problem is closed-form.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from optkit.stationary.exact_value import proven_zero
from optkit.stationary.inertia import _apply_inertia, _exact_hessian, _exact_inertia
from optkit.stationary.point import (DEFAULT_EIG_TOL, Classification, classify_point, difference_hessian,
                                     hessian_source, hessian_spectrum)
from optkit.errors import OptkitError

METHODS = ("auto", "exact", "numeric")
DEFAULT_EXACT_BUDGET = 20.0  # seconds: a safety net; the path itself is chosen by ``choose_path``
MAX_STARTS = 100_000         # each start is a Newton run; more would take hours and memory
MAX_BOX_WIDTH = 1e150        # wider, a sample of the box says nothing about where the roots are
# The exact path is chosen when ∇f = 0 has a Bézout bound at most this for n variables (dense
# systems within these bounds took seconds at load 9, beyond them tens of seconds or more).
EXACT_BEZOUT_LIMIT = {1: 400, 2: 49, 3: 27, 4: 81}
EXACT_TERM_LIMIT = 80        # ...and ∇f has at most this many terms in all (goldstein-price has 72)
STATIONARY_RTOL = 1e-8  # a found point must satisfy ‖∇f‖ ≤ 1e-8·max(1, scale of f's terms)


@dataclass
class StationaryPoint:
    x: np.ndarray
    exact: str | None
    f: float
    grad_norm: float
    classification: Classification
    in_box: bool = True

    def to_dict(self) -> dict:
        c = self.classification
        return {"x": self.x.tolist(), "exact": self.exact, "f": self.f, "grad_norm": self.grad_norm,
                "eigenvalues": c.eigenvalues, "index": c.index, "kind": c.kind,
                "degenerate_behaviour": c.degenerate_behaviour, "description": c.description,
                "in_box": self.in_box, "notes": c.notes}


@dataclass
class ClassifyResult:
    problem: str
    method: str  # the path that produced the list: exact or numeric
    box: np.ndarray
    points: list[StationaryPoint]
    complete: bool
    curves: list[np.ndarray] = field(default_factory=list)
    n_complex: int | None = None
    bezout_bound: int | None = None
    n_starts: int | None = None
    last_new_at: int | None = None
    tolerances: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    path_reason: str = ""
    cut_short: bool = False
    curve_kinds: list[list[dict]] = field(default_factory=list)  # per curve: segments {kind, start, end}

    def summary(self) -> str:
        inside = [p for p in self.points if p.in_box]
        if not inside and not self.curves:
            return ("no stationary point in the box" if self.complete
                    else "no stationary point found in the box (completeness not proven)")
        counts: dict[str, int] = {}
        for p in inside:
            c = p.classification
            key = c.kind if c.kind != "degenerate" else f"degenerate ({c.degenerate_behaviour or 'undecided'})"
            counts[key] = counts.get(key, 0) + 1
        plural = {"minimum": "minima", "maximum": "maxima", "saddle": "saddles"}
        parts = [f"{v} {plural.get(k, k) if v > 1 else k}" for k, v in counts.items()]
        counted = f"{len(inside)} stationary point{'s' if len(inside) != 1 else ''}"
        text = f"{counted} in the box" if self.complete else f"at least {counted} found in the box"
        if parts:
            text += ": " + ", ".join(parts)
        if self.curves:
            kinds = sorted({seg["kind"] for segs in self.curve_kinds for seg in segs})
            text += f"; {len(self.curves)} curve(s) of non-isolated stationary points"
            if kinds:
                text += f" ({', '.join(kinds)})"
        minima = [p for p in inside if p.classification.kind == "minimum"
                  or p.classification.degenerate_behaviour == "minimum"]
        if minima:
            best = min(minima, key=lambda p: p.f)
            where = best.exact or "(" + ", ".join(f"{v:.6g}" for v in best.x) + ")"
            text += f"; lowest minimum f = {best.f:.8g} at {where}"
        return text

    def __repr__(self) -> str:
        from optkit.render.notebook import classification_repr

        return classification_repr(self.to_dict())

    def _repr_html_(self) -> str:
        from optkit.render.notebook import classification_html

        return classification_html(self.to_dict())

    def to_dict(self) -> dict:
        kinds = self.curve_kinds or [[] for _ in self.curves]
        return {"problem": self.problem, "method": self.method, "path_reason": self.path_reason,
                "cut_short": self.cut_short, "box": self.box.tolist(),
                "points": [p.to_dict() for p in self.points], "complete": self.complete,
                "curves": [{"samples": c.tolist(), "n_samples": len(c), "segments": k,
                            "kind": k[0]["kind"] if len(k) == 1 else ("mixed" if k else "undecided")}
                           for c, k in zip(self.curves, kinds)],
                "n_complex": self.n_complex, "bezout_bound": self.bezout_bound,
                "evidence": {"n_starts": self.n_starts, "distinct_points": len(self.points),
                             "last_new_at": self.last_new_at},
                "tolerances": self.tolerances, "notes": self.notes, "summary": self.summary(),
                "seconds": self.seconds}


def parse_box(text: str, n: int) -> np.ndarray:
    """'-10,10 -10,10' (one lo,hi pair per variable; one pair alone applies to all)."""
    from optkit.symbolic.grammar import parse_number

    pairs = text.replace(";", " ").split()
    if len(pairs) == 1 and n > 1:
        pairs = pairs * n
    if len(pairs) != n:
        raise OptkitError(f"--box {text!r} has {len(pairs)} pair(s); this problem has n = {n} "
                          f"(write one lo,hi pair per variable, e.g. \"-10,10 -10,10\")")
    box = []
    for pair in pairs:
        parts = pair.split(",")
        if len(parts) != 2:
            raise OptkitError(f"--box pair {pair!r} is not lo,hi (e.g. -10,10)")
        lo, hi = (parse_number(p, "box bound") for p in parts)
        if not lo < hi:
            raise OptkitError(f"--box pair {pair!r} needs lo < hi")
        box.append((lo, hi))
    return np.array(box)


def check_box(box, n: int) -> np.ndarray:
    box = np.asarray(box, dtype=float)
    if box.shape != (n, 2):
        raise OptkitError(f"box has shape {box.shape}; expected one [lo, hi] pair for each of the n = {n} variables")
    if not np.all(np.isfinite(box)):
        raise OptkitError("box bounds must be finite numbers")
    if not np.all(box[:, 0] < box[:, 1]):
        raise OptkitError("every box pair needs lo < hi")
    return box


def classify_stationary_points(problem, *, box=None, method: str = "auto", exact_budget: float = DEFAULT_EXACT_BUDGET,
                               n_starts: int | None = None, seed: int = 0, eig_tol: float = DEFAULT_EIG_TOL,
                               timeout: float | None = None, started: float | None = None) -> ClassifyResult:
    """Find and classify the stationary points of ``problem`` (see the module docstring).

    ``exact_budget``: seconds the exact path may run before the numeric path
    answers (a safety net: ``choose_path`` decides beforehand).  ``timeout``:
    seconds for the whole call (None or inf: no limit), counted from
    ``started`` (a ``time.monotonic()`` value; default now); at expiry the
    result holds what was found and ``cut_short`` is true.
    """
    started = time.monotonic() if started is None else started
    if method not in METHODS:
        raise OptkitError(f"unknown classify method {method!r}; choose one of {', '.join(METHODS)}")
    if n_starts is not None and not 1 <= n_starts <= MAX_STARTS:
        raise OptkitError(f"--starts must be between 1 and {MAX_STARTS:,}, got {n_starts}")
    exact_budget = _seconds(exact_budget, "--exact-budget")
    timeout = _seconds(timeout, "--timeout")
    deadline = None if timeout is None else started + timeout
    box = check_box(problem.box if box is None else box, problem.n)
    notes: list[str] = []
    if not problem.smooth:
        notes.append(f"{problem.name} is not smooth: points where its derivatives do not exist "
                     "(see `optkit show`) cannot be found as roots of ∇f")
    result = None
    reason = "--method numeric" if method == "numeric" else ""
    if method in ("auto", "exact"):
        result, reason = _try_exact(problem, box, exact_budget, deadline, eig_tol, notes, required=method == "exact")
    if result is None:
        result = _numeric(problem, box, n_starts, seed, eig_tol, deadline)
    result.path_reason = reason
    result.cut_short = result.cut_short or (deadline is not None and time.monotonic() >= deadline)
    if result.cut_short:
        notes.append("cut short by the time limit (--timeout): the list holds what was found by then")
    result.notes = notes + result.notes
    result.points.sort(key=lambda p: (not p.in_box, p.f, tuple(p.x)))
    result.seconds = time.monotonic() - started
    return result


def _seconds(value, flag: str) -> float | None:
    """A positive number of seconds; None or inf mean no limit."""
    if value is None:
        return None
    value = float(value)
    if value != value or value <= 0:
        raise OptkitError(f"{flag} must be a positive number of seconds (or inf for no limit), got {value}")
    return None if value == float("inf") else value


def _remaining(deadline) -> float | None:
    return None if deadline is None else max(deadline - time.monotonic(), 0.0)


# ---------------------------------------------------------------- exact path


def choose_path(expr, symbols) -> tuple[bool, str]:
    """(take the exact path?, why) from what is known before starting: n, Bézout bound, size.

    Deterministic, so the same command gives the same path on a busy machine;
    the exact budget is only a safety net behind it.
    """
    import sympy as sp

    n = len(symbols)
    numerators = [sp.together(sp.diff(expr, v)).as_numer_denom()[0] for v in symbols]
    degrees = [sp.Poly(g, *symbols).total_degree() if g != 0 else 0 for g in numerators]
    terms = sum(len(sp.Poly(g, *symbols).terms()) if g != 0 else 0 for g in numerators)
    bezout = 1
    for d in degrees:
        bezout *= max(d, 0)
    limit = EXACT_BEZOUT_LIMIT.get(n)
    facts = f"n = {n}, Bézout bound {bezout}, {terms} terms in ∇f"
    if limit is None:
        return False, f"polynomial, but {facts}: more than {max(EXACT_BEZOUT_LIMIT)} variables, numeric path"
    if bezout > limit:
        return False, f"polynomial, but {facts} exceeds the exact path's limit {limit} for n = {n}: numeric path"
    if terms > EXACT_TERM_LIMIT and n > 1:
        return False, f"polynomial, but {facts} exceeds the exact path's limit of {EXACT_TERM_LIMIT} terms: numeric path"
    return True, f"polynomial or rational with {facts}: within the exact path's limits"


def _try_exact(problem, box, budget, deadline, eig_tol, notes, required: bool):
    if not problem.closed_form:
        if required:
            raise OptkitError(f"--method exact needs a closed-form problem; {problem.name} is written in numpy")
        return None, "no closed form (written in numpy): numeric path"
    from optkit.stationary.exact import ExactTimeout, exact_stationary_points, is_polynomial_or_rational
    from optkit.symbolic.derivatives import sympy_expression

    expr, symbols = sympy_expression(problem.formula, problem.variables)
    if not is_polynomial_or_rational(expr, symbols):
        if required:
            raise OptkitError(f"--method exact needs a polynomial or rational formula; {problem.name} is not one")
        return None, "not polynomial or rational: numeric path"
    chosen, reason = choose_path(expr, symbols)
    if required:
        chosen, reason = True, "--method exact"
    if not chosen:
        return None, reason
    remaining = _remaining(deadline)
    limit = budget if remaining is None else (remaining if budget is None else min(budget, remaining))
    try:
        exact = exact_stationary_points(expr, symbols, timeout=limit if limit is not None else float("inf"))
    except ExactTimeout:
        if remaining is not None and (budget is None or remaining <= budget):
            empty = ClassifyResult(problem.name, "exact", box, [], complete=False, cut_short=True)
            return empty, reason + "; stopped by --timeout"
        notes.append(f"exact path exceeded its {budget:g} s budget (--exact-budget): numeric path used instead")
        return None, reason + f"; the exact path ran out of its {budget:g} s budget: numeric path"
    if exact.positive_dimensional:
        notes.append("∇f = 0 has infinitely many solutions (a curve or surface): numeric path used to sample it")
        return None, "∇f = 0 has infinitely many solutions: numeric path samples them"
    hessian = _exact_hessian(expr, symbols)
    points = []
    for point in exact.points:
        x = np.array(point.numeric, dtype=float)
        h = problem.hess(x)
        classification = classify_point(problem.grad(x), h, gtol=_gtol(problem, x, h), eig_tol=eig_tol)
        decided = _exact_inertia(hessian, symbols, point.coords)
        if decided is not None:
            _apply_inertia(classification, *decided)
        else:
            classification.notes.append("an eigenvalue is too close to 0 to certify: signs decided in double precision")
        if classification.kind == "degenerate":
            classification.degenerate_behaviour = _higher_order(expr, symbols, point.coords, classification, deadline)
        inside = bool(np.all((box[:, 0] <= x) & (x <= box[:, 1])))
        f = problem.f(x)
        if f != 0 and proven_zero(expr, symbols, point.coords, f):
            classification.notes.append(f"f = 0 exactly (the exact path proves it; double precision gave {f:.3g})")
            f = 0.0
        points.append(StationaryPoint(x, point.exact, f, classification.grad_norm, classification, inside))
    return ClassifyResult(problem.name, "exact", box, points, complete=exact.complete, n_complex=exact.n_complex,
                          bezout_bound=exact.bezout_bound,
                          tolerances={"eig_tol": eig_tol, "note": "inertia decided exactly where possible"}), reason


def _gtol(problem, x, hessian=None) -> float:
    """Stationarity test for a computed root: relative to the gradient's scale near x."""
    h = problem.hess(x) if hessian is None else hessian
    scale = max(1.0, abs(problem.f(x)), float(np.max(np.abs(h))) * max(1.0, float(np.max(np.abs(x)))))
    return STATIONARY_RTOL * scale


HIGHER_ORDER_BUDGET = 15.0  # seconds per degenerate point (sympy series can run away)


def _higher_order(expr, symbols, coords, classification, deadline=None, tolerance=None) -> str:
    """The higher-order test, run in a child process under min(15 s, what --timeout leaves)."""
    from optkit.stationary.exact import ExactTimeout, _run_with_deadline

    remaining = _remaining(deadline)
    budget = HIGHER_ORDER_BUDGET if remaining is None else min(HIGHER_ORDER_BUDGET, remaining)
    if budget <= 0:
        classification.notes.append("higher-order test skipped: the time limit was reached")
        return "undecided"
    try:
        return _run_with_deadline(_behaviour_payload, (expr, symbols, coords, tolerance), budget)["behaviour"]
    except ExactTimeout:
        classification.notes.append(f"higher-order test ran out of its {budget:.3g} s budget")
        return "undecided"
    except Exception as exc:  # the higher-order test is best effort; say why it could not decide
        classification.notes.append(f"higher-order test failed: {type(exc).__name__}")
        return "undecided"


def _behaviour_payload(expr, symbols, coords, tolerance) -> dict:
    from optkit.stationary.higher_order import degenerate_behaviour

    return {"behaviour": degenerate_behaviour(expr, symbols, coords, tolerance=tolerance)}


# ---------------------------------------------------------------- numeric path


def _numeric(problem, box, n_starts, seed, eig_tol, deadline=None) -> ClassifyResult:
    from optkit.stationary.numeric import find_stationary_points

    with np.errstate(over="ignore"):
        width = box[:, 1] - box[:, 0]
    if not np.all(width <= MAX_BOX_WIDTH):
        raise OptkitError(f"the box is {float(np.max(width)):.3g} wide; the numeric path samples the box and needs "
                          f"every side at most {MAX_BOX_WIDTH:g} wide (a sample of a wider box says nothing about "
                          "where the stationary points are): give a smaller --box")
    notes = []
    hess = problem.hess if problem.has_hessian else (lambda x: difference_hessian(problem.grad, x))
    if not problem.has_hessian:
        notes.append("the problem has no Hessian: central differences of the gradient are used")
    try:
        search = find_stationary_points(problem.grad, hess, box, n_starts=n_starts, seed=seed, f=problem.f,
                                        deadline=deadline)
    except ValueError as exc:
        raise OptkitError(str(exc)) from None
    points = []
    closed = problem.closed_form
    expr = symbols = None
    for found in search.points:
        x = found.x
        h = hess(x)
        values = hessian_spectrum(h)[0]
        # |λ| counts as zero up to the larger of eig_tol, how far the eigenvalues move over the point's
        # uncertainty (absolute), and the error bound of how H was computed — not eig_tol·max|λ|, which
        # swallowed Brown's eigenvalue 2 beside 2·10¹² (issue 9 §3)
        floor = max(eig_tol, _eigen_spread(hess, x, found.uncertainty, values))
        if found.slow_convergence:  # linear convergence: the point is (nearly) degenerate
            floor = max(floor, 1e-6 * max(1.0, float(np.max(np.abs(values)))))
        source = hessian_source(problem) if problem.has_hessian else "finite-differences"
        c = classify_point(problem.grad(x), h, gtol=max(search.residual_tol, _gtol(problem, x, h)),
                           eig_tol=floor, eigenvalues=values, source=source)
        if found.slow_convergence:
            c.notes.append("Newton converged only linearly here (a sign of degeneracy)")
        if c.kind == "degenerate":
            if closed:
                import sympy as sp
                from optkit.symbolic.derivatives import sympy_expression

                if expr is None:
                    expr, symbols = sympy_expression(problem.formula, problem.variables)
                # The floats themselves: the higher-order test recognises exact values (√2) and
                # checks that the recognised point is stationary; rationalising here would not.
                coords = [sp.Float(float(v), 17) for v in x]
                c.degenerate_behaviour = _higher_order(expr, symbols, coords, c, deadline,
                                                       tolerance=max(found.uncertainty, 1e-12))
            else:
                c.degenerate_behaviour = "undecided"
                c.notes.append("no closed form: no higher-order test")
        points.append(StationaryPoint(x, None, problem.f(x), c.grad_norm, c))
    result = ClassifyResult(problem.name, "numeric", box, points, complete=False, curves=search.curves,
                            n_starts=search.n_starts, last_new_at=search.last_new_at,
                            tolerances={"residual_tol": search.residual_tol, "dedup_tol": search.dedup_tol,
                                        "eig_tol": eig_tol,
                                        "note": "zero-eigenvalue threshold widened by each point's uncertainty"},
                            notes=notes + list(search.notes), cut_short=search.cut_short)
    from optkit.stationary.curves import curve_segments

    result.curve_kinds = [curve_segments(hess, samples) for samples in search.curves]
    return result


def _eigen_spread(hess, x, uncertainty: float, values) -> float:
    """How far the eigenvalues move when x moves by its uncertainty (Weyl: ≤ ‖ΔH‖₂)."""
    if not uncertainty > 0 or not np.isfinite(uncertainty):
        return 0.0
    step = min(uncertainty, 1e-3)
    spread = 0.0
    for i in range(len(x)):
        e = np.zeros(len(x))
        e[i] = step
        moved = hessian_spectrum(hess(x + e))[0]
        spread = max(spread, float(np.max(np.abs(moved - values))))
    return 10.0 * spread
