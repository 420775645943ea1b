"""Cost at scale (issue 9 §6): whole calls at n = 10⁴ and 10⁵ with Hessian-vector products only.

Part 1 — optkit ``tr --subproblem cg`` (Steihaug–Toint CG), the *whole* call
(loop, end-point diagnosis, result) against scipy's ``trust-ncg`` on the same
callables (f, ∇f, Hv; no Hessian, so no n×n matrix can be formed), stopping at
‖g‖₂ ≤ 1e-5 or 200 iterations.  The two are timed interleaved (scipy, optkit,
scipy, optkit, …; median of each and the median of the paired ratios), so the
machine's load hits both alike.  Target: ratio ≤ 1.0.  Peak memory
(tracemalloc, timed separately) of the whole call and of the end-point
diagnosis alone, beside n·k·8 bytes for k = 20 Lanczos vectors.

Problems: extended Rosenbrock from its standard start (all n/2 blocks alike, so
its minimum's Hessian has two distinct eigenvalues and Lanczos finds both in 2
products) and from a perturbed start, and the quadratic diag(geomspace(1, 10, n))
(a dense spectrum: the diagnosis spends all 20 products and says "probable").

Part 2 — sfn ``--krylov-dim k`` for k = 5, 10, 20, 40 on perturbed extended
Rosenbrock (n = 10⁴) to ‖g‖₂ ≤ 1e-5: iterations, Hessian-vector products,
time per product (the Lanczos reorthogonalisation is O(n·k) per product) and
time per run, against trust-ncg in the same run.

Usage: python benchmarks/run_scale.py [REPEATS]
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc

import numpy as np

GTOL = 1e-5
MAX_ITER = 200


def peak_mb(run) -> float:
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def interleaved(runs: dict, repeats: int) -> dict:
    """{label: (last result, list of seconds)}, the runs timed in turn, after one warm-up each."""
    out = {label: [run(), []] for label, run in runs.items()}
    for _ in range(repeats):
        for label, run in runs.items():
            start = time.perf_counter()
            out[label][0] = run()
            out[label][1].append(time.perf_counter() - start)
    return out


def scipy_call(p, x0):
    from scipy.optimize import minimize as sp_minimize

    return lambda: sp_minimize(p.f, x0, jac=p.grad, hessp=p.hvp, method="trust-ncg",
                               options={"gtol": GTOL, "maxiter": MAX_ITER})


def optkit_call(p, x0, method="tr", **options):
    from optkit.run.driver import minimize

    return lambda: minimize(p.f, method, x0, jac=p.grad, hessp=p.hvp, gtol=GTOL, max_iter=MAX_ITER, **options)


def whole_calls(repeats: int) -> None:
    import optkit
    from optkit.run.diagnostics import classify_end

    print("Part 1: whole call, optkit tr --subproblem cg against scipy trust-ncg (Hv only, gtol 1e-5 on ‖g‖₂)")
    head = (f"{'problem':<30}{'n':>7}{'scipy s':>9}{'optkit s':>9}{'ratio':>7}{'iters sp/ok':>12}"
            f"{'MB sp':>7}{'MB ok':>7}{'MB diag':>8}{'n·k·8 MB':>9}  end point")
    print(head)
    for n in (10_000, 100_000):
        rosen = optkit.get_problem("rosenbrock", n=n)
        quad = optkit.get_problem("quadratic", n=n)
        cases = [("rosenbrock, standard start", rosen, np.array(rosen.x0)),
                 ("rosenbrock, perturbed start", rosen,
                  np.array(rosen.x0) + 0.01 * np.random.default_rng(0).standard_normal(n)),
                 ("quadratic, cond 10", quad, np.array(quad.x0))]
        for label, p, x0 in cases:
            t = interleaved({"scipy": scipy_call(p, x0), "optkit": optkit_call(p, x0, subproblem="cg")}, repeats)
            (s, ts), (r, to) = t["scipy"], t["optkit"]
            ratio = statistics.median(b / a for a, b in zip(ts, to))
            x = np.array(r.x)
            diag = peak_mb(lambda: classify_end(p, x, p.grad(x), GTOL))
            print(f"{label:<30}{n:>7}{statistics.median(ts):>9.3f}{statistics.median(to):>9.3f}{ratio:>7.2f}"
                  f"{f'{s.nit}/{r.iterations}':>12}{peak_mb(scipy_call(p, x0)):>7.1f}"
                  f"{peak_mb(optkit_call(p, x0, subproblem='cg')):>7.1f}{diag:>8.1f}{n * 20 * 8 / 1e6:>9.1f}"
                  f"  {r.classification['description']}")
    print("ratio: median over the interleaved pairs of optkit's whole call / scipy's; MB: tracemalloc peaks")


def sfn_krylov(repeats: int) -> None:
    import optkit

    n = 10_000
    p = optkit.get_problem("rosenbrock", n=n)
    x0 = np.array(p.x0) + 0.01 * np.random.default_rng(0).standard_normal(n)
    print(f"\nPart 2: sfn --krylov-dim k, perturbed extended Rosenbrock n = {n}, to ‖g‖₂ ≤ {GTOL:g} "
          f"(or {MAX_ITER} iterations)")
    runs = {"trust-ncg": scipy_call(p, x0)}
    for k in (5, 10, 20, 40):
        runs[f"sfn k={k}"] = optkit_call(p, x0, "sfn", krylov_dim=k)
    t = interleaved(runs, repeats)
    print(f"{'run':<12}{'iters':>7}{'Hv':>7}{'‖g‖₂ end':>10}{'s/run':>8}{'ms/Hv':>8}{'×ncg':>7}  outcome")
    base = statistics.median(t["trust-ncg"][1])
    for label, (res, times) in t.items():
        sec = statistics.median(times)
        if label == "trust-ncg":
            its, hv, g, outcome = res.nit, res.nhev, float(np.linalg.norm(p.grad(res.x))), res.message
        else:
            its, hv, g, outcome = res.iterations, res.evaluations["hvp"], res.grad_norm, res.outcome
        print(f"{label:<12}{its:>7}{hv:>7}{g:>10.1e}{sec:>8.3f}{sec / max(hv, 1) * 1e3:>8.3f}"
              f"{sec / base:>7.2f}  {outcome}")
    print("ms/Hv: the whole run's time per Hessian-vector product (the products and the Lanczos work around them)")


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    whole_calls(repeats)
    sfn_krylov(max(1, repeats // 2))


if __name__ == "__main__":
    main()
