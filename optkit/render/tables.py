"""Tables for ``list``, ``show``, ``eval``, ``classify`` and ``methods`` (records in, text out).

Every table is laid out by ``optkit.render.layout`` for the terminal's width:
cells break only at spaces, so no number is ever cut or folded.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from optkit.render.layout import GLUE, Column, grid, key_values, lines
from optkit.render.output import fmt, fmt_vector

KIND_STYLE = {"minimum": "green", "maximum": "red", "saddle": "yellow", "degenerate": "magenta",
              "not-stationary": "cyan"}
BIG_MATRIX_N = 10  # eval: larger Hessians are summarised, not printed n × n
SOURCE_MIN_WIDTH = 24  # list: the source column only when it gets at least this much room


def _vector(values, digits=8) -> str:
    """(a, b, c) that may break after a comma, never inside a number."""
    return fmt_vector(values, digits)


def problems_table(rows: list[dict], width: int = 100) -> list:
    title = f"{len(rows)} problems (`optkit show NAME` for details)"
    names = Column("name", [r["name"] + (f" ({', '.join(r['aliases'])})" if r["aliases"] else "") for r in rows], "left")
    cols = [names, Column("n", [str(r["n"]) for r in rows], "left"),
            Column("tags", [", ".join(r["tags"]) for r in rows], "left"),
            Column("f*", [str(r["fstar"] or "—") for r in rows], "left")]
    source = Column("source", [r["source"].split(";")[0].strip() for r in rows], "left")
    from optkit.render.layout import widths_for

    widths = widths_for(cols + [source], width)
    if widths is not None and widths[-1] >= min(SOURCE_MIN_WIDTH, source.natural):
        return [grid(cols + [source], width, title=title)]
    return [grid(cols, width, title=title), lines("(the source column is left out at this width: "
                                                   "`optkit show NAME` gives it)", width)]


def problem_details(record: dict, width: int = 100):
    pairs = []

    def add(label: str, value) -> None:
        if value not in (None, "", [], ()):
            pairs.append((label, str(value)))

    add("aliases", ", ".join(record["aliases"]))
    add("n", record["n"])
    add("parameters", ", ".join(f"{k}{GLUE}={GLUE}{v}" for k, v in record["params"].items()))
    add("formula", record["formula"])
    add("variables", ", ".join(record["variables"]))
    for i, g in enumerate(record.get("gradient") or []):
        add(f"∂f/∂{record['variables'][i]}", g)
    for entry in record.get("hessian") or []:
        add(f"∂²f/∂{entry['wrt'][0]}∂{entry['wrt'][1]}", entry["formula"])
    add("x0", _vector(record["x0"]))
    add("box", "  ".join(f"[{fmt(lo)},{GLUE}{fmt(hi)}]" for lo, hi in record["box"]))
    add("f*", record["fstar"])
    for x in record["minimizers"]:
        add("minimizer", _vector(x, 12))
    for point in record["stationary_points"]:
        where = "(" + ", ".join(point["exact"]) + ")" if point["exact"] else _vector(point["x"], 12)
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
    return key_values(pairs, width, title=f"problem {record['name']}")


def _gradient_text(record: dict) -> str:
    """∇f as (a, b) for two variables; labelled by variable (∂f/∂x = a, …) from three on."""
    names, grad = record["variables"], record["grad"]
    if len(grad) <= 2 or len(names) != len(grad):
        return _vector(grad, 10)
    shown = [f"∂f/∂{name}{GLUE}={GLUE}{fmt(v, 10)}" for name, v in zip(names[:BIG_MATRIX_N], grad)]
    more = f", … ({len(grad) - BIG_MATRIX_N} more: -f json)" if len(grad) > BIG_MATRIX_N else ""
    return ", ".join(shown) + more


def evaluation_tables(record: dict, width: int = 100) -> list:
    c = record["classification"]
    names = record["variables"]
    n = len(names)
    x_text = _vector(record["x"]) if n <= BIG_MATRIX_N else f"({', '.join(fmt(v) for v in record['x'][:4])}, …)"
    style = KIND_STYLE.get(c["kind"], "")
    tol = record["tolerances"]
    pairs = [("f", fmt(record["f"], 12)), ("∇f", _gradient_text(record)), ("‖∇f‖₂", fmt(record["grad_norm"], 4)),
             ("classification", c["description"], style),
             ("tolerances", f"stationary when ‖∇f‖₂ ≤ gtol{GLUE}={GLUE}{fmt(tol['gtol'])}; |λ| ≤ "
                            f"{fmt(c['eig_threshold'], 3)} counts as zero (the larger of eig_tol "
                            f"{fmt(tol['eig_tol'], 3)} and the error bound of the eigenvalues computed from a "
                            f"{tol.get('hessian_source', 'unknown')} Hessian)")]
    pairs += [("note", note) for note in c["notes"]]
    if record.get("sample"):
        s = record["sample"]
        pairs.insert(0, ("sample", s["description"]))
    tables = [key_values(pairs, width, title=f"{record['problem']} at {x_text}")]
    if record.get("sample_pass"):
        tables.append(key_values(record["sample_pass"], width, title="forward and backward pass"))
    hessian = record["hessian"]
    if hessian is not None and n <= BIG_MATRIX_N:
        cols = [Column("", list(names), "left")]
        cols += [Column(name, [fmt(row[j]) for row in hessian]) for j, name in enumerate(names)]
        tables.append(grid(cols, width, title="Hessian ∇²f"))
    elif hessian is not None:
        tables.append(lines(f"Hessian ∇²f: {n} × {n}, not printed (more than {BIG_MATRIX_N} variables); "
                            "-f json has every entry", width))
    if record["eigenvalues"] is not None and c.get("spectrum") == "extreme":
        pass  # only λ_min and λ_max were estimated (large n): the classification's note gives them with their accuracy
    elif record["eigenvalues"] is not None:
        threshold = c["eig_threshold"]
        values = record["eigenvalues"]
        sign = ["0" if abs(v) <= threshold else ("+" if v > 0 else "−") for v in values]
        if n <= BIG_MATRIX_N:
            cols = [Column("λ", [fmt(v) for v in values]), Column("sign", sign, "left"),
                    Column("eigenvector (" + ", ".join(names) + ")", [_vector(v, 6) for v in record["eigenvectors"]],
                           "left")]
            tables.append(grid(cols, width, title="eigenvalues and eigenvectors"))
        else:
            shown = list(range(5)) + list(range(len(values) - 5, len(values)))
            cols = [Column("#", [str(i + 1) for i in shown]), Column("λ", [fmt(values[i]) for i in shown]),
                    Column("sign", [sign[i] for i in shown], "left")]
            negative = sum(1 for s in sign if s == "−")
            tables.append(grid(cols, width, title=f"eigenvalues: the 5 smallest and the 5 largest of {len(values)} "
                                                  f"({negative} negative); -f json has all, with eigenvectors"))
    if record.get("taylor"):
        t = record["taylor"]
        pairs = [(f"degree{GLUE}{term['degree']}", term["term"]) for term in t["terms"]] + [("Σ", t["polynomial"])]
        tables.append(key_values(pairs, width, title=f"Taylor polynomial of order {t['order']} at "
                                                     f"({', '.join(t['point'])})"))
    return tables


def classification_table(record: dict, width: int = 100) -> list:
    """Stationary points sorted by f, then the summary and the evidence."""
    points = record["points"]
    where, kinds, styles = [], [], []
    for p in points:
        text = _vector(p["x"], 9)
        if p["exact"] and p["exact"].replace(" ", "") != text.replace(" ", ""):
            text = f"{p['exact']}\n≈ {text}"
        if not p["in_box"]:
            text += "\n(outside the box)"
        where.append(text)
        kinds.append(p["description"])
        styles.append(KIND_STYLE.get(p["kind"]))
    cols = [Column("#", [str(i) for i in range(1, len(points) + 1)]), Column("point", where, "left"),
            Column("f", [fmt(p["f"], 10) for p in points]), Column("‖∇f‖", [fmt(p["grad_norm"], 2) for p in points]),
            Column("eigenvalues", [_vector(p["eigenvalues"], 5) for p in points], "left"),
            Column("index", [fmt(p["index"]) for p in points]), Column("kind", kinds, "left", styles)]
    table = grid(cols, width, title=f"stationary points of {record['problem']} ({record['method']} path)")
    pairs = [("summary", record["summary"])]
    if record.get("path_reason"):
        pairs.append(("path", f"{record['method']}: {record['path_reason']}"))
    if record.get("cut_short"):
        pairs.append(("cut short", "yes: stopped by the time limit (--timeout); the list holds what was found"))
    if record["method"] == "exact":
        pairs.append(("complete", "yes: proven by the exact path" if record["complete"] else "no"))
        pairs.append(("complex solutions", f"{record['n_complex']} non-real (Bézout bound {record['bezout_bound']})"))
    else:
        e = record["evidence"]
        pairs.append(("evidence", f"{e['n_starts']} starts, {e['distinct_points']} distinct points, "
                                  f"last new point after start {e['last_new_at']}; completeness not proven"))
    for curve in record["curves"]:
        samples = curve["samples"]
        pairs.append(("curve", f"non-isolated stationary points from {_vector(samples[0], 5)} "
                               f"to {_vector(samples[-1], 5)} ({curve['n_samples']} samples)"))
        for seg in curve.get("segments", []):
            pairs.append(("", f"{seg['kind']} from {_vector(seg['start'], 5)} to {_vector(seg['end'], 5)}"))
    pairs += [("note", note) for note in record["notes"]]
    pairs.append(("time", f"{record['seconds']:.2f} s"))
    return [table, key_values(pairs, width)]


def methods_tables(records: dict, width: int = 100, option_line=None) -> list:
    """One block per method (what it does, reference, needs, options), then the presets and the options of
    every run: a vertical layout, so nothing is ever cut."""
    option_line = option_line or (lambda o: f"{o['flag']}{GLUE}={GLUE}{o['default']}")
    rows = records["methods"]
    out = [Text(f"{len(rows)} methods (`optkit methods --glossary` explains the trace's columns)", style="italic")]
    for row in rows:
        name = row["name"] + (f" ({', '.join(row['aliases'])})" if row["aliases"] else "")
        options = "\n".join(_glue_flag(option_line(o)) for o in row["options"])
        out.append(key_values([("method", name, "bold"), ("what it does", row["summary"]),
                               ("reference", row["reference"]), ("needs", row["needs"]), ("options", options)], width))
        out.append(Text(""))
    presets = records.get("presets") or []
    if presets:
        cols = [Column("preset", [p["name"] for p in presets], "left"), Column("is", [p["spec"] for p in presets], "left"),
                Column("what it does", [p["summary"] for p in presets], "left")]
        out += [grid(cols, width, title=f"{len(presets)} presets (use them wherever a method is named)"), Text("")]
    common = records.get("common") or []
    if common:
        out.append(key_values([(_glue_flag(option_line(o)), o["help"]) for o in common], width,
                              title="options of every run"))
    return out


def _glue_flag(line: str) -> str:
    """'--lr = 0.01' kept on one line (the flag and its default belong together)."""
    flag, sep, rest = line.partition(" = ")
    if not sep:
        return line
    default, space, notes = rest.partition("  ")
    return f"{flag}{GLUE}={GLUE}{default}" + (f"  {notes}" if space else "")


def glossary_table(entries: list[tuple[str, str, str]], width: int = 100):
    """The trace's columns: header, key (for --columns and JSON), meaning."""
    cols = [Column("column", [h for _, h, _ in entries], "left"), Column("key", [k for k, _, _ in entries], "left"),
            Column("meaning", [m for _, _, m in entries], "left")]
    return Group(grid(cols, width, title="the columns of a run's trace (--columns takes the keys)"))


