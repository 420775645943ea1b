"""Course exercise E7: XOR with a 2-h-1 sigmoid network (h = ``width``, default 2).

Model and loss, for the four XOR points x_n in {0,1}^2 with targets y_n = x_n1 XOR x_n2:

    z_n = W_i x_n + b_a          (h hidden pre-activations; b_a is ONE scalar bias shared
                                  by all hidden units, as in the course; with the parameter
                                  unit_bias=1, one bias per hidden unit, as in the course's
                                  hand-worked single-sample pass: b_a = (2, 4))
    s_n = sigma(z_n)             sigma(t) = 1/(1 + exp(-t))
    u_n = W_o . s_n + b_o        (b_o scalar)
    yhat_n = sigma(u_n)
    L = 1/2 sum_{n=1}^{4} (yhat_n - y_n)^2

Parameter vector (3h + 2 numbers; 8 at width 2, 11 at width 3; with unit_bias=1, b_a has h
entries and there are 4h + 1: 9 at width 2):

    theta[0 : 2h]        W_i, the h x 2 matrix applied as W_i x, row by row:
                         theta[2k], theta[2k+1] are the two input weights of hidden unit k
                         (the course writes W_i^T x with the 2 x h transpose)
    theta[2h]            b_a (theta[2h : 3h] with unit_bias=1)
    then                 W_o (h output weights), then b_o

(variable names wi11, wi12, wi21, ..., ba (ba1, ba2, ...), wo1, ..., bo).

``sample_pass(theta, x, y)`` (on the built functions) is one sample's forward and backward
pass: pre-activations, hidden outputs, output, loss 1/2 (yhat - y)^2 and its gradient with
respect to theta (``optkit eval --fn xor-mlp --at THETA --sample N`` or ``--sample x1,x2:y``).

Mini-batches (``batch=`` index array into the 4 samples, repeats allowed): the batch mean
times the full-sum scaling, L_B = (4/|B|) * 1/2 sum_{n in B} (yhat_n - y_n)^2, so the full
batch gives exactly L; the gradient follows the same convention.  Hessian and hvp are
those of the full-batch L.

Derivatives are exact: the gradient by backpropagation, the Hessian-vector product by
Pearlmutter's R-operator (forward-over-reverse, derived by hand below), and the Hessian
column by column from the Hessian-vector product with unit vectors.

Default start: 0.5 * np.random.default_rng(0).standard_normal(3h + 2), a fixed small
pseudo-random vector (the same on every machine and run).

Recorded stationary point: theta = 0.  There every hidden unit outputs 1/2 and
yhat_n = 1/2, so the residuals are (+1/2, -1/2, -1/2, +1/2): dL/db_o and dL/dW_o are sums
of residuals and vanish, and all other gradient components carry a factor W_o = 0
(by hand; checked with sympy).  Its Hessian is rank one, (1/16) sum_n g g^T with
g = du_n/dtheta = (0, ..., 0, 1/2, ..., 1/2, 1) (nonzero on W_o and b_o): eigenvalues
(h/4 + 1)/4 (3/8 at width 2) and 0 with multiplicity 3h + 1 (sympy, exactly, for
h = 1, 2, 3).  So theta = 0 is DEGENERATE.  It behaves as a saddle: with W_i = delta,
b_a = 0 and W_o = +-eps the loss changes by a third-order term of either sign
(L - 1/2 ~ -+ eps delta^3), while b_o alone raises L; a local minimization of L
in a small box around 0 finds L < 1/2 (scipy L-BFGS-B).

Infimum: for width >= 2 the infimum of L is 0, approached only as weights grow
(e.g. hidden units sigma(k(1.5 t - 1)) and sigma(k(0.75 t - 1)) with t = x1 + x2 share
the bias -k and their difference is XOR as k -> infinity); it is never attained, so no
fstar or minimizer is recorded.
"""

import numpy as np

from optkit.problems.problem import OptkitError, Functions, KnownPoint, ProblemDefinition

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([0.0, 1.0, 1.0, 0.0])


