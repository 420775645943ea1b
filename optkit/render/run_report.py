"""The run report: the iterates (fitted to the terminal), an Optim.jl-style summary, and the trace as CSV.

Renderers take the plain record ``Result.to_dict()`` and never compute: every
number printed is in the record (the Hessian index of a row comes from
``optkit.explain.summaries``).  No number is ever cut: when the columns do not
fit the width (``layout``), the table shows fewer digits, then fewer
coordinates (‖x‖₂ and the first ones), then the eigenvalues as λ_min, λ_max
and the index, and moves the step columns that still do not fit to a second
table, saying so.
"""

from __future__ import annotations

import math

from rich.console import Group
from rich.text import Text

from optkit.explain.summaries import hessian_index, note_runs
from optkit.render.columns import STEP_COLUMNS, header_of
from optkit.render.layout import GLUE, Column, fits, grid, key_values, lines
from optkit.render.output import csv_text, fmt

TOGETHER = {"m_hat", "v_hat", "m", "v", "eff_lr"}  # step columns shown side by side or not at all
TOGETHER_HEADERS = {header_of(k, set()) for k in TOGETHER} | {"α/(√v+ε)"}
FIRST, LAST = 10, 5  # rows shown around the elision line by default
DIGITS = [(8, 10, 4), (6, 8, 4), (5, 6, 3)]  # significant digits of (x, f, ‖g‖), then fewer when narrow
MAX_NOTES = 12  # distinct notes listed under the table
MAX_EXTRA_TABLES = 2  # continuation tables before columns are dropped (--all-columns shows every one)


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


def _cell(value, digits: int = 4) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "(" + f",{GLUE}".join(_cell(v, digits) for v in value) + ")"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isinf(value):
        return "−∞" if value < 0 else "∞"
    return fmt(value, digits)


def step_keys(record: dict, wanted: list[str] | None = None) -> list[str]:
    """The step columns this trace holds, in display order (only ``wanted`` ones when given)."""
    trace = record["trace"]
    present = {k for r in trace for k in r}
    declared = record.get("columns")  # the method's own columns, in its order (records before: ours)
    keys = [k for k in (declared or [k for k, _, _ in STEP_COLUMNS]) if k in present]
    if "alpha_exact" in present and "alpha" in keys:  # exact mode: α as a fraction
        keys[keys.index("alpha")] = "alpha_exact"
    if not declared and not any(r.get("trials") for r in trace):  # old records: no trials to show
        keys = [k for k in keys if k != "trials"]
    if wanted is None:
        return keys
    chosen = []
    for name in wanted:
        match = [k for k in keys if name in (k, header_of(k, present))]
        if not match:
            from optkit.errors import OptkitError

            raise OptkitError(f"--columns: {name!r} is not a column of this trace; it has "
                              f"{', '.join(keys) or 'no step columns'}")
        chosen += [k for k in match if k not in chosen]
    return chosen


class _Rows:
    """The rows to show and the cells of each column for them."""

    def __init__(self, record, indices):
        self.record, self.trace, self.indices = record, record["trace"], indices

    def column(self, header, value_of, justify="right") -> Column:
        cells = []
        for i in self.indices:
            cells.append("⋮" if i is None and header == "k" else "" if i is None else value_of(self.trace[i]))
        return Column(header, cells, justify)


def _x_columns(rows: _Rows, record: dict, m: int, with_norm: bool, digits: int) -> list[Column]:
    names = record.get("variables") or [f"x{i + 1}" for i in range(record["n"])]
    if any(r.get("exact") for r in rows.trace):
        text = lambda r: "(" + ", ".join(r["exact"] if r.get("exact") else [fmt(v) for v in r["x"]]) + ")"
        return [rows.column("x (exact)", text, "left")]
    cols = []
    if with_norm:
        cols.append(rows.column("‖x‖₂", lambda r: fmt(r["x_norm"], digits)))
    for j in range(m):
        cols.append(rows.column(names[j], lambda r, j=j: fmt(r["x"][j], digits) if j < len(r["x"]) else ""))
    return cols


