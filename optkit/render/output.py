"""Writers for machine-readable output and the console used for tables.

Renderers never compute: they receive plain records (``to_dict()``) and print.
JSON goes to stdout alone (no colour, no progress); non-finite floats are
written as the strings "nan", "inf" and "-inf" so the output stays valid JSON.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from typing import Any, Iterable, Sequence

FORMATS = ("table", "json")


def to_jsonable(value: Any) -> Any:
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return to_jsonable(value.tolist())
    return value


def json_text(record: Any) -> str:
    return json.dumps(to_jsonable(record), indent=2, ensure_ascii=False, allow_nan=False)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in to_jsonable(list(row))])
    return buffer.getvalue()


def write_stdout(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def make_console(no_color: bool = False):
    """A rich console on stdout: colour only on a terminal, never with NO_COLOR or --no-color."""
    import os

    from rich.console import Console

    # Piped output has no terminal width; 80 columns fold coordinates into unreadable towers.
    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 120
    return Console(no_color=no_color or None, highlight=False, soft_wrap=False, width=width)


def fmt(value: Any, digits: int = 8) -> str:
    """Compact number formatting for tables: 8 significant digits."""
    if value is None:
        return "—"
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number == 0:
        return "0"
    return f"{number:.{digits}g}"


def fmt_vector(values: Sequence[float], digits: int = 8) -> str:
    return "(" + ", ".join(fmt(v, digits) for v in values) + ")"
