"""A genuine higher-order test at a degenerate stationary point.

When the Hessian H at a stationary point p has a zero eigenvalue the
second-order test says nothing, and restricting f to the null directions is
not enough: Peano's surface f = (y - x^2)(y - 2x^2) has H = diag(0, 2) at 0,
f(x, 0) = 2x^4 looks like a minimum, yet f < 0 between the two parabolas.

Method: the splitting lemma (Gromoll & Meyer 1969, "On differentiable
functions with isolated critical points", Topology 8; Arnold, Gusein-Zade &
Varchenko, *Singularities of Differentiable Maps* vol. 1, §11.4).  Near p,
in coordinates z = N u + W w with N a basis of ker H and W a basis of its
orthogonal complement, f is right-equivalent to

    f(p) + 1/2 w^T A w + g(u),       A = W^T H W nonsingular,

where g(u) = F(u, w(u)) - f(p) and w(u) solves dF/dw = 0 (implicit function
theorem).  We compute w(u) as a power series by the fixed-point iteration
w <- -A^{-1} R(u, w) (R = dF/dw - A w has no linear terms), truncated at
degree ``order``, and g to degree ``order``; the truncation does not change
g's terms up to that degree.  Let h be the lowest-degree nonzero homogeneous
part of g (degree d >= 3):

* A indefinite, or d odd, or h taking both signs      -> saddle;
* A positive definite (or absent) and h positive definite on the unit
  sphere -> strict local minimum (g >= c|u|^d and F(u, w) - g(u) >=
  c'|w - w(u)|^2); the mirror case -> maximum;
* A definite of one sign and h taking the other sign somewhere -> saddle;
* otherwise (h semidefinite with nontrivial zeros, or g == 0 up to
  ``order``, e.g. (x - y)^2 whose stationary set is a whole line of
  non-strict minima) -> "undecided": deciding would need more terms or a
  different argument (blow-ups / Newton polygons), which we do not fake.

Here "saddle" means "not a local extremum" (x^3 in 1-D included).

Definiteness of h: one null variable: the sign of its coefficient.  Two:
dehomogenise, p(s) = h(1, s), and decide the sign pattern of p on R with
exact real-root isolation (between consecutive real roots p has constant
sign), plus h(0, 1).  Three or more: exact evaluation at many rational
directions finds sign witnesses; positive definiteness is proved by
recursion: h(0, v') definite and every real stationary point of the
coercive p(s) = h(1, s) (all found exactly by
``optkit.stationary.exact``) has p > 0.  Anything not proved is "undecided".

Arithmetic: exact over Q or a real algebraic number field Q(theta) (points
with radical or CRootOf coordinates, coefficients like sqrt(3)/2) using
sympy's sparse polynomial rings and DomainMatrix.  When the Taylor
coefficients are not algebraic (e.g. exp(1) appears) we switch to a
"numeric mode": exact arithmetic on a 90-digit rational approximation of
the point, with coefficients below 1e-40 (relative) snapped to zero.  A
floating-point point is first recognised as an exact number with
``nsimplify``; if that exact point is not stationary we fall back to the
numeric mode, where an inaccurate point gives "undecided".
"""
from __future__ import annotations

import itertools
from math import comb

import mpmath
import sympy as sp
from sympy.polys.constructor import construct_domain
from sympy.polys.domains import QQ
from sympy.polys.matrices import DomainMatrix
from sympy.polys.rings import PolyRing

__all__ = ["degenerate_behaviour"]

MIN, MAX, SADDLE, UNDECIDED = "minimum", "maximum", "saddle", "undecided"

# Numeric mode: working precision of the point and the snapping threshold.
_NUM_DPS = 90
_SNAP = sp.Rational(1, 10**40)
# Largest number of Taylor monomials we are willing to handle; the order is
# lowered for many variables so the cost stays bounded.
_MAX_MONOMIALS = 3000


class _Numeric(Exception):
    """Exact arithmetic is not available: switch to the numeric mode."""


