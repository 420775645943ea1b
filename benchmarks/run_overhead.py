"""Overhead and iteration efficiency of ``optkit run`` against scipy.optimize, measured in one run.

Problem: 2-D Rosenbrock from (−1.2, 1).  Both libraries get the *same*
callables (optkit's registered ``rosenbrock`` f, ∇f, ∇²f, Hv), so the
difference is the optimizer's own overhead.

1. Time per iteration (median of REPEATS runs): optkit ``tr --subproblem
   exact`` vs scipy ``trust-exact``, optkit ``newton`` vs scipy ``Newton-CG``.
   Target: ratio ≤ 1.5.  optkit is timed with its defaults (Hessian eigenvalues
   recorded in the trace for n ≤ 10) and with ``eig=False``.
2. Iterations to ‖g‖₂ ≤ 1e-8 (optkit) vs scipy's nearest method to its own
   default tolerance: pure Newton vs Newton-CG, tr exact vs trust-exact,
   tr dogleg vs dogleg, tr cg vs trust-ncg.  Target: ratio ≤ 1.

Usage: python benchmarks/run_overhead.py [REPEATS]
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np


def per_iteration(run, repeats: int) -> tuple[float, int]:
    run()  # warm-up: imports, caches
    times, iterations = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        iterations = run()
        times.append((time.perf_counter() - start) / max(iterations, 1))
    return statistics.median(times), iterations


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    from scipy.optimize import minimize as sp_minimize

    import optkit
    from optkit.run.driver import minimize

    p = optkit.get_problem("rosenbrock")
    x0 = np.array([-1.2, 1.0])

    def ok(method, **options):
        return lambda: minimize(p, method, x0, **options).iterations

    def sp(method, **kw):
        return lambda: sp_minimize(p.f, x0, jac=p.grad, method=method, **kw).nit

    print(f"2-D Rosenbrock from (-1.2, 1); median of {repeats} runs; same callables for both libraries\n")
    print("time per iteration (target: ratio <= 1.5)")
    print(f"{'optkit':<28}{'scipy':<14}{'optkit µs':>10}{'scipy µs':>10}{'ratio':>8}")
    rows = [
        ("tr exact", ok("tr", subproblem="exact"), "trust-exact", sp("trust-exact", hess=p.hess)),
        ("tr exact (eig=False)", ok("tr", subproblem="exact", eig=False), "trust-exact", sp("trust-exact", hess=p.hess)),
        ("newton", ok("newton"), "Newton-CG", sp("Newton-CG", hess=p.hess)),
        ("newton (eig=False)", ok("newton", eig=False), "Newton-CG", sp("Newton-CG", hess=p.hess)),
    ]
    for label, run_ok, sp_label, run_sp in rows:
        t_ok, _ = per_iteration(run_ok, repeats)
        t_sp, _ = per_iteration(run_sp, repeats)
        print(f"{label:<28}{sp_label:<14}{t_ok * 1e6:>10.1f}{t_sp * 1e6:>10.1f}{t_ok / t_sp:>8.2f}")

    print("\niterations: optkit to ‖g‖₂ <= 1e-8 vs scipy to its own default tolerance (target: ratio <= 1)")
    print(f"{'optkit':<16}{'scipy':<14}{'optkit':>8}{'‖g‖ end':>10}{'scipy':>8}{'‖g‖ end':>10}{'ratio':>8}")
    pairs = [
        ("newton", {}, "Newton-CG", {"hess": p.hess}),
        ("tr exact", {"subproblem": "exact"}, "trust-exact", {"hess": p.hess}),
        ("tr dogleg", {"subproblem": "dogleg"}, "dogleg", {"hess": p.hess}),
        ("tr cg", {"subproblem": "cg"}, "trust-ncg", {"hessp": p.hvp}),
    ]
    for label, options, sp_label, kw in pairs:
        method = "newton" if label == "newton" else "tr"
        r = minimize(p, method, x0, gtol=1e-8, **options)
        s = sp_minimize(p.f, x0, jac=p.grad, method=sp_label, **kw)
        assert r.success, r.message
        print(f"{label:<16}{sp_label:<14}{r.iterations:>8}{r.grad_norm:>10.1e}{s.nit:>8}"
              f"{np.linalg.norm(p.grad(s.x)):>10.1e}{r.iterations / s.nit:>8.2f}")


if __name__ == "__main__":
    main()
