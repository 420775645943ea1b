"""Problems: value, gradient, Hessian and Hessian-vector product with counted evaluations.

A :class:`ProblemDefinition` is what a file in ``problems/`` declares: names,
tags, source, dimension (fixed, or scalable with a default n), parameters and a
``build(n, **params)`` function.  :meth:`ProblemDefinition.instantiate` turns it
into a :class:`Problem` of one dimension, whose every evaluation is counted in
``problem.counts`` so methods can report their work.

``problem.counts`` is optkit's ONE evaluation counter: every f, ∇f, ∇²f and
Hv evaluation ticks it, except inside ``with problem.counts.paused():`` —
the driver's diagnostics (eigenvalues for the trace, the end-point
classification), which are not the method's work.  A run reports the
difference of the counter before and after it.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from optkit.errors import OptkitError

KINDS = ("minimum", "maximum", "saddle", "degenerate")


@dataclass
class EvalCounts:
    """The evaluation counter of one problem (f, ∇f, ∇²f, Hv); see the module docstring."""

    f: int = 0
    grad: int = 0
    hess: int = 0
    hvp: int = 0
    _paused: int = field(default=0, repr=False, compare=False)

    def tick(self, what: str) -> None:
        """Count one evaluation of ``what`` (f, grad, hess or hvp) unless counting is paused."""
        if not self._paused:
            setattr(self, what, getattr(self, what) + 1)

    @contextmanager
    def paused(self):
        """Evaluations inside this block are not counted (diagnostics, not the method's work)."""
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1

    def as_dict(self) -> dict[str, int]:
        return {"f": self.f, "grad": self.grad, "hess": self.hess, "hvp": self.hvp}

    def since(self, before: dict[str, int]) -> dict[str, int]:
        """Evaluations counted since the snapshot ``before = counts.as_dict()``."""
        return {key: value - before[key] for key, value in self.as_dict().items()}

    def reset(self) -> None:
        self.f = self.grad = self.hess = self.hvp = 0


@dataclass(frozen=True)
class KnownPoint:
    """A recorded stationary point: coordinates, kind, and its exact form when known."""

    x: np.ndarray
    kind: str  # one of KINDS
    index: int | None = None  # number of negative Hessian eigenvalues
    exact: tuple[str, ...] | None = None  # coordinates as formulas, e.g. ("(sqrt(21) - 6)/4", ...)
    behaves_as: str | None = None  # for a degenerate point: minimum / maximum / saddle

    def to_dict(self) -> dict:
        return {"x": self.x.tolist(), "kind": self.kind, "index": self.index,
                "exact": list(self.exact) if self.exact else None, "behaves_as": self.behaves_as}


@dataclass
class Functions:
    """The numerical content a problem's ``build`` returns for one dimension n.

    ``grad``/``f`` of a data-driven problem accept ``batch=`` (indices of the
    samples to use); ``n_samples`` is then the size of its data set.
    """

    f: Callable
    grad: Callable
    hess: Callable | None
    x0: Sequence[float]
    box: Sequence[Sequence[float]] | None
    hvp: Callable | None = None
    fstar: float | None = None
    minimizers: Sequence[Sequence[float]] = ()
    stationary_points: Sequence[KnownPoint] = ()
    n_samples: int | None = None


class Problem:
    """One problem at one dimension: counted f, grad, hess, hvp (N&W notation)."""

    def __init__(self, definition: "ProblemDefinition", n: int, params: Mapping[str, Any], fns: Functions):
        self.definition = definition
        self.n = n
        self.params = dict(params)
        self.counts = EvalCounts()
        self._fns = fns
        self.x0 = _vector(fns.x0, n, "x0")
        self.box = _box(fns.box, n, self.x0)
        self.fstar = None if fns.fstar is None else float(fns.fstar)
        self.minimizers = [_vector(m, n, "minimizer") for m in fns.minimizers]
        self.stationary_points = list(fns.stationary_points)
        self.n_samples = fns.n_samples

    # Metadata lives on the definition; these keep call sites short.
    name = property(lambda self: self.definition.name)
    formula = property(lambda self: self.definition.formula)
    variables = property(lambda self: self.definition.variable_names(self.n))
    tags = property(lambda self: self.definition.tags)
    smooth = property(lambda self: self.definition.smooth)

    @property
    def closed_form(self) -> bool:
        return self.definition.formula is not None

    @property
    def has_hessian(self) -> bool:
        return self._fns.hess is not None

    def provides(self, what: str) -> bool:
        """Whether the problem can evaluate ``what``: f, grad, hess or hvp (from its own product or H)."""
        if what == "hess":
            return self._fns.hess is not None
        if what == "hvp":
            return self._fns.hvp is not None or self._fns.hess is not None
        return True

    def _batch_kw(self, batch):
        if batch is None:
            return {}
        if self.n_samples is None:
            raise OptkitError(f"problem {self.name} has no data set; mini-batches apply only to data-driven problems")
        return {"batch": batch}

    def f(self, x, batch=None) -> float:
        self.counts.tick("f")
        with np.errstate(all="ignore"):
            return float(self._fns.f(np.asarray(x, dtype=float), **self._batch_kw(batch)))

    def grad(self, x, batch=None) -> np.ndarray:
        self.counts.tick("grad")
        with np.errstate(all="ignore"):
            return np.asarray(self._fns.grad(np.asarray(x, dtype=float), **self._batch_kw(batch)), dtype=float)

    def hess(self, x) -> np.ndarray:
        if self._fns.hess is None:
            raise OptkitError(f"problem {self.name} provides no Hessian")
        check_dense_hessian(self.n, self.name)  # refuse before allocating, naming the size and the limit
        self.counts.tick("hess")
        with np.errstate(all="ignore"):
            return np.asarray(self._fns.hess(np.asarray(x, dtype=float)), dtype=float)

    def hvp(self, x, v) -> np.ndarray:
        """H(x)·v; from the problem's own product when it has one (no n×n matrix is formed)."""
        self.counts.tick("hvp")
        x, v = np.asarray(x, dtype=float), np.asarray(v, dtype=float)
        with np.errstate(all="ignore"):
            if self._fns.hvp is not None:
                return np.asarray(self._fns.hvp(x, v), dtype=float)
            if self._fns.hess is None:
                raise OptkitError(f"problem {self.name} provides no Hessian-vector product")
            return np.asarray(self._fns.hess(x), dtype=float) @ v

    def __repr__(self) -> str:
        return f"Problem({self.name!r}, n={self.n})"


@dataclass
class ProblemDefinition:
    """What a problem file declares.  ``build(n, **params) -> Functions``.

    ``dimension`` is the fixed n, or ``None`` for a scalable problem whose n
    defaults to ``default_n`` and must be at least ``min_n`` (and even when
    ``even_n``).
    """

    name: str
    build: Callable[..., Functions]
    dimension: int | None = None
    default_n: int | None = None
    min_n: int = 1
    even_n: bool = False
    params: Mapping[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    source: str = ""
    notes: str = ""
    formula: str | None = None  # closed form, in the safe grammar
    variables: tuple[str, ...] | None = None
    smooth: bool = True
    bounded_only: bool = False  # meaningful only inside its box (e.g. unbounded below outside)
    fstar_text: str | None = None  # for listings, without building the problem
    origin: str = ""  # the file it came from

    @property
    def scalable(self) -> bool:
        return self.dimension is None

    def describe_n(self) -> str:
        return str(self.dimension) if self.dimension is not None else f"n (default {self.default_n})"

    def variable_names(self, n: int) -> tuple[str, ...]:
        if self.variables is not None:
            return self.variables
        return tuple(f"x{i + 1}" for i in range(n))

    def instantiate(self, n: int | None = None, params: Mapping[str, Any] | None = None) -> Problem:
        n = self._check_n(n)
        values = self._check_params(params or {})
        check_allocation(VECTORS_PER_PROBLEM * 8 * n, f"problem {self.name} at n = {n} "
                                                     f"({VECTORS_PER_PROBLEM} vectors of {n} doubles)")
        fns = self.build(n, **values)
        return Problem(self, n, values, fns)

    def _check_n(self, n: int | None) -> int:
        if self.dimension is not None:
            if n is not None and n != self.dimension:
                raise OptkitError(f"problem {self.name} has fixed dimension n = {self.dimension}; --n {n} does not apply")
            return self.dimension
        n = self.default_n if n is None else n
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise OptkitError(f"problem {self.name}: n must be a whole number, got {n!r}")
        if n < self.min_n:
            raise OptkitError(f"problem {self.name} needs n ≥ {self.min_n}, got n = {n}")
        if self.even_n and n % 2:
            raise OptkitError(f"problem {self.name} needs an even n, got n = {n}")
        return n

    def _check_params(self, given: Mapping[str, Any]) -> dict[str, Any]:
        values = dict(self.params)
        for key, raw in given.items():
            if key not in self.params:
                allowed = ", ".join(self.params) or "none"
                raise OptkitError(f"problem {self.name} has no parameter {key!r}; its parameters: {allowed}")
            values[key] = _coerce(self.name, key, raw, self.params[key])
        return values


# ---------------------------------------------------------------- sizes

#: A run keeps a handful of n-vectors (x, gradient, direction, trial point, momentum, trace
#: rows): refusing beyond 16 of them is a bound that never refuses a run that could fit.
VECTORS_PER_PROBLEM = 16
MEMORY_SHARE = 4  # refuse an allocation beyond a quarter of the machine's memory


def machine_memory() -> int:
    """Physical memory in bytes (8 GiB when the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return 8 * 2**30


def _size(n_bytes: float) -> str:
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.3g} {unit}"
    return f"{n_bytes:.0f} bytes"


def check_allocation(n_bytes: float, what: str) -> None:
    """Refuse, before allocating, what would take more than a quarter of the machine's memory."""
    limit = machine_memory() // MEMORY_SHARE
    if n_bytes > limit:
        raise OptkitError(f"{what} needs {_size(n_bytes)}, more than a quarter of this machine's memory "
                          f"(limit {_size(limit)}); use a smaller --n or --param")


def check_dense_hessian(n: int, name: str) -> None:
    """A dense n×n Hessian is 8n² bytes: refused beyond the limit (Hessian-vector products need none)."""
    check_allocation(8.0 * n * n, f"a dense {n}×{n} Hessian of {name}")


def _coerce(problem: str, key: str, raw: Any, default: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    from optkit.symbolic.grammar import parse_number

    value = parse_number(raw, f"value of parameter {key}")
    if isinstance(default, int) and not isinstance(default, bool):
        if value != int(value):
            raise OptkitError(f"parameter {key} of {problem} must be a whole number, got {raw!r}")
        return int(value)
    return value


def _vector(values, n: int, what: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float).reshape(-1)
    if arr.size != n:
        raise OptkitError(f"{what} has {arr.size} components, expected n = {n}")
    return arr


def _box(box, n: int, x0: np.ndarray) -> np.ndarray:
    if box is None:  # no recorded box: a generous one around the start
        half = np.maximum(10.0, 2 * np.abs(x0))
        return np.column_stack([x0 - half, x0 + half])
    arr = np.asarray(box, dtype=float)
    if arr.shape == (2,):
        arr = np.tile(arr, (n, 1))
    if arr.shape != (n, 2):
        raise OptkitError(f"box has shape {arr.shape}, expected ({n}, 2)")
    return arr


def provides(problem, what: str) -> bool:
    """Whether ``problem`` can evaluate ``what`` (grad, hess, hvp); problems without ``provides`` have ∇f only."""
    if hasattr(problem, "provides"):
        return problem.provides(what)
    return what in ("f", "grad") or (what in ("hess", "hvp") and getattr(problem, "has_hessian", False))