class _Field:
    """The coefficient field K and how to read signs in it.

    K is QQ or an AlgebraicField (a real embedding of Q(theta)); ``numeric``
    marks the snapping mode, ``tol`` its absolute threshold."""

    def __init__(self, K, numeric: bool = False, tol=None):
        self.K = K
        self.numeric = numeric
        self.tol = tol

    def sign(self, c) -> int | None:
        """Exact sign of c (None if an algebraic number is too close to 0
        to be read at 60 digits -- never happens for honest inputs)."""
        K = self.K
        if K.is_zero(c):
            return 0
        if K.is_QQ or K.is_ZZ:
            return 1 if c > 0 else -1
        v = K.to_sympy(c).evalf(60)
        if v == 0 or abs(v) < sp.Float(10) ** -50:
            return None
        return 1 if v > 0 else -1

    def clean(self, p):
        """Numeric mode: drop coefficients below tol (they are rounding
        noise of the 90-digit point); exact mode: identity."""
        if not self.numeric:
            return p
        tol = QQ.convert(self.tol)
        return p.ring.from_dict({m: c for m, c in p.items() if abs(c) > tol})


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------


ORDERS = (8, 12, 16)  # adaptive Taylor orders: raised while the test sees nothing


def degenerate_behaviour(expr, variables, point, order: int | None = None, tolerance=None) -> str:
    """Classify the stationary point ``point`` of ``expr`` by a higher-order
    test (splitting lemma, see the module docstring).

    Returns "minimum", "maximum", "saddle" (not an extremum) or "undecided".
    ``order`` is the Taylor degree used (at least 3 to say anything); None
    (the default) tries 8, then 12, then 16 while the answer is "undecided"
    because the reduced function vanishes to the order used or its Newton
    polygon is cut by the truncation (x² + y¹⁰ needs order 10).
    ``tolerance``: how far a floating-point coordinate may be from the exact
    number it is recognised as (default 1e-9 relative).
    Raises ValueError if an exactly given point is not stationary.
    Also correct at non-degenerate points (then it is the Morse test).
    """
    variables = tuple(variables)
    n = len(variables)
    if n == 0 or len(point) != n:
        raise ValueError("point and variables must have the same positive length")
    expr = _rationalize(sp.sympify(expr))
    orders = ORDERS if order is None else (int(order),)
    point = [sp.sympify(c) for c in point]
    answer, tried = UNDECIDED, set()
    for wanted in orders:
        used = _effective_order(n, wanted)
        if used < 2 or used in tried:
            break
        tried.add(used)
        field, T = _taylor(expr, variables, point, used, tolerance)
        answer = _classify(field, T, n, used)
        if answer != _TOO_SHORT:
            return answer
    return UNDECIDED if answer == _TOO_SHORT else answer


_TOO_SHORT = "undecided: order too low"  # internal: a higher order may decide


# ---------------------------------------------------------------------------
# Taylor polynomial at the point
# ---------------------------------------------------------------------------


def _rationalize(expr):
    """Read every Float in the formula as the exact decimal it prints as
    (1.05 -> 21/20), as optkit.stationary.exact does."""
    floats = expr.atoms(sp.Float)
    if not floats:
        return expr
    return expr.xreplace({f: sp.nsimplify(f, rational=True) for f in floats})


def _effective_order(n: int, order: int) -> int:
    """Lower the order so that the number of monomials stays moderate."""
    while order > 2 and comb(n + order, order) > _MAX_MONOMIALS:
        order -= 1
    return order


def _taylor(expr, variables, point, order, tolerance=None):
    """(field, T): T in K[z] is f(p + z) - f(p) truncated at degree ``order``.

    Exact mode first; the numeric mode when coefficients are not algebraic
    or the (recognised) point is not exactly stationary."""
    exact_point = [_recognise(c, tolerance) for c in point]
    if not any(c.has(sp.Float) for c in exact_point):
        try:
            field, T = _taylor_exact(expr, variables, exact_point, order)
        except _Numeric:
            pass
        else:
            if all(field.K.is_zero(T.coeff(z)) for z in T.ring.gens):
                return field, T
            if not any(c.has(sp.Float) for c in point):
                raise ValueError(f"{tuple(point)} is not a stationary point of {expr}")
            # a float point whose recognised exact value is not stationary:
            # analyse the float itself (numeric mode; usually "undecided")
    return _taylor_numeric(expr, variables, point, order)


