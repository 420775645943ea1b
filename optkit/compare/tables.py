"""Rich tables for ``compare`` and ``report`` (plain summary data in, tables out; nothing is computed).

No number is ever cut or folded, at any width: every column is as wide as its widest cell,
and when the columns do not fit the terminal they are split over several tables, each
repeating the key column (:func:`fitted_tables`).
"""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from optkit.compare.profiles import SUMMARY_TAUS
from optkit.compare.summary import COST_NAMES, END_LEGEND, cell_text, format_cost

OUTCOME_COLUMNS = (("solved", "solved"), ("minimum", "min"), ("saddle", "saddle"), ("maximum", "max"),
                   ("degenerate", "degen"), ("diverging", "diverg"), ("not_converged", "not-conv"),
                   ("failed", "failed"), ("timeout", "timeout"), ("skipped", "skipped"))
OUTCOME_STYLE = {"solved": "green", "saddle": "yellow", "maximum": "red", "failed": "red", "timeout": "red"}


def fitted_tables(title: str, key_header: str, keys: list[str], columns: list[tuple[str, list[str]]], width: int,
                  styles: dict | None = None) -> list[Table]:
    """Tables of ``key | columns...`` whose total width is at most ``width``; columns split over tables as needed.

    A column is ``(header, cells)``; its width is its widest cell or header, and no column is ever
    narrowed (a number never wraps).  Width of a table with the SIMPLE box: Σ (wᵢ + 2) + (k − 1) + 2.
    """
    def w(header, cells):
        return max([len(header), *(len(c) for c in cells)] or [1])

    key_width = w(key_header, keys)
    groups, current, used = [], [], key_width + 4
    for header, cells in columns:
        need = w(header, cells) + 3
        if current and used + need > width:
            groups.append(current)
            current, used = [], key_width + 4
        current.append((header, cells))
        used += need
    if current:
        groups.append(current)
    groups = _balanced(groups, key_width, width, w)
    tables = []
    for i, group in enumerate(groups):
        suffix = f" ({i + 1}/{len(groups)})" if len(groups) > 1 else ""
        table = Table(title=title + suffix, title_justify="left", box=box.SIMPLE, pad_edge=True, expand=False)
        table.add_column(key_header, no_wrap=True, min_width=key_width, overflow="ignore")
        for header, cells in group:
            table.add_column(header, justify="right", no_wrap=True, min_width=w(header, cells))
        for r, key in enumerate(keys):
            row = [Text(key)]
            for header, cells in group:
                style = (styles or {}).get((r, header), "")
                row.append(Text(cells[r], style=style, justify="right"))
            table.add_row(*row)
        tables.append(table)
    return tables


def _balanced(groups: list, key_width: int, width: int, w) -> list:
    """The same number of tables with the columns spread evenly, when that still fits (no lone last column)."""
    k = len(groups)
    columns = [c for g in groups for c in g]
    if k < 2:
        return groups
    size, extra = divmod(len(columns), k)
    even, start = [], 0
    for i in range(k):
        stop = start + size + (1 if i < extra else 0)
        even.append(columns[start:stop])
        start = stop
    fits = all(key_width + 4 + sum(w(h, cells) + 3 for h, cells in g) <= width for g in even)
    return even if fits else groups


def _num(value, digits: int = 4) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e9:
        return str(int(value))
    return f"{value:.{digits}g}"


def method_tables(summary: list[dict], width: int, cost: str) -> list[Table]:
    """Outcome counts per method, then medians over solved runs and ρ(τ)."""
    keys = [s["method"] for s in summary]
    counts = [(label, [str(s[key]) for s in summary]) for key, label in OUTCOME_COLUMNS]
    counts.insert(0, ("runs", [str(s["runs"]) for s in summary]))
    styles = {(r, label): OUTCOME_STYLE.get(key, "") for r, s in enumerate(summary)
              for key, label in OUTCOME_COLUMNS if s[key]}
    tables = fitted_tables("outcomes per method", "method", keys, counts, width, styles)
    costs = [("med iters", [_num(s["median_iterations"]) for s in summary]),
             ("med evals", [_num(s["median_evaluations"]) for s in summary]),
             ("med time", [_time(s["median_time"]) for s in summary])]
    costs += [(f"ρ({t})", [f"{s['profile'][str(t)]:.2f}" for s in summary]) for t in SUMMARY_TAUS]
    tables += fitted_tables(f"cost over solved runs; ρ(τ) on {cost}", "method", keys, costs, width)
    return tables


def _time(value) -> str:
    return "—" if value is None else f"{value:.3g}s"


def problem_tables(matrix: dict, width: int) -> list[Table]:
    """Methods × problems: median cost over solved starts and the symbols of the other ends."""
    rows = matrix["rows"]
    keys = [row["problem"] for row in rows]
    columns = [(m, [cell_text(row["cells"].get(m), matrix["cost"]) for row in rows]) for m in matrix["methods"]]
    return fitted_tables(f"median {matrix['cost']} per problem over solved starts", "problem", keys, columns, width)


def data_profile_tables(profiles: dict, width: int) -> list[Table]:
    methods = list(profiles)
    kappas = list(next(iter(profiles.values()))) if profiles else []
    columns = [(f"d({k})", [f"{profiles[m][k]:.2f}" for m in methods]) for k in kappas]
    return fitted_tables("data profile (Moré & Wild 2009)", "method", methods, columns, width)


def legends(cost: str, solved_rule: str, data: bool = False) -> list[str]:
    lines = [solved_rule,
             f"ρ(τ): fraction of instances (problem, n, start) a method solves within τ × the least {COST_NAMES[cost]} "
             "of any method; ρ(1) = how often it is cheapest, ρ(16) ≈ how often it solves at all",
             "per-problem cells: median cost over the solved starts (— none solved), then " + END_LEGEND]
    if data:
        lines.append("d(κ): fraction of instances solved within κ·(n + 1) evaluations (κ simplex gradients)")
    return lines


def diff_tables(diff: dict, width: int) -> list[Table]:
    """``report A.db B.db``: per method, then the runs whose outcome changed."""
    keys = [m["method"] for m in diff["methods"]]
    columns = [(label, [_num(m[key]) if key != "median_ratio" else ("—" if m[key] is None else f"{m[key]:.3g}")
                        for m in diff["methods"]])
               for key, label in (("matched", "matched"), ("same", "same outcome"), ("better", "better"),
                                  ("worse", "worse"), ("changed", "other change"), ("median_ratio", "cost B/A"))]
    tables = fitted_tables(f"{diff['b']} against {diff['a']}, run by run", "method", keys, columns, width)
    changes = diff["changes"]
    if changes:
        keys = [f"{c['problem']} · {c['method']} · start {c['start_index']}" for c in changes]
        columns = [("A", [c["a"] for c in changes]), ("B", [c["b"] for c in changes]),
                   ("cost A", [_num(c["cost_a"]) for c in changes]), ("cost B", [_num(c["cost_b"]) for c in changes])]
        tables += fitted_tables("runs whose outcome changed", "run", keys, columns, width)
    return tables


__all__ = ["data_profile_tables", "diff_tables", "fitted_tables", "legends", "method_tables", "problem_tables",
           "format_cost"]
