"""The comparison report as one self-contained HTML file (figures inlined as SVG).

Renders a :class:`optkit.figures.report.ReportPage`; computes nothing.  No script, no
external style sheet, font or image: the file opens anywhere without network access.
"""

from __future__ import annotations

from html import escape

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1080px;
       color: #111; line-height: 1.4; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.1em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.92em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f0f0f0; }
.wide { overflow-x: auto; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
p.note { color: #444; font-size: 0.92em; }
"""


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text in ("nan", "inf", "-inf")
    return True


def table_html(table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    body = []
    for row in table.rows:
        cells = "".join(f'<td class="num">{escape(c)}</td>' if _is_number(c) else f"<td>{escape(c)}</td>" for c in row)
        body.append(f"<tr>{cells}</tr>")
    return f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def figure_html(record) -> str:
    """The figure drawn as inline SVG (drawing is most of the page's time)."""
    from optkit.render.plots import svg_text

    return f"<figure>{svg_text(record)}</figure>"


def report_html(page) -> str:
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             f"<title>{escape(page.title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
             f"<h1>{escape(page.title)}</h1>", f'<p class="note">From {escape(page.source)}; nothing was rerun.</p>']
    for note in page.notes:
        parts.append(f'<p class="note">{escape(note)}</p>')
    parts += ['<h2 id="summary">Summary per method</h2>', table_html(page.summary)]
    if page.profiles is not None:
        parts += ['<h2 id="profiles">Performance and data profiles</h2>', figure_html(page.profiles)]
    parts.append('<h2 id="problems">Per problem</h2>')
    for section in page.problems:
        parts += [f"<h3>{escape(section.title)}</h3>", table_html(section.table)]
        if section.landscape is not None:
            parts.append(figure_html(section.landscape))
        if section.note:
            parts.append(f'<p class="note">{escape(section.note)}</p>')
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def write_report(page, path: str) -> None:
    """Write the page to ``path`` whole or not at all."""
    from optkit.render.plots import check_folder, write_atomically

    check_folder(path)
    write_atomically(path, report_html(page).encode("utf-8"))