def sample_tables(record: dict, width: int = 100) -> list:
    """One sample's forward pass, loss and gradient (E7), then the data set."""
    s = record["sample"]
    pairs = [("sample", f"{s['description']}: x{GLUE}={GLUE}{_vector(s['x'])}, y{GLUE}={GLUE}{fmt(s['y'])}"),
             ("z = W_i x + b_a", _vector(record["z"], 10)), ("s = σ(z)", _vector(record["s"], 10)),
             ("u = W_oᵀs + b_o", fmt(record["u"], 10)), ("ŷ = σ(u)", fmt(record["yhat"], 10)),
             ("loss ½(ŷ − y)²", fmt(record["loss"], 10)), ("∂L/∂u", fmt(record["dL_du"], 10)),
             ("∂L/∂z", _vector(record["dL_dz"], 10))]
    pairs += [(f"∂L/∂{name}", fmt(g, 10)) for name, g in zip(record["variables"], record["grad"])]
    title = f"{record['problem']}: one sample's forward and backward pass at θ = {_vector(record['theta'])}"
    data = record["data"]
    cols = [Column("#", [str(i + 1) for i in range(len(data["y"]))]),
            Column("x", [_vector(x) for x in data["x"]], "left"), Column("y", [fmt(y) for y in data["y"]])]
    return [key_values(pairs, width, title=title), grid(cols, width, title="the data set (--sample N picks one)")]
