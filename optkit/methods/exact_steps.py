"""``--exact``: gradient descent and pure Newton in exact arithmetic, for hand-calculation checks.

The problem's formula is read by the safe parser into sympy with exact
literals (0.2 is 1/5), and each iterate is computed exactly:

    gd:      x_{k+1} = x_k − α_k ∇f(x_k)        α_k from the schedule, exactly (1/(k+2) stays a fraction)
    newton:  H(x_k) p = −∇f(x_k) (solved exactly, LU), x_{k+1} = x_k + p

Values stay fractions and surds (sqrt(2)/2) as long as no unevaluated
function remains: cos(0) = 1 and cos(π/3) = 1/2 are exact, but cos(17π/75)
has no closed form in radicals.  At the first iterate where that happens the
run says so ("exactness lost at k = 1: …") and continues in floating point
through the ordinary driver, so one trace holds both parts (course exercise
E2: the first Newton step (17/15, 68/15) is exact, the rest numeric).

Exact Newton denominators grow fast (their digit count roughly doubles per
step): past ``DIGIT_CAP`` digits a coordinate is printed as its decimal value
with the fraction's size, e.g. ``0.1308746600… (fraction of 512/514 digits)``.
The run stops exactly when ∇f(x_k) = 0, or when ‖∇f(x_k)‖₂ ≤ gtol, or at max_iter.
"""

from __future__ import annotations

import time

import numpy as np

from optkit.errors import OptkitError
from optkit.run.results import Record, Result, Status, converged_phrase

DIGIT_CAP = 40  # numerator + denominator digits beyond which a fraction is printed as a decimal
MAX_EXACT_DIGITS = 20000  # beyond this, continuing exactly is pointless and slow: switch to floating point


def exact_text(value, cap: int = DIGIT_CAP) -> str:
    """'17/15', 'sqrt(2)/2', or past the cap '1.133333333333333… (fraction of 52/51 digits)'."""
    import sympy as sp

    if value.is_Rational:
        p, q = int(value.p), int(value.q)
        dp, dq = len(str(abs(p))), len(str(q))
        if dp + dq <= cap:
            return str(value)
        return f"{_decimal(value)}… (fraction of {dp}/{dq} digits)"
    text = sp.sstr(value)
    if len(text) <= 3 * cap:
        return text
    return f"{_decimal(value)}… (exact form of {len(text)} characters)"


def _decimal(value) -> str:
    import sympy as sp

    return str(sp.N(value, 16)).replace("E", "e")


def _digits(value) -> int:
    if value.is_Rational:
        return len(str(abs(int(value.p)))) + len(str(int(value.q)))
    return len(str(value))


def _lost(value) -> str:
    """'' if value is exact (rational or surd), else the unevaluated function that makes it inexact."""
    import sympy as sp

    functions = [a for a in value.atoms(sp.Function)]
    if functions:
        return sp.sstr(functions[0])
    return ""


def _simplify(value):
    """Rationals stay as they are; surds are expanded with rationalised denominators (a + b·sqrt(2))."""
    import sympy as sp

    if value.is_Rational:
        return value
    return sp.expand(sp.radsimp(sp.expand(value)))


def _exact_number(v):
    import sympy as sp

    if isinstance(v, str):
        from optkit.symbolic.grammar import parse_exact_number

        return parse_exact_number(v)
    return sp.Rational(repr(float(v)))


