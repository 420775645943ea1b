"""A problem instance as plain data (:class:`ProblemRef`) and its rebuilding in a worker (:func:`build_problem`).

A worker receives refs, never compiled closures: a registered name with n and parameters,
or the formula text of ``--expr``.  :func:`build_problem` rebuilds the problem and keeps it
for the next run of the same instance in the same thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemRef:
    """How a worker rebuilds a problem: a registered name (with n and parameters) or formula text."""

    name: str
    n: int
    params: tuple = ()  # sorted (key, value) pairs, so the ref hashes and pickles
    expr: str | None = None
    variables: tuple[str, ...] | None = None
    problems_dirs: tuple[str, ...] = ()

    @property
    def params_dict(self) -> dict:
        return dict(self.params)

    def identity(self) -> dict:
        return {"problem": self.name, "n": self.n, "params": self.params_dict, "expr": self.expr,
                "variables": list(self.variables) if self.variables else None}


_LOCAL = threading.local()


def build_problem(ref: ProblemRef):
    """The :class:`optkit.problems.problem.Problem` a ref names, kept per thread for the next run.

    Per thread, because the driver counts a run's evaluations on the problem's own counter:
    two runs sharing one problem at the same time (a Dask worker runs tasks in threads)
    would mix their counts.
    """
    cache = getattr(_LOCAL, "problems", None)
    if cache is None:
        cache = _LOCAL.problems = {}
    if ref not in cache:
        if len(cache) >= 64:
            cache.pop(next(iter(cache)))
        cache[ref] = _build(ref)
    return cache[ref]


def _build(ref: ProblemRef):
    from optkit.problems.registry import Registry, expression_definition

    if ref.expr is not None:
        return expression_definition(ref.expr, list(ref.variables) if ref.variables else None).instantiate(ref.n)
    definition = Registry.default(list(ref.problems_dirs)).get(ref.name)
    return definition.instantiate(ref.n if definition.scalable else None, ref.params_dict)