def _eig_columns(rows: _Rows, summary: bool) -> list[Column]:
    if not summary:
        return [rows.column("eigenvalues of H", lambda r: _cell(r.get("eigenvalues")), "left")]
    return [rows.column("λ_min", lambda r: fmt(r["eigenvalues"][0], 4) if r.get("eigenvalues") else ""),
            rows.column("λ_max", lambda r: fmt(r["eigenvalues"][-1], 4) if r.get("eigenvalues") else ""),
            rows.column("index", lambda r: str(hessian_index(r["eigenvalues"])) if r.get("eigenvalues") else "")]


def _core(rows, record, width, show_eig) -> tuple[list[Column], list[Column]]:
    """(core columns that fit, eigenvalue columns left for the extras)."""
    n = record["n"]
    k_col = rows.column("k", lambda r: str(r["k"]))
    candidates = []
    if n <= 4:  # few coordinates: every coordinate before any digit; fewer coordinates only as a last resort
        candidates += [(d, n, False) for d in DIGITS]
        candidates += [(DIGITS[-1], m, True) for m in range(n - 1, -1, -1)]
    else:
        candidates += [(DIGITS[0], m, True) for m in (3, 2, 1, 0)]
        candidates += [(d, 0, True) for d in DIGITS[1:]]
    for eig_in_core in ((True, False) if show_eig and n > 4 else (False,)):
        for (dx, df, dg), m, with_norm in candidates:
            cols = [k_col, *_x_columns(rows, record, m, with_norm, dx),
                    rows.column("f", lambda r, df=df: fmt(r["f"], df)),
                    rows.column("‖g‖₂", lambda r, dg=dg: fmt(r["grad_norm"], dg))]
            eig = _eig_columns(rows, summary=True) if eig_in_core else []
            if fits(cols + eig, width):
                extra_eig = [] if eig_in_core or not show_eig else _eig_choice(rows, n)
                return cols + eig, extra_eig
    cols = [k_col, rows.column("f", lambda r: fmt(r["f"], 6)), rows.column("‖g‖₂", lambda r: fmt(r["grad_norm"], 3))]
    return cols, _eig_choice(rows, n) if show_eig else []


def _eig_choice(rows, n) -> list[Column]:
    return _eig_columns(rows, summary=n > 4)


def iteration_tables(record: dict, width: int = 100, every: int | None = None, show_all: bool = False,
                     eig: bool = True, columns: list[str] | None = None, all_columns: bool = False) -> list:
    """The iterates as one table or more, fitted to ``width``; lines below say what is hidden and where."""
    trace = record["trace"]
    indices = _rows_to_show(trace, every, show_all)
    rows = _Rows(record, indices)
    show_eig = eig and any(r.get("eigenvalues") for r in trace) and (columns is None or "eigenvalues" in columns)
    core, eig_cols = _core(rows, record, width, show_eig)
    present = {k for r in trace for k in r}
    wanted = [c for c in columns if c != "eigenvalues"] if columns is not None else None
    steps = []
    for k in step_keys(record, wanted):
        column = rows.column(header_of(k, present), lambda r, k=k: _cell(r.get(k)))
        if k in TOGETHER and steps and steps[-1][-1].header in TOGETHER_HEADERS:
            steps[-1].append(column)  # Adam's moments and step length stay side by side
        else:
            steps.append([column])
    eigs = [eig_cols] if eig_cols else []  # λ_min, λ_max and index stay together
    # few variables: the step columns first, the eigenvalues after (many: they are in the core)
    extras = steps + eigs
    title = f"{record['method']} on {record['problem']}"
    tables, main, placed, dropped = [], list(core), [], []
    pending = list(extras)
    for group in list(pending):  # greedy: every group that still fits joins the main table
        if fits(main + group, width):
            main += group
            pending.remove(group)
    tables.append(grid(main, width, title=title))
    k_col = core[0]
    continued = 0
    while pending:
        if continued == MAX_EXTRA_TABLES and not all_columns:
            dropped = [c.header for group in pending for c in group]
            break
        table_cols = [k_col]
        for group in list(pending):
            if fits(table_cols + group, width) or len(table_cols) == 1:
                table_cols += group
                pending.remove(group)
        continued += 1
        placed += [c.header for c in table_cols[1:]]
        tables.append(Group(Text(""), grid(table_cols, width, title=f"{title}: step data (continued)")))
    out = [tables[0]]
    out += tables[1:]
    notes = []
    if None in indices:
        hidden = len(trace) - FIRST - LAST
        notes.append(f"⋮ {hidden} iterations hidden (k = {trace[FIRST]['k']}–{trace[-LAST - 1]['k']}): "
                     "--every N or --all shows them")
    if dropped:
        notes.append(f"columns not shown at this width: {', '.join(dropped)} — --columns a,b,c picks the columns, "
                     "--all-columns shows every one, -f csv writes them all")
    thinning = record.get("trace_thinning")
    if thinning:
        notes.append(f"the trace keeps {thinning.get('kept')} of the iterations (the first and last ones and every "
                     f"{thinning.get('every')}-th between); -f json has the same records")
    runs = note_runs(trace)
    for (k0, k1), note in runs[:MAX_NOTES]:
        where = f"k = {k0}" if k0 == k1 else f"k = {k0}–{k1}"
        notes.append(f"note ({where}): {note}")
    if len(runs) > MAX_NOTES:
        notes.append(f"… {len(runs) - MAX_NOTES} more notes: -f json or -f csv has every one")
    out += [lines(text, width) for text in notes]
    return out


