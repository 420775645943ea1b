"""``optkit classify`` against a naive baseline, measured in one run.

For each problem: the wall time of the whole ``optkit classify --fn NAME``
process (start-up included) and how many stationary points it reports in the
box, beside the naive baseline -- ``scipy.optimize.root`` (hybr, with the
analytic Hessian as Jacobian) from a uniform grid of as many starts as the
numeric path would use (64·n), keeping roots with ‖∇f‖ ≤ 1e-8·scale inside
the box and de-duplicating them at 1e-6 -- timed in-process (no start-up).

Targets (issue 4): closed-form 2-D problems under 2 s each, course-2.2 in
[-10, 10]² under 5 s, a 4-D problem (wood, powell-singular) under 20 s.
Usage: python benchmarks/classify_speed.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from optkit import get_problem  # noqa: E402

PROBLEMS = {  # name -> target seconds
    "quartic": 2, "himmelblau": 2, "beale": 2, "booth": 2, "matyas": 2, "three-hump-camel": 2,
    "six-hump-camel": 2, "goldstein-price": 2, "freudenstein-roth": 2, "brown-badly-scaled": 2,
    "monkey-saddle": 2, "mccormick": 2, "course-2.2": 5, "wood": 20, "powell-singular": 20,
}


def optkit_classify(name: str) -> tuple[float, dict]:
    command = [str(Path(sys.executable).with_name("optkit")), "classify", "--fn", name, "--format", "json"]
    start = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, json.loads(out.stdout)


def naive_baseline(name: str) -> tuple[float, int]:
    from scipy.optimize import root

    problem = get_problem(name)
    n, box = problem.n, problem.box
    starts_per_axis = int(np.ceil((64 * n) ** (1 / n)))
    axes = [np.linspace(lo, hi, starts_per_axis) for lo, hi in box]
    grid = np.array(np.meshgrid(*axes)).reshape(n, -1).T
    start = time.perf_counter()
    found: list[np.ndarray] = []
    with np.errstate(all="ignore"):
        for x0 in grid:
            x = root(problem.grad, x0, jac=problem.hess, method="hybr").x
            scale = max(1.0, float(np.max(np.abs(problem.hess(x)))) * max(1.0, float(np.max(np.abs(x)))))
            inside = np.all((box[:, 0] <= x) & (x <= box[:, 1]))
            if inside and np.linalg.norm(problem.grad(x)) <= 1e-8 * scale and not any(
                    np.max(np.abs(x - y)) <= 1e-6 * max(1.0, float(np.max(np.abs(y)))) for y in found):
                found.append(x)
    return time.perf_counter() - start, len(found)


def main() -> None:
    optkit_classify("quartic")  # warm the derivative cache
    print(f"{'problem':20} {'path':8} {'optkit s':>9} {'points':>7} {'target':>7}   {'naive s':>8} {'points':>7} {'starts':>7}")
    for name, target in PROBLEMS.items():
        seconds, record = optkit_classify(name)
        inside = sum(1 for p in record["points"] if p["in_box"])
        curves = len(record["curves"])
        naive_seconds, naive_points = naive_baseline(name)
        n = get_problem(name).n
        starts = int(np.ceil((64 * n) ** (1 / n))) ** n
        verdict = "ok" if seconds <= target else "MISSED"
        extra = f"+{curves} curve" if curves else ""
        print(f"{name:20} {record['method']:8} {seconds:9.2f} {inside:>7}{extra} {('<%ds' % target):>7} {verdict:6}"
              f" {naive_seconds:8.2f} {naive_points:>7} {starts:>7}")


if __name__ == "__main__":
    main()