def _recognise(c, tolerance=None):
    """A float coordinate becomes the simple exact number it rounds
    (0.5 -> 1/2, 1.4142135623730951 -> sqrt(2), -5e-8 -> 0 when the point's
    uncertainty allows it); stationarity of the recognised point is checked
    exactly afterwards."""
    if isinstance(c, sp.Float):
        tol = 1e-9 * max(1.0, abs(float(c)))
        if tolerance is not None and abs(float(c)) <= 10 * tolerance:
            return sp.Integer(0)
        guess = sp.nsimplify(c, tolerance=max(tol, 0.0 if tolerance is None else float(tolerance)))
        return guess if not guess.has(sp.Float) else c
    return c


def _taylor_exact(expr, variables, point, order):
    zs = sp.symbols(f"z0:{len(variables)}", cls=sp.Dummy)
    if expr.is_polynomial(*variables):
        P = sp.Poly(expr, *variables)
        K = _algebraic_domain(list(P.coeffs()) + list(point))
        R = PolyRing(zs, K)
        T = _shift_polynomial(P, [K.convert(c) for c in point], R, order, K)
    else:
        coeffs = _series_coefficients(expr, variables, point, zs, order)
        K = _algebraic_domain(list(coeffs.values()) or [sp.Integer(0)])
        R = PolyRing(zs, K)
        T = R.from_dict({m: K.convert(c) for m, c in coeffs.items()})
    return _Field(K), T


def _algebraic_domain(numbers):
    """QQ or a real algebraic field containing all ``numbers``; else _Numeric."""
    try:
        K, _ = construct_domain(list(numbers), extension=True)
    except Exception as exc:  # sympy raises several kinds here
        raise _Numeric from exc
    if K.is_ZZ or K.is_QQ:
        return QQ
    if K.is_AlgebraicField:
        # the sign test needs a real embedding (theta real)
        if K.ext.is_real is False or sp.im(sp.N(K.ext.as_expr(), 30)) != 0:
            raise _Numeric
        return K
    raise _Numeric


def _shift_polynomial(P, point, R, order, K):
    """f(p + z) - f(p) for polynomial f, in the ring R = K[z], truncated."""
    gens = R.gens
    powers = [[R.one] for _ in gens]
    T = R.zero
    for monom, c in P.terms():
        term = R.ground_new(K.convert(c))
        for i, e in enumerate(monom):
            while len(powers[i]) <= e:
                powers[i].append(powers[i][-1] * (gens[i] + point[i]))
            term = _truncate(term * powers[i][e], order)
        T += term
    return R.from_dict({m: c for m, c in T.items() if 0 < sum(m) <= order})


def _series_coefficients(expr, variables, point, zs, order):
    """Coefficients of f(p + z) - f(p) up to degree ``order`` for a
    non-polynomial f: one-variable series of f(p + t z) in t (exact)."""
    t = sp.Dummy("t")
    shifted = expr.xreplace({v: p + t * z for v, p, z in zip(variables, point, zs)})
    ser = sp.series(shifted, t, 0, order + 1).removeO()
    poly = sp.Poly(sp.expand(ser.subs(t, 1)), *zs)
    out = {}
    for m, c in poly.terms():
        if 0 < sum(m) <= order:
            if not c.is_Rational:
                c = sp.nsimplify(c) if c.has(sp.Float) else sp.simplify(c)
            if c != 0:
                out[m] = c
    return out


def _taylor_numeric(expr, variables, point, order):
    """Exact arithmetic at a 90-digit rational approximation of the point;
    the caller snaps everything below tol."""
    approx = [_to_rational(sp.N(c, _NUM_DPS + 10)) for c in point]
    zs = sp.symbols(f"z0:{len(variables)}", cls=sp.Dummy)
    R = PolyRing(zs, QQ)
    if expr.is_polynomial(*variables):
        P = sp.Poly(expr, *variables)
        if not P.domain.is_Exact or not (P.domain.is_QQ or P.domain.is_ZZ):
            P = sp.Poly({m: _to_rational(sp.N(c, _NUM_DPS + 10)) for m, c in P.terms()}, *variables, domain=QQ)
        T = _shift_polynomial(P, [QQ.convert(c) for c in approx], R, order, QQ)
    else:
        coeffs = _series_coefficients(expr, variables, approx, zs, order)
        T = R.from_dict({m: QQ.convert(_to_rational(sp.N(c, _NUM_DPS + 10))) for m, c in coeffs.items()})
    scale = max([abs(c) for c in T.values()] + [QQ.one])
    field = _Field(QQ, numeric=True, tol=_SNAP * sp.Rational(scale.numerator, scale.denominator))
    return field, field.clean(T)


