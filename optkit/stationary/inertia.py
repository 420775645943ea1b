"""Exact inertia of the Hessian at an exact stationary point (the exact path of ``classify``).

Descartes' rule of signs on the characteristic polynomial at rational points,
60-digit eigenvalues with a Weyl bound at algebraic ones; split from
:mod:`optkit.stationary.finder`.
"""

from __future__ import annotations

from optkit.stationary.point import Classification


def _exact_hessian(expr, symbols):
    import sympy as sp

    return sp.hessian(expr, symbols)


def _exact_inertia(hessian, symbols, coords):
    """(negative, zero, positive) eigenvalue counts and how they were decided, or None.

    Rational points: Descartes' rule of signs on the exact characteristic
    polynomial (exact, since a symmetric matrix's eigenvalues are all real).
    Algebraic points (surds, CRootOf): the Hessian at 60-digit coordinates and
    its eigenvalues at 60 digits; by Weyl's inequality an eigenvalue moves by
    at most ‖ΔH‖₂ ≈ 1e-55·‖H‖, so a sign with |λ| > 1e-40·max(1, ‖H‖) is
    certain.  A smaller eigenvalue is left to the numeric classification.
    """
    import sympy as sp

    try:
        if all(c.is_Rational for c in coords):
            m = hessian.subs(dict(zip(symbols, coords)), simultaneous=True)
            signs = [int(sp.sign(c)) for c in m.charpoly(sp.Dummy("lam")).all_coeffs()]
            return _descartes(signs), "eigenvalue signs decided exactly (rational point)"
        import mpmath

        with mpmath.workdps(60):
            values = {s: sp.Float(sp.N(c, 60), 60) for s, c in zip(symbols, coords)}
            m = hessian.subs(values).evalf(60)
            matrix = mpmath.matrix([[mpmath.mpf(str(v)) for v in row] for row in m.tolist()])
            eigenvalues = mpmath.eigsy(matrix, eigvals_only=True)
            eigenvalues = [eigenvalues[i] for i in range(len(symbols))]
            scale = max([mpmath.mpf(1)] + [abs(v) for v in eigenvalues])
            if any(abs(v) <= mpmath.mpf("1e-40") * scale for v in eigenvalues):
                return None
            negative = sum(1 for v in eigenvalues if v < 0)
            return (negative, 0, len(eigenvalues) - negative), "eigenvalue signs certified at 60 digits (Weyl bound)"
    except (TypeError, ValueError, NotImplementedError, ZeroDivisionError):
        return None


def _descartes(signs: list[int]) -> tuple[int, int, int]:
    n = len(signs) - 1
    zero = 0
    while signs and signs[-1] == 0:
        signs = signs[:-1]
        zero += 1
    positive = _sign_changes(signs)
    negative = _sign_changes([s * (-1) ** (len(signs) - 1 - i) for i, s in enumerate(signs)])
    assert positive + negative + zero == n, "characteristic polynomial of a symmetric matrix has real roots"
    return negative, zero, positive


def _sign_changes(signs) -> int:
    nonzero = [s for s in signs if s != 0]
    return sum(1 for a, b in zip(nonzero, nonzero[1:]) if a != b)


def _apply_inertia(c: Classification, inertia, how: str) -> None:
    negative, zero, positive = inertia
    c.index, c.n_zero = negative, zero
    if c.kind == "not-stationary":
        return
    if zero:
        c.kind = "degenerate"
    elif negative == 0:
        c.kind = "minimum"
    elif positive == 0:
        c.kind = "maximum"
    else:
        c.kind = "saddle"
    c.notes.append(how)
