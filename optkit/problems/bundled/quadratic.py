"""A convex quadratic with a chosen condition number: the steepest-descent demonstration.

    f(x) = 1/2 x^T A x - b^T x,   A = diag(lambda_1, ..., lambda_n),   b = 0,

with eigenvalues spaced geometrically from lambda_1 = 1 to lambda_n = ``cond``
(parameter, default 10): lambda_i = cond^((i - 1)/(n - 1)).  At n = 2, A = diag(1, 10).
The minimizer is x* = A^{-1} b = 0 with f* = 0; it is the only stationary point
(A is positive definite), recorded as a minimum.

Default start: (10, 1) at n = 2, 10 * ones otherwise.  (10, 1) is the worst case of
Nocedal & Wright, Theorem 3.3: steepest descent with exact line search
(alpha = g^T g / g^T A g) contracts f - f* by EXACTLY ((kappa - 1)/(kappa + 1))^2
= (9/11)^2 per step on diag(1, 10) from there (the iterates are
(10, 1), (9/11)(10, -1), (9/11)^2 (10, 1), ...).
"""

import numpy as np

from optkit.problems.problem import OptkitError, Functions, KnownPoint, ProblemDefinition


def build(n: int, cond: float = 10.0) -> Functions:
    cond = float(cond)
    if not (cond >= 1.0 and np.isfinite(cond)):
        raise OptkitError(f"parameter cond of quadratic must be a finite number >= 1, got {cond!r}")
    lam = np.geomspace(1.0, cond, n) if n > 1 else np.ones(1)
    b = np.zeros(n)

    def f(x):
        x = np.asarray(x, dtype=float)
        return float(0.5 * np.dot(x, lam * x) - np.dot(b, x))

    def grad(x):
        return lam * np.asarray(x, dtype=float) - b

    def hess(x):
        return np.diag(lam)

    def hvp(x, v):
        return lam * np.asarray(v, dtype=float)

    zero = np.zeros(n)
    return Functions(
        f=f, grad=grad, hess=hess, hvp=hvp,
        x0=np.array([10.0, 1.0]) if n == 2 else np.full(n, 10.0),
        box=[[-11.0, 11.0]] * n,
        fstar=0.0,
        minimizers=[zero],
        stationary_points=[KnownPoint(zero, "minimum", 0, ("0",) * n)],
    )


PROBLEM = ProblemDefinition(
    name="quadratic",
    build=build,
    dimension=None,
    default_n=2,
    min_n=1,
    params={"cond": 10.0},
    tags=("classic", "convex", "polynomial", "n-dimensional"),
    source=("Nocedal & Wright (2006), Numerical Optimization, 2nd ed., Springer, Section 3.3, Theorem 3.3 "
            "(steepest descent with exact line search on a strongly convex quadratic)"),
    notes=("A = diag(geomspace(1, cond, n)), b = 0, so kappa(A) = cond. From the default start (10, 1) on "
           "diag(1, 10) steepest descent with exact line search attains the bound of Theorem 3.3 with equality: "
           "f - f* shrinks by exactly ((kappa - 1)/(kappa + 1))^2 = 81/121 per step, zigzagging. Newton and "
           "conjugate gradients finish in 1 and n steps. For n != 2 the start is 10 * ones."),
    fstar_text="0",
)