def _to_rational(x):
    """Exact binary rational equal to a sympy Float or mpmath mpf (read from
    its mantissa/exponent: mpmath.mpf(Float) would round to 53 bits)."""
    if not hasattr(x, "_mpf_"):
        x = sp.Float(x, _NUM_DPS)
    sign, man, exp, _bc = x._mpf_
    if not man:
        return sp.Integer(0)
    value = sp.Integer(man) * sp.Integer(2) ** exp
    return -value if sign else value


def _truncate(p, order):
    return p.ring.from_dict({m: c for m, c in p.items() if sum(m) <= order})


# ---------------------------------------------------------------------------
# splitting lemma
# ---------------------------------------------------------------------------


def _classify(field, T, n, order):
    K = field.K
    if any(not K.is_zero(T.coeff(z)) for z in T.ring.gens):
        return UNDECIDED  # numeric mode: the point is not accurately stationary
    H = _hessian(T, n, K)
    N, W = _split_bases(field, H, n)
    k, m = len(N), len(W)
    F = field.clean(_linear_change(T, N, W, K, order))
    A = _quadratic_form_matrix(F, k, m, K)
    a_pos, a_neg = _signature(field, A) if m else (0, 0)
    if a_pos and a_neg:
        return SADDLE
    if k == 0:
        return MIN if a_pos == m else MAX
    g = _reduced_function(field, F, A, k, m, order)
    if not g:
        return _TOO_SHORT  # g == 0 up to `order`: a higher order, or a curve of stationary points
    d = min(sum(mon) for mon in g.keys())
    if d % 2 == 1:
        return SADDLE
    h = g.ring.from_dict({mon: c for mon, c in g.items() if sum(mon) == d})
    has_pos, has_neg, definite = _form_signs(field, h, k)
    if not definite and k == 2 and not (has_pos and has_neg):
        # h semidefinite with zeros: witness curves and the Newton polygon decide
        has_pos, has_neg, definite = _newton_polygon_signs(field, g, order, (has_pos, has_neg, definite))
        if definite is None:
            return _TOO_SHORT
    f_pos = bool(a_pos) or has_pos
    f_neg = bool(a_neg) or has_neg
    if f_pos and f_neg:
        return SADDLE
    if definite and has_pos and not a_neg:
        return MIN
    if definite and has_neg and not a_pos:
        return MAX
    return UNDECIDED


def _hessian(T, n, K):
    rows = []
    for i in range(n):
        row = []
        for j in range(n):
            e = [0] * n
            e[i] += 1
            e[j] += 1
            c = T.get(tuple(e), K.zero)
            row.append(c * 2 if i == j else c)
        rows.append(row)
    return DomainMatrix(rows, (n, n), K)


def _split_bases(field, H, n):
    """Bases (lists of K-vectors) of ker H and of its orthogonal complement."""
    K = field.K
    if field.numeric:
        return _split_bases_numeric(field, H, n)
    null = H.nullspace().to_list()
    if not null:
        return [], _identity(n, K)
    comp = DomainMatrix(null, (len(null), n), K).nullspace().to_list()
    return null, comp


def _split_bases_numeric(field, H, n):
    """Eigen-decomposition at high precision; eigenvalues below the
    relative threshold count as zero.  Vectors are made exact rationals."""
    with mpmath.workdps(_NUM_DPS):
        M = mpmath.matrix([[mpmath.mpf(c.numerator) / c.denominator for c in row] for row in H.to_list()])
        evals, evecs = mpmath.eigsy(M)
        big = max([abs(v) for v in evals] + [mpmath.mpf(1)])
        thr = big * mpmath.mpf(10) ** -30
        null, comp = [], []
        for i in range(n):
            vec = [QQ.convert(_to_rational(evecs[r, i])) for r in range(n)]
            (null if abs(evals[i]) <= thr else comp).append(vec)
    return null, comp


def _identity(n, K):
    return [[K.one if i == j else K.zero for j in range(n)] for i in range(n)]


