"""Number literals, exactly and within bounds: the one place a literal's text becomes a value.

A literal is decimal (``12``, ``-1.5``, ``2.5e-3``); hexadecimal, octal, binary, ``1_000`` and
complex literals are refused, so a typo is never read as another number.  Its magnitude is read
from its digits and exponent *before* any arithmetic, so ``1e-100000000`` is refused at once
instead of computing 10**100000000 (which ran for minutes); a literal that is no finite double
(beyond about 1.8e308, or a nonzero one below about 5e-324) is refused too.
"""

from __future__ import annotations

import re
from fractions import Fraction

from optkit.errors import OptkitError

#: Decimal magnitude of the most significant digit a literal may have: doubles reach 1.8e308 and,
#: subnormal, 4.9e-324.  Beyond these the literal is refused before its exact value is built.
MAX_MAGNITUDE, MIN_MAGNITUDE = 308, -324
_DECIMAL = re.compile(r"(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")


class LiteralError(OptkitError):
    """A number literal that is not a decimal finite double."""


def exact_literal(literal: str) -> Fraction:
    """The exact value of a decimal literal, refused when it is no finite double.

    The magnitude is read from the digits and the exponent first, so a literal such as
    ``1e-100000000`` is refused without computing 10**100000000.
    """
    shown = literal if len(literal) <= 30 else f"{literal[:12]}...{literal[-6:]} ({len(literal)} characters)"
    if literal[:2].lower() in ("0x", "0o", "0b") or "_" in literal or literal[-1:] in "jJ":
        raise LiteralError(f"number {shown!r} is not a decimal number; write numbers in decimal without "
                              "'_', e.g. 1000, 16, 2.5e-3")
    match = _DECIMAL.fullmatch(literal)
    if match is None:
        raise LiteralError(f"number {shown!r} is not a decimal number, e.g. 1000, 2.5e-3")
    whole, fraction, exponent = match.group(1), match.group(2) or "", match.group(3) or "0"
    digits = whole + fraction
    significant = digits.lstrip("0")
    if not significant:
        return Fraction(0)
    if len(exponent.lstrip("+-")) > 6:  # beyond any range: do not even convert the exponent
        magnitude = MAX_MAGNITUDE + 1 if not exponent.startswith("-") else MIN_MAGNITUDE - 1
    else:
        magnitude = len(significant) - 1 - len(fraction) + int(exponent)
    too_large = f"number {shown!r} is not finite in double precision (beyond about 1.8e308)"
    too_small = f"number {shown!r} is below double precision's smallest positive number (about 5e-324)"
    if magnitude > MAX_MAGNITUDE:
        raise LiteralError(too_large)
    if magnitude < MIN_MAGNITUDE:
        raise LiteralError(too_small)
    exact = Fraction(int(digits)) * Fraction(10) ** (int(exponent) - len(fraction))
    try:
        if float(exact) == 0:
            raise LiteralError(too_small)
    except OverflowError:
        raise LiteralError(too_large) from None
    return exact
