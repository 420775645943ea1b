"""Independent truth for ``benchmarks/classify_accuracy.py`` (never produced by optkit).

Writes ``benchmarks/data/classify_truth.json``: a seeded set of random 2-D
problems, each with every real stationary point in its box and its kind.

* **Polynomials** (random integer coefficients, total degree 3–5): the real
  roots of the resultants Res_y(f_x, f_y)(x) and Res_x(f_x, f_y)(y) (sympy's
  subresultant PRS and exact real-root isolation, not optkit's Gröbner code)
  give candidate coordinates; every pair (x_i, y_j) is Newton-polished in
  mpmath at 60 digits and kept when ∇f vanishes there to 1e-40 (a pair at which
  Newton cannot run -- a singular Hessian -- is kept when ∇f vanishes to 1e-40
  at the 60-digit candidate itself).  A resultant
  that vanishes identically (a common factor: a curve of stationary points)
  makes the seed be skipped.
* **Smooth non-polynomial functions** (random sums of sines, cosines,
  Gaussians and a quadratic): a sign-change grid (400 × 400 cells; a cell in
  which both f_x and f_y change sign seeds Newton) plus a dense multistart
  (4,000 uniform starts of ``scipy.optimize.root`` with the analytic
  Hessian), every root polished in mpmath at 60 digits and de-duplicated.
* **Kind** from the 60-digit Hessian's eigenvalues (mpmath ``eigsy``):
  minimum, maximum, saddle; a point with |λ| < 1e-30 is recorded as
  degenerate (the generator re-draws such seeds, so none should occur).

Usage: python benchmarks/classify_truth.py  (takes a few minutes; the data
file is committed, so the accuracy benchmark does not need to run this).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import mpmath
import numpy as np
import sympy as sp

DATA = Path(__file__).resolve().parent / "data" / "classify_truth.json"
SEED = 20261201
N_POLY, N_SMOOTH = 24, 16
DPS = 60
x, y = sp.symbols("x y")


def random_polynomial(rng: random.Random) -> tuple[str, list]:
    degree = rng.choice([3, 4, 4, 5])
    terms = []
    for i in range(degree + 1):
        for j in range(degree + 1 - i):
            if i + j >= 1 and (i + j == degree or rng.random() < 0.6):
                c = rng.randint(-5, 5)
                if c:
                    terms.append(c * x**i * y**j)
    if degree % 2 == 0:  # keep the top form from vanishing entirely
        terms.append(x**degree + y**degree)
    return str(sp.expand(sum(terms))), [[-3, 3], [-3, 3]]


def random_smooth(rng: random.Random) -> tuple[str, list]:
    def c():
        return sp.Rational(rng.randint(-9, 9), rng.choice([2, 3, 4, 5]))

    parts = [
        c() * sp.sin(c() * x + c() * y + c()),
        c() * sp.cos(c() * x - c() * y),
        c() * sp.exp(-((x - c()) ** 2) - (y - c()) ** 2),
        sp.Rational(rng.randint(1, 4), 10) * (x**2 + y**2),
    ]
    return str(sum(parts)), [[-2, 2], [-2, 2]]


def polish(fx, fy, hxx, hxy, hyy, start) -> tuple | None:
    """Newton in mpmath at DPS digits; the root, or None when it does not converge."""
    with mpmath.workdps(DPS):
        p = mpmath.matrix([mpmath.mpf(start[0]), mpmath.mpf(start[1])])
        for _ in range(80):
            g = mpmath.matrix([fx(*p), fy(*p)])
            J = mpmath.matrix([[hxx(*p), hxy(*p)], [hxy(*p), hyy(*p)]])
            try:
                step = mpmath.lu_solve(J, g)
            except ZeroDivisionError:
                return None
            p = p - step
            if mpmath.norm(step) < mpmath.mpf(10) ** (-DPS + 8):
                break
        g = mpmath.matrix([fx(*p), fy(*p)])
        if mpmath.norm(g) > mpmath.mpf(10) ** -40:
            return None
        return p[0], p[1]


def kind_of(hxx, hxy, hyy, p) -> str:
    with mpmath.workdps(DPS):
        H = mpmath.matrix([[hxx(*p), hxy(*p)], [hxy(*p), hyy(*p)]])
        lam = mpmath.eigsy(H, eigvals_only=True)
        lam = [lam[0], lam[1]]
        if min(abs(v) for v in lam) < mpmath.mpf(10) ** -30:
            return "degenerate"
        if all(v > 0 for v in lam):
            return "minimum"
        if all(v < 0 for v in lam):
            return "maximum"
        return "saddle"


def derivatives(expr):
    fx, fy = sp.diff(expr, x), sp.diff(expr, y)
    second = [sp.diff(fx, x), sp.diff(fx, y), sp.diff(fy, y)]
    mp = [sp.lambdify((x, y), e, "mpmath") for e in (fx, fy, *second)]
    npf = [sp.lambdify((x, y), e, "numpy") for e in (fx, fy, *second)]
    return fx, fy, mp, npf


def dedup(points: list) -> list:
    out: list = []
    for p in points:
        if not any(abs(p[0] - q[0]) + abs(p[1] - q[1]) < mpmath.mpf(10) ** -20 for q in out):
            out.append(p)
    return out


def polynomial_truth(expr) -> list | None:
    fx, fy, mp, _ = derivatives(expr)
    rx = sp.Poly(sp.resultant(fx, fy, y), x)
    ry = sp.Poly(sp.resultant(fx, fy, x), y)
    if rx.is_zero or ry.is_zero:
        return None  # common factor: a curve of stationary points
    xs = [sp.N(r, DPS) for r in rx.real_roots()]
    ys = [sp.N(r, DPS) for r in ry.real_roots()]
    points = []
    for a in dict.fromkeys(xs):
        for b in dict.fromkeys(ys):
            p = polish(*mp, (str(a), str(b)))
            if p is not None and abs(p[0] - mpmath.mpf(str(a))) < 1e-8 and abs(p[1] - mpmath.mpf(str(b))) < 1e-8:
                points.append(p)
                continue
            with mpmath.workdps(DPS):  # a singular Jacobian (degenerate point): the candidate itself
                c = (mpmath.mpf(str(a)), mpmath.mpf(str(b)))
                if abs(mp[0](*c)) + abs(mp[1](*c)) < mpmath.mpf(10) ** -40:
                    points.append(c)
    return dedup(points)


def smooth_truth(expr, box) -> list:
    from scipy.optimize import root

    _, _, mp, (gx, gy, hxx, hxy, hyy) = derivatives(expr)
    pad = 0.05
    lo, hi = box[0][0] - pad, box[0][1] + pad
    m = 400
    grid = np.linspace(lo, hi, m + 1)
    X, Y = np.meshgrid(grid, grid, indexing="ij")
    GX, GY = np.broadcast_to(gx(X, Y), X.shape), np.broadcast_to(gy(X, Y), X.shape)

    def changes(G):
        corners = np.stack([G[:-1, :-1], G[1:, :-1], G[:-1, 1:], G[1:, 1:]])
        return (corners.min(axis=0) <= 0) & (corners.max(axis=0) >= 0)

    cells = np.argwhere(changes(GX) & changes(GY))
    starts = [((grid[i] + grid[i + 1]) / 2, (grid[j] + grid[j + 1]) / 2) for i, j in cells]
    rng = np.random.default_rng(0)
    starts += [tuple(v) for v in rng.uniform(lo, hi, size=(4000, 2))]
    points = []
    for s in starts:
        sol = root(lambda v: [gx(*v), gy(*v)], s,
                   jac=lambda v: [[hxx(*v), hxy(*v)], [hxy(*v), hyy(*v)]], method="hybr")
        if not np.all(np.isfinite(sol.x)) or np.max(np.abs(sol.x)) > hi + 1:
            continue
        if np.hypot(gx(*sol.x), gy(*sol.x)) > 1e-6:
            continue
        p = polish(*mp, tuple(repr(float(v)) for v in sol.x))
        if p is not None:
            points.append(p)
    return dedup(points)


def main() -> None:
    rng = random.Random(SEED)
    problems = []
    while sum(p["family"] == "polynomial" for p in problems) < N_POLY:
        text, box = random_polynomial(rng)
        truth = polynomial_truth(sp.sympify(text))
        if truth is not None:
            problems.append(entry(f"poly-{len(problems) + 1:02d}", "polynomial", text, box, truth))
            if any(q["kind"] == "degenerate" for q in problems[-1]["points"]):
                problems.pop()
                continue
            print(problems[-1]["name"], len(truth), file=sys.stderr)
    while sum(p["family"] == "smooth" for p in problems) < N_SMOOTH:
        text, box = random_smooth(rng)
        problems.append(entry(f"smooth-{len(problems) + 1 - N_POLY:02d}", "smooth", text, box,
                              smooth_truth(sp.sympify(text), box)))
        print(problems[-1]["name"], len(problems[-1]["points"]), file=sys.stderr)
    DATA.parent.mkdir(exist_ok=True)
    DATA.write_text(json.dumps({"seed": SEED, "generator": "benchmarks/classify_truth.py",
                                "problems": problems}, indent=1) + "\n")
    print(f"wrote {DATA}: {len(problems)} problems")


def entry(name: str, family: str, text: str, box: list, truth: list) -> dict:
    expr = sp.sympify(text)
    _, _, (fx, fy, hxx, hxy, hyy), _ = derivatives(expr)
    points = []
    for p in truth:
        with mpmath.workdps(DPS):
            points.append({"x": [mpmath.nstr(p[0], 40), mpmath.nstr(p[1], 40)],
                           "kind": kind_of(hxx, hxy, hyy, p),
                           "in_box": bool(all(box[i][0] <= p[i] <= box[i][1] for i in range(2)))})
    return {"name": name, "family": family, "expr": text, "vars": "x,y", "box": box, "points": points}


if __name__ == "__main__":
    main()