def run_exact(problem, method: str, x0, common: dict, raw: dict) -> Result:
    """Exact gd (fixed or scheduled step) or pure Newton on a closed-form problem; see the module docstring."""
    import sympy as sp

    from optkit.methods.catalogue import build
    from optkit.symbolic.derivatives import sympy_expression

    entry, _, values, given = build(method, raw)  # validates the options as for a normal run
    if not entry.exact:
        raise OptkitError(f"--exact supports gd and newton; {entry.name} has no exact mode")
    if entry.name == "gd" and (values["line_search"] != "none" or values["momentum"] != "none"
                               or values["batch_size"] is not None):
        raise OptkitError("--exact supports gd with a fixed or scheduled step only (no line search, momentum "
                          "or mini-batches)")
    if entry.name == "newton" and (values["line_search"] != "none" or values["fallback"] not in ("auto", "none")):
        raise OptkitError("--exact supports pure Newton only (unit step, no line search or fallback)")
    if not getattr(problem, "closed_form", False) or problem.formula is None:
        raise OptkitError(f"--exact needs a closed-form problem (a formula); {problem.name} is written in numpy")
    if len(x0) != problem.n:
        raise OptkitError(f"x0 has {len(x0)} components, expected n = {problem.n}")
    schedule = None
    if entry.name == "gd":
        from optkit.methods.schedules import make_schedule

        schedule = make_schedule(values["schedule"], values["lr"], lr_given="lr" in given)

    start = time.perf_counter()
    expr, symbols = sympy_expression(problem.formula, problem.variables)
    grad = [sp.diff(expr, s) for s in symbols]
    hess = sp.Matrix([[sp.diff(gi, s) for s in symbols] for gi in grad]) if entry.name == "newton" else None
    x = [_exact_number(v) for v in x0]
    counts = {"f": 0, "grad": 0, "hess": 0, "hvp": 0}
    records: list[Record] = []
    notes: list[str] = []
    gtol, max_iter = common["gtol"], common["max_iter"]
    status, measure, tol, detail = None, None, None, ""
    lost_at = None
    k = 0
    while True:
        at = dict(zip(symbols, x))
        f_k = _simplify(expr.xreplace(at))
        g_k = [_simplify(gi.xreplace(at)) for gi in grad]
        counts["f"] += 1
        counts["grad"] += 1
        xf = np.array([float(v) for v in x])
        gf = np.array([float(v) for v in g_k])
        record = Record(k, xf.tolist(), float(f_k), float(np.linalg.norm(gf)), float(np.linalg.norm(xf)),
                        exact=[exact_text(v) for v in x], eigenvalues=_eigenvalues(problem, xf))
        records.append(record)
        inexact = next((w for w in (_lost(v) for v in [*g_k, f_k]) if w), "")
        if inexact:
            lost_at = k
            notes.append(f"exactness lost at k = {k}: the values involve {inexact}, which has no closed form in "
                         f"radicals; continuing in floating point")
            break
        if all(v == 0 for v in g_k):
            status, measure, tol = Status.CONVERGED, 0.0, gtol
            break
        if record.grad_norm <= gtol:
            status, measure, tol = Status.CONVERGED, record.grad_norm, gtol
            break
        if k >= max_iter:
            status, measure, tol = Status.MAX_ITER, k, max_iter
            break
        if max(_digits(v) for v in x) > MAX_EXACT_DIGITS:
            lost_at = k
            notes.append(f"exact fractions exceed {MAX_EXACT_DIGITS} digits at k = {k}; continuing in floating point")
            break
        if entry.name == "gd":
            alpha = schedule.exact(k)
            if _lost(alpha):
                lost_at = k
                notes.append(f"exactness lost at k = {k}: α_{k} = {sp.sstr(alpha)}; continuing in floating point")
                break
            x_new = [_simplify(xi - alpha * gi) for xi, gi in zip(x, g_k)]
            record.data = {"alpha": float(alpha), "alpha_exact": exact_text(alpha),
                           "pred_linear": float(alpha * sum(gi * gi for gi in g_k))}
        else:
            H = hess.xreplace(at)
            counts["hess"] += 1
            if any(_lost(h) for h in H):
                lost_at = k
                notes.append(f"exactness lost at k = {k}: the Hessian involves {next(_lost(h) for h in H if _lost(h))}; "
                             "continuing in floating point")
                break
            if H.det() == 0:
                status, measure, tol = Status.SINGULAR_HESSIAN, 0.0, 0.0
                break
            p = H.LUsolve(sp.Matrix([-gi for gi in g_k]))
            x_new = [_simplify(xi + pi) for xi, pi in zip(x, p)]
            slope = float(sum(gi * pi for gi, pi in zip(g_k, p)))
            # Hp = −g, so the quadratic model's decrease −gᵀp − ½pᵀHp is −½gᵀp for the Newton step
            record.data = {"alpha": 1.0, "pred_linear": -slope, "pred_quadratic": -0.5 * slope}
        record.data["actual"] = None
        x = x_new
        k += 1
        f_next = expr.xreplace(dict(zip(symbols, x)))
        if not _lost(f_next):
            record.data["actual"] = float(f_k - f_next)
        else:  # f(x_{k+1}) is not exact, but the actual decrease is still worth showing
            record.data["actual"] = float(f_k) - problem.f(np.array([float(v) for v in x]))

    if lost_at is not None:
        return _continue_in_floats(problem, entry.name, raw, common, records, counts, notes, x, start)
    from optkit.stationary.point import classify_point

    last = records[-1]
    xf = np.array(last.x)
    g_last = problem.grad(xf)
    cl = classify_point(g_last, problem.hess(xf), gtol=gtol).to_dict()
    message = status.message(measure, tol, detail)
    if status is Status.CONVERGED:
        message = f"{converged_phrase(cl)}: {message}" + (" (∇f = 0 exactly)" if measure == 0 else "")
    return Result(problem.name, entry.name, {**values, **common, "exact": True}, status, message, last.x, last.f,
                  last.grad_norm, k, counts, cl, records, time.perf_counter() - start, [], problem.n,
                  records[0].x, list(problem.variables), [],
                  exact={"x": list(last.exact), "notes": notes, "lost_at": None})


def _continue_in_floats(problem, method, raw, common, records, counts, notes, x, start) -> Result:
    """The floating-point rest of a run whose exactness was lost at the last exact record."""
    from optkit.run.driver import minimize

    k0 = records[-1].k
    xf = np.array([float(v) for v in x])
    rest_common = dict(common)
    rest_common["max_iter"] = max(0, common["max_iter"] - k0)
    rest = minimize(problem, method, xf, options={**raw, **rest_common})
    first = rest.trace[0]
    records[-1].data = first.data
    records[-1].note = first.note
    for r in rest.trace[1:]:
        r.k += k0
        records.append(r)
    for key in counts:
        counts[key] += rest.evaluations[key]
    rest.trace = records
    rest.iterations += k0
    if rest.status is Status.MAX_ITER:
        rest.message = Status.MAX_ITER.message(rest.iterations, common["max_iter"])
    rest.evaluations = counts
    rest.options = {**rest.options, "max_iter": common["max_iter"], "exact": True}
    # the exactness notes live in rest.exact["notes"]
    rest.x0 = records[0].x
    rest.wall_time = time.perf_counter() - start
    rest.exact = {"x": None, "notes": notes, "lost_at": k0}
    return rest


def _eigenvalues(problem, x: np.ndarray):
    if problem.n > 10 or not problem.has_hessian:
        return None
    H = problem.hess(x)
    if not np.all(np.isfinite(H)):
        return None
    return np.linalg.eigvalsh(0.5 * (H + H.T)).tolist()

