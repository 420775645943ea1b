"""Hand-worked truth for the hard cases of issue 10: ``benchmarks/data/classify_hard.json``.

Flat decaying functions, Peano-type multiple roots, flat isolated minima and
degenerate points whose kind needs more than the second-order test.  Every
point and kind is derived by hand (the comment beside each case); the
coordinates are written at 40 digits by mpmath.  Read by
``benchmarks/classify_accuracy.py`` as the family "hard".
Usage: python benchmarks/classify_hard.py
"""

from __future__ import annotations

import json
from pathlib import Path

import mpmath

DATA = Path(__file__).resolve().parent / "data" / "classify_hard.json"
mpmath.mp.dps = 50
S6, S2 = 1 / mpmath.sqrt(6), mpmath.sqrt(2)

CASES = [
    # ∇[e^{-r²}(x + y − z)] = 0 ⇔ (1, 1, −1) = 2(x + y − z)·x: x = ±(1, 1, −1)/√6
    ("exp(-(x**2 + y**2 + z**2))*(x + y - z)", "x,y,z", [[-3, 3]] * 3,
     [((-S6, -S6, S6), "minimum"), ((S6, S6, -S6), "maximum")]),
    ("exp(-(x**2 + y**2 + z**2))*(x + y - z)", "x,y,z", [[-6, 6]] * 3,
     [((-S6, -S6, S6), "minimum"), ((S6, S6, -S6), "maximum")]),
    # 1 = 2x(x − y), −1 = 2y(x − y) ⇒ y = −x, 4x² = 1
    ("exp(-x**2 - y**2)*(x - y)", "x,y", [[-8, 8]] * 2, [((-0.5, 0.5), "minimum"), ((0.5, -0.5), "maximum")]),
    # f_y = 0 ⇒ y = 3s²/2 (s = x or sin x), then f_x ∝ s³ = 0; f < 0 between the parabolas
    ("(y - x**2)*(y - 2*x**2)", "x,y", [[-2, 2]] * 2, [((0, 0), "saddle")]),
    ("(y - sin(x)**2)*(y - 2*sin(x)**2)", "x,y", [[-1, 1]] * 2, [((0, 0), "saddle")]),
    # f ≥ 0 = f(0) only at 0 in the box
    ("x**2 + y**10", "x,y", [[-2, 2]] * 2, [((0, 0), "minimum")]),
    ("x**2 + y**8", "x,y", [[-2, 2]] * 2, [((0, 0), "minimum")]),
    ("x**2 + y**6", "x,y", [[-2, 2]] * 2, [((0, 0), "minimum")]),
    ("x**2 + (1 - cos(y))**3", "x,y", [[-2, 2]] * 2, [((0, 0), "minimum")]),
    ("x**2 + (1 - cos(y))**4", "x,y", [[-2, 2]] * 2, [((0, 0), "minimum")]),
    # (3x² + y³, 3xy²) = 0 only at 0; f(t, 0) = t³ changes sign
    ("x**3 + x*y**3", "x,y", [[-2, 2]] * 2, [((0, 0), "saddle")]),
    # f_x = 6x(x² − 2)²: x = 0 (f_xx = 24, f_yy = 2: minimum), x = ±√2 (f(x, 0) = (x² − 2)³ changes sign)
    ("(x**2 - 2)**3 + y**2", "x,y", [[-3, 3]] * 2,
     [((0, 0), "minimum"), ((S2, 0), "saddle"), ((-S2, 0), "saddle")]),
    # x(x⁴ − y²) = 0 = y(y⁴ − x²): 0 and (±1, ±1) (f = −1, H = [[24, ∓12·…]] positive definite: minima);
    # f(t, t) = 2t⁶ − 3t⁴ < 0 < f(t, 0): 0 is no extremum
    ("x**6 + y**6 - 3*x**2*y**2", "x,y", [[-2, 2]] * 2,
     [((0, 0), "saddle"), ((1, 1), "minimum"), ((1, -1), "minimum"), ((-1, 1), "minimum"), ((-1, -1), "minimum")]),
    # x(2y² + 6x⁴) = 0 = y(2x² + 6y⁴): only 0; f > 0 elsewhere
    ("x**2*y**2 + x**6 + y**6", "x,y", [[-2, 2]] * 2, [((0, 0), "minimum")]),
]


def main() -> None:
    problems = []
    for k, (expr, variables, box, points) in enumerate(CASES, 1):
        problems.append({"name": f"hard-{k:02d}", "family": "hard", "expr": expr, "vars": variables, "box": box,
                         "points": [{"x": [mpmath.nstr(mpmath.mpf(c), 40) for c in x], "kind": kind, "in_box": True}
                                    for x, kind in points]})
    DATA.write_text(json.dumps({"generator": "benchmarks/classify_hard.py", "problems": problems}, indent=1) + "\n")
    print(f"wrote {DATA}: {len(problems)} problems")


if __name__ == "__main__":
    main()
