"""Tables that fit the terminal without ever cutting a number.

rich shrinks a table that is too wide by folding or ellipsising its cells,
which cuts numbers (``3.34…`` for 3.34e-05).  Here every table is laid out
before rich sees it: each cell is broken only at spaces (a number never holds
a space; ``\\u00a0`` glues words that must stay together), every column gets
at least its longest unbreakable word, and rich prints the result with
``no_wrap`` at exactly those widths.  When even the unbreakable words do not
fit, the caller chooses what to show (``iterations`` drops or moves columns);
:func:`grid` falls back to one block per row (a vertical layout).

Width of a laid-out table (box ``SIMPLE_HEAD``, no outer edge, no outer
padding): Σ wᵢ + 3·(columns − 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich import box
from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text

GLUE = "\u00a0"  # a space that never breaks a line; printed as a plain space
GAP = 3  # characters between two columns


def words(text: str) -> list[str]:
    return [w for w in text.split(" ") if w]


def min_width(text: str) -> int:
    """The widest unbreakable word (a line is broken only at plain spaces)."""
    return max((cell_len(w) for line in text.split("\n") for w in words(line)), default=0)


def natural_width(text: str) -> int:
    return max((cell_len(line) for line in text.split("\n")), default=0)


def wrap(text: str, width: int) -> list[str]:
    """Greedy line breaking at plain spaces; explicit newlines kept; glued spaces printed as spaces."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in words(paragraph):
            if line and cell_len(line) + 1 + cell_len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return [line.replace(GLUE, " ") for line in lines]


@dataclass
class Column:
    """One column: a header and one text per row (``styles`` optional, one rich style per row)."""

    header: str
    cells: list[str]
    justify: str = "right"
    styles: list[str | None] = field(default_factory=list)

    @property
    def minimum(self) -> int:
        return max([min_width(self.header), *(min_width(c) for c in self.cells)], default=1)

    @property
    def natural(self) -> int:
        return max([natural_width(self.header), *(natural_width(c) for c in self.cells)], default=1)


def table_width(widths: list[int]) -> int:
    return sum(widths) + GAP * max(0, len(widths) - 1)


def fits(columns: list[Column], width: int) -> bool:
    return table_width([c.minimum for c in columns]) <= width


def widths_for(columns: list[Column], width: int) -> list[int] | None:
    """Natural widths when they fit; else the minimum plus a share of the rest; None when nothing fits."""
    natural = [c.natural for c in columns]
    if table_width(natural) <= width:
        return natural
    widths = [c.minimum for c in columns]
    if table_width(widths) > width:
        return None
    spare = width - table_width(widths)
    # give the spare room to the columns that want it, a character at a time (few columns, cheap)
    while spare > 0:
        wanting = [i for i, c in enumerate(columns) if widths[i] < natural[i]]
        if not wanting:
            break
        i = max(wanting, key=lambda j: natural[j] - widths[j])
        widths[i] += 1
        spare -= 1
    return widths


def render(columns: list[Column], widths: list[int], title: str | None = None, show_header: bool = True,
           title_width: int | None = None):
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1),
                  show_header=show_header, collapse_padding=False)
    for column, w in zip(columns, widths):
        table.add_column(Text("\n".join(wrap(column.header, w)), justify=column.justify), justify=column.justify,
                         no_wrap=True, width=w, min_width=w, max_width=w, overflow="ignore")
    rows = len(columns[0].cells) if columns else 0
    for r in range(rows):
        cells = []
        for column, w in zip(columns, widths):
            style = column.styles[r] if r < len(column.styles) else None
            cells.append(Text("\n".join(wrap(column.cells[r], w)), style=style or "", justify=column.justify))
        table.add_row(*cells)
    if title is None:
        return table
    return Group(Text("\n".join(wrap(title, title_width or table_width(widths))), style="italic"), table)


def grid(columns: list[Column], width: int, title: str | None = None, show_header: bool = True):
    """The table at this width, or one block per row when its columns cannot fit side by side."""
    widths = widths_for(columns, width)
    if widths is not None:
        return render(columns, widths, title, show_header, title_width=width)
    return vertical(columns, width, title)


def vertical(columns: list[Column], width: int, title: str | None = None):
    """Each row as a block of ``header  value`` lines (the layout when columns cannot sit side by side)."""
    label_w = max(cell_len(c.header) for c in columns[1:]) if len(columns) > 1 else 0
    parts = [Text(title)] if title else []
    for r in range(len(columns[0].cells)):
        parts.append(Text(f"{columns[0].header} = {columns[0].cells[r]}", style="bold"))
        pairs = [(c.header, c.cells[r]) for c in columns[1:] if c.cells[r]]
        parts.append(key_values(pairs, width, label_width=label_w))
    return Group(*parts)


def key_values(pairs: list[tuple], width: int, title: str | None = None, label_width: int | None = None) -> Table:
    """Label/value lines; values wrap at spaces only. A pair may carry a style: (label, value, style)."""
    labels = [p[0] for p in pairs]
    lw = label_width if label_width is not None else max((cell_len(x) for x in labels), default=0)
    lw = min(lw, max(8, width // 3))
    vw = max(10, width - lw - GAP)
    table = Table(box=None, show_header=False, show_edge=False, pad_edge=False, padding=(0, 1),
                  collapse_padding=False)
    table.add_column(no_wrap=True, width=lw, overflow="ignore", style="bold")
    table.add_column(no_wrap=True, width=vw, overflow="ignore")
    for pair in pairs:
        label, value = pair[0], str(pair[1])
        style = pair[2] if len(pair) > 2 else ""
        table.add_row(Text("\n".join(wrap(label, lw))), Text("\n".join(wrap(value, vw)), style=style or ""))
    return table if title is None else Group(Text("\n".join(wrap(title, width)), style="italic"), table)


def lines(text: str, width: int, style: str = "", indent: int = 0) -> Text:
    """A paragraph wrapped at spaces to the width (notes and captions under a table).

    ``indent``: every line starts with that many spaces, continuation lines with four more.
    """
    if not indent:
        return Text("\n".join(wrap(text, width)), style=style)
    first, *rest = wrap(text, max(20, width - indent - 4)) or [""]
    return Text("\n".join([" " * indent + first, *(" " * (indent + 4) + line for line in rest)]), style=style)
