"""Rich tables for ``list``, ``show`` and ``eval`` (records in, text out)."""

from __future__ import annotations

from rich.table import Table

from optkit.render.output import fmt, fmt_vector

KIND_STYLE = {"minimum": "green", "maximum": "red", "saddle": "yellow", "degenerate": "magenta",
              "not-stationary": "cyan"}


def problems_table(rows: list[dict]) -> Table:
    table = Table(title=f"{len(rows)} problems (`optkit show NAME` for details)", title_justify="left")
    for column in ("name", "n", "tags", "f*", "source"):
        table.add_column(column)
    for row in rows:
        name = row["name"] + (f" ({', '.join(row['aliases'])})" if row["aliases"] else "")
        first_source = row["source"].split(";")[0].strip()
        table.add_row(name, _clip(row["n"], 12), ", ".join(row["tags"]), _clip(row["fstar"] or "—", 14),
                      _clip(first_source, 34))
    return table


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def problem_details(record: dict) -> Table:
    table = Table(show_header=False, title=f"problem {record['name']}", title_justify="left", box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")

    def add(label: str, value) -> None:
        if value not in (None, "", [], ()):
            table.add_row(label, str(value))

    add("aliases", ", ".join(record["aliases"]))
    add("n", record["n"])
    add("parameters", ", ".join(f"{k} = {v}" for k, v in record["params"].items()))
    add("formula", record["formula"])
    add("variables", ", ".join(record["variables"]))
    for i, g in enumerate(record.get("gradient") or []):
        add(f"∂f/∂{record['variables'][i]}", g)
    for entry in record.get("hessian") or []:
        add(f"∂²f/∂{entry['wrt'][0]}∂{entry['wrt'][1]}", entry["formula"])
    add("x0", fmt_vector(record["x0"]))
    add("box", "  ".join(f"[{fmt(lo)}, {fmt(hi)}]" for lo, hi in record["box"]))
    add("f*", record["fstar"])
    for x in record["minimizers"]:
        add("minimizer", fmt_vector(x, 12))
    for point in record["stationary_points"]:
        where = "(" + ", ".join(point["exact"]) + ")" if point["exact"] else fmt_vector(point["x"], 12)
        kind = point["kind"] + (f", index {point['index']}" if point["index"] else "")
        if point.get("behaves_as"):
            kind += f", behaves as a {point['behaves_as']}"
        add("stationary point", f"{where}  {kind}")
    add("tags", ", ".join(record["tags"]))
    add("smooth", "yes" if record["smooth"] else "no (derivatives do not exist everywhere)")
    if record["bounded_only"]:
        add("box only", "meaningful only inside its box (unbounded or degenerate outside)")
    add("source", record["source"])
    add("notes", record["notes"])
    add("file", record["origin"])
    return table


def evaluation_tables(record: dict) -> list:
    c = record["classification"]
    names = record["variables"]
    summary = Table(show_header=False, box=None, title=f"{record['problem']} at {fmt_vector(record['x'])}",
                    title_justify="left")
    summary.add_column(style="bold")
    summary.add_column(overflow="fold")
    summary.add_row("f", fmt(record["f"], 12))
    summary.add_row("∇f", fmt_vector(record["grad"], 10))
    summary.add_row("‖∇f‖₂", fmt(record["grad_norm"], 4))
    style = KIND_STYLE.get(c["kind"], "")
    summary.add_row("classification", f"[{style}]{c['description']}[/]" if style else c["description"])
    tol = record["tolerances"]
    summary.add_row("tolerances", f"stationary when ‖∇f‖₂ ≤ gtol = {fmt(tol['gtol'])}; "
                                  f"|λ| ≤ {fmt(c['eig_threshold'], 3)} (eig_tol {fmt(tol['eig_tol'], 3)} × max(1, max|λ|)) counts as zero")
    for note in c["notes"]:
        summary.add_row("note", note)
    tables = [summary]
    if record["hessian"] is not None:
        hessian = Table(title="Hessian ∇²f", title_justify="left")
        hessian.add_column("")
        for name in names:
            hessian.add_column(name, justify="right")
        for name, row in zip(names, record["hessian"]):
            hessian.add_row(name, *(fmt(v) for v in row))
        tables.append(hessian)
    if record["eigenvalues"] is not None:
        eigen = Table(title="eigenvalues and eigenvectors", title_justify="left")
        eigen.add_column("λ", justify="right")
        eigen.add_column("sign")
        eigen.add_column("eigenvector " + fmt_vector_names(names))
        threshold = c["eig_threshold"]
        for value, vector in zip(record["eigenvalues"], record["eigenvectors"]):
            sign = "0" if abs(value) <= threshold else ("+" if value > 0 else "−")
            eigen.add_row(fmt(value), sign, fmt_vector(vector, 6))
        tables.append(eigen)
    if record.get("taylor"):
        t = record["taylor"]
        taylor = Table(title=f"Taylor polynomial of order {t['order']} at ({', '.join(t['point'])})",
                       title_justify="left")
        taylor.add_column("degree", justify="right")
        taylor.add_column("term", overflow="fold")
        for term in t["terms"]:
            taylor.add_row(str(term["degree"]), term["term"])
        taylor.add_row("Σ", t["polynomial"])
        tables.append(taylor)
    return tables


def fmt_vector_names(names) -> str:
    return "(" + ", ".join(names) + ")"


def classification_table(record: dict) -> list:
    """Stationary points sorted by f, then the summary and the evidence."""
    table = Table(title=f"stationary points of {record['problem']} ({record['method']} path)", title_justify="left")
    for column, justify in (("#", "right"), ("point", "left"), ("f", "right"), ("‖∇f‖", "right"),
                            ("eigenvalues", "left"), ("index", "right"), ("kind", "left")):
        table.add_column(column, justify=justify, overflow="fold")
    for i, p in enumerate(record["points"], 1):
        where = fmt_vector(p["x"], 9)
        if p["exact"] and p["exact"].replace(" ", "") != where.replace(" ", ""):
            where = f"{p['exact']}\n≈ {where}"
        if not p["in_box"]:
            where += "\n(outside the box)"
        style = KIND_STYLE.get(p["kind"], "")
        kind = p["description"]
        table.add_row(str(i), where, fmt(p["f"], 10), fmt(p["grad_norm"], 2), fmt_vector(p["eigenvalues"], 5),
                      fmt(p["index"]), f"[{style}]{kind}[/]" if style else kind)
    lines = Table(show_header=False, box=None)
    lines.add_column(style="bold")
    lines.add_column(overflow="fold")
    lines.add_row("summary", record["summary"])
    if record.get("path_reason"):
        lines.add_row("path", f"{record['method']}: {record['path_reason']}")
    if record.get("cut_short"):
        lines.add_row("cut short", "yes: stopped by the time limit (--timeout); the list holds what was found")
    if record["method"] == "exact":
        complete = "yes: proven by the exact path" if record["complete"] else "no"
        lines.add_row("complete", complete)
        lines.add_row("complex solutions", f"{record['n_complex']} non-real (Bézout bound {record['bezout_bound']})")
    else:
        e = record["evidence"]
        lines.add_row("evidence", f"{e['n_starts']} starts, {e['distinct_points']} distinct points, "
                                  f"last new point after start {e['last_new_at']}; completeness not proven")
    for curve in record["curves"]:
        samples = curve["samples"]
        lines.add_row("curve", f"non-isolated stationary points from {fmt_vector(samples[0], 5)} "
                               f"to {fmt_vector(samples[-1], 5)} ({curve['n_samples']} samples)")
        for seg in curve.get("segments", []):
            lines.add_row("", f"{seg['kind']} from {fmt_vector(seg['start'], 5)} to {fmt_vector(seg['end'], 5)}")
    for note in record["notes"]:
        lines.add_row("note", note)
    lines.add_row("time", f"{record['seconds']:.2f} s")
    return [table, lines]
