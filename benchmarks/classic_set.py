"""The classic set (issue 9): optkit's second-order methods against SciPy's, in one run.

**The set.** Every registered problem that is smooth and provides a Hessian,
taken in registry order, from its x0 and from 10 starts drawn uniformly in its
box by one ``numpy.random.default_rng(0)`` consumed in that order (26 problems
today, 286 runs per method).  The definition is :func:`classic_runs`; the
data file ``benchmarks/classic_set.json`` is written by ``--write-spec``.

**Solved** (the ``compare`` convention): the run ends at a stationary point
classified a minimum (optkit: outcome ``minimum``; SciPy: ‖g‖₂ ≤ 1e-6 at the
end, asked for gtol = 1e-8 like optkit — SciPy's own success flag is not trusted — and the end point classified a
minimum by :func:`optkit.classify_point`), and, where the problem records
f*, f − f* ≤ 1e-6·max(1, |f(x0) − f*|) or the end point is one of the
recorded local minima.  Saddle and maximum ends are counted for every method.

**The ratio** printed is total f-evaluations of an optkit method over SciPy
trust-exact's, over the runs both solve, Brown badly scaled excluded (judged
on its own: iterations per subproblem from its x0, target ≤ 50).

Usage:
    python benchmarks/classic_set.py                 # optkit default tr, variants and SciPy
    python benchmarks/classic_set.py --quick         # fewer methods
    python benchmarks/classic_set.py --write-spec    # (re)write classic_set.json
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

STARTS_PER_PROBLEM = 10
SCIPY_GTOL = 1e-6  # a SciPy end counts as stationary at ‖g‖₂ ≤ 1e-6 (asked for 1e-8; BFGS uses the ∞-norm)
SPEC_FILE = Path(__file__).with_name("classic_set.json")


def classic_problems():
    """Registered smooth problems with a Hessian, in registry order (at their default n)."""
    from optkit.problems.registry import Registry

    out = []
    for name, definition in Registry.default().all().items():
        problem = definition.instantiate()
        if definition.smooth and problem.has_hessian:
            out.append(problem)
    return out


def classic_runs():
    """[(problem, start_index, x0)]: x0, then 10 uniform starts in the box (one default_rng(0), registry order)."""
    rng = np.random.default_rng(0)
    runs = []
    for problem in classic_problems():
        runs.append((problem, 0, np.array(problem.x0, dtype=float)))
        lo, hi = problem.box[:, 0], problem.box[:, 1]
        for i in range(STARTS_PER_PROBLEM):
            runs.append((problem, i + 1, rng.uniform(lo, hi)))
    return runs


def _solved(problem, x, f, kind, f0) -> bool:
    if kind != "minimum":
        return False
    if problem.fstar is None:
        return True
    if f - problem.fstar <= 1e-6 * max(1.0, abs(f0 - problem.fstar)):
        return True
    # a recorded local minimum counts too
    for kp in problem.stationary_points:
        if kp.kind == "minimum" and np.linalg.norm(np.asarray(kp.x, float) - x) <= 1e-4 * max(1.0, np.linalg.norm(x)):
            return True
    return False


def run_optkit(spec: str, problem, x0, **options) -> dict:
    from optkit.run.driver import minimize

    r = minimize(problem, spec, x0, eig=False, **options)
    kind = r.classification["kind"] if r.classification else None
    f0 = problem.f(x0)
    kind_ok = kind if r.status.converged else None
    return {"kind": kind_ok, "f": r.f, "nfev": r.evaluations["f"], "iterations": r.iterations,
            "evals": sum(r.evaluations.values()),
            "solved": _solved(problem, np.asarray(r.x), r.f, r.outcome, f0), "outcome": r.outcome}


def run_scipy(method: str, problem, x0) -> dict:
    from scipy.optimize import minimize as sp_minimize

    from optkit.stationary.point import classify_point

    kw = {"jac": problem.grad}
    if method in ("trust-exact",):
        kw["hess"] = problem.hess
    elif method in ("trust-ncg", "trust-krylov", "Newton-CG"):
        kw["hessp"] = problem.hvp
    import warnings

    # the same tolerance as optkit's gtol = 1e-8 on ‖g‖₂ (SciPy's trust methods default to 1e-4 / 1e-8)
    options = {"xtol": 1e-12} if method == "Newton-CG" else {"gtol": 1e-8}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            res = sp_minimize(problem.f, x0, method=method, options=options, **kw)
        except Exception as exc:  # SciPy's own failures (e.g. non-finite values) count as unsolved
            return {"kind": None, "f": math.nan, "nfev": 0, "iterations": 0, "solved": False,
                    "outcome": f"error {type(exc).__name__}"}
    x = np.asarray(res.x, dtype=float)
    g = problem.grad(x)
    kind = None
    with np.errstate(all="ignore"):
        small = bool(np.all(np.isfinite(g)) and np.linalg.norm(g) <= SCIPY_GTOL)
    if small:
        H = problem.hess(x)
        if np.all(np.isfinite(H)):
            kind = classify_point(g, H, gtol=SCIPY_GTOL, source="formula").kind
    f0 = problem.f(x0)
    return {"kind": kind, "f": float(res.fun), "nfev": int(res.nfev), "iterations": int(res.get("nit", 0)),
            "solved": _solved(problem, x, float(res.fun), kind, f0), "outcome": kind or "not-converged"}


def sweep(label, runner, runs) -> list[dict]:
    out = []
    for problem, index, x0 in runs:
        start = time.perf_counter()
        rec = runner(problem, x0)
        rec.update(problem=problem.name, start=index, time=time.perf_counter() - start)
        out.append(rec)
    return out


def summary(label, recs, base=None) -> str:
    saddle = sum(r["kind"] == "saddle" for r in recs)
    maximum = sum(r["kind"] == "maximum" for r in recs)
    solved = sum(r["solved"] for r in recs)
    line = f"{label:<34}{solved:>7}{saddle:>7}{maximum:>7}"
    if base is not None:
        both = [(a, b) for a, b in zip(recs, base)
                if a["solved"] and b["solved"] and a["problem"] != "brown-badly-scaled"]
        fa = sum(a["nfev"] for a, _ in both)
        fb = sum(b["nfev"] for _, b in both)
        line += f"{len(both):>7}{fa:>9}{fb:>9}{fa / fb if fb else math.nan:>8.3f}"
    return line


HEADER = f"{'method':<34}{'solved':>7}{'saddle':>7}{'max':>7}{'both':>7}{'nfev':>9}{'nfev te':>9}{'ratio':>8}"


def brown_iterations(specs) -> list[str]:
    import optkit
    from optkit.run.driver import minimize

    p = optkit.get_problem("brown-badly-scaled")
    lines = []
    for spec in specs:
        r = minimize(p, spec, eig=False, max_iter=5000)
        lines.append(f"  {spec:<40} iterations {r.iterations:>5}  outcome {r.outcome}")
    return lines


OPTKIT_DEFAULT = ["tr", "scipy-tr", "tr-cg", "tr-cg:radius_scale=absolute:delta0=1:eta=0.15:nonmonotone=0",
                  "tr-dogleg", "tr-dogleg:radius_scale=absolute:delta0=1:eta=0.15:nonmonotone=0", "arc"]
# every variant measured for issue 9 §5 (run with --variants)
VARIANTS = ["tr:radius_scale=absolute:delta0=1:eta=0.15:nonmonotone=0",  # = scipy-tr
            "tr:delta0=1:eta=0.15:nonmonotone=0", "tr:delta0=1:eta=0.15:nonmonotone=0:shrink=step",
            "tr:delta0=1:eta=0.15:nonmonotone=0:shrink=interpolate",
            "tr:delta0=1:eta=0.15:nonmonotone=0:initial_radius=step", "tr:delta0=1:eta=0.15:nonmonotone=0:grow=4",
            "tr:delta0=1:eta=0.01:nonmonotone=0", "tr:delta0=10:eta=0.15:nonmonotone=0",
            "tr:delta0=1:eta=0.15:nonmonotone=0:scaling=hessian", "tr:delta0=1:eta=0.15:nonmonotone=5",
            "tr:delta0=1:eta=0.15", "tr:delta0=10:eta=0.15", "tr:delta0=10:eta=0.15:grow=3",
            "tr:delta0=10:eta=0.15:shrink=step", "tr:delta0=3", "tr:delta0=30", "tr:initial_radius=step",
            "arc:sigma0=0.1", "arc:sigma0=10"]
SCIPY = ["trust-exact", "trust-ncg", "trust-krylov", "Newton-CG", "BFGS"]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="optkit tr and scipy-tr against trust-exact only")
    ap.add_argument("--write-spec", action="store_true", help="write benchmarks/classic_set.json and stop")
    ap.add_argument("--method", action="append", default=[], help="extra optkit spec to measure (repeatable)")
    ap.add_argument("--variants", action="store_true", help="also every trust-region/ARC variant measured for issue 9")
    args = ap.parse_args(argv)
    runs = classic_runs()
    if args.write_spec:
        spec = [{"problem": p.name, "n": p.n, "start_index": i, "x0": x0.tolist()} for p, i, x0 in runs]
        SPEC_FILE.write_text(json.dumps({"description": "issue 9 classic set: x0 + 10 uniform starts in the box, "
                                         "numpy default_rng(0), registry order", "runs": spec}, indent=1) + "\n")
        print(f"wrote {len(spec)} runs to {SPEC_FILE}")
        return
    print(f"classic set: {len(runs)} runs over {len(classic_problems())} problems; 'both' = runs solved by the "
          "method and by SciPy trust-exact (Brown excluded), 'ratio' = f-evaluations over trust-exact's on them")
    base = sweep("scipy:trust-exact", lambda p, x: run_scipy("trust-exact", p, x), runs)
    optkit_specs = (["tr", "scipy-tr"] if args.quick else OPTKIT_DEFAULT) + (VARIANTS if args.variants else []) \
        + args.method
    print(HEADER)
    print(summary("scipy:trust-exact", base, base))
    for spec in optkit_specs:
        recs = sweep(spec, lambda p, x, s=spec: run_optkit(s, p, x), runs)
        iterations = sum(r["iterations"] for r in recs if r["problem"] != "brown-badly-scaled")
        print(summary(spec, recs, base) + f"   iterations outside Brown {iterations}")
        sys.stdout.flush()
    if not args.quick:
        for name in SCIPY[1:]:
            recs = sweep(name, lambda p, x, m=name: run_scipy(m, p, x), runs)
            print(summary("scipy:" + name, recs, base))
        for spec in ["newton+armijo", "sfn"]:
            recs = sweep(spec, lambda p, x, s=spec: run_optkit(s, p, x), runs)
            print(summary(spec, recs, base))
    print("\nBrown badly scaled from x0 = (1, 1) (target: ≤ 50 iterations for every subproblem):")
    print("\n".join(brown_iterations(["tr-exact", "tr-cg", "tr-dogleg", "tr-cauchy", "scipy-tr"])))


if __name__ == "__main__":
    main()