def _linear_change(T, N, W, K, order):
    """F(u, w) = T(N^T u + W^T w) in the ring K[u_1..u_k, w_1..w_m]."""
    k, m = len(N), len(W)
    names = [f"u{i}" for i in range(k)] + [f"w{j}" for j in range(m)]
    R = PolyRing(names, K) if names else None
    gens = R.gens
    n = len(T.ring.gens)
    lin = []
    for i in range(n):
        expr = R.zero
        for j in range(k):
            expr += gens[j] * N[j][i]
        for j in range(m):
            expr += gens[k + j] * W[j][i]
        lin.append(expr)
    powers = [[R.one] for _ in range(n)]
    F = R.zero
    for monom, c in T.items():
        term = R.ground_new(c)
        for i, e in enumerate(monom):
            while len(powers[i]) <= e:
                powers[i].append(powers[i][-1] * lin[i])
            term *= powers[i][e]
        F += term
    return _truncate(F, order)


def _quadratic_form_matrix(F, k, m, K):
    """A with F's quadratic part = 1/2 w^T A w (u-terms vanish by
    construction: N spans ker H)."""
    rows = []
    for i in range(m):
        row = []
        for j in range(m):
            e = [0] * (k + m)
            e[k + i] += 1
            e[k + j] += 1
            c = F.get(tuple(e), K.zero)
            row.append(c * 2 if i == j else c)
        rows.append(row)
    return DomainMatrix(rows, (m, m), K)


def _signature(field, A):
    """(#positive, #negative) eigenvalues of the symmetric nonsingular A by
    Descartes' rule of signs on its characteristic polynomial (exact for a
    polynomial whose roots are all real)."""
    cp = A.charpoly()  # leading coefficient first
    signs = [field.sign(c) for c in cp]
    if any(s is None for s in signs):
        raise RuntimeError("sign of a characteristic-polynomial coefficient undetermined")
    deg = len(cp) - 1
    pos = _variations(signs)
    neg = _variations([s * (-1) ** (deg - i) for i, s in enumerate(signs)])
    return pos, neg


def _variations(signs):
    nz = [s for s in signs if s != 0]
    return sum(1 for a, b in zip(nz, nz[1:]) if a != b)


def _reduced_function(field, F, A, k, m, order):
    """g(u) = F(u, w(u)) with dF/dw (u, w(u)) = 0, as a polynomial in
    K[u] truncated at ``order`` (lowest degree >= 3)."""
    K = field.K
    Ru = PolyRing([f"u{i}" for i in range(k)], K)
    if m == 0:
        return field.clean(Ru.from_dict(dict(F.items())))
    Ainv = A.inv().to_list()
    Rgens = F.ring.gens
    dF = [F.diff(Rgens[k + j]) for j in range(m)]
    # R_j = dF/dw_j - (A w)_j : no linear terms
    lin_part = [sum((Rgens[k + l] * A.to_list()[j][l] for l in range(m)), F.ring.zero) for j in range(m)]
    Rj = [dF[j] - lin_part[j] for j in range(m)]
    w = [Ru.zero] * m
    for _ in range(order + 1):
        vals = [_substitute(field, r, w, Ru, k, order - 1) for r in Rj]
        new_w = [field.clean(-sum((vals[l] * Ainv[i][l] for l in range(m)), Ru.zero)) for i in range(m)]
        if new_w == w:
            break
        w = new_w
    return field.clean(_substitute(field, F, w, Ru, k, order))


def _substitute(field, P, w, Ru, k, order):
    """P(u, w(u)) truncated at ``order``, using w = O(|u|^2) to skip terms
    that cannot reach degree <= order."""
    cache: dict = {}

    def wpow(j, e):
        key = (j, e)
        if key not in cache:
            cache[key] = Ru.one if e == 0 else _truncate(wpow(j, e - 1) * w[j], order)
        return cache[key]

    out = Ru.zero
    for monom, c in P.items():
        a, b = monom[:k], monom[k:]
        if sum(a) + 2 * sum(b) > order:
            continue
        term = Ru({tuple(a): c})
        for j, e in enumerate(b):
            if e:
                term = _truncate(term * wpow(j, e), order)
                if not term:
                    break
        out += term
    return out


# ---------------------------------------------------------------------------
# sign pattern of the even-degree form h on the unit sphere
# ---------------------------------------------------------------------------


