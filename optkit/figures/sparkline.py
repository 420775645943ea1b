"""One-line sparklines of f and ‖g‖₂ along a run, for the terminal under ``run``'s summary.

Each character is one column of the run: the trace is split into ``width`` consecutive
groups of iterates and a column shows its group's last value, quantised to eight block
heights between the line's smallest and largest value.  ‖g‖₂, and f when it stays
positive, are drawn on a log₁₀ scale (the line says so); non-finite values are a space.
"""

from __future__ import annotations

import math

BARS = "▁▂▃▄▅▆▇█"
WIDTH = 40


def sparkline(values, width: int = WIDTH, log: bool | None = None) -> tuple[str, bool]:
    """(the line, whether it is on a log scale)."""
    values = [float(v) for v in values]
    if not values:
        return "", False
    finite = [v for v in values if math.isfinite(v)]
    if log is None:
        log = bool(finite) and all(v > 0 for v in finite)
    count = min(width, len(values))
    columns = [values[((i + 1) * len(values)) // count - 1] for i in range(count)]  # each group's last value
    scaled = [(math.log10(v) if log else v) if math.isfinite(v) and (v > 0 or not log) else None for v in columns]
    known = [v for v in scaled if v is not None]
    if not known:
        return " " * len(columns), log
    lo, hi = min(known), max(known)
    span = hi - lo
    chars = []
    for v in scaled:
        if v is None:
            chars.append(" ")
        else:
            chars.append(BARS[0 if span == 0 else min(len(BARS) - 1, int((v - lo) / span * len(BARS)))])
    return "".join(chars), log


def summary_lines(record: dict, width: int = WIDTH) -> list[str]:
    """'f     ▇▆▄▂▁▁  12.5 → 3.4e-09 (log scale)' and the same for ‖g‖₂, from a run record's trace."""
    trace = record.get("trace") or []
    if len(trace) < 2:
        return []
    lines = []
    for label, key in (("f", "f"), ("‖g‖₂", "grad_norm")):
        values = [float(r[key]) for r in trace]
        line, log = sparkline(values, width)
        lines.append(f"{label:5} {line}  {values[0]:.3g} → {values[-1]:.3g}" + ("  (log scale)" if log else ""))
    return lines
