"""Scale: extended Rosenbrock at n = 10 000 with Hessian-vector products only, measured in one run.

optkit ``tr --subproblem cg`` (Steihaug–Toint CG) and ``sfn --krylov-dim 20``
(Lanczos) get f, ∇f and Hv as plain callables — no Hessian callable at all, so
no n×n matrix can be formed — and are timed per iteration against scipy's
``trust-ncg`` on the same callables.  Target: ratio ≤ 1.5.

Memory: the peak of Python allocations during each run (tracemalloc) is
reported beside n·k·8 bytes (k = 20 Lanczos vectors) and beside the 800 MB a
dense 10 000 × 10 000 Hessian would need.  Runs stop at ‖g‖₂ ≤ 1e-5 (scipy: gtol = 1e-5)
or 200 iterations; times are medians of five runs.

Two starts: the standard one, where all n/2 blocks are identical so the
Krylov space of (H, g) has dimension 2 and Lanczos stops after 2 products;
and a slightly perturbed one, where sfn really builds k = 20 Lanczos vectors
per iteration (20 Hessian-vector products, against ≈ 3 per iteration for
trust-ncg's CG: a higher cost per iteration for far fewer iterations).  The end-point classification (Lanczos on Hv) is excluded from
optkit's timing, as scipy has none.

Usage: python benchmarks/run_scale.py [N]
"""

from __future__ import annotations

import sys
import time
import tracemalloc

import numpy as np


def peak_memory(run) -> float:
    """Peak of Python allocations during one run (tracemalloc; timed separately, as it slows allocation)."""
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def median_time(run, repeats: int = 5):
    """(last result, median seconds) over ``repeats`` runs after one warm-up."""
    out = run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return out, sorted(times)[len(times) // 2]


def compare(p, x0, gtol: float) -> None:
    from scipy.optimize import minimize as sp_minimize

    from optkit.run.driver import minimize

    def scipy_run():
        return sp_minimize(p.f, x0, jac=p.grad, hessp=p.hvp, method="trust-ncg",
                           options={"gtol": gtol, "maxiter": 200})

    s, t_sp = median_time(scipy_run)
    per_sp = t_sp / s.nit
    print(f"{'run':<28}{'iters':>6}{'‖g‖ end':>10}{'hvp':>7}{'ms/iter':>9}{'ratio':>7}{'peak MB':>9}")
    print(f"{'scipy trust-ncg':<28}{s.nit:>6}{np.linalg.norm(p.grad(s.x)):>10.1e}{s.nhev:>7}"
          f"{per_sp * 1e3:>9.2f}{1.0:>7.2f}{peak_memory(scipy_run) / 1e6:>9.1f}")
    for label, method, options in [("optkit tr --subproblem cg", "tr", {"subproblem": "cg"}),
                                   ("optkit sfn --krylov-dim 20", "sfn", {"krylov_dim": 20})]:
        def run(method=method, options=options):
            return minimize(p.f, method, x0, jac=p.grad, hessp=p.hvp, gtol=gtol, max_iter=200, **options)

        r = run()
        walls = sorted(run().wall_time for _ in range(5))
        per = walls[2] / max(r.iterations, 1)  # wall_time excludes the end-point classification
        print(f"{label:<28}{r.iterations:>6}{r.grad_norm:>10.1e}{r.evaluations['hvp']:>7}"
              f"{per * 1e3:>9.2f}{per / per_sp:>7.2f}{peak_memory(run) / 1e6:>9.1f}   {r.message[:48]}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    import optkit

    p = optkit.get_problem("rosenbrock", n=n)
    gtol = 1e-5
    starts = {
        "standard start (-1.2, 1, ...)": np.array(p.x0),
        "perturbed start x0 + 0.01·N(0, 1), seed 0": np.array(p.x0) + 0.01 * np.random.default_rng(0).standard_normal(n),
    }
    for title, x0 in starts.items():
        print(f"extended Rosenbrock, n = {n}, {title}; Hessian-vector products only; gtol {gtol:g} on ‖g‖₂")
        compare(p, x0, gtol)
        print()
    print(f"memory scale: n·k·8 bytes for k = 20 is {n * 20 * 8 / 1e6:.1f} MB; a dense Hessian would be "
          f"{n * n * 8 / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
