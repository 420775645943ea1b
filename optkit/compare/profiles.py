"""Performance profiles (Dolan & Moré 2002) and data profiles (Moré & Wild 2009).

Both read plain run records (dicts in the conventions' JSON shape) and return plain data;
drawing them is the renderers' job.

* **Performance profile.**  For each instance p (a problem at one n, parameter set and
  start) and method s, r(p, s) = t(p, s) / min_s' t(p, s'), with t the chosen cost of a
  *solved* run and r = ∞ when s did not solve p.  ρ_s(τ) = |{p : r(p, s) ≤ τ}| / |P|:
  the fraction of instances s solves within a factor τ of the best method.  ρ_s(1) is how
  often s is the cheapest; ρ_s(∞) is how often it solves at all.
* **Data profile.**  d_s(κ) = |{p : t(p, s) ≤ κ (n_p + 1)}| / |P| with t counted in
  evaluations: the fraction of instances solved within the budget of κ simplex gradients.

Instances where no method solved are kept in |P| (they lower every curve alike), as Dolan
and Moré do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The τ values at which summaries report ρ(τ) (issue 11; the conventions' ``profile`` key).
SUMMARY_TAUS = (1, 2, 4, 8, 16)

COSTS = ("evals", "iterations", "time")


def run_cost(run: dict, cost: str) -> float:
    """The cost of one run: evaluations (f + ∇f + ∇²f + Hv, each counted once), iterations or seconds."""
    if cost == "evals":
        return float(sum((run.get("evaluations") or {}).values()))
    if cost == "iterations":
        return float(run.get("iterations") or 0)
    if cost == "time":
        return float(run.get("time") or 0.0)
    raise ValueError(f"unknown cost {cost!r}; choose one of {', '.join(COSTS)}")


def instance_key(run: dict) -> tuple:
    """What identifies one instance across methods: problem, n, parameters, start index."""
    params = run.get("params") or {}
    return (run.get("problem"), run.get("n"), tuple(sorted((str(k), str(v)) for k, v in params.items())),
            run.get("start_index"))


def cost_table(runs: list[dict], cost: str = "evals") -> tuple[list[tuple], list[str], dict]:
    """(instances, methods, t) with t[(instance, method)] = cost if solved, else ∞.

    Methods keep their first-seen order; a cost of 0 for a solved run (a start that is already
    a minimum) is raised to the smallest positive cost so that ratios stay defined.
    """
    instances: list[tuple] = []
    methods: list[str] = []
    t: dict = {}
    for run in runs:
        key, method = instance_key(run), run["method"]
        if key not in t and key not in instances:
            instances.append(key)
        if method not in methods:
            methods.append(method)
        t[(key, method)] = run_cost(run, cost) if run.get("solved") else math.inf
    positive = [v for v in t.values() if 0 < v < math.inf]
    floor = min(positive) if positive else 1.0
    for k, v in t.items():
        if v == 0:
            t[k] = floor
    return instances, methods, t


@dataclass
class ProfileCurve:
    """One method's step curve: ρ jumps to ``rho[i]`` at ``tau[i]`` (ascending)."""

    method: str
    tau: list[float]
    rho: list[float]
    solved: int
    instances: int

    def at(self, tau: float) -> float:
        """ρ(τ): the fraction of instances with ratio ≤ τ."""
        value = 0.0
        for t, r in zip(self.tau, self.rho):
            if t <= tau * (1 + 1e-12):
                value = r
        return value


def performance_profile(runs: list[dict], cost: str = "evals") -> dict[str, ProfileCurve]:
    """Dolan–Moré performance profile of every method in ``runs``."""
    instances, methods, t = cost_table(runs, cost)
    best = {p: min((t.get((p, s), math.inf) for s in methods), default=math.inf) for p in instances}
    curves = {}
    for s in methods:
        ratios = sorted(t.get((p, s), math.inf) / best[p] for p in instances if best[p] < math.inf
                        and t.get((p, s), math.inf) < math.inf)
        curves[s] = _step_curve(s, ratios, len(instances))
    return curves


def data_profile(runs: list[dict]) -> dict[str, ProfileCurve]:
    """Moré–Wild data profile: ``tau`` holds κ = evaluations / (n + 1) at which each instance is solved."""
    instances, methods, t = cost_table(runs, "evals")
    n_of = {instance_key(r): int(r.get("n") or 1) for r in runs}
    curves = {}
    for s in methods:
        budgets = sorted(t[(p, s)] / (n_of[p] + 1) for p in instances if t.get((p, s), math.inf) < math.inf)
        curves[s] = _step_curve(s, budgets, len(instances))
    return curves


def _step_curve(method: str, values: list[float], total: int) -> ProfileCurve:
    tau, rho = [], []
    for i, v in enumerate(values):
        if tau and v == tau[-1]:
            rho[-1] = (i + 1) / total
        else:
            tau.append(float(v))
            rho.append((i + 1) / total)
    return ProfileCurve(method, tau, rho, len(values), total)


def profile_summary(curve: ProfileCurve, taus=SUMMARY_TAUS) -> dict[str, float]:
    """``{"1": ρ(1), "2": ρ(2), ...}``: the conventions' ``profile`` mapping."""
    return {str(t): curve.at(t) for t in taus}
