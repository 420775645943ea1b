"""The worked solution of a run's first K iterations (``optkit run ... --explain K``).

For each iteration k the quantities a student computes by hand are
re-evaluated at the recorded iterate x_k — g(x_k), H(x_k), the direction, the
step length and why it was chosen, x_{k+1} = x_k + α p_k, f(x_{k+1}), the
predicted and the actual decrease — and returned as plain data (JSON-ready);
``optkit.render.explain`` lays them out.  Exact forms (``step["exact"]``, by
key): for a problem with a formula they are computed in sympy from an exactly
known x_k (``optkit.explain.exact_forms``: 4/15, 3 − sqrt(5), sqrt(2)/8), so
E2's Newton step reads as in the course without ``--exact``; for a problem
written in Python, floats that are small fractions are shown as such
(``exact_text``: 17/15 for 1.1333…).

Re-evaluation is diagnostic: it is not counted in the run's evaluations.
Methods: gd (schedule, line search; momentum is described by its recurrence),
newton (solve with H, H⁻¹ for n ≤ 4, Armijo test with its numbers), trust region
(model, ρ, radius update, λ of the exact subproblem, Cauchy point), sfn
(eigendecomposition, |H| + damping), adam (m, v, corrections, step; E9).
"""

from __future__ import annotations

import numpy as np

from optkit.explain.small_fractions import fraction_near


def exact_text(value: float) -> str | None:
    """'17/15' when ``value`` is a small fraction to rounding error; '3' for an integer; else None."""
    frac = fraction_near(value)
    if frac is None:
        return None
    return str(frac.numerator) if frac.denominator == 1 else f"{frac.numerator}/{frac.denominator}"


def number(value) -> dict:
    """A number as data: its value, and its exact form when it is a small fraction."""
    out = {"value": float(value)}
    exact = exact_text(value)
    if exact is not None:
        out["exact"] = exact
    return out


def _vec(v) -> list[float]:
    return [float(a) for a in np.asarray(v, dtype=float).reshape(-1)]


def _mat(m) -> list[list[float]]:
    return [_vec(row) for row in np.asarray(m, dtype=float)]


def worked_solution(problem, record: dict, k_max: int, budget: float | None = None,
                    x0_text: list[str] | None = None) -> list[dict]:
    """The first ``k_max`` iterations of the run ``record`` (``Result.to_dict()``) on ``problem``, worked out.

    ``budget``: seconds of exact (sympy) work per iteration (``--exact-budget``); ``x0_text``: the start
    as typed, read exactly (``optkit.explain.exact_forms``).
    """
    trace = record["trace"]
    method = record["method"]
    options = record.get("options") or {}
    steps = []
    adam_state = None
    worker = None
    if getattr(problem, "closed_form", False) and problem.formula is not None:
        from optkit.explain.exact_forms import ExactWorker

        worker = ExactWorker(problem, budget, x0_text)
    for i in range(min(k_max, len(trace) - 1)):
        r, nxt = trace[i], trace[i + 1]
        x = np.asarray(r["x"], dtype=float)
        x_next = np.asarray(nxt["x"], dtype=float)
        g = problem.grad(x)
        step = {"k": r["k"], "x": _vec(x), "f": float(r["f"]), "grad": _vec(g), "x_next": _vec(x_next),
                "f_next": float(nxt["f"]), "step": _vec(x_next - x), "actual": r.get("actual"), "method": method}
        for key in ("alpha", "trials", "pred_linear", "pred_quadratic", "delta", "rho", "accepted", "lambda",
                    "damping", "note"):
            if r.get(key) not in (None, ""):
                step[key] = r[key]
        if method == "gd":
            _gd(step, options, g)
        elif method == "newton":
            _newton(step, problem, x, g, options)
        elif method == "trust-region":
            _trust_region(step, problem, x, g, options, nxt)
        elif method == "sfn":
            _sfn(step, problem, x, g, options)
        elif method == "adam":
            adam_state = _adam(step, g, options, adam_state)
        # a formula: exact forms computed in sympy; a Python problem: floats that are small fractions
        step["exact"] = worker.forms(step, r.get("exact"), options) if worker is not None else _exact_forms(step)
        steps.append(step)
    return steps


_EXACT_KEYS = ("x", "f", "grad", "hessian", "hessian_inverse", "direction", "alpha", "step", "x_next", "f_next",
               "pred_linear", "pred_quadratic", "actual", "m", "v", "m_hat", "v_hat")


def _exact_forms(step: dict) -> dict:
    """Exact forms (same shape, strings) of the quantities whose every entry is a small fraction."""
    out = {}
    for key in _EXACT_KEYS:
        value = step.get(key)
        if value is None or isinstance(value, bool):
            continue
        flat = np.asarray(value, dtype=float).reshape(-1)
        texts = [exact_text(v) for v in flat]
        if all(t is not None for t in texts):
            shaped = np.asarray(texts, dtype=object).reshape(np.shape(value)).tolist()
            out[key] = shaped
    return out


def _gd(step: dict, options: dict, g) -> None:
    step["direction"] = _vec(-g)
    step["schedule"] = options.get("schedule")
    step["line_search"] = options.get("line_search")
    if options.get("momentum") in (None, "none"):
        _search_test(step, options, step["f_next"], -float(g @ g))
    else:
        step["why"] = (f"{options['momentum']} momentum with β = {options.get('beta')}: the step is "
                       "v_{k+1} = β v_k − α_k ∇f, not α_k p_k")


