"""Helical valley of Fletcher & Powell (More, Garbow & Hillstrom problem 7).

    f(x) = 100 [(x3 - 10 theta(x1, x2))^2 + (r - 1)^2] + x3^2,   r = sqrt(x1^2 + x2^2),

    theta = atan(x2/x1)/(2 pi)          if x1 > 0
          = atan(x2/x1)/(2 pi) + 1/2    if x1 < 0        (MGH's definition)

So theta is the polar angle / 2 pi taken in (-1/4, 3/4): it is continuous -- and
smooth -- across x1 = 0 for x2 > 0, but JUMPS by 1 across the half-plane
{x1 = 0, x2 < 0} (f jumps there), and r is not differentiable on the x3-axis.
Elsewhere f is smooth, with (using d theta = (-x2, x1)/(2 pi r^2))

    grad_u f = 200 [-10 A grad theta + B u/r],   df/dx3 = 200 A + 2 x3,
    A = x3 - 10 theta, B = r - 1, u = (x1, x2);

Hessian blocks  H_uu = 200 [100 grad theta grad theta^T - 10 A D2theta
+ u u^T/r^2 + B (I - u u^T/r^2)/r],  H_u3 = -2000 grad theta,  H_33 = 202, with
D2theta = [[2 x1 x2, x2^2 - x1^2], [x2^2 - x1^2, -2 x1 x2]] / (2 pi r^4).

Here theta is evaluated as atan2(x2, x1)/(2 pi), plus 1 where x1 < 0 and x2 < 0:
equal to MGH's formula wherever that is defined, and without a division by zero
at x1 = 0 (where it takes the continuous value for x2 > 0, the x1 > 0 limit for x2 < 0).

Stationary points: only the global minimizer (1, 0, 0) is recorded (f = 0 there;
the list is not claimed to be complete).
"""

import numpy as np

from optkit.problems.problem import Functions, KnownPoint, ProblemDefinition

TWO_PI = 2.0 * np.pi


def _theta(x1, x2):
    x2 = x2 + 0.0  # -0.0 -> +0.0: atan2(-0.0, -1) is -pi, but MGH's atan(-0/-1) is 0
    return np.arctan2(x2, x1) / TWO_PI + ((x1 < 0) & (x2 < 0))


def build(n: int) -> Functions:
    def parts(x):
        x1, x2, x3 = np.asarray(x, dtype=float)
        r2 = x1 * x1 + x2 * x2
        r = np.sqrt(r2)
        A = x3 - 10.0 * _theta(x1, x2)
        return x1, x2, x3, r2, r, A, r - 1.0

    def f(x):
        x1, x2, x3, r2, r, A, B = parts(x)
        return float(100.0 * (A * A + B * B) + x3 * x3)

    def grad(x):
        x1, x2, x3, r2, r, A, B = parts(x)
        gth = np.array([-x2, x1]) / (TWO_PI * r2)
        gu = 200.0 * (-10.0 * A * gth + B * np.array([x1, x2]) / r)
        return np.array([gu[0], gu[1], 200.0 * A + 2.0 * x3])

    def hess(x):
        x1, x2, x3, r2, r, A, B = parts(x)
        u = np.array([x1, x2])
        gth = np.array([-x2, x1]) / (TWO_PI * r2)
        d2th = np.array([[2 * x1 * x2, x2 * x2 - x1 * x1], [x2 * x2 - x1 * x1, -2 * x1 * x2]]) / (TWO_PI * r2 * r2)
        uu = np.outer(u, u) / r2
        huu = 200.0 * (100.0 * np.outer(gth, gth) - 10.0 * A * d2th + uu + B * (np.eye(2) - uu) / r)
        h = np.empty((3, 3))
        h[:2, :2] = huu
        h[:2, 2] = h[2, :2] = -2000.0 * gth
        h[2, 2] = 202.0
        return h

    xstar = np.array([1.0, 0.0, 0.0])
    return Functions(
        f=f, grad=grad, hess=hess,  # n = 3: the product H @ v is as cheap as any
        x0=[-1.0, 0.0, 0.0],
        box=[[-10.0, 10.0]] * 3,
        fstar=0.0,
        minimizers=[xstar],
        stationary_points=[KnownPoint(xstar, "minimum", 0, ("1", "0", "0"))],
    )


PROBLEM = ProblemDefinition(
    name="helical-valley",
    build=build,
    dimension=3,
    variables=("x1", "x2", "x3"),
    tags=("classic", "discontinuous-at-x1=0"),
    source=("Fletcher & Powell (1963), A rapidly convergent descent method for minimization, Computer Journal "
            "6(2):163-168; More, Garbow & Hillstrom (1981), Testing unconstrained optimization software, ACM TOMS "
            "7(1):17-41, problem 7; scipy/scipy benchmarks/benchmarks/go_benchmark_functions/go_funcs_H.py::"
            "HelicalValley; JuliaNLSolvers/OptimTestProblems.jl from_optim.jl::fletcher_powell"),
    notes=("MGH theta = atan(x2/x1)/(2 pi), + 1/2 if x1 < 0: undefined at x1 = 0 and DISCONTINUOUS across the "
           "half-plane x1 = 0, x2 < 0 (theta jumps by 1, so x3 - 10 theta jumps by 10); it is continuous and smooth "
           "across x1 = 0 for x2 > 0, and r = sqrt(x1^2 + x2^2) is not differentiable on the x3-axis. Smooth "
           "everywhere else, so it is marked smooth, but a line search or finite difference that crosses "
           "{x1 = 0, x2 < 0} sees a jump. Using arctan2 alone (as scipy HelicalValley does) instead moves the cut "
           "to the negative x1 axis, where the standard x0 = (-1, 0, 0) lies, and differs by 1 in theta for "
           "x1 < 0, x2 < 0. OptimTestProblems \"Fletcher-Powell\" omits the factor 100 on (r - 1)^2. "
           "f(x0) = 2500."),
    fstar_text="0",
)
