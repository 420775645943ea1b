"""Taylor polynomials of closed-form problems, in exact arithmetic (sympy)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from optkit.errors import OptkitError

MAX_ORDER = 12


@dataclass
class TaylorPolynomial:
    order: int
    point: list[str]
    polynomial: str  # in powers of (x_i - a_i)
    terms: list[dict]  # one per total degree: {"degree": k, "term": "..."} (zero terms included)

    def to_dict(self) -> dict:
        return {"order": self.order, "point": self.point, "polynomial": self.polynomial, "terms": self.terms}


def taylor_polynomial(formula: str, variables: Sequence[str], point_texts: Sequence[str], order: int) -> TaylorPolynomial:
    """T_K f(x; a) = Σ_{k ≤ K} (1/k!) (d^k/dt^k) f(a + t(x − a)) at t = 0, exactly (under a time budget)."""
    if not 0 <= order <= MAX_ORDER:
        raise OptkitError(f"--taylor order must be between 0 and {MAX_ORDER}, got {order}")
    from optkit.symbolic.budget import time_budget

    with time_budget(f"the Taylor polynomial of order {order}"):
        return _taylor(formula, variables, point_texts, order)


def _taylor(formula: str, variables: Sequence[str], point_texts: Sequence[str], order: int) -> TaylorPolynomial:
    import sympy as sp

    from optkit.symbolic.grammar import parse_exact_number
    from optkit.symbolic.derivatives import sympy_expression

    expr, symbols = sympy_expression(formula, variables)
    a = [parse_exact_number(p) for p in point_texts]
    t = sp.Symbol("t")
    h = [sp.Dummy(f"h{i}") for i in range(len(symbols))]
    # A shift (x − a) is shown as one symbol so sympy does not distribute coefficients over it.
    text = _printer(variables)
    shifts = [sp.Symbol(f"({text(s - ai)})") if ai != 0 else s for s, ai in zip(symbols, a)]
    derivative = expr.subs({s: ai + t * hi for s, ai, hi in zip(symbols, a, h)}, simultaneous=True)
    back = dict(zip(h, shifts))
    terms, total = [], sp.S.Zero
    for k in range(order + 1):
        coefficient = sp.expand(sp.simplify(derivative.subs(t, 0) / sp.factorial(k)))
        term = coefficient.subs(back, simultaneous=True)
        terms.append({"degree": k, "term": text(term)})
        total += term
        derivative = sp.diff(derivative, t)
    return TaylorPolynomial(order, [text(ai) for ai in a], text(total), terms)


def _printer(variables: Sequence[str]):
    """sympy's str printer, but Euler's number written as the input grammar writes it: e (exp(1) when a
    variable is named e), not sympy's E."""
    from sympy.printing.str import StrPrinter

    euler = "exp(1)" if "e" in variables else "e"

    class _InputPrinter(StrPrinter):
        def _print_Exp1(self, expr):  # noqa: N802 (sympy's printer protocol)
            return euler

    return _InputPrinter().doprint
