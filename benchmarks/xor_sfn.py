"""Saddle-free Newton on its showcase (issue 9 §4): xor-mlp at width 2 and 4, 20 seeded starts each.

Starts: θ₀ = 0.5·default_rng(s).standard_normal(3·width + 2), s = 0..19 (s = 0 is the problem's
own x0).  **Success**: the loss reached f ≤ 1e-6 within 2,000 iterations (min over the run's
trace), whatever the outcome label — the infimum 0 is not attained.  Cost: median total
evaluations (f + ∇f + ∇²f + Hv) over all 20 runs.  End index: the number of negative Hessian
eigenvalues at the end point (|λ| beyond the classification threshold), tallied.

Usage: python benchmarks/xor_sfn.py [--methods sfn,newton,...] [--seeds 20]
"""

from __future__ import annotations

import argparse
import collections
import statistics

import numpy as np

METHODS = ["sfn", "sfn-krylov", "newton", "newton+armijo", "tr", "gd", "adam"]
SUCCESS_F = 1e-6
MAX_ITER = 2000


def run_table(methods, widths=(2, 4), seeds=20):
    import optkit
    from optkit.run.driver import minimize

    rows = []
    for width in widths:
        problem = optkit.get_problem("xor-mlp", width=width)
        for spec in methods:
            hits, costs, index = 0, [], collections.Counter()
            for s in range(seeds):
                x0 = 0.5 * np.random.default_rng(s).standard_normal(problem.n)
                r = minimize(problem, spec, x0, max_iter=MAX_ITER, eig=False)
                best = min(rec.f for rec in r.trace) if r.trace else r.f
                hits += best <= SUCCESS_F
                costs.append(sum(r.evaluations.values()))
                c = r.classification or {}
                index[c.get("index") if c.get("index") is not None else "?"] += 1
            rows.append({"width": width, "method": spec, "success": hits, "runs": seeds,
                         "median_evaluations": statistics.median(costs),
                         "end_index": dict(sorted(index.items(), key=lambda kv: str(kv[0])))})
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--seeds", type=int, default=20)
    args = ap.parse_args(argv)
    rows = run_table(args.methods.split(","), seeds=args.seeds)
    print(f"| width | method | success (f ≤ 1e-6 in {MAX_ITER} it.) | median evaluations | end-point index: runs |")
    print("|---|---|---|---|---|")
    for r in rows:
        idx = ", ".join(f"{k}: {v}" for k, v in r["end_index"].items())
        print(f"| {r['width']} | {r['method']} | {r['success']}/{r['runs']} | {r['median_evaluations']:g} | {idx} |")


if __name__ == "__main__":
    main()