def _form_signs(field, h, k):
    """(has_pos, has_neg, definite) of a homogeneous form h of even degree.

    has_pos / has_neg are certain witnesses; definite is True only when h is
    proved to vanish nowhere on the sphere (so with has_pos: h > 0)."""
    if k == 1:
        (c,) = h.values()
        s = field.sign(c)
        return s == 1, s == -1, s is not None
    if k == 2:
        return _binary_form_signs(field, h)
    return _many_variable_form_signs(field, h, k)


def _binary_form_signs(field, h):
    """h(u1, u2): directions (1, s) and (0, 1) cover the projective line;
    an even form has h(-v) = h(v)."""
    K = field.K
    d = max(sum(mon) for mon in h.keys())
    coeffs = [h.get((d - i, i), K.zero) for i in range(d, -1, -1)]  # p(s) = h(1, s), high -> low
    c_inf = coeffs[0]  # h(0, 1)
    has_pos, has_neg, zero_free = _univariate_signs(field, coeffs)
    s_inf = field.sign(c_inf)
    has_pos = has_pos or s_inf == 1
    has_neg = has_neg or s_inf == -1
    definite = bool(zero_free) and s_inf not in (0, None)
    return has_pos, has_neg, definite


def _univariate_signs(field, coeffs):
    """(has_pos, has_neg, zero_free) of p(s) = sum coeffs[i] s^(deg-i) on R.

    p has constant sign between consecutive real roots of a rational
    polynomial N whose roots contain p's (N = p over Q, the field norm over
    Q(theta)); we sample exactly between them and test p at the roots."""
    K = field.K
    while coeffs and K.is_zero(coeffs[0]):
        coeffs = coeffs[1:]
    if not coeffs:
        return False, False, False
    s = sp.Dummy("s")
    norm = _norm_polynomial(K, coeffs, s)
    sq = norm.sqf_part() if norm.degree() > 0 else norm
    roots = _isolating_intervals(sq)
    samples = _sample_points(roots)

    def p_at(x):
        acc = K.zero
        for c in coeffs:
            acc = acc * K.convert(x) + c
        return acc

    signs = [field.sign(p_at(x)) for x in samples]
    has_pos = 1 in signs
    has_neg = -1 in signs
    if not roots:
        return has_pos, has_neg, True
    if K.is_QQ:
        return has_pos, has_neg, False  # N = p: p vanishes at its real roots
    # Over Q(theta) a real root of N may belong to a conjugate of p only;
    # p is certified nonzero there when |p(r)| is clearly above 60-digit noise.
    expr = sum(K.to_sympy(c) * s ** (len(coeffs) - 1 - i) for i, c in enumerate(coeffs))
    zero_free = True
    for r in sp.Poly(sq, s).real_roots():
        if abs(sp.N(expr.subs(s, r), 60)) < sp.Float(10) ** -40:
            zero_free = False  # a zero of p, or too close to tell: not certified
    return has_pos, has_neg, zero_free


def _norm_polynomial(K, coeffs, s):
    """A rational polynomial whose roots include those of p (coefficients in K)."""
    if K.is_QQ:
        return sp.Poly([sp.Rational(c.numerator, c.denominator) for c in coeffs], s, domain=QQ)
    y = sp.Dummy("y")
    minpoly = sp.Poly([sp.Rational(c.numerator, c.denominator) for c in K.mod.to_list()], y)
    deg = len(coeffs) - 1
    P = sp.Integer(0)
    for i, c in enumerate(coeffs):
        rep = c.to_list()
        cy = sum(sp.Rational(a.numerator, a.denominator) * y ** (len(rep) - 1 - j) for j, a in enumerate(rep))
        P += cy * s ** (deg - i)
    return sp.Poly(sp.resultant(minpoly.as_expr(), sp.expand(P), y), s, domain=QQ)


def _isolating_intervals(poly):
    """Disjoint rational isolating intervals of the real roots, sorted."""
    if poly.degree() <= 0:
        return []
    eps = None
    for _ in range(20):
        ivs = sorted(iv for iv, _mult in (poly.intervals() if eps is None else poly.intervals(eps=eps)))
        if all(b1 < a2 for (_a1, b1), (a2, _b2) in zip(ivs, ivs[1:])):
            return ivs
        eps = sp.Rational(1, 10**6) if eps is None else eps / 1000
    raise RuntimeError("could not separate the real roots")


