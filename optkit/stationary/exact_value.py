"""Is f exactly 0 at an exact stationary point?  So the table shows 0, not 7.9e-31 (issue 12 §4).

A point of the exact path has coordinates that are rationals, radicals, or
expressions in one algebraic number α = CRootOf(P, i).  Then f(point) = N(α)/D(α)
with polynomials N, D, and N(α) = 0 whenever P divides N (P(α) = 0).  That
division is cheap polynomial arithmetic; it proves zero, never non-zero (a
non-zero remainder may still vanish at α when P is not minimal), so only a
proven zero is ever reported.
"""

from __future__ import annotations

NEAR_ZERO = 1e-10  # the proof is tried only when double precision already gives |f| ≤ this


def proven_zero(expr, symbols, coords, f_numeric: float) -> bool:
    """True when f(coords) = 0 exactly (see the module docstring); False when not proven."""
    import sympy as sp

    if not abs(f_numeric) <= NEAR_ZERO:
        return False
    value = expr.xreplace(dict(zip(symbols, coords)))
    roots = value.atoms(sp.CRootOf)
    if not roots:  # rationals and radicals: the minimal polynomial of 0 is z
        z = sp.Dummy("z")
        return value.is_rational and value == 0 or sp.minimal_polynomial(value, z) == z
    if len(roots) != 1:
        return False
    root = roots.pop()
    a = sp.Dummy("a")
    P = root.poly.as_expr().subs(root.poly.gens[0], a)
    numerator, _ = sp.fraction(sp.together(value.xreplace({root: a})))
    if not numerator.is_polynomial(a) or numerator.free_symbols - {a}:
        return False
    return sp.rem(sp.expand(numerator), sp.expand(P), a).expand() == 0
