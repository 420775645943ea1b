"""The run report: a table of iterates, an Optim.jl-style summary, and the trace as CSV.

Renderers take the plain record ``Result.to_dict()`` and never compute: every
number printed is in the record.
"""

from __future__ import annotations

import math

from rich.table import Table

from optkit.render.output import csv_text, fmt

# column headers of step-data keys; the record's "columns" (declared by the method) say which and in
# what order; this order is used only for records saved before they carried "columns"
STEP_COLUMNS = [
    ("alpha", "α"), ("trials", "trials"), ("pred", "pred. decrease"), ("actual", "actual decrease"),
    ("delta", "Δ"), ("rho", "ρ"), ("accepted", "accepted"), ("step_norm", "‖step‖"), ("lambda", "λ (TR)"),
    ("damping", "damping"), ("m_hat", "m̂"), ("v_hat", "v̂"), ("eff_lr", "α/(√v̂+ε)"),
]
FIRST, LAST = 10, 5  # rows shown around the elision line by default


_LABELS = dict(STEP_COLUMNS)


def _step_columns(record: dict) -> list[str]:
    """The step-data keys the method declared (``record["columns"]``) that some trace row holds."""
    declared = record.get("columns") or [k for k, _ in STEP_COLUMNS]
    return [k for k in declared if any(k in r for r in record["trace"])]


def _x_columns(record: dict) -> tuple[list[str], bool]:
    names = record.get("variables") or [f"x{i + 1}" for i in range(record["n"])]
    if record["n"] <= 4:
        return list(names), False
    return list(names[:3]), True


def _rows_to_show(trace: list, every: int | None, show_all: bool) -> list:
    """Indices of the trace rows to show, with None where rows are elided."""
    n = len(trace)
    if show_all or n <= FIRST + LAST + 1:
        return list(range(n))
    if every:
        rows = list(range(0, n, every))
        if rows[-1] != n - 1:
            rows.append(n - 1)
        return rows
    return list(range(FIRST)) + [None] + list(range(n - LAST, n))


def _fmt_cell(key: str, value) -> str:
    if value is None:
        return ""
    if key == "accepted":
        return "yes" if value else "no"
    if isinstance(value, list):
        return "(" + ", ".join(fmt(v, 4) for v in value) + ")"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isinf(value):
        return "−∞" if value < 0 else "∞"
    return fmt(value, 4)


def _eig_cell(values) -> str:
    """All eigenvalues (ascending) for up to four, else the extremes and how many there are."""
    if not values:
        return ""
    if len(values) <= 4:
        return "(" + ", ".join(fmt(v, 4) for v in values) + ")"
    return f"{fmt(values[0], 4)} … {fmt(values[-1], 4)} ({len(values)})"


def iterations_table(record: dict, every: int | None = None, show_all: bool = False, eig: bool = True) -> Table:
    trace = record["trace"]
    names, with_norm = _x_columns(record)
    exact = any(r.get("exact") for r in trace)
    table = Table(title=f"{record['method']} on {record['problem']}", title_justify="left")
    table.add_column("k", justify="right")
    if exact:
        table.add_column("x (exact)", overflow="fold")
    else:
        # Iterates and f are what students compare with hand calculations: never cut them short.
        for name in names:
            table.add_column(name, justify="right", no_wrap=True, min_width=10)
        if with_norm:
            table.add_column("‖x‖₂", justify="right", no_wrap=True, min_width=10)
    table.add_column("f", justify="right", no_wrap=True, min_width=10)
    table.add_column("‖g‖₂", justify="right")
    keys = [(k, _LABELS.get(k, k)) for k in _step_columns(record)]
    if any(r.get("alpha_exact") for r in trace):  # exact mode: α as a fraction
        keys = [("alpha_exact", "α") if k == "alpha" else (k, label) for k, label in keys]
    if not record.get("columns") and not any(r.get("trials") for r in trace):  # old records: no trials to show
        keys = [(k, label) for k, label in keys if k != "trials"]
    for _, label in keys:
        table.add_column(label, justify="right")
    show_eig = eig and any(r.get("eigenvalues") for r in trace)
    if show_eig:
        table.add_column("eigenvalues of H", overflow="fold")
    has_notes = any(r.get("note") for r in trace)
    if has_notes:
        table.add_column("note", overflow="fold")
    width = len(table.columns)
    if None in _rows_to_show(trace, every, show_all):
        table.caption = "⋮ rows hidden: --every N or --all shows them"
        table.caption_justify = "left"
    for i in _rows_to_show(trace, every, show_all):
        if i is None:
            skipped = len(trace) - FIRST - LAST
            table.add_row("⋮", f"{skipped} hidden", *[""] * (width - 2))
            continue
        r = trace[i]
        cells = [str(r["k"])]
        if exact:
            cells.append("(" + ", ".join(r["exact"]) + ")" if r.get("exact") else "(" + ", ".join(fmt(v) for v in r["x"]) + ")")
        else:
            cells += [fmt(v) for v in r["x"][: len(names)]]
            if with_norm:
                cells.append(fmt(r["x_norm"]))
        cells += [fmt(r["f"], 10), fmt(r["grad_norm"], 4)]
        cells += [_fmt_cell(k, r.get(k) if k != "alpha_exact" else r.get(k) or r.get("alpha")) for k, _ in keys]
        if show_eig:
            cells.append(_eig_cell(r.get("eigenvalues")))
        if has_notes:
            cells.append(r.get("note") or "")
        table.add_row(*cells)
    return table