def _search_test(step: dict, options: dict, f_next: float, slope: float) -> None:
    """The Armijo (sufficient decrease) test with its numbers, for a line-searched step."""
    search = options.get("line_search")
    if search in (None, "none"):
        return
    alpha, c1 = step.get("alpha", 1.0), options.get("c1", 1e-4)
    step["armijo"] = {"c1": c1, "alpha": alpha, "f_trial": f_next, "bound": step["f"] + c1 * alpha * slope,
                      "slope": slope, "holds": f_next <= step["f"] + c1 * alpha * slope,
                      "trials": step.get("trials"), "backtrack": options.get("backtrack")}


def _newton(step: dict, problem, x, g, options: dict) -> None:
    H = problem.hess(x)
    step["hessian"] = _mat(H)
    if x.size <= 4 and abs(np.linalg.det(H)) > 0:
        step["hessian_inverse"] = _mat(np.linalg.inv(H))
    try:
        p = np.linalg.solve(H, -g)
    except np.linalg.LinAlgError:
        p = np.asarray(step["step"]) / step.get("alpha", 1.0)
        step["why"] = "H is singular: the fallback direction was used (see the note)"
    if step.get("note"):
        p = np.asarray(step["step"]) / step.get("alpha", 1.0)  # a fallback (shift or −g) was taken
    step["direction"] = _vec(p)
    step["line_search"] = options.get("line_search")
    _search_test(step, options, step["f_next"], float(g @ p))


def _trust_region(step: dict, problem, x, g, options: dict, nxt: dict) -> None:
    step["subproblem"] = options.get("subproblem")
    try:
        H = problem.hess(x)
        step["hessian"] = _mat(H)
    except Exception:  # noqa: BLE001 - a problem with Hessian-vector products only
        H = None
    s = np.asarray(step["step"]) if step.get("accepted", True) else None
    if s is None and H is not None and step.get("lambda") is not None:
        # a rejected step of the exact subproblem: rebuild it from λ, (H + λI)s = −g, and try it
        try:
            s = np.linalg.solve(H + step["lambda"] * np.eye(x.size), -g)
        except np.linalg.LinAlgError:
            s = None
        if s is not None:
            step["proposed"] = _vec(s)
            step["f_trial"] = float(problem.f(x + s))
            step["actual"] = step["f"] - step["f_trial"]
    if s is not None and H is not None:
        step["model"] = {"gs": float(g @ s), "sHs": float(s @ H @ s)}
    if H is not None:
        gHg = float(g @ H @ g)
        gnorm = float(np.linalg.norm(g))
        step["grad_norm"] = gnorm  # ‖g‖ of the Cauchy point, shown (exactly when it is a surd: √2)
        delta = step.get("delta")
        if delta and gnorm > 0:  # the Cauchy point, N&W (4.11)–(4.12)
            tau = 1.0 if gHg <= 0 else min(1.0, gnorm**3 / (delta * gHg))
            step["cauchy"] = {"tau": tau, "point": _vec(-tau * delta / gnorm * g), "gHg": gHg}
    step["delta_next"] = nxt.get("delta")


def _sfn(step: dict, problem, x, g, options: dict) -> None:
    H = problem.hess(x)
    theta, V = np.linalg.eigh(0.5 * (H + H.T))
    # the step's own δ (the adaptive rule changes it from step to step); the option's for older records
    damping = float(step.get("damping", options.get("damping", 0.0)))
    step["hessian"] = _mat(H)
    step["eigenvalues"] = _vec(theta)
    step["eigenvectors"] = _mat(V.T)  # one eigenvector per row
    step["abs_hessian"] = _mat(V @ np.diag(np.abs(theta) + damping) @ V.T)
    step["gamma"] = _vec(V.T @ g)
    p = V @ (-(V.T @ g) / (np.abs(theta) + damping))
    step["direction"] = _vec(p)
    step["line_search"] = options.get("line_search")
    _search_test(step, options, step["f_next"], float(g @ p))


def _adam(step: dict, g, options: dict, state):
    b1, b2, eps = options.get("beta1", 0.9), options.get("beta2", 0.999), options.get("eps", 1e-8)
    corrected = options.get("bias_correction", True)
    m, v = state if state is not None else (np.zeros_like(g), np.zeros_like(g))
    t = step["k"] + 1
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g * g
    step.update(t=t, beta1=b1, beta2=b2, eps=eps, bias_correction=corrected, m=_vec(m), v=_vec(v))
    if options.get("amsgrad") or options.get("weight_decay") or options.get("batch_size"):
        step["why"] = "AMSGrad, weight decay or mini-batches: the recorded step differs from the plain recurrence"
    if corrected:
        step["m_hat"] = _vec(m / (1 - b1**t))
        step["v_hat"] = _vec(v / (1 - b2**t))
    return m, v


VECTOR_MAX_N = 10  # the trace's gradient and step vectors are written for n up to this


def add_trace_vectors(problem, record: dict) -> None:
    """Give every trace record ``grad`` (re-evaluated at x_k) and ``step`` (x_{k+1} − x_k) when n ≤ 10.

    Used by the CSV trace when the run's records do not already carry them; diagnostic
    evaluations, not counted in the run's work.
    """
    trace = record["trace"]
    if record.get("n", 0) > VECTOR_MAX_N or not trace:
        return
    for r, nxt in zip(trace, trace[1:] + [None]):
        if "grad" not in r:
            r["grad"] = _vec(problem.grad(np.asarray(r["x"], dtype=float)))
        if "step" not in r and nxt is not None:
            r["step"] = _vec(np.asarray(nxt["x"], dtype=float) - np.asarray(r["x"], dtype=float))
