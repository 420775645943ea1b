"""Course exercise E6: a linear model on the XOR data.

Parameters theta = (w1, w2, b); data (0,0)->0, (0,1)->1, (1,0)->1, (1,1)->0;
residuals r_i = y_i - x_i^T w - b and loss

    J(w, b) = 1/4 sum_{i=1}^{4} r_i^2       (the mean squared residual).

Mini-batches (``batch=`` an index array into the 4 samples, repeats allowed):
J_B = (4/|B|) * 1/4 sum_{i in B} r_i^2 = mean_{i in B} r_i^2, i.e. the batch mean
times the full-sum scaling, so the full batch gives exactly J and every batch is
an unbiased estimate of J; the gradient follows the same convention.  The Hessian
(and hvp) are those of the full-batch J: (1/2) sum_i z_i z_i^T with z_i = (x_i, 1),
constant and positive definite, so J is strictly convex.

Stationary point: the normal equations give the unique minimizer w = (0, 0),
b = 1/2 with J = 1/4 (hand calculation, course E6): a linear model cannot fit XOR.
"""

import numpy as np

from optkit.problems.problem import Functions, KnownPoint, ProblemDefinition

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([0.0, 1.0, 1.0, 0.0])
Z = np.column_stack([X, np.ones(4)])  # rows z_i = (x_i, 1): r = y - Z theta
HESSIAN = 2.0 * Z.T @ Z / 4.0


def _rows(batch):
    return slice(None) if batch is None else np.asarray(batch, dtype=int).reshape(-1)


def build(n: int) -> Functions:
    def f(theta, batch=None):
        rows = _rows(batch)
        r = Y[rows] - Z[rows] @ np.asarray(theta, dtype=float)
        return float(np.mean(r * r))

    def grad(theta, batch=None):
        rows = _rows(batch)
        z = Z[rows]
        r = Y[rows] - z @ np.asarray(theta, dtype=float)
        return -2.0 * z.T @ r / len(r)

    def hess(theta):
        return HESSIAN.copy()

    def hvp(theta, v):
        return HESSIAN @ np.asarray(v, dtype=float)

    xstar = np.array([0.0, 0.0, 0.5])
    return Functions(
        f=f, grad=grad, hess=hess, hvp=hvp,
        x0=np.zeros(3),
        box=[[-2.0, 2.0]] * 3,
        fstar=0.25,
        minimizers=[xstar],
        stationary_points=[KnownPoint(xstar, "minimum", 0, ("0", "0", "1/2"))],
        n_samples=4,
    )


PROBLEM = ProblemDefinition(
    name="xor-linear",
    build=build,
    dimension=3,
    variables=("w1", "w2", "b"),
    tags=("course", "data", "convex", "polynomial"),
    source="Course exercise E6 (XOR with a linear model)",
    notes=("J = 1/4 sum (y - x^T w - b)^2 over the four XOR points; unique minimizer w = (0, 0), b = 1/2, J* = 1/4: "
           "a linear model cannot fit XOR. Mini-batch loss = mean over the batch of the squared residuals (the full "
           "batch gives J exactly). Hessian (1/2) sum z z^T = [[1, 1/2, 1], [1/2, 1, 1], [1, 1, 2]], constant, "
           "eigenvalues 1/2 and (7 -+ sqrt(33))/4 = 0.3139, 3.1861: strictly convex. x0 = 0 (not from the course)."),
    fstar_text="1/4",
)
