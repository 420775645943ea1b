"""Reproducible starts: start 0 is the problem's x0 (or the one given), starts 1..N are random in its box.

A random start depends on (seed, problem name, n, parameters, start index) **alone**
(shared/conventions.md, "Starts"): its generator is ``numpy.random.default_rng`` seeded by
the SHA-256 of those five values, so adding a method or a problem to a sweep, or running it
in another order or on another worker, never changes any other run's start.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np


def start_entropy(seed: int, problem: str, n: int, params: dict, index: int) -> int:
    """A 128-bit integer from SHA-256 of the canonical JSON of (seed, problem, n, params, index)."""
    text = json.dumps([int(seed), str(problem), int(n), {str(k): params[k] for k in sorted(params)}, int(index)],
                      sort_keys=True, default=str)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:16], "little")


def random_start(box, seed: int, problem: str, n: int, params: dict, index: int) -> list[float]:
    """Uniform in ``box`` (an (n, 2) array of [lo, hi]) from its own generator."""
    box = np.asarray(box, dtype=float)
    rng = np.random.default_rng(start_entropy(seed, problem, n, params, index))
    return (box[:, 0] + rng.random(box.shape[0]) * (box[:, 1] - box[:, 0])).tolist()


def starts_for(x0, box, count: int, seed: int, problem: str, n: int, params: dict) -> list[list[float]]:
    """``[x0, random 1, ..., random count]``."""
    return [list(map(float, x0))] + [random_start(box, seed, problem, n, params, i) for i in range(1, count + 1)]