def _sample_points(ivs):
    if not ivs:
        return [sp.Integer(0)]
    pts = [ivs[0][0] - 1]
    pts += [(b1 + a2) / 2 for (_a1, b1), (a2, _b2) in zip(ivs, ivs[1:])]
    pts.append(ivs[-1][1] + 1)
    return pts


def _many_variable_form_signs(field, h, k):
    """k >= 3 null directions: sign witnesses at rational directions, and a
    proof of definiteness by dehomogenisation (QQ only)."""
    K = field.K
    has_pos = has_neg = False
    grid = range(-2, 3) if k <= 4 else range(-1, 2)
    for v in itertools.product(grid, repeat=k):
        if not any(v):
            continue
        s = field.sign(h(*[K.convert(c) for c in v]))
        has_pos |= s == 1
        has_neg |= s == -1
        if has_pos and has_neg:
            return True, True, False
    if not K.is_QQ or (has_pos and has_neg) or not (has_pos or has_neg):
        return has_pos, has_neg, False
    sign = 1 if has_pos else -1
    proved, neg_witness = _prove_definite(h, k, sign)
    if neg_witness:
        return True, True, False
    return has_pos, has_neg, bool(proved)


def _prove_definite(h, k, sign):
    """(proved, opposite_witness): is sign*h > 0 on the sphere?

    sign*h(0, v') must be definite (recursion) so p(s) = sign*h(1, s) is
    coercive and attains its minimum at a stationary point; all of them are
    found exactly (optkit.stationary.exact) and must have p > 0."""
    from optkit.stationary.exact import ExactTimeout, exact_stationary_points

    us = sp.symbols(f"v0:{k}")
    expr = sign * sum(sp.Rational(c.numerator, c.denominator) * sp.Mul(*[u**e for u, e in zip(us, m)])
                      for m, c in h.items())
    sub = sp.expand(expr.subs(us[0], 0))
    if sub == 0:
        return False, False
    ring = PolyRing(us[1:], QQ)
    sub_h = ring.from_dict({m[1:]: QQ.convert(c) for m, c in sp.Poly(sub, *us).terms()})
    sub_pos, sub_neg, sub_def = _form_signs(_Field(QQ), sub_h, k - 1)
    if sub_neg:
        return False, True
    if not (sub_def and sub_pos):
        return False, False
    p = sp.expand(expr.subs(us[0], 1))
    try:
        res = exact_stationary_points(p, us[1:], timeout=10.0)
    except (ExactTimeout, ValueError, RuntimeError):
        return False, False
    if not res.complete or not res.points:
        return False, False
    proved = True
    for pt in res.points:
        v = sp.N(p.subs(dict(zip(us[1:], pt.coords))), 60)
        if v < -sp.Float(10) ** -40:
            return False, True
        if not v > sp.Float(10) ** -40:
            proved = False
    return proved, False


# ---------------------------------------------------------------------------
# Newton polygon (two null directions, lowest form semidefinite with zeros)
# ---------------------------------------------------------------------------


