"""Problems from SciPy-style callables, and finite differences for the derivatives they lack.

``minimize(fun, "newton", x0, jac=..., hess=..., hessp=...)`` wraps the
callables in a :class:`CallableProblem`; it counts its evaluations in the same
:class:`~optkit.problems.problem.EvalCounts` as every other problem (one
counter).  A derivative computed by differences counts as one evaluation of
that derivative (the f or ∇f calls inside it are not counted again).

Finite differences (``finite_differences=True``), central, with
h = ε^⅓·max(1, |xᵢ|) — the step that balances the O(h²) truncation error
against the O(ε/h) rounding error of a central difference (N&W §8.1, eq. 8.9):

    ∂f/∂xᵢ ≈ (f(x + h eᵢ) − f(x − h eᵢ)) / 2h
    ∇²f    ≈ columns (∇f(x + h eᵢ) − ∇f(x − h eᵢ)) / 2h, symmetrised
    H v    ≈ (∇f(x + h v) − ∇f(x − h v)) / 2h,  h = ε^⅓·max(1, ‖x‖) / ‖v‖
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from optkit.errors import OptkitError
from optkit.problems.problem import EvalCounts

_H = np.finfo(float).eps ** (1 / 3)


class CallableProblem:
    """A problem from SciPy-style callables: ``fun(x)``, ``jac(x)``, ``hess(x)``, ``hessp(x, v)``.

    A missing derivative is an error when a method needs it, unless
    ``finite_differences=True`` (see the module docstring).
    """

    closed_form = False
    formula = None
    n_samples = None
    definition = None

    def __init__(self, fun, n, jac=None, hess=None, hessp=None, finite_differences=False, name=None):
        if not callable(fun):
            raise OptkitError("fun must be callable: x -> f(x)")
        for label, value in (("jac", jac), ("hess", hess), ("hessp", hessp)):
            if value is not None and not callable(value):
                raise OptkitError(f"{label} must be callable")
        self._fun, self._jac, self._hess, self._hessp = fun, jac, hess, hessp
        self.fd = finite_differences
        self.n = n
        self.name = name or getattr(fun, "__name__", "callables")
        self.counts = EvalCounts()

    @property
    def has_hessian(self) -> bool:
        return self._hess is not None or self.fd

    @property
    def variables(self) -> "DefaultNames":
        return DefaultNames(self.n)

    def provides(self, what: str) -> bool:
        if what == "grad":
            return self._jac is not None or self.fd
        if what == "hess":
            return self._hess is not None or self.fd
        if what == "hvp":
            return self._hessp is not None or self._hess is not None or self.fd
        return True

    def f(self, x, batch=None) -> float:
        self.counts.tick("f")
        with np.errstate(all="ignore"):
            return float(self._fun(np.asarray(x, dtype=float)))

    def grad(self, x, batch=None) -> np.ndarray:
        self.counts.tick("grad")
        x = np.asarray(x, dtype=float)
        if self._jac is not None:
            with np.errstate(all="ignore"):
                return np.asarray(self._jac(x), dtype=float).reshape(-1)
        with self.counts.paused():
            return difference_gradient(self.f, x)

    def hess(self, x) -> np.ndarray:
        self.counts.tick("hess")
        x = np.asarray(x, dtype=float)
        if self._hess is not None:
            with np.errstate(all="ignore"):
                return np.asarray(self._hess(x), dtype=float)
        from optkit.stationary.point import difference_hessian

        with self.counts.paused():
            return difference_hessian(self.grad, x, h=_H)

    def hvp(self, x, v) -> np.ndarray:
        self.counts.tick("hvp")
        x, v = np.asarray(x, dtype=float), np.asarray(v, dtype=float)
        with np.errstate(all="ignore"):
            if self._hessp is not None:
                return np.asarray(self._hessp(x, v), dtype=float)
            if self._hess is not None:
                return np.asarray(self._hess(x), dtype=float) @ v
        with self.counts.paused():
            return difference_hvp(self.grad, x, v)


def difference_gradient(f, x: np.ndarray) -> np.ndarray:
    """Central differences of f (module docstring)."""
    g = np.empty(x.size)
    for i in range(x.size):
        h = _H * max(1.0, abs(x[i]))
        e = np.zeros(x.size)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def difference_hvp(grad, x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Central difference of ∇f along v (module docstring)."""
    vn = float(np.linalg.norm(v))
    if vn == 0:
        return np.zeros_like(v)
    h = _H * max(1.0, float(np.linalg.norm(x))) / vn
    return (grad(x + h * v) - grad(x - h * v)) / (2 * h)


def as_problem(problem, fun, jac, hess, hessp, finite_differences, x0):
    """The problem ``minimize`` runs on: a registered problem as given, or callables wrapped."""
    if problem is None and fun is None:
        raise OptkitError("give a problem (optkit.get_problem(...)) or fun=callable")
    if problem is not None and fun is not None:
        raise OptkitError("give either a problem or fun=, not both")
    candidate = problem if problem is not None else fun
    if hasattr(candidate, "grad") and hasattr(candidate, "counts"):
        if any(v is not None for v in (jac, hess, hessp)):
            raise OptkitError("jac/hess/hessp apply to plain callables, not to a registered problem")
        return candidate
    if not callable(candidate):
        raise OptkitError(f"cannot minimise {type(candidate).__name__}: give a Problem or a callable")
    if x0 is None:
        raise OptkitError("x0 is required with plain callables")
    n = np.asarray(x0, dtype=float).reshape(-1).size
    return CallableProblem(candidate, n, jac, hess, hessp, finite_differences)


class DefaultNames(Sequence):
    """The names x1, …, xn, made on demand: at n = 10⁵ building them all costs more than a whole
    trust-region run's end-point diagnosis, and most results never print them."""

    def __init__(self, n: int):
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [f"x{j + 1}" for j in range(*i.indices(self.n))]
        if not -self.n <= i < self.n:
            raise IndexError(i)
        return f"x{i % self.n + 1}"

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and len(other) == self.n and list(self) == list(other)

    def __repr__(self) -> str:
        return f"DefaultNames({self.n})"
