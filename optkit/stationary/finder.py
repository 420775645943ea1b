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
from optkit.stationary.point import DEFAULT_EIG_TOL, Classification, classify_point, difference_hessian, hessian_spectrum
from optkit.errors import OptkitError

METHODS = ("auto", "exact", "numeric")
DEFAULT_TIMEOUT = 5.0
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

    def summary(self) -> str:
        inside = [p for p in self.points if p.in_box]
        if not inside and not self.curves:
            return "no stationary point in the box"
        counts: dict[str, int] = {}
        for p in inside:
            c = p.classification
            key = c.kind if c.kind != "degenerate" else f"degenerate ({c.degenerate_behaviour or 'undecided'})"
            counts[key] = counts.get(key, 0) + 1
        plural = {"minimum": "minima", "maximum": "maxima", "saddle": "saddles"}
        parts = [f"{v} {plural.get(k, k) if v > 1 else k}" for k, v in counts.items()]
        text = f"{len(inside)} stationary point{'s' if len(inside) != 1 else ''} in the box"
        if parts:
            text += ": " + ", ".join(parts)
        if self.curves:
            text += f"; {len(self.curves)} curve(s) of non-isolated stationary points"
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
        return {"problem": self.problem, "method": self.method, "box": self.box.tolist(),
                "points": [p.to_dict() for p in self.points], "complete": self.complete,
                "curves": [{"samples": c.tolist(), "n_samples": len(c)} for c in self.curves],
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


def classify_stationary_points(problem, *, box=None, method: str = "auto", timeout: float = DEFAULT_TIMEOUT,
                               n_starts: int | None = None, seed: int = 0,
                               eig_tol: float = DEFAULT_EIG_TOL) -> ClassifyResult:
    """Find and classify the stationary points of ``problem`` (see the module docstring)."""
    if method not in METHODS:
        raise OptkitError(f"unknown classify method {method!r}; choose one of {', '.join(METHODS)}")
    if n_starts is not None and n_starts < 1:
        raise OptkitError(f"the number of starts must be at least 1, got {n_starts}")
    if not timeout > 0:
        raise OptkitError(f"--timeout must be positive, got {timeout}")
    box = check_box(problem.box if box is None else box, problem.n)
    started = time.perf_counter()
    notes: list[str] = []
    if not problem.smooth:
        notes.append(f"{problem.name} is not smooth: points where its derivatives do not exist "
                     "(see `optkit show`) cannot be found as roots of ∇f")
    result = None
    if method in ("auto", "exact"):
        result = _try_exact(problem, box, timeout, eig_tol, notes, required=method == "exact")
    if result is None:
        result = _numeric(problem, box, n_starts, seed, eig_tol)
    result.notes = notes + result.notes
    result.points.sort(key=lambda p: (not p.in_box, p.f, tuple(p.x)))
    result.seconds = time.perf_counter() - started
    return result


# ---------------------------------------------------------------- exact path


def _try_exact(problem, box, timeout, eig_tol, notes, required: bool):
    if not problem.closed_form:
        if required:
            raise OptkitError(f"--method exact needs a closed-form problem; {problem.name} is written in numpy")
        return None
    from optkit.stationary.exact import ExactTimeout, exact_stationary_points, is_polynomial_or_rational
    from optkit.symbolic.derivatives import sympy_expression

    expr, symbols = sympy_expression(problem.formula, problem.variables)
    if not is_polynomial_or_rational(expr, symbols):
        if required:
            raise OptkitError(f"--method exact needs a polynomial or rational formula; {problem.name} is not one")
        notes.append("not polynomial or rational: numeric path used")
        return None
    try:
        exact = exact_stationary_points(expr, symbols, timeout=timeout)
    except ExactTimeout:
        notes.append(f"exact path exceeded its {timeout:g} s budget (--timeout): numeric path used instead")
        return None
    if exact.positive_dimensional:
        notes.append("∇f = 0 has infinitely many solutions (a curve or surface): numeric path used to sample it")
        return None
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
            classification.degenerate_behaviour = _higher_order(expr, symbols, point.coords, classification)
        inside = bool(np.all((box[:, 0] <= x) & (x <= box[:, 1])))
        f = problem.f(x)
        if f != 0 and proven_zero(expr, symbols, point.coords, f):
            classification.notes.append(f"f = 0 exactly (the exact path proves it; double precision gave {f:.3g})")
            f = 0.0
        points.append(StationaryPoint(x, point.exact, f, classification.grad_norm, classification, inside))
    return ClassifyResult(problem.name, "exact", box, points, complete=exact.complete, n_complex=exact.n_complex,
                          bezout_bound=exact.bezout_bound,
                          tolerances={"eig_tol": eig_tol, "note": "inertia decided exactly where possible"})


def _gtol(problem, x, hessian=None) -> float:
    """Stationarity test for a computed root: relative to the gradient's scale near x."""
    h = problem.hess(x) if hessian is None else hessian
    scale = max(1.0, abs(problem.f(x)), float(np.max(np.abs(h))) * max(1.0, float(np.max(np.abs(x)))))
    return STATIONARY_RTOL * scale


def _exact_hessian(expr, symbols):
    import sympy as sp

    return sp.hessian(expr, symbols)


def _exact_inertia(hessian, symbols, coords):
    """(negative, zero, positive) eigenvalue counts and how they were decided, or None.

    Rational points: Descartes' rule of signs on the exact characteristic
    polynomial (exact, since a symmetric matrix's eigenvalues are all real).
    Algebraic points (surds, CRootOf): the Hessian at 60-digit coordinates and
    its eigenvalues at 60 digits; by Weyl's inequality an eigenvalue moves by
    at most ‖ΔH‖₂ ≈ 1e-55·‖H‖, so a sign with |λ| > 1e-40·max(1, ‖H‖) is
    certain.  A smaller eigenvalue is left to the numeric classification.
    """
    import sympy as sp

    try:
        if all(c.is_Rational for c in coords):
            m = hessian.subs(dict(zip(symbols, coords)), simultaneous=True)
            signs = [int(sp.sign(c)) for c in m.charpoly(sp.Dummy("lam")).all_coeffs()]
            return _descartes(signs), "eigenvalue signs decided exactly (rational point)"
        import mpmath

        with mpmath.workdps(60):
            values = {s: sp.Float(sp.N(c, 60), 60) for s, c in zip(symbols, coords)}
            m = hessian.subs(values).evalf(60)
            matrix = mpmath.matrix([[mpmath.mpf(str(v)) for v in row] for row in m.tolist()])
            eigenvalues = mpmath.eigsy(matrix, eigvals_only=True)
            eigenvalues = [eigenvalues[i] for i in range(len(symbols))]
            scale = max([mpmath.mpf(1)] + [abs(v) for v in eigenvalues])
            if any(abs(v) <= mpmath.mpf("1e-40") * scale for v in eigenvalues):
                return None
            negative = sum(1 for v in eigenvalues if v < 0)
            return (negative, 0, len(eigenvalues) - negative), "eigenvalue signs certified at 60 digits (Weyl bound)"
    except (TypeError, ValueError, NotImplementedError, ZeroDivisionError):
        return None


def _descartes(signs: list[int]) -> tuple[int, int, int]:
    n = len(signs) - 1
    zero = 0
    while signs and signs[-1] == 0:
        signs = signs[:-1]
        zero += 1
    positive = _sign_changes(signs)
    negative = _sign_changes([s * (-1) ** (len(signs) - 1 - i) for i, s in enumerate(signs)])
    assert positive + negative + zero == n, "characteristic polynomial of a symmetric matrix has real roots"
    return negative, zero, positive


def _sign_changes(signs) -> int:
    nonzero = [s for s in signs if s != 0]
    return sum(1 for a, b in zip(nonzero, nonzero[1:]) if a != b)


def _apply_inertia(c: Classification, inertia, how: str) -> None:
    negative, zero, positive = inertia
    c.index, c.n_zero = negative, zero
    if c.kind == "not-stationary":
        return
    if zero:
        c.kind = "degenerate"
    elif negative == 0:
        c.kind = "minimum"
    elif positive == 0:
        c.kind = "maximum"
    else:
        c.kind = "saddle"
    c.notes.append(how)


def _higher_order(expr, symbols, coords, classification) -> str:
    from optkit.stationary.higher_order import degenerate_behaviour

    try:
        return degenerate_behaviour(expr, symbols, coords)
    except Exception as exc:  # the higher-order test is best effort; say why it could not decide
        classification.notes.append(f"higher-order test failed: {type(exc).__name__}")
        return "undecided"


# ---------------------------------------------------------------- numeric path


def _numeric(problem, box, n_starts, seed, eig_tol) -> ClassifyResult:
    from optkit.stationary.numeric import find_stationary_points

    notes = []
    hess = problem.hess if problem.has_hessian else (lambda x: difference_hessian(problem.grad, x))
    if not problem.has_hessian:
        notes.append("the problem has no Hessian: central differences of the gradient are used")
    try:
        search = find_stationary_points(problem.grad, hess, box, n_starts=n_starts, seed=seed)
    except ValueError as exc:
        raise OptkitError(str(exc)) from None
    points = []
    closed = problem.closed_form
    expr = symbols = None
    if closed:
        from optkit.symbolic.derivatives import sympy_expression

        expr, symbols = None, None
    for found in search.points:
        x = found.x
        h = hess(x)
        values = hessian_spectrum(h)[0]
        spread = _eigen_spread(hess, x, found.uncertainty, values)
        widened = max(eig_tol, spread / max(1.0, float(np.max(np.abs(values)))))
        if found.slow_convergence:
            widened = max(widened, 1e-6)  # linear convergence: the point is (nearly) degenerate
        c = classify_point(problem.grad(x), h, gtol=max(search.residual_tol, _gtol(problem, x, h)),
                           eig_tol=widened, eigenvalues=values)
        if found.slow_convergence:
            c.notes.append("Newton converged only linearly here (a sign of degeneracy)")
        if c.kind == "degenerate":
            if closed:
                import sympy as sp

                if expr is None:
                    expr, symbols = sympy_expression(problem.formula, problem.variables)
                coords = [sp.nsimplify(v, rational=True, tolerance=found.uncertainty + 1e-12) for v in x]
                c.degenerate_behaviour = _higher_order(expr, symbols, coords, c)
            else:
                c.degenerate_behaviour = "undecided"
                c.notes.append("no closed form: no higher-order test")
        points.append(StationaryPoint(x, None, problem.f(x), c.grad_norm, c))
    result = ClassifyResult(problem.name, "numeric", box, points, complete=False, curves=search.curves,
                            n_starts=search.n_starts, last_new_at=search.last_new_at,
                            tolerances={"residual_tol": search.residual_tol, "dedup_tol": search.dedup_tol,
                                        "eig_tol": eig_tol,
                                        "note": "zero-eigenvalue threshold widened by each point's uncertainty"},
                            notes=notes + list(search.notes))
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
