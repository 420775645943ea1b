"""Per-method summaries and the per-problem cost matrix of a sweep, as plain data.

Per method: counts of each outcome (the conventions' flat keys: ``solved``, ``saddle``,
``maximum``, ``diverging``, ``not_converged``, ``failed``, ``timeout``, ``skipped``, plus
``minimum`` and ``degenerate``), medians of iterations, evaluations and time over the solved
runs, and the Dolan–Moré ρ(τ) at τ = 1, 2, 4, 8, 16 on the chosen cost
(:mod:`optkit.compare.profiles`).  Per problem instance and method: the median cost over the
solved starts and how the other starts ended.
"""

from __future__ import annotations

import statistics
from collections import Counter

from optkit.compare.profiles import SUMMARY_TAUS, data_profile, performance_profile, profile_summary, run_cost

OUTCOME_KEYS = ("minimum", "saddle", "maximum", "degenerate", "diverging", "not-converged", "failed", "timeout",
                "skipped")

#: How the per-problem table marks ends that were not solved (letters read without colour).
END_SYMBOLS = {"saddle": "S", "maximum": "M", "failed": "F", "diverging": "D", "not-converged": "N", "timeout": "T",
               "degenerate": "Z", "minimum": "U", "skipped": "–"}
END_LEGEND = ("ends not solved: S saddle, M maximum, F failed, D diverging, N not converged, T timeout, "
              "Z degenerate, U a minimum that misses the solved rule, – skipped (method needs what the problem lacks)")
DATA_KAPPAS = (1, 2, 5, 10, 20, 50, 100)

COST_NAMES = {"evals": "evaluations (f + ∇f + ∇²f + Hv)", "iterations": "iterations", "time": "seconds"}


def methods_in_order(records: list[dict]) -> list[str]:
    return list(dict.fromkeys(r["method"] for r in records))


def _median(values):
    return statistics.median(values) if values else None


def method_summary(records: list[dict], cost: str = "evals", taus=SUMMARY_TAUS) -> list[dict]:
    """One entry per method (first-seen order), in the conventions' summary shape."""
    curves = performance_profile(records, cost) if records else {}
    out = []
    for method in methods_in_order(records):
        mine = [r for r in records if r["method"] == method]
        solved = [r for r in mine if r["solved"]]
        counts = Counter(r["outcome"] for r in mine)
        entry = {"method": method, "canonical": mine[0].get("canonical"), "runs": len(mine), "solved": len(solved),
                 "solved_global": sum(1 for r in solved if r.get("solved_minimum") == "global")}
        entry.update({key.replace("-", "_"): counts.get(key, 0) for key in OUTCOME_KEYS})
        entry["median_iterations"] = _median([r["iterations"] for r in solved])
        entry["median_evaluations"] = _median([run_cost(r, "evals") for r in solved])
        entry["median_time"] = _median([r["time"] for r in solved])
        entry["cost"] = cost
        entry["profile"] = profile_summary(curves[method], taus) if method in curves else {str(t): 0.0 for t in taus}
        out.append(entry)
    return out


def data_profile_summary(records: list[dict], kappas=DATA_KAPPAS) -> dict[str, dict[str, float]]:
    """Moré–Wild d(κ) per method at the given κ (simplex gradients of n + 1 evaluations)."""
    curves = data_profile(records) if records else {}
    return {m: {str(k): curves[m].at(k) for k in kappas} for m in curves}


def instance_labels(records: list[dict]) -> dict[tuple, str]:
    """(problem, n, params) → its label; n is shown where a problem appears at several n."""
    ns: dict[str, set] = {}
    for r in records:
        ns.setdefault(r["problem"], set()).add(r["n"])
    labels = {}
    for r in records:
        key = _instance(r)
        text = r["problem"]
        if len(ns[r["problem"]]) > 1:
            text += f" n={r['n']}"
        for k, v in sorted((r.get("params") or {}).items()):
            text += f" {k}={v}"
        labels[key] = text
    return labels


def _instance(r: dict) -> tuple:
    return (r["problem"], r["n"], tuple(sorted((str(k), str(v)) for k, v in (r.get("params") or {}).items())))


def problem_matrix(records: list[dict], cost: str = "evals") -> dict:
    """``{"methods", "rows": [{"problem", "cells": {method: cell}}]}``; a cell has the median cost over
    solved starts, the number solved and run, and the counts of the other ends."""
    methods = methods_in_order(records)
    labels = instance_labels(records)
    rows: dict[tuple, dict] = {}
    for r in records:
        row = rows.setdefault(_instance(r), {"problem": labels[_instance(r)], "cells": {}})
        cell = row["cells"].setdefault(r["method"], {"costs": [], "runs": 0, "ends": Counter()})
        cell["runs"] += 1
        if r["solved"]:
            cell["costs"].append(run_cost(r, cost))
        else:
            cell["ends"][r["outcome"]] += 1
    for row in rows.values():
        for cell in row["cells"].values():
            costs = cell.pop("costs")
            cell["solved"] = len(costs)
            cell["median"] = _median(costs)
            cell["ends"] = dict(cell["ends"])
    return {"methods": methods, "cost": cost, "rows": list(rows.values())}


def cell_text(cell: dict | None, cost: str) -> str:
    """``"54 S2 F1"``: the median cost over solved starts (— when none), then the unsolved ends by symbol."""
    if cell is None:
        return ""
    median = cell["median"]
    text = "—" if median is None else format_cost(median, cost)
    ends = [f"{END_SYMBOLS[o]}{n}" for o, n in sorted(cell["ends"].items(), key=lambda kv: OUTCOME_KEYS.index(kv[0]))]
    return " ".join([text, *ends])


def format_cost(value: float, cost: str) -> str:
    if cost == "time":
        return f"{value:.3g}s"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
