"""What a method sees of the problem during a run: the :class:`Oracle`, and the run's random generator.

The oracle passes f, ∇f, ∇²f and Hv through to the problem, whose one counter
(``problem.counts``) counts them; it holds the current mini-batch, and the
last Hessian it evaluated so the trace's eigenvalues at that iterate need no
second evaluation.
"""

from __future__ import annotations

import numpy as np


class LazyRng:
    """A numpy Generator made on first use, from the given seed or from a seed drawn then and recorded.

    A run that draws random numbers (mini-batches, random Lanczos starts) can then
    always be reproduced from ``Result.options["seed"]``; a deterministic run draws
    no seed and its output stays byte-identical from one invocation to the next.
    """

    def __init__(self, seed: int | None):
        self.seed = seed
        self._generator = None

    def __getattr__(self, name):
        if name.startswith("__") or "_generator" not in self.__dict__:  # copy/pickle probe an empty instance
            raise AttributeError(name)
        if self._generator is None:
            if self.seed is None:
                self.seed = int(np.random.SeedSequence().entropy % 2**32)
            self._generator = np.random.default_rng(self.seed)
        return getattr(self._generator, name)


class Oracle:
    """The method's view of the problem: f, ∇f, ∇²f, Hv (counted by the problem), the current mini-batch."""

    def __init__(self, problem):
        self.problem = problem
        self.counts = problem.counts
        self.start = problem.counts.as_dict()
        self.batch = None
        self.last_hess = None

    def used(self) -> dict[str, int]:
        """Evaluations counted since the run started."""
        return self.counts.since(self.start)

    def total(self) -> int:
        return sum(self.used().values())

    def count(self, what: str) -> None:
        """Count an evaluation the method made another way (exact arithmetic): same work, same counter."""
        self.counts.tick(what)

    def f(self, x) -> float:
        return self.problem.f(x, batch=self.batch) if self.batch is not None else self.problem.f(x)

    def grad(self, x) -> np.ndarray:
        return self.problem.grad(x, batch=self.batch) if self.batch is not None else self.problem.grad(x)

    def hess(self, x) -> np.ndarray:
        H = self.problem.hess(x)
        self.last_hess = (x, H)  # the trace's eigenvalues at x reuse it (no second evaluation)
        return H

    def hvp(self, x, v) -> np.ndarray:
        return self.problem.hvp(x, v)