def sigmoid(t):
    """1/(1 + exp(-t)), accurate to full relative precision and without overflow for large |t|."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(t, dtype=float)))


def unpack(theta, width, unit_bias=0):
    """(W_i, b_a, W_o, b_o); b_a a scalar, or an h-vector with ``unit_bias``."""
    theta = np.asarray(theta, dtype=float)
    h = width
    nb = h if unit_bias else 1
    ba = theta[2 * h: 2 * h + nb] if unit_bias else theta[2 * h]
    return theta[: 2 * h].reshape(h, 2), ba, theta[2 * h + nb: 3 * h + nb], theta[3 * h + nb]


def single_sample_forward(W_i, b_a, W_o, b_o, x, y):
    """One sample through the network, as in the course's hand-worked pass.

    ``W_i`` is applied as W_i @ x; ``b_a`` may be a scalar (this problem) or an
    h-vector (the course's worked example uses b_a = (2, 4)).  Returns a dict with the
    pre-activations ``z``, hidden outputs ``s``, output pre-activation ``u``, output
    ``yhat`` and the loss 1/2 (yhat - y)^2.
    """
    z = np.asarray(W_i, dtype=float) @ np.asarray(x, dtype=float) + np.asarray(b_a, dtype=float)
    s = sigmoid(z)
    u = float(np.dot(np.asarray(W_o, dtype=float), s) + b_o)
    yhat = float(sigmoid(u))
    return {"z": z, "s": s, "u": u, "yhat": yhat, "loss": 0.5 * (yhat - y) ** 2}


def _rows(batch):
    return slice(None) if batch is None else np.asarray(batch, dtype=int).reshape(-1)


def build(n: int, width: int = 2, unit_bias: int = 0) -> Functions:
    h = int(width)
    if h != width or h < 1:
        raise OptkitError(f"parameter width of xor-mlp must be a whole number >= 1, got {width!r}")
    if unit_bias not in (0, 1):
        raise OptkitError(f"parameter unit_bias of xor-mlp is 0 (one shared hidden bias) or 1 (one per unit), "
                          f"got {unit_bias!r}")
    p = 3 * h + 2 + (h - 1 if unit_bias else 0)

    def bias_sum(dz):
        """dL/db_a from dL/dz: per unit, or summed over the units that share it."""
        return dz.sum(axis=0) if unit_bias else [dz.sum()]

    def forward(theta, rows):
        W, ba, wo, bo = unpack(theta, h, unit_bias)
        x = X[rows]
        z = x @ W.T + ba          # (m, h)
        s = sigmoid(z)
        u = s @ wo + bo           # (m,)
        yhat = sigmoid(u)
        return x, W, wo, s, yhat, yhat - Y[rows]

    def f(theta, batch=None):
        rows = _rows(batch)
        *_, e = forward(theta, rows)
        return float(4.0 / len(e) * 0.5 * np.sum(e * e))

    def backward(theta, rows):
        x, W, wo, s, yhat, e = forward(theta, rows)
        c = 4.0 / len(e)
        du = c * e * yhat * (1.0 - yhat)            # dL/du_n
        ds = s * (1.0 - s)
        dz = du[:, None] * wo[None, :] * ds         # dL/dz_n
        g = np.concatenate([(dz.T @ x).reshape(-1), bias_sum(dz), s.T @ du, [du.sum()]])
        return g, (x, W, wo, s, yhat, e, c, du, ds, dz)

    def grad(theta, batch=None):
        return backward(theta, _rows(batch))[0]

    def hvp(theta, v):
        """Pearlmutter's R-operator: R{.} is the directional derivative along v."""
        _, (x, W, wo, s, yhat, e, c, du, ds, dz) = backward(theta, slice(None))
        VW, va, vo, vbo = unpack(v, h, unit_bias)
        Rz = x @ VW.T + va
        Rs = ds * Rz
        Ru = s @ vo + Rs @ wo + vbo
        dyhat = yhat * (1.0 - yhat)
        Rdu = c * (dyhat * dyhat + e * dyhat * (1.0 - 2.0 * yhat)) * Ru
        Rdz = (Rdu[:, None] * wo[None, :] + du[:, None] * vo[None, :]) * ds \
            + du[:, None] * wo[None, :] * ds * (1.0 - 2.0 * s) * Rz
        return np.concatenate([(Rdz.T @ x).reshape(-1), bias_sum(Rdz), Rs.T @ du + s.T @ Rdu, [Rdu.sum()]])

    def hess(theta):
        return np.column_stack([hvp(theta, col) for col in np.eye(p)])

    def sample_pass(theta, x, y):
        """One sample (x, y): the forward pass, the loss 1/2 (yhat - y)^2 and its gradient (backpropagation)."""
        W, ba, wo, bo = unpack(theta, h, unit_bias)
        out = single_sample_forward(W, ba, wo, bo, x, y)
        yhat, s = out["yhat"], out["s"]
        du = (yhat - y) * yhat * (1.0 - yhat)
        dz = du * wo * s * (1.0 - s)
        grad = np.concatenate([np.outer(dz, np.asarray(x, dtype=float)).reshape(-1),
                               dz if unit_bias else [dz.sum()], du * s, [du]])
        return {**out, "dL_du": du, "dL_dz": dz, "grad": grad}

    zero = np.zeros(p)
    fns = _DataFunctions(
        f=f, grad=grad, hess=hess, hvp=hvp,
        x0=0.5 * np.random.default_rng(0).standard_normal(p),
        box=[[-6.0, 6.0]] * p,
        stationary_points=[KnownPoint(zero, "degenerate", None, ("0",) * p, "saddle")],
        n_samples=4,
    )
    fns.sample_pass, fns.data = sample_pass, (X, Y)
    return fns


class _DataFunctions(Functions):
    """Functions plus one sample's pass (``sample_pass``) and the data set (``data``: X, Y)."""

    sample_pass = None
    data = None


class _WidthDefinition(ProblemDefinition):
    """The dimension follows the ``width`` parameter: n = 3 * width + 2."""

    def instantiate(self, n=None, params=None):
        values = self._check_params(params or {})
        width, unit_bias = values["width"], values["unit_bias"]
        if not isinstance(width, (int, np.integer)) or width < 1:
            raise OptkitError(f"parameter width of xor-mlp must be a whole number >= 1, got {width!r}")
        h = int(width)
        biases = tuple(f"ba{k + 1}" for k in range(h)) if unit_bias == 1 else ("ba",)
        names = tuple(f"wi{k + 1}{j + 1}" for k in range(h) for j in range(2)) + biases \
            + tuple(f"wo{k + 1}" for k in range(h)) + ("bo",)
        fixed = ProblemDefinition(**{**vars(self), "dimension": len(names), "variables": names})
        return fixed.instantiate(n, params)

    def describe_n(self) -> str:
        return "3*width + 2 (8 at width 2)"


PROBLEM = _WidthDefinition(
    name="xor-mlp",
    build=build,
    dimension=8,
    variables=("wi11", "wi12", "wi21", "wi22", "ba", "wo1", "wo2", "bo"),
    params={"width": 2, "unit_bias": 0},
    tags=("course", "data", "saddle"),
    source="Course exercise E7 (XOR with a 2-2-1 sigmoid network)",
    notes=("L = 1/2 sum_n (yhat_n - y_n)^2 over the four XOR points; 3*width + 2 parameters (W_i row by row, "
           "scalar b_a, W_o, scalar b_o; see the file's docstring; --param unit_bias=1: one hidden bias per unit, "
           "4*width + 1 parameters). Two hidden units make XOR hard to learn: "
           "plateaus and saddles (theta = 0 is a degenerate stationary point that behaves as a saddle); widen "
           "the layer with --param width=4. For width >= 2 the infimum 0 is approached only as weights grow "
           "and never attained (no fstar recorded). Mini-batch loss = (4/|B|) * 1/2 sum over the batch. "
           "x0 = 0.5 * default_rng(0).standard_normal(number of parameters)."),
    fstar_text="0 (not attained; width >= 2)",
)