#: The status line's words and colour follow the outcome: only a minimum wears the colour of success.
OUTCOME_WORDS = {
    "minimum": ("success — converged to a minimum", "green"),
    "saddle": ("converged — to a saddle point, not a minimum", "yellow"),
    "maximum": ("converged — to a maximum, not a minimum", "yellow"),
    "degenerate": ("converged — to a degenerate stationary point of undecided type", "yellow"),
    "diverging": ("failure — diverging, no stationary point reached", "red"),
    "not-converged": ("failure — not converged", "red"),
    "failed": ("failure — numerical failure", "red"),
    "timeout": ("failure — stopped by the time limit", "red"),
}


def summary_table(record: dict) -> Table:
    """Status line, measures against tolerances (≤ / ≰), final point, classification, work counters."""
    table = Table(show_header=False, box=None, title="Results of optimization", title_justify="left")
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    outcome = record.get("outcome", "minimum" if record["success"] else "not-converged")
    words, style = OUTCOME_WORDS.get(outcome, (outcome, "red"))
    if outcome == "saddle":
        index = (record.get("classification") or {}).get("index")
        words = f"converged — to a saddle point (index {index}), not a minimum"
    table.add_row("Status", f"[{style}]{words}[/] ({record['status']})")
    table.add_row("Message", record["message"])
    table.add_row("Method", f"{record['method']} on {record['problem']} (n = {record['n']})")
    for m in record.get("measures", []):
        value, tol = m["value"], m["tol"]
        if isinstance(value, float) and math.isnan(value):
            continue
        if tol == 0:  # a tolerance of 0 switches that test off; "≰ 0" would read as a failure
            table.add_row(f"  {m['name']}", f"{fmt(value, 3)}   (test off: {m['rule'].split(' ≤ ')[-1].split('·')[0]} = 0)")
            continue
        sign = "≤" if m["met"] else "≰"
        table.add_row(f"  {m['name']}", f"{fmt(value, 3)} {sign} {fmt(tol, 3)}   ({m['rule']})")
    x = record["x"]
    names = record.get("variables") or []
    if record["n"] <= 10:
        table.add_row("Final x", ", ".join(f"{names[i] if i < len(names) else f'x{i + 1}'} = {fmt(v, 10)}"
                                            for i, v in enumerate(x)))
    else:
        last = record["trace"][-1] if record["trace"] else {}
        table.add_row("Final x", f"first coordinates ({', '.join(fmt(v, 6) for v in x[:4])}, …), "
                                 f"‖x‖₂ = {fmt(last.get('x_norm'), 8)}")
    exact = record.get("exact") or {}
    if exact.get("x"):
        label = "Final x (exact)" if exact.get("lost_at") is None else f"Last exact x (k = {exact.get('k')})"
        table.add_row(label, "(" + ", ".join(exact["x"]) + ")")
    table.add_row("Final f", fmt(record["f"], 12))
    table.add_row("Final ‖g‖₂", fmt(record["grad_norm"], 4))
    c = record.get("classification")
    if c:
        text = c["description"]
        if c.get("eigenvalues"):
            text += "; eigenvalues of H: " + ", ".join(fmt(v, 6) for v in c["eigenvalues"][:10])
            if len(c["eigenvalues"]) > 10:
                text += ", …"
        for note in c.get("notes", []):
            text += f" ({note})"
        table.add_row("Classification", text)
    e = record["evaluations"]
    table.add_row("Work counters", f"iterations {record['iterations']}; f {e['f']}, ∇f {e['grad']}, "
                                   f"∇²f {e['hess']}, Hessian-vector {e['hvp']}")
    table.add_row("Wall time", f"{record['wall_time']:.4g} s")
    for note in record.get("notes", []):
        table.add_row("Note", note)
    if record.get("trace_thinning"):
        thin = record["trace_thinning"]
        table.add_row("Trace", f"thinned: {thin['kept']} of {record['iterations'] + 1} records kept (the first and "
                               f"last 1,000 and every {thin['every']}-th between)")
    if record.get("exact"):
        for note in record["exact"].get("notes", []):
            table.add_row("Exact", note)
    return table


def trace_csv(record: dict) -> str:
    trace = record["trace"]
    n_x = len(trace[0]["x"]) if trace else 0
    names = list(record.get("variables") or [])[:n_x]
    names += [f"x{i + 1}" for i in range(len(names), n_x)]
    keys = _step_columns(record)
    extra = sorted({k for r in trace for k in r} - {"k", "x", "f", "grad_norm", "x_norm", "eigenvalues", "note",
                                                    "exact", "x_truncated", "grad", "direction", *keys})
    keys += extra
    header = ["k", *names, "x_norm", "f", "grad_norm", *keys, "eigenvalues", "note"]
    rows = []
    for r in trace:
        values = [r.get(k) for k in keys]
        values = [" ".join(repr(v) for v in value) if isinstance(value, list) else value for value in values]
        eig = " ".join(repr(v) for v in r["eigenvalues"]) if r.get("eigenvalues") else None
        rows.append([r["k"], *r["x"], r["x_norm"], r["f"], r["grad_norm"], *values, eig, r.get("note") or None])
    return csv_text(header, rows)
