"""Rosenbrock's function; for n > 2 the extended form of More, Garbow & Hillstrom (problem 21).

    f(x) = sum_{i=1}^{n/2} 100 (x_{2i} - x_{2i-1}^2)^2 + (1 - x_{2i-1})^2,   n even.

At n = 2 this is the usual banana valley 100 (x2 - x1^2)^2 + (1 - x1)^2.  The
extended form is a sum of n/2 independent copies on the pairs (x_{2i-1}, x_{2i}),
so its Hessian is block diagonal with 2x2 blocks

    [[1200 a^2 - 400 b + 2, -400 a], [-400 a, 200]]     (a = x_{2i-1}, b = x_{2i})

and the Hessian-vector product costs O(n) without forming a matrix.  (The
*chained* form of scipy.optimize.rosen couples neighbours instead; it is a
different problem with other local minima.)

Stationary points: for each pair, df/db = 200 (b - a^2) = 0 gives b = a^2 and then
df/da = -2 (1 - a) = 0 gives a = 1; so (1, ..., 1) is the ONLY stationary point on
R^n, for every even n (by hand; sympy agrees at n = 2).  It is recorded as a minimum.
"""

import numpy as np

from optkit.problems.problem import Functions, KnownPoint, ProblemDefinition


def build(n: int) -> Functions:
    def split(x):
        x = np.asarray(x, dtype=float)
        return x[0::2], x[1::2]

    def f(x):
        a, b = split(x)
        return float(np.sum(100.0 * (b - a * a) ** 2 + (1.0 - a) ** 2))

    def grad(x):
        a, b = split(x)
        g = np.empty(n)
        t = b - a * a
        g[0::2] = -400.0 * a * t - 2.0 * (1.0 - a)
        g[1::2] = 200.0 * t
        return g

    def blocks(x):
        a, b = split(x)
        return 1200.0 * a * a - 400.0 * b + 2.0, -400.0 * a  # h_aa, h_ab; h_bb = 200

    def hess(x):
        haa, hab = blocks(x)
        h = np.zeros((n, n))
        i = np.arange(0, n, 2)
        h[i, i] = haa
        h[i, i + 1] = hab
        h[i + 1, i] = hab
        h[i + 1, i + 1] = 200.0
        return h

    def hvp(x, v):
        haa, hab = blocks(x)
        v = np.asarray(v, dtype=float)
        va, vb = v[0::2], v[1::2]
        out = np.empty(n)
        out[0::2] = haa * va + hab * vb
        out[1::2] = hab * va + 200.0 * vb
        return out

    ones = np.ones(n)
    return Functions(
        f=f, grad=grad, hess=hess, hvp=hvp,
        x0=np.tile([-1.2, 1.0], n // 2),
        box=[[-5.0, 10.0]] * n,
        fstar=0.0,
        minimizers=[ones],
        stationary_points=[KnownPoint(ones, "minimum", 0, ("1",) * n)],
    )


PROBLEM = ProblemDefinition(
    name="rosenbrock",
    build=build,
    dimension=None,
    default_n=2,
    min_n=2,
    even_n=True,
    tags=("classic", "polynomial", "n-dimensional"),
    source=("Rosenbrock (1960), An automatic method for finding the greatest or least value of a function, "
            "Computer Journal 3(3):175-184; More, Garbow & Hillstrom (1981), Testing unconstrained optimization "
            "software, ACM TOMS 7(1):17-41, problems 1 (n = 2) and 21 (extended, n even); "
            "JuliaNLSolvers/OptimTestProblems.jl more_testing.jl"),
    notes=("Curved valley x2 = x1^2; the Hessian at the minimizer has condition number ~2508. f(x0) = 24.2 at n = 2 "
           "(24.2 n/2 in general). Unique stationary point (1, ..., 1) on R^n. n must be even (MGH extended form); "
           "x0 repeats (-1.2, 1). Not scipy.optimize.rosen, which is the chained form (local minima near "
           "x1 = -1 for n >= 4). OptimTestProblems.jl uses 0.5 * the sum of squared residuals (f halved) with "
           "n = 100. The Hessian-vector product is O(n); hess() forms a dense n x n matrix, so avoid it for large n. "
           "Box [-5, 10]^n as in MGH-based benchmarks (scipy's Rosenbrock uses [-30, 30])."),
    fstar_text="0",
)
