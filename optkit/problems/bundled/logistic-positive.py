"""Course exercise E8: logistic regression when every label is 1 -- no minimizer.

Parameters theta = (w, b); data: four one-dimensional points x = (1, 2, -1, 0.5),
all labelled 1.  With margins m_i = w x_i + b the loss is

    f(w, b) = mean_i -log sigma(m_i) = mean_i log(1 + exp(-m_i)),

computed as np.logaddexp(0, -m) (no overflow, full precision).  Gradient
-mean_i sigma(-m_i) (x_i, 1); Hessian mean_i sigma(m_i) sigma(-m_i) (x_i, 1)(x_i, 1)^T
(positive definite: f is strictly convex).

Mini-batches (``batch=`` index array into the 4 samples): the mean over the batch
(the full batch gives exactly f).  Hessian and hvp are those of the full-batch f.

No stationary point exists: df/db = -mean_i sigma(-m_i) < 0 everywhere, so the
gradient never vanishes; f decreases without bound in b towards its infimum 0,
which is not attained (fstar absent).  Because the data hold a negative x, w does
not run off as well: for fixed large b the best w stays bounded.

Floating-point pitfall: sigma(-m) underflows to exactly 0 for m > ~745, so at
b > ~745 (w = 0) f and grad f are exactly 0 in double precision and an optimizer
sees a spurious "stationary point".  The iterates must be judged by their
growth, not by the gradient norm alone.
"""

import numpy as np

from optkit.problems.problem import Functions, ProblemDefinition

XS = np.array([1.0, 2.0, -1.0, 0.5])
Z = np.column_stack([XS, np.ones(4)])  # rows (x_i, 1): margins m = Z theta


def _rows(batch):
    return slice(None) if batch is None else np.asarray(batch, dtype=int).reshape(-1)


def _sigma(t):
    return np.exp(-np.logaddexp(0.0, -t))


def build(n: int) -> Functions:
    def f(theta, batch=None):
        m = Z[_rows(batch)] @ np.asarray(theta, dtype=float)
        return float(np.mean(np.logaddexp(0.0, -m)))

    def grad(theta, batch=None):
        z = Z[_rows(batch)]
        m = z @ np.asarray(theta, dtype=float)
        return -(z.T @ _sigma(-m)) / len(m)

    def weights(theta):
        m = Z @ np.asarray(theta, dtype=float)
        return _sigma(m) * _sigma(-m) / len(m)

    def hess(theta):
        return (Z * weights(theta)[:, None]).T @ Z

    def hvp(theta, v):
        return Z.T @ (weights(theta) * (Z @ np.asarray(v, dtype=float)))

    return Functions(
        f=f, grad=grad, hess=hess, hvp=hvp,
        x0=np.zeros(2),
        box=[[-5.0, 5.0], [-5.0, 5.0]],
        n_samples=4,
    )


PROBLEM = ProblemDefinition(
    name="logistic-positive",
    build=build,
    dimension=2,
    variables=("w", "b"),
    tags=("course", "data", "convex"),
    source="Course exercise E8 (logistic regression when every label is 1)",
    notes=("Loss mean -log sigma(w x_i + b) over x = (1, 2, -1, 0.5), all labels 1. Strictly convex but with NO "
           "minimizer: df/db < 0 everywhere, the infimum 0 is approached as b -> infinity and never attained "
           "(fstar absent). An optimizer must report growing iterates and a still-decreasing loss, not "
           "convergence; in double precision f and grad f underflow to exactly 0 once b exceeds ~745. "
           "Mini-batch loss = mean over the batch. f(x0) = log 2."),
    fstar_text="0 (not attained)",
)
