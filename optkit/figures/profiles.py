"""Performance and data profiles as drawable step curves, with each method's outcome counts.

The curves are those of :mod:`optkit.compare.profiles` (Dolan & Moré 2002; Moré & Wild
2009), not recomputed here; this module adds what the legend says (solved out of the
instances, and the count of every other outcome) and the axis words.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from optkit.compare.profiles import data_profile, performance_profile

COST_WORDS = {"evals": "evaluations", "iterations": "iterations", "time": "time"}
OUTCOME_ORDER = ("minimum", "saddle", "maximum", "degenerate", "diverging", "not-converged", "failed", "timeout",
                 "skipped")


@dataclass
class ProfileLine:
    method: str
    tau: list[float]  # ρ jumps to rho[i] at tau[i]
    rho: list[float]
    legend: str  # method and outcome counts


@dataclass
class ProfilePanel:
    kind: str  # "performance" or "data"
    xlabel: str
    ylabel: str
    lines: list[ProfileLine] = field(default_factory=list)
    x_max: float = 2.0  # right end of the axis (the curves are flat beyond their last step)


@dataclass
class Profiles:
    title: str
    panels: list[ProfilePanel]
    instances: int
    caption: str = ""


def outcome_counts(runs: list[dict]) -> dict[str, Counter]:
    """Per method: solved, and the count of each outcome word."""
    counts: dict[str, Counter] = {}
    for run in runs:
        c = counts.setdefault(run["method"], Counter())
        c["solved"] += bool(run.get("solved"))
        c[str(run.get("outcome"))] += 1
    return counts


def legend_text(method: str, counts: Counter, instances: int) -> str:
    parts = [f"{counts['solved']}/{instances} solved"]
    parts += [f"{counts[o]} {o}" for o in OUTCOME_ORDER if o != "minimum" and counts.get(o)]
    return f"{method} — " + ", ".join(parts)


def profiles(runs: list[dict], cost: str = "evals", data: bool = True, title: str = "") -> Profiles:
    """The performance profile (and the data profile when ``data``) of the compare runs ``runs``."""
    counts = outcome_counts(runs)
    perf = performance_profile(runs, cost)
    instances = next(iter(perf.values())).instances if perf else 0
    panels = [_panel("performance", perf, counts, instances,
                     "τ (cost ratio to the best method, log₂ axis)", f"ρ(τ): fraction solved within τ × best "
                     f"{COST_WORDS.get(cost, cost)}")]
    if data:
        panels.append(_panel("data", data_profile(runs), counts, instances,
                             "κ (evaluations / (n + 1), log₂ axis)", "d(κ): fraction solved within κ simplex gradients"))
    caption = ("solved as optkit compare defines it (the run ends at a minimum, f within solved_ftol of it); "
               f"instances no method solved stay in the denominator ({instances} instances)")
    return Profiles(title or f"Performance and data profiles ({COST_WORDS.get(cost, cost)})", panels, instances, caption)


def _panel(kind, curves, counts, instances, xlabel, ylabel) -> ProfilePanel:
    lines = [ProfileLine(m, list(c.tau), list(c.rho), legend_text(m, counts.get(m, Counter()), instances))
             for m, c in curves.items()]
    ends = [t for line in lines for t in line.tau]
    lowest = 1.0 if kind == "performance" else min(ends, default=1.0)
    x_max = max(2.0 * max(ends, default=1.0), 2.0 * lowest)
    return ProfilePanel(kind, xlabel, ylabel, lines, x_max)