def _newton_polygon_signs(field, g, order, fallback):
    """(has_pos, has_neg, definite) of g(u, v) near 0 from its Newton polygon.

    The compact faces of the Newton diagram Γ (lower-left boundary of the
    convex hull of supp g + R²₊) carry quasi-homogeneous face polynomials
    g_σ.  A point (s₁, s₂) ∈ (R*)² with g_σ(s₁, s₂) ≠ 0 gives a witness
    curve (s₁t^a, s₂t^b), t → 0⁺ (a, b the face's weights), along which
    g has the sign of g_σ(s₁, s₂).  If every face polynomial is > 0 on
    (R*)² and Γ meets both axes (a "convenient" diagram), g > 0 on a
    punctured neighbourhood (Gindikin 1974, "Energy estimates connected with
    the Newton polyhedron", Trudy MMO 31; Vasil'ev 1979, "Asymptotic
    exponential integrals, Newton's diagram..."): x²y² + x⁶ + y⁶ is a strict
    minimum.  x⁶ + y⁶ − 3x²y² is not an extremum: its face x⁶ − 3x²y² is
    negative at (1, 1), i.e. along (t, t²).  Exact arithmetic over Q only
    (other fields: ``fallback``).  definite None: Γ meets an axis beyond the
    truncation order or not at all, so a higher order may decide.
    """
    K = field.K
    if not (K.is_QQ or K.is_ZZ):
        return fallback
    support = {mon: c for mon, c in g.items() if not K.is_zero(c)}
    vertices = _diagram_vertices(list(support))
    has_pos, has_neg = fallback[0], fallback[1]
    all_positive = all_negative = True
    faces = [[v] for v in vertices] + [[a, b] for a, b in zip(vertices, vertices[1:])]
    for face in faces:
        terms = _face_terms(support, face)
        pos, neg, zero_free = _face_signs(terms)
        has_pos |= pos
        has_neg |= neg
        all_positive &= pos and not neg and zero_free
        all_negative &= neg and not pos and zero_free
    if has_pos and has_neg:
        return True, True, False
    convenient = vertices and vertices[0][1] == 0 and vertices[-1][0] == 0 if vertices else False
    if not convenient:
        return has_pos, has_neg, None  # a higher order may reach the axes (or a curve of stationary points)
    # the diagram's vertices on the axes must lie within the truncation (then every
    # omitted monomial, of degree > order, lies above Γ)
    if max(vertices[0][0], vertices[-1][1]) > order:
        return has_pos, has_neg, None
    return has_pos, has_neg, bool(all_positive or all_negative)


def _diagram_vertices(points):
    """Vertices of the Newton diagram, from the one on or nearest the x-axis... to the y-axis.

    Sorted by decreasing u-exponent; the lower convex chain of the points with
    the minimal v for each u (Andrew's monotone chain on the lower-left hull).
    """
    best: dict[int, int] = {}
    for i, j in points:
        best[i] = min(j, best.get(i, j))
    pts = sorted(best.items())  # increasing i
    # keep the staircase of minimal j as i grows (points dominated by another are above Γ)
    stair = []
    for i, j in pts:
        if not stair or j < stair[-1][1]:
            stair.append((i, j))
    hull: list = []
    for p in stair:
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = hull[-2], hull[-1]
            # pop hull[-1] when it is not strictly below the segment hull[-2] -> p
            if (x2 - x1) * (p[1] - y1) - (y2 - y1) * (p[0] - x1) <= 0:
                hull.pop()
            else:
                break
        hull.append(p)
    return hull[::-1]  # from the largest i (nearest the x-axis) to i = smallest


def _face_terms(support, face):
    if len(face) == 1:
        return {face[0]: support[face[0]]}
    (a1, b1), (a2, b2) = face
    return {(i, j): c for (i, j), c in support.items() if (i - a1) * (b2 - b1) == (j - b1) * (a2 - a1)
            and min(a1, a2) <= i <= max(a1, a2)}


def _face_signs(terms):
    """(has_pos, has_neg, zero_free) of a face polynomial on (R*)², exactly over Q.

    Quasi-homogeneity: its sign at (x, y) is its sign at (±1, s) for some s ≠ 0,
    so p±(s) = Σ c_ij (±1)^i s^j decides, on s > 0 and on s < 0."""
    s = sp.Dummy("s")
    has_pos = has_neg = False
    zero_free = True
    for x0 in (1, -1):
        expr = sum(sp.Rational(c.numerator, c.denominator) * x0**i * s**j for (i, j), c in terms.items())
        for side in (1, -1):
            poly = sp.Poly(sp.expand(expr.subs(s, side * s)), s)
            low = min(m[0] for m in poly.monoms())
            poly = sp.Poly(sp.cancel(poly.as_expr() / s**low), s)
            roots = [r for r in poly.real_roots() if r > 0]
            if roots:
                zero_free = False
            cuts = sorted(set(roots))
            samples = [cuts[0] / 2] if cuts else [sp.Integer(1)]
            samples += [(a + b) / 2 for a, b in zip(cuts, cuts[1:])]
            if cuts:
                samples.append(cuts[-1] + 1)
            for t in samples:
                v = sp.sign(sp.N(poly.as_expr().subs(s, t), 50))
                has_pos |= v > 0
                has_neg |= v < 0
    return has_pos, has_neg, zero_free
