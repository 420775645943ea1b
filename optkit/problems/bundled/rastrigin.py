"""Rastrigin's function: separable and highly multimodal.

    f(x) = 10 n + sum_i (x_i^2 - 10 cos(2 pi x_i))

Gradient 2 x_i + 20 pi sin(2 pi x_i); the Hessian is diagonal,
2 + 40 pi^2 cos(2 pi x_i).  In one coordinate the stationary points in
[-5.12, 5.12] are a local minimum near every integer and a local maximum near
every half-integer (21 points), so the box holds 21^n stationary points; only the
global minimizer 0 is recorded (Hessian 2 + 40 pi^2 > 0 there, by hand).
"""

import numpy as np

from optkit.problems.problem import Functions, KnownPoint, ProblemDefinition

TWO_PI = 2.0 * np.pi


def build(n: int) -> Functions:
    def f(x):
        x = np.asarray(x, dtype=float)
        return float(10.0 * n + np.sum(x * x - 10.0 * np.cos(TWO_PI * x)))

    def grad(x):
        x = np.asarray(x, dtype=float)
        return 2.0 * x + 10.0 * TWO_PI * np.sin(TWO_PI * x)

    def diag(x):
        x = np.asarray(x, dtype=float)
        return 2.0 + 10.0 * TWO_PI**2 * np.cos(TWO_PI * x)

    def hess(x):
        return np.diag(diag(x))

    def hvp(x, v):
        return diag(x) * np.asarray(v, dtype=float)

    zero = np.zeros(n)
    return Functions(
        f=f, grad=grad, hess=hess, hvp=hvp,
        x0=np.resize([2.5, -3.5], n),
        box=[[-5.12, 5.12]] * n,
        fstar=0.0,
        minimizers=[zero],
        stationary_points=[KnownPoint(zero, "minimum", 0, ("0",) * n)],
    )


PROBLEM = ProblemDefinition(
    name="rastrigin",
    build=build,
    dimension=None,
    default_n=2,
    min_n=1,
    tags=("classic", "multimodal", "n-dimensional"),
    source=("Rastrigin (1974), Systems of Extremal Control, Nauka, Moscow; Muehlenbein, Schomisch & Born (1991), "
            "The parallel genetic algorithm as function optimizer, Parallel Computing 17:619-632 (n-dimensional "
            "form); Surjanovic & Bingham, Virtual Library of Simulation Experiments (sfu.ca/~ssurjano/rastr.html); "
            "scipy/scipy benchmarks/benchmarks/go_benchmark_functions/go_funcs_R.py::Rastrigin"),
    notes=("Separable and highly multimodal: a local method converges to the nearest lattice minimum (near integer "
           "points). The start (2.5, -3.5) (repeated for larger n; not a standard start) sits at half-integers, "
           "i.e. close to a local MAXIMUM in every coordinate, where the Hessian 2 - 40 pi^2 is negative definite: "
           "Newton heads for the maximum. Only the global minimizer is recorded, not the 21^n stationary points "
           "in the box."),
    fstar_text="0",
)
