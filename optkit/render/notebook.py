"""How a Result and a classification look in a notebook: a short repr, an HTML table, the trace as arrays.

Records in (``to_dict()``), text out; pandas is optional (``trace_frame`` asks for it only when called).
"""

from __future__ import annotations

from html import escape

import numpy as np

from optkit.errors import OptkitError
from optkit.render.columns import STEP_COLUMNS, header_of
from optkit.render.output import fmt

HTML_FIRST, HTML_LAST = 10, 5  # trace rows shown in the notebook table


def result_repr(record: dict) -> str:
    return (f"Result({record['method']} on {record['problem']}: {record.get('outcome')}, f = {fmt(record['f'], 8)}, "
            f"‖g‖₂ = {fmt(record['grad_norm'], 3)}, {record['iterations']} iterations)")


def _table(header: list[str], rows: list[list[str]], caption: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption style='text-align:left'>{escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pairs(pairs: list[tuple[str, str]], caption: str = "") -> str:
    rows = "".join(f"<tr><th style='text-align:left'>{escape(k)}</th><td style='text-align:left'>{escape(v)}</td></tr>"
                   for k, v in pairs)
    cap = f"<caption style='text-align:left'>{escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}{rows}</table>"


def result_html(record: dict) -> str:
    names = record.get("variables") or [f"x{i + 1}" for i in range(record["n"])]
    summary = [("outcome", f"{record.get('outcome')} ({record['status']})"), ("message", record["message"]),
               ("x", ", ".join(f"{n} = {fmt(v, 10)}" for n, v in zip(names, record["x"][:10]))
                + (", …" if record["n"] > 10 else "")),
               ("f", fmt(record["f"], 12)), ("‖g‖₂", fmt(record["grad_norm"], 4)),
               ("iterations", str(record["iterations"]))]
    if record.get("classification"):
        summary.append(("classification", record["classification"]["description"]))
    trace = record["trace"]
    present = {k for r in trace for k in r}
    keys = [k for k, _, _ in STEP_COLUMNS if k in present]
    shown = names[:4]
    header = ["k", *shown, "f", "‖g‖₂", *[header_of(k, present) for k in keys]]
    index = list(range(len(trace)))
    if len(trace) > HTML_FIRST + HTML_LAST + 1:
        index = index[:HTML_FIRST] + [None] + index[-HTML_LAST:]
    rows = []
    for i in index:
        if i is None:
            rows.append(["⋮"] + [""] * (len(header) - 1))
            continue
        r = trace[i]
        rows.append([str(r["k"]), *[fmt(v) for v in r["x"][: len(shown)]], fmt(r["f"], 10), fmt(r["grad_norm"], 4),
                     *[_cell(r.get(k)) for k in keys]])
    return (_pairs(summary, f"{record['method']} on {record['problem']} (n = {record['n']})")
            + _table(header, rows, "trace (result.trace_arrays() or result.trace_frame() for all of it)"))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "(" + ", ".join(fmt(v, 4) for v in value) + ")"
    return value if isinstance(value, str) else fmt(value, 4)


def trace_arrays(record: dict) -> dict:
    """The trace as numpy arrays: k, x (iterations × n), f, grad_norm, x_norm and every numeric step column."""
    trace = record["trace"]
    out = {"k": np.array([r["k"] for r in trace]), "x": np.array([r["x"] for r in trace], dtype=float),
           "f": np.array([r["f"] for r in trace], dtype=float),
           "grad_norm": np.array([r["grad_norm"] for r in trace], dtype=float),
           "x_norm": np.array([r["x_norm"] for r in trace], dtype=float)}
    for key in sorted({k for r in trace for k in r} - set(out) - {"note", "exact", "x_truncated", "eigenvalues"}):
        values = [r.get(key) for r in trace]
        if all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values):
            out[key] = np.array([np.nan if v is None else v for v in values], dtype=float)
    return out


def trace_frame(record: dict):
    """The trace as a pandas DataFrame (one column per coordinate); pandas is optional."""
    try:
        import pandas as pd
    except ImportError:
        raise OptkitError("trace_frame() needs pandas (pip install pandas); trace_arrays() gives numpy arrays") from None
    arrays = trace_arrays(record)
    names = record.get("variables") or [f"x{i + 1}" for i in range(arrays["x"].shape[1])]
    columns = {"k": arrays.pop("k")}
    x = arrays.pop("x")
    for j in range(x.shape[1] if x.ndim == 2 else 0):
        columns[names[j] if j < len(names) else f"x{j + 1}"] = x[:, j]
    columns.update(arrays)
    return pd.DataFrame(columns).set_index("k")


def classification_repr(record: dict) -> str:
    return f"ClassifyResult({record['problem']}, {record['method']} path: {record['summary']})"


def classification_html(record: dict) -> str:
    rows = []
    for i, p in enumerate(record["points"], 1):
        where = "(" + ", ".join(fmt(v, 9) for v in p["x"]) + ")"
        if p.get("exact"):
            where = f"{p['exact']} ≈ {where}"
        rows.append([str(i), where, fmt(p["f"], 10), "(" + ", ".join(fmt(v, 5) for v in p["eigenvalues"]) + ")",
                     fmt(p["index"]), p["description"]])
    return _table(["#", "point", "f", "eigenvalues", "index", "kind"], rows,
                  f"stationary points of {record['problem']}: {record['summary']}")


def point_repr(record: dict) -> str:
    return f"Classification({record['description']}, eigenvalues {fmt_list(record['eigenvalues'])})"


def point_html(record: dict) -> str:
    return _pairs([("kind", record["description"]), ("eigenvalues", fmt_list(record["eigenvalues"])),
                   ("‖∇f‖₂", fmt(record["grad_norm"], 4)), *[("note", n) for n in record["notes"]]])


def fmt_list(values) -> str:
    return "(" + ", ".join(fmt(v, 6) for v in (values or [])) + ")"