def iterations_table(record: dict, every: int | None = None, show_all: bool = False, eig: bool = True,
                     width: int = 200) -> Group:
    """The iteration tables and their notes as one renderable (the name earlier callers use)."""
    return Group(*iteration_tables(record, width, every, show_all, eig))


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

#: Options echoed in the summary only when they differ from "off" (the rest are always echoed).
_QUIET_WHEN_NONE = {"batch_size", "max_evals"}


def _pairs(items) -> str:
    """'a = 1, b = 2' where a line breaks only between pairs."""
    return ", ".join(f"{name}{GLUE}={GLUE}{value}" for name, value in items)


def _option_text(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    return _cell(value, 8) if isinstance(value, (int, float)) else str(value)


def summary_table(record: dict, width: int = 100):
    """Status line, the options, measures against tolerances (≤ / ≰), final point, classification, counters."""
    outcome = record.get("outcome", "minimum" if record["success"] else "not-converged")
    words, style = OUTCOME_WORDS.get(outcome, (outcome, "red"))
    if outcome == "saddle":
        index = (record.get("classification") or {}).get("index")
        words = f"converged — to a saddle point (index {index}), not a minimum"
    rows = [("Status", f"{words} ({record['status']})", style), ("Message", record["message"]),
            ("Method", f"{record['method']} on {record['problem']} (n = {record['n']})")]
    options = [(k, _option_text(v)) for k, v in (record.get("options") or {}).items()
               if not (k in _QUIET_WHEN_NONE and v is None)]
    if options:
        rows.append(("Options", _pairs(options)))
    for m in record.get("measures", []):
        value, tol = m["value"], m["tol"]
        if isinstance(value, float) and math.isnan(value) or isinstance(value, str):
            continue
        if tol == 0:  # a tolerance of 0 switches that test off; "≰ 0" would read as a failure
            rows.append((f"{GLUE * 2}{m['name']}", f"{fmt(value, 3)} (test off: {m['rule'].split(' ≤ ')[-1].split('·')[0]} = 0)"))
            continue
        sign = "≤" if m["met"] else "≰"
        rows.append((f"{GLUE * 2}{m['name']}", f"{fmt(value, 3)} {sign} {fmt(tol, 3)} ({m['rule']})"))
    x = record["x"]
    names = record.get("variables") or []
    if record["n"] <= 10:
        rows.append(("Final x", _pairs((names[i] if i < len(names) else f"x{i + 1}", fmt(v, 10))
                                       for i, v in enumerate(x))))
    else:
        last = record["trace"][-1] if record["trace"] else {}
        rows.append(("Final x", f"‖x‖₂{GLUE}={GLUE}{fmt(last.get('x_norm'), 8)}; first coordinates "
                                f"({', '.join(fmt(v, 6) for v in x[:4])}, …)"))
    exact = record.get("exact") or {}
    if exact.get("x"):
        label = "Final x (exact)" if exact.get("lost_at") is None else f"Last exact x (k = {exact.get('k')})"
        text = "(" + ", ".join(exact["x"]) + ")"
        if exact.get("lost_at") is not None and exact.get("f") is not None:
            text += f"; f there = {exact['f']}"  # the run ended elsewhere: its final f is the float below
        rows.append((label, text))
    rows += [("Final f", _final_f(record)), ("Final ‖g‖₂", fmt(record["grad_norm"], 4))]
    c = record.get("classification")
    if c:
        text = c["description"]
        if c.get("eigenvalues") and c.get("spectrum", "all") == "all":  # extreme Ritz values: the note gives them
            text += "; eigenvalues of H: " + ", ".join(fmt(v, 6) for v in c["eigenvalues"][:10])
            if len(c["eigenvalues"]) > 10:
                text += ", …"
        for note in c.get("notes", []):
            text += f" ({note})"
        rows.append(("Classification", text))
    e = record["evaluations"]
    rows.append(("Work counters", f"iterations {record['iterations']}; f {e['f']}, ∇f {e['grad']}, "
                                  f"∇²f {e['hess']}, Hessian-vector {e['hvp']}"))
    wall = record.get("wall_time", record.get("time"))
    if wall is not None:
        rows.append(("Wall time", f"{wall:.4g} s"))
    rows += [("Note", note) for note in record.get("notes", [])]
    if record.get("exact"):
        rows += [("Exact", note) for note in record["exact"].get("notes", [])]
    return key_values(rows, width, title="Results of optimization")


def _final_f(record: dict) -> str:
    """f, and its exact value where the exact path proved it (0, not 7.9e-31)."""
    exact = record.get("exact") or {}
    exact_f = exact.get("f") if exact.get("lost_at") is None else None  # else f of an earlier iterate
    if exact_f is not None:
        return f"{exact_f} (exact; ≈ {fmt(record['f'], 12)})" if exact_f != fmt(record["f"], 12) else exact_f
    return fmt(record["f"], 12)


def trace_csv(record: dict) -> str:
    """The trace as CSV; the gradient and step vectors (g_i, step_i) when the records carry them (n ≤ 10)."""
    trace = record["trace"]
    n_x = len(trace[0]["x"]) if trace else 0
    names = list(record.get("variables") or [])[:n_x]
    names += [f"x{i + 1}" for i in range(len(names), n_x)]
    keys = [k for k, _, _ in STEP_COLUMNS if any(k in r for r in trace)]
    vectors = [v for v in ("grad", "direction", "step") if any(isinstance(r.get(v), list) for r in trace)]
    keys = [k for k in keys if k not in vectors]
    extra = sorted({k for r in trace for k in r} - {"k", "x", "f", "grad_norm", "x_norm", "eigenvalues", "note",
                                                    "exact", "x_truncated", *keys, *vectors})
    keys += extra
    header = ["k", *names, "x_norm", "f", "grad_norm"]
    for v in vectors:
        header += [f"{v}_{name}" for name in names]
    header += [*keys, "eigenvalues", "note"]
    rows = []
    for r in trace:
        values = [r.get(k) for k in keys]
        values = [" ".join(repr(v) for v in value) if isinstance(value, list) else value for value in values]
        vector_cells = []
        for v in vectors:
            vector_cells += list(r.get(v) or [None] * n_x)[:n_x]
        eig = " ".join(repr(v) for v in r["eigenvalues"]) if r.get("eigenvalues") else None
        rows.append([r["k"], *r["x"], r["x_norm"], r["f"], r["grad_norm"], *vector_cells, *values, eig,
                     r.get("note") or None])
    return csv_text(header, rows)
