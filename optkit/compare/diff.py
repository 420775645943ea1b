"""``optkit report A.db B.db``: two results databases compared run by run (a regression check).

Runs are paired by ``match_key`` (problem, n, parameters or formula, canonical method and
options, tolerances, start), which leaves out the optkit version, so the same sweep run under
two versions pairs up.  Per method: how many runs pair, keep their outcome, became solved
(``better``), stopped being solved (``worse``) or changed outcome otherwise, and the median
ratio cost_B / cost_A over the runs both solved.
"""

from __future__ import annotations

import statistics

from optkit.compare.profiles import run_cost
from optkit.compare.summary import methods_in_order


def compare_runs(a: list[dict], b: list[dict], cost: str = "evals", a_name: str = "A", b_name: str = "B") -> dict:
    by_key = {r["match_key"]: r for r in a}
    pairs = [(by_key[r["match_key"]], r) for r in b if r["match_key"] in by_key]
    methods, changes = [], []
    for method in methods_in_order([rb for _, rb in pairs]):
        mine = [(ra, rb) for ra, rb in pairs if rb["method"] == method]
        entry = {"method": method, "matched": len(mine), "same": 0, "better": 0, "worse": 0, "changed": 0}
        ratios = []
        for ra, rb in mine:
            if ra["solved"] and rb["solved"]:
                ca, cb = run_cost(ra, cost), run_cost(rb, cost)
                if ca > 0:
                    ratios.append(cb / ca)
            if ra["outcome"] == rb["outcome"] and ra["solved"] == rb["solved"]:
                entry["same"] += 1
                continue
            entry["better" if rb["solved"] and not ra["solved"] else "worse" if ra["solved"] and not rb["solved"]
                  else "changed"] += 1
            changes.append({"problem": rb["problem"], "n": rb["n"], "params": rb["params"], "method": method,
                            "start_index": rb["start_index"], "a": _word(ra), "b": _word(rb),
                            "cost_a": run_cost(ra, cost), "cost_b": run_cost(rb, cost)})
        entry["median_ratio"] = statistics.median(ratios) if ratios else None
        methods.append(entry)
    return {"a": a_name, "b": b_name, "cost": cost, "paired": len(pairs), "only_a": len(a) - len(pairs),
            "only_b": len(b) - len(pairs), "methods": methods, "changes": changes}


def _word(run: dict) -> str:
    return "solved" if run["solved"] else run["outcome"]
