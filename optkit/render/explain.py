"""The worked solution laid out as the course writes it (data from ``optkit.explain.worked``)."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from optkit.render.layout import GLUE, lines
from optkit.render.output import fmt

DIGITS = 8


def _num(step: dict, key: str, value=None, digits: int = DIGITS) -> str:
    """'17/15 ≈ 1.1333333' where the worked data has an exact form, else the decimal."""
    value = step.get(key) if value is None else value
    exact = step.get("exact", {}).get(key)
    text = _shape(value, digits)
    if exact is None:
        return text
    exact_text = _shape(exact, digits)
    return exact_text if exact_text == text else f"{exact_text} ≈ {text}"


def _short(step: dict, key: str, digits: int = DIGITS) -> str:
    """The exact form alone where there is one (inside a substitution), else the decimal."""
    exact = step.get("exact", {}).get(key)
    return _shape(exact if exact is not None else step.get(key), digits)


def _operand(step: dict, key: str, digits: int = 6) -> str:
    """_short, in parentheses when an exact form is a sum (3/32 − √2/4), so that a quotient reads right."""
    text = _short(step, key, digits)
    return f"({text})" if f"{GLUE}+{GLUE}" in text or f"{GLUE}-{GLUE}" in text else text


def _shape(value, digits: int) -> str:
    if isinstance(value, list):
        if value and isinstance(value[0], list):  # a matrix, row by row: [[4, -1], [-1, 4]]
            return "[" + ", ".join("[" + _shape(row, digits)[1:-1] + "]" for row in value) + "]"
        return "(" + ", ".join(_shape(v, digits) for v in value) + ")"
    if isinstance(value, str):
        return value.replace(" ", GLUE)  # an exact form is one number: never broken at its inner spaces
    return fmt(value, digits)


def _eq(*parts: str) -> str:
    """'a = b = c' that breaks only after an '='."""
    return " = ".join(p.replace(" = ", f"{GLUE}={GLUE}") for p in parts)


def _lines_for(step: dict) -> list[str]:
    k, m = step["k"], step["method"]
    out = [f"x_{k} = {_num(step, 'x')}, f(x_{k}) = {_num(step, 'f')}",
           _eq(f"g_{k}", f"∇f(x_{k})", _num(step, "grad"))]
    if "hessian" in step:
        out.append(_eq(f"H_{k}", f"∇²f(x_{k})", _num(step, "hessian")))
    if m == "newton":
        if "hessian_inverse" in step:
            out.append(_eq(f"H_{k}⁻¹", _num(step, "hessian_inverse")))
            out.append(_eq(f"p_{k}", f"−H_{k}⁻¹ g_{k}", _num(step, "direction")))
        else:
            out.append(_eq(f"p_{k}", f"the solution of H_{k} p = −g_{k}", _num(step, "direction")))
    elif m == "gd":
        out.append(_eq(f"p_{k}", f"−g_{k}", _num(step, "direction")))
    elif m == "sfn":
        out.append(f"eigenvalues of H_{k}: {_num(step, 'eigenvalues', digits=6)}; eigenvectors (rows): "
                   f"{_shape(step['eigenvectors'], 6)}")
        out.append(_eq(f"|H_{k}| + damping·I", f"V(|Λ| + {fmt(step.get('damping', 0))}·I)Vᵀ",
                       _num(step, "abs_hessian", digits=6)))
        out.append(_eq(f"p_{k}", f"−(|H_{k}| + damping·I)⁻¹ g_{k}", _num(step, "direction")))
    elif m == "adam":
        t = step["t"]
        out.append(_eq(f"m_{t}", f"β₁m_{t - 1} + (1 − β₁)g_{k}", _num(step, "m")))
        out.append(_eq(f"v_{t}", f"β₂v_{t - 1} + (1 − β₂)g_{k}²", _num(step, "v")))
        if step.get("bias_correction"):
            out.append(_eq(f"m̂_{t}", f"m_{t}/(1 − β₁^{t})", _num(step, "m_hat")))
            out.append(_eq(f"v̂_{t}", f"v_{t}/(1 − β₂^{t})", _num(step, "v_hat")))
            out.append(_eq(f"step", f"−α m̂_{t}/(√v̂_{t} + ε)", _num(step, "step")))
        else:
            out.append(f"no bias correction: the step uses m_{t} and v_{t} themselves")
            out.append(_eq("step", f"−α m_{t}/(√v_{t} + ε)", _num(step, "step")))
    elif m == "trust-region":
        out += _trust_region_lines(step)
    out += _step_length_lines(step)
    if m in ("gd", "newton", "sfn"):
        out.append(_eq(f"x_{k + 1}", f"x_{k} + α_{k} p_{k}",
                       f"{_short(step, 'x')} + {_short(step, 'alpha')}·{_short(step, 'direction')}", _num(step, "x_next")))
    elif m == "adam":
        out.append(_eq(f"x_{k + 1}", f"x_{k} + step", _num(step, "x_next")))
    elif step.get("accepted", True):
        out.append(_eq(f"x_{k + 1}", f"x_{k} + s_{k}", f"{_short(step, 'x')} + {_short(step, 'step')}",
                       _num(step, "x_next")))
    else:
        out.append(f"step rejected: x_{k + 1} = x_{k}")
    out.append(_eq(f"f(x_{k + 1})", _num(step, "f_next")))
    out.append(_decrease_line(step))
    if step.get("why"):
        out.append(step["why"])
    if step.get("exact_note"):
        out.append(step["exact_note"])
    if step.get("note"):
        out.append(f"note: {step['note']}")
    return out


def _step_length_lines(step: dict) -> list[str]:
    k, m = step["k"], step["method"]
    if m == "trust-region":
        return []
    alpha = _num(step, "alpha")
    if m == "adam":
        return [f"α = {alpha} (lr{', ' + step['schedule'] if step.get('schedule') else ''})"]
    armijo = step.get("armijo")
    if armijo:
        sign = "≤" if armijo["holds"] else ">"
        trials = armijo.get("trials") or 1
        tried = " (the first trial)" if trials == 1 else f" after {trials} trials, α times {fmt(armijo['backtrack'])} each"
        return [f"α_{k} = {alpha}{tried}: Armijo test f(x_{k} + α p_{k}) = {fmt(armijo['f_trial'], DIGITS)} {sign} "
                f"f(x_{k}) + c₁ α g_{k}ᵀp_{k} = {fmt(step['f'], DIGITS)} + {fmt(armijo['c1'])}·{fmt(armijo['alpha'])}·"
                f"({fmt(armijo['slope'], 6)}) = {fmt(armijo['bound'], DIGITS)}"]
    if m == "gd" and step.get("schedule") not in (None, "constant"):
        return [f"α_{k} = {alpha} from the schedule {step['schedule']} at k = {k}"]
    if m in ("newton", "sfn") and step.get("line_search") in (None, "none"):
        return [f"α_{k} = {alpha}: the unit step (no line search)"]
    return [f"α_{k} = {alpha}"]


def _trust_region_lines(step: dict) -> list[str]:
    k = step["k"]
    out = [f"radius Δ_{k} = {fmt(step.get('delta'), 6)}; subproblem: {step.get('subproblem')}"]
    c = step.get("cauchy")
    if c:
        out.append(f"Cauchy point: ‖g_{k}‖ = {_num(step, 'grad_norm', digits=6)}, "
                   f"gᵀHg = {_num(step, 'gHg', c['gHg'], 6)}, "
                   f"τ = min(1, ‖g‖³/(Δ gᵀHg)) = {_num(step, 'cauchy_tau', c['tau'], 6)}, "
                   f"p_C = −τ Δ g/‖g‖ = {_num(step, 'cauchy_point', c['point'], 6)}")
    if step.get("lambda") is not None:
        out.append(f"λ = {fmt(step['lambda'], 6)}: (H + λI)s = −g" + (" with ‖s‖ = Δ" if step["lambda"] > 0 else
                                                                       ", the Newton step inside the region"))
    if step.get("accepted", True):
        out.append(_eq(f"s_{k}", _num(step, "step")))
    elif step.get("proposed") is not None:
        out.append(_eq(f"s_{k} (proposed)", _shape(step["proposed"], DIGITS)) +
                   f"; f(x_{k} + s_{k}) = {fmt(step['f_trial'], DIGITS)}")
    else:
        out.append(f"s_{k} proposed (not recorded: the subproblem solver gives no λ)")
    model = step.get("model")
    if model:
        out.append(f"model decrease m(0) − m(s) = −gᵀs − ½sᵀHs = {fmt(-model['gs'], 6)} − ½·{fmt(model['sHs'], 6)}"
                   f" = {fmt(step.get('pred_quadratic'), 6)}")
    if step.get("rho") is not None:
        rho = step["rho"]
        verdict = "accepted" if step.get("accepted") else "rejected"
        change = "kept"
        if step.get("delta_next") is not None and step.get("delta") is not None:
            if step["delta_next"] < step["delta"]:
                change = f"shrunk to {fmt(step['delta_next'], 6)} (ρ < ¼)"
            elif step["delta_next"] > step["delta"]:
                change = f"grown to {fmt(step['delta_next'], 6)} (ρ > ¾ on the boundary)"
        out.append(f"ρ = actual / predicted = {_operand(step, 'actual')} / {_operand(step, 'pred_quadratic')} "
                   f"= {_num(step, 'rho', digits=6)}: step {verdict}; radius {change}")
    return out


def _decrease_line(step: dict) -> str:
    parts = []
    if step.get("pred_quadratic") is not None:
        parts.append(f"predicted by the quadratic model {_num(step, 'pred_quadratic', digits=6)}")
    if step.get("pred_linear") is not None:
        parts.append(f"first-order prediction {_num(step, 'pred_linear', digits=6)}")
    actual = step.get("actual")
    parts.append(f"actual {_num(step, 'actual', digits=6) if actual is not None else '—'}")
    return "decrease: " + "; ".join(parts)


def explain_blocks(steps: list[dict], width: int):
    """One block per iteration: a bold heading and the worked lines, wrapped at spaces."""
    parts = [Text(f"Worked solution: the first {len(steps)} iteration(s)", style="italic")]
    for step in steps:
        parts.append(Text(f"\nIteration k = {step['k']} ({step['method']})", style="bold"))
        for line in _lines_for(step):
            parts.append(lines(line, width, indent=2))
    return Group(*parts)
