"""Floats that are small fractions: 1.1333… is 17/15 to rounding error (the worked solution's exact forms of
Python problems, and the starts and parameters of formula problems)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

MAX_DENOMINATOR = 1000  # a float is read as a fraction p/q with q ≤ this ...
EXACT_TOL = 1e-12  # ... when it agrees with it to this relative tolerance


def fraction_near(value: float, max_denominator: int = MAX_DENOMINATOR, tol: float = EXACT_TOL) -> Fraction | None:
    """The fraction p/q (q ≤ max_denominator) that ``value`` is to ``tol`` (relative), or None."""
    value = float(value)
    if not np.isfinite(value):
        return None
    frac = Fraction(value).limit_denominator(max_denominator)
    if abs(float(frac) - value) > tol * max(1.0, abs(value)):
        return None
    return frac
