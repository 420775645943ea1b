"""Styblinski-Tang function: separable, 2^n local minima.

    f(x) = 1/2 sum_i (x_i^4 - 16 x_i^2 + 5 x_i)

Separable, so its stationary points are the 3^n points whose coordinates are
roots of the cubic  h'(t) = 4 t^3 - 32 t + 5 = 0  (h(t) = t^4 - 16 t^2 + 5 t):

    t_min  = -2.903534027771177   (h''(t) > 0, 1/2 h = -39.166165703771415)
    t_max  =  0.1567312567803401  (h''(t) < 0, 1/2 h =   0.195612359055358)
    t_loc  =  2.746802770990837   (h''(t) > 0, 1/2 h = -25.029446655283943)

(the real roots of the cubic, computed to 50 digits with mpmath.polyroots and
confirmed with sympy.real_roots; rounded to the nearest double).  A point's
Hessian is diagonal, so its index is the number of coordinates equal to t_max:
minima are the 2^n points with every coordinate in {t_min, t_loc}, the single
maximum is (t_max, ..., t_max), everything else is a saddle.  The complete list
of all 3^n stationary points is recorded for n <= 4 (81 points); for larger n
only the global minimizer.  f* = n * (-39.166165703771415).
"""

import numpy as np

from optkit.problems.problem import Functions, KnownPoint, ProblemDefinition

T_MIN = -2.903534027771177
T_MAX = 0.1567312567803401
T_LOC = 2.746802770990837
F1 = -39.166165703771415  # 1/2 h(T_MIN), the per-coordinate minimum
FULL_LIST_MAX_N = 4


def build(n: int) -> Functions:
    def f(x):
        x = np.asarray(x, dtype=float)
        return float(0.5 * np.sum(x**4 - 16.0 * x**2 + 5.0 * x))

    def grad(x):
        x = np.asarray(x, dtype=float)
        return 2.0 * x**3 - 16.0 * x + 2.5

    def diag(x):
        x = np.asarray(x, dtype=float)
        return 6.0 * x**2 - 16.0

    def hess(x):
        return np.diag(diag(x))

    def hvp(x, v):
        return diag(x) * np.asarray(v, dtype=float)

    xstar = np.full(n, T_MIN)
    if n <= FULL_LIST_MAX_N:
        points = []
        roots = [np.array([T_MIN, T_LOC, T_MAX])] * n
        for combo in np.array(np.meshgrid(*roots, indexing="ij")).reshape(n, -1).T:
            index = int(np.sum(combo == T_MAX))
            kind = "minimum" if index == 0 else "maximum" if index == n else "saddle"
            points.append(KnownPoint(combo.copy(), kind, index))
    else:
        points = [KnownPoint(xstar, "minimum", 0)]
    return Functions(
        f=f, grad=grad, hess=hess, hvp=hvp,
        x0=np.zeros(n),
        box=[[-5.0, 5.0]] * n,
        fstar=n * F1,
        minimizers=[xstar],
        stationary_points=points,
    )


PROBLEM = ProblemDefinition(
    name="styblinski-tang",
    build=build,
    dimension=None,
    default_n=2,
    min_n=1,
    tags=("classic", "polynomial", "multimodal", "saddle", "n-dimensional"),
    source=("Styblinski & Tang (1990), Experiments in nonconvex optimization: stochastic approximation with function "
            "smoothing and simulated annealing, Neural Networks 3(4):467-483; Surjanovic & Bingham, Virtual Library "
            "of Simulation Experiments (sfu.ca/~ssurjano/stybtang.html); "
            "scipy/scipy benchmarks/benchmarks/go_benchmark_functions/go_funcs_S.py::StyblinskiTang"),
    notes=("f* = -39.166165703771415 n at x_i* = -2.903534027771177 (some tables print -2.903534027771178 and "
           "-78.33233140754284 for n = 2, one unit in the last place off). 2^n local minima: each coordinate "
           "at -2.9035 or 2.7468; the start 0 (not a standard one) is near the per-coordinate maximum 0.1567, "
           "so the first gradient step decides which basin each coordinate falls into. All 3^n stationary points "
           "are recorded for n <= 4."),
    fstar_text="-39.166165703771415*n",
)
