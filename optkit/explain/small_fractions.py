"""Floats that are small fractions: 1.1333… is 17/15 to rounding error (the worked solution's exact forms of
Python problems, and the starts and parameters of formula problems)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

MAX_DENOMINATOR = 1000  # a float is read as a fraction p/q with q ≤ this ...
EXACT_TOL = 1e-12  # ... when it agrees with it to this relative tolerance
PARAMETER_DIGITS = 12  # a parameter's decimal or binary fraction of at most this many digits is read exactly


def fraction_near(value: float, max_denominator: int = MAX_DENOMINATOR, tol: float = EXACT_TOL) -> Fraction | None:
    """The fraction p/q (q ≤ max_denominator) that ``value`` is to ``tol`` (relative), or None."""
    value = float(value)
    if not np.isfinite(value):
        return None
    frac = Fraction(value).limit_denominator(max_denominator)
    if abs(float(frac) - value) > tol * max(1.0, abs(value)):
        return None
    return frac


def parameter_fraction(value: float) -> Fraction | None:
    """A run parameter (α, Δ, δ, β₁) recorded as a float, read back as the number it was set to, or None.

    Parameters are set as short decimals (lr 0.001, δ·4⁻ʲ = 0.00025), fractions (the schedule's 1/(k+2)) or
    halvings (Armijo's 2⁻ʲ, Δ/4): a float is read as such when its shortest decimal has at most
    PARAMETER_DIGITS significant digits, when it is p/q with q ≤ 1000, or when it is exactly a binary fraction
    of at most PARAMETER_DIGITS digits in all.  A line search's interpolated α (17 digits) is none of these
    and stays a decimal: a fraction found for an arbitrary float would be a guess.
    """
    value = float(value)
    if not np.isfinite(value):
        return None
    mantissa = repr(value).lower().split("e")[0].replace("-", "").replace(".", "").strip("0")
    if len(mantissa) <= PARAMETER_DIGITS:
        return Fraction(repr(value))  # the shortest decimal that is this float: 0.00025 as typed
    near = fraction_near(value)
    if near is not None:
        return near
    binary = Fraction(value)  # the float's exact value
    return binary if len(str(abs(binary.numerator))) + len(str(binary.denominator)) <= PARAMETER_DIGITS else None
