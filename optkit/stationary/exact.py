"""Every stationary point of a polynomial or rational function, exactly.

Method (Cox, Little & O'Shea, *Ideals, Varieties, and Algorithms*, 4th ed.,
ch. 2 §8 and ch. 3 "Elimination Theory"):

1. Floats in the formula become Rationals so all algebra is exact.  The
   system is grad f = 0; for a rational function f = P/Q we take the
   numerator of each partial derivative and remove the points where Q
   vanishes with the Rabinowitsch trick: add t*Q - 1 and eliminate t
   (the saturation I : Q^oo, CLO ch. 4 §4).
2. A lexicographic Groebner basis x1 > ... > xn triangularises the
   system: by the Elimination Theorem (CLO ch. 3 §1) its last element is
   a univariate polynomial q(xn).  We first compute a grevlex basis: the
   ideal is zero-dimensional (finitely many complex solutions) iff every
   variable has a pure power among its leading monomials (CLO ch. 5 §3,
   Finiteness Theorem); otherwise the stationary set is a curve or more.
   The lex basis then comes from FGLM (much faster than a direct lex basis
   with 3+ variables).
3. q is factored over Q.  A linear factor gives a rational xn = r; the
   basis with xn = r substituted is a smaller system solved recursively.
   For an irreducible factor m of degree > 1 we work in K = Q[xn]/(m): the
   basis of I + (m) holds, for each next variable xj, one polynomial
   h(xj, xn) monic in xj (the generator of the fibre ideal in K[xj]).  If
   h = (xj - a(xn))^k in K[xj] the fibre over every root of m is the single
   point xj = a(root) -- exact, as a polynomial in a CRootOf.  Otherwise
   the coordinate xn does not separate the solutions and we retry after a
   linear change xn -> xn + c1 x1 + ... (generic coordinates, "shape
   lemma" position, CLO ch. 3 §5 / Rouillier's rational univariate
   representation).
4. Real roots of each factor are isolated exactly (``Poly.real_roots``:
   radicals for degree <= 2 and short real Cardano/Ferrari forms for
   degree 3-4, ``CRootOf`` otherwise), so the list of real stationary
   points is complete, and every point is verified by evaluating grad f at
   60-digit precision.  A positive-dimensional stationary set (e.g.
   f = (x - y)^2) is reported as such, with no points: isolated points
   that may coexist with a curve are not searched for.

Do NOT replace this by ``sympy.solve``: it silently drops roots without a
radical form (4 of Himmelblau's 9 stationary points, 1 of the six-hump
camel's 15).

Timeout: sympy's Groebner code cannot be interrupted from inside, so the
computation runs in a child process that is killed (SIGKILL) at the
deadline and always reaped (no zombie).  On POSIX the child is created with
a plain ``os.fork`` (instant: sympy is already imported; unlike
``multiprocessing`` it also works inside daemonic pool workers); elsewhere a
``multiprocessing`` 'spawn' child is used.  Results cross the process
boundary as JSON holding ``srepr`` strings (a polynomial in a CRootOf as
the root's srepr plus its coefficients), rebuilt by evaluating them in the
sympy namespace (much faster than ``sympify``'s parser).
Caveat of fork: if another thread of the caller holds a lock the child
needs, the child can hang; it is then killed at the deadline and the call
reports ExactTimeout, never a wrong answer.
"""
from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import mpmath
import sympy as sp

__all__ = [
    "ExactPoint",
    "ExactResult",
    "ExactTimeout",
    "exact_stationary_points",
    "is_polynomial_or_rational",
]

# Precision (decimal digits) for the verification of every point.
_VERIFY_DPS = 60
# |df/dx_i| must be below this times the size of the terms of df/dx_i.
_VERIFY_RTOL = sp.Rational(1, 10**40)
# Linear changes of coordinates tried when the last variable does not
# separate the solutions (deterministic, so results are reproducible).
_SHIFTS = (1, -2, 3, 5, -7, 11, 13)


@dataclass
class ExactPoint:
    """One real stationary point.

    coords: exact sympy numbers, one per variable (Rational, radical
    expression, or an expression in a ``CRootOf``).
    exact: readable closed form of the whole point when every coordinate has
    a radical form, else None.
    numeric: the coordinates as doubles (evaluated at 30 digits first).
    """

    coords: tuple
    exact: str | None
    numeric: tuple[float, ...]


@dataclass
class ExactResult:
    """All stationary points of f, with what is known about completeness.

    points: every real isolated solution of grad f = 0, sorted by numeric value.
    n_complex: number of DISTINCT non-real solutions (multiplicities not
    counted); None when unknown (positive-dimensional case).
    bezout_bound: product of the total degrees of the (numerators of the)
    partial derivatives; an upper bound on the number of isolated complex
    solutions (0 if some partial derivative is a nonzero constant or zero).
    positive_dimensional: the solution set is not finite (a curve or more);
    then points == [] and complete is False.
    complete: the list is proven complete (zero-dimensional ideal, every real
    root isolated exactly).
    """

    points: list[ExactPoint]
    n_complex: int | None
    bezout_bound: int
    positive_dimensional: bool
    complete: bool


class ExactTimeout(Exception):
    """The exact computation did not finish within its time budget."""


class _PositiveDimensional(Exception):
    """The ideal of grad f = 0 has infinitely many solutions."""


class _NotSeparating(Exception):
    """The last coordinate takes the same value at two distinct solutions."""


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------


def is_polynomial_or_rational(expr, variables) -> bool:
    """True if ``expr`` is a polynomial or rational function of ``variables``
    whose coefficients are rational numbers once floats are read as exact
    decimals (1.05 -> 21/20).  Other symbols, transcendental functions or
    irrational constants (pi, sqrt(2)) give False: the exact path needs
    arithmetic over Q."""
    try:
        variables = tuple(variables)
        expr = _rationalize(sp.sympify(expr))
        if not expr.free_symbols <= set(variables):
            return False
        if not expr.is_rational_function(*variables):
            return False
        num, den = sp.fraction(sp.cancel(sp.together(expr)))
        for part in (num, den):
            domain = sp.Poly(part, *variables).domain
            if not (domain.is_QQ or domain.is_ZZ):
                return False
        return not den.is_zero
    except (sp.SympifyError, sp.PolynomialError, TypeError, ValueError):
        return False


def exact_stationary_points(expr, variables, timeout: float | None = 5.0) -> ExactResult:
    """All real stationary points of a polynomial/rational ``expr``.

    ``timeout`` is a wall-clock budget in seconds for the whole computation
    (run in a child process, see the module docstring); ``None`` computes in
    this process without a limit.  Raises ExactTimeout when exceeded and
    ValueError when ``expr`` is not a rational function with rational
    coefficients of ``variables``.
    """
    variables = tuple(variables)
    if not variables:
        raise ValueError("need at least one variable")
    # Everything, validation included, runs under the deadline (in the child).
    if timeout is None:
        payload = _payload(expr, variables)
    else:
        payload = _run_with_deadline(_payload, (expr, variables), float(timeout))
    return _decode(payload)


# ---------------------------------------------------------------------------
# running in a child process with a deadline
# ---------------------------------------------------------------------------


def _run_with_deadline(fn: Callable[..., dict], args: tuple, timeout: float) -> dict:
    """Run fn(*args) -> JSON-able dict in a child process; kill it at the deadline."""
    if hasattr(os, "fork") and sys.platform != "win32":
        return _run_forked(fn, args, timeout)
    return _run_spawned(fn, args, timeout)


def _die_with_parent() -> None:
    """Linux: ask the kernel to SIGKILL this child when its parent dies (PR_SET_PDEATHSIG),
    so a parent killed by SIGTERM or SIGKILL leaves no computing orphan (other
    systems have no such request; there the child lives until its deadline)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _run_forked(fn, args, timeout):
    # timeout may be inf: no deadline (the child still dies with its parent)
    deadline = time.monotonic() + max(timeout, 0.0) if timeout != float("inf") else None
    parent = os.getpid()
    rfd, wfd = os.pipe()
    with warnings.catch_warnings():
        # Python >= 3.12 warns when forking a multi-threaded process; the
        # risk (a lock held by another thread) ends in a kill at the deadline.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # child: compute, write, leave without running the parent's cleanup
        code = 0
        try:
            if sys.platform.startswith("linux"):
                _die_with_parent()
            if os.getppid() != parent:  # the parent died before the request took effect
                os._exit(1)
            os.close(rfd)
            try:
                data = {"ok": True, "value": fn(*args)}
            except BaseException as exc:  # report every failure to the parent
                data = {"ok": False, "type": type(exc).__name__, "message": str(exc)}
            blob = json.dumps(data).encode()
            view = memoryview(blob)
            while view:
                view = view[os.write(wfd, view):]
            os.close(wfd)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(wfd)
    chunks: list[bytes] = []
    finished = False
    try:
        while True:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                break
            ready, _, _ = select.select([rfd], [], [], remaining)
            if not ready:
                break
            chunk = os.read(rfd, 1 << 16)
            if not chunk:  # EOF: the child wrote everything and closed the pipe
                finished = True
                break
            chunks.append(chunk)
    finally:
        os.close(rfd)
        if not finished:
            _kill(pid)
        _reap(pid)
    if not finished:
        raise ExactTimeout(f"exact stationary-point computation exceeded {timeout:g} s")
    return _unwrap(b"".join(chunks))


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(pid: int) -> None:
    """waitpid so that the (possibly killed) child leaves no zombie."""
    while True:
        try:
            os.waitpid(pid, 0)
            return
        except ChildProcessError:
            return
        except InterruptedError:
            continue


def _spawn_target(conn, fn, args):
    try:
        data = {"ok": True, "value": fn(*args)}
    except BaseException as exc:
        data = {"ok": False, "type": type(exc).__name__, "message": str(exc)}
    conn.send_bytes(json.dumps(data).encode())
    conn.close()


def _run_spawned(fn, args, timeout):
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_spawn_target, args=(send, fn, args), daemon=True)
    proc.start()
    send.close()
    try:
        # (the spawned child first imports sympy: ~1 s of the budget)
        if not recv.poll(None if timeout == float("inf") else timeout):
            raise ExactTimeout(f"exact stationary-point computation exceeded {timeout:g} s")
        try:
            blob = recv.recv_bytes()
        except EOFError:  # the child died without writing a result
            blob = b""
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()
    return _unwrap(blob)


def _unwrap(blob: bytes) -> dict:
    if not blob:
        raise RuntimeError("exact stationary-point computation died without a result")
    data = json.loads(blob.decode())
    if data["ok"]:
        return data["value"]
    known = {"ValueError": ValueError, "MemoryError": MemoryError, "RuntimeError": RuntimeError}
    if data["type"] in known:
        raise known[data["type"]](data["message"])
    raise RuntimeError(f"{data['type']}: {data['message']}")


# ---------------------------------------------------------------------------
# the computation (runs in the child)
# ---------------------------------------------------------------------------


def _payload(expr, variables) -> dict:
    expr = _rationalize(sp.sympify(expr))
    if not is_polynomial_or_rational(expr, variables):
        raise ValueError(f"not a polynomial or rational function of {variables} with rational coefficients: {expr}")
    return _encode(_compute(expr, variables))


def _compute(expr, variables) -> ExactResult:
    numerators, denominator = _gradient_numerators(expr, variables)
    bezout = 1
    for g in numerators:
        bezout *= max(sp.Poly(g, *variables).total_degree(), 0) if g != 0 else 0
    try:
        polys = _saturate(numerators, denominator, variables)
        if polys is None:  # the ideal is (1): no stationary point at all
            return ExactResult([], 0, bezout, False, True)
        raw_points, n_distinct = _solve(polys, variables)
    except _PositiveDimensional:
        return ExactResult([], None, bezout, True, False)
    cache: dict = {}
    values = [tuple(_high_precision(c, cache) for c in pt) for pt in raw_points]
    _verify(numerators, denominator, variables, raw_points, values)
    points = [_make_point(c, v) for c, v in zip(raw_points, values)]
    points.sort(key=lambda p: p.numeric)
    return ExactResult(points, n_distinct - len(points), bezout, False, True)


def _rationalize(expr):
    """Read every Float as the exact decimal it prints as (2.1 -> 21/10)."""
    floats = expr.atoms(sp.Float)
    if not floats:
        return expr
    return expr.xreplace({f: sp.nsimplify(f, rational=True) for f in floats})


def _gradient_numerators(expr, variables):
    """Numerators of the partial derivatives and the denominator of f."""
    num, den = sp.fraction(sp.cancel(sp.together(expr)))
    den = sp.expand(den)
    if den.free_symbols & set(variables):
        # (P/Q)' = (P'Q - PQ')/Q^2; Q^2 is nonzero wherever f is defined.
        numerators = [sp.expand(sp.diff(num, v) * den - num * sp.diff(den, v)) for v in variables]
        den = sp.Poly(den, *variables).sqf_part().as_expr()
    else:
        numerators = [sp.expand(sp.diff(num / den, v)) for v in variables]
        den = sp.Integer(1)
    return numerators, den


def _groebner_lex(polys, gens):
    # f5b is an order of magnitude faster than buchberger on Goldstein-Price.
    return sp.groebner(polys, *gens, order="lex", method="f5b")


def _lex_basis_zero_dim(polys, gens):
    """Reduced lex basis of a zero-dimensional ideal, via a grevlex basis and
    the FGLM change of order (Faugere, Gianni, Lazard & Mora 1993; CLO ch. 2
    §3 exercises / "Using Algebraic Geometry" ch. 2 §3): a direct lex basis
    is 4x slower on a degree-4 system in 3 variables.  Returns None for the
    unit ideal and raises _PositiveDimensional for an infinite solution set."""
    G = sp.groebner(polys, *gens, order="grevlex", method="f5b")
    if list(G.exprs) == [1]:
        return None
    if not G.is_zero_dimensional:
        raise _PositiveDimensional
    return G.fglm("lex")


def _saturate(numerators, denominator, variables):
    """Generators of (numerators) : denominator^oo, or None for the unit ideal.

    Rabinowitsch: eliminate t from (numerators, t*Q - 1) (CLO ch. 4 §4)."""
    polys = [g for g in numerators if g != 0]
    if not polys:
        raise _PositiveDimensional
    if denominator == 1:
        return polys
    t = sp.Dummy("t")
    G = _groebner_lex(polys + [t * denominator - 1], (t,) + tuple(variables))
    if list(G.exprs) == [1]:
        return None
    eliminated = [g for g in G.exprs if not g.has(t)]
    if not eliminated:
        raise _PositiveDimensional
    return eliminated


def _solve(polys, gens):
    """Exact real solutions (tuples of sympy numbers) of a polynomial system
    over Q in variables ``gens``, and the number of distinct complex ones.

    Tries the given coordinates first, then generic linear changes."""
    try:
        return _solve_triangular(polys, gens)
    except _NotSeparating:
        pass
    last = gens[-1]
    for k, c in enumerate(_SHIFTS):
        # s = last + sum(c_i x_i), i.e. last = s - sum(c_i x_i)
        coeffs = [c ** (i + 1) if k % 2 == 0 else c * (i + 1) for i in range(len(gens) - 1)]
        s = sp.Dummy("s")
        shift = sum(ci * xi for ci, xi in zip(coeffs, gens[:-1]))
        moved = [sp.expand(p.subs(last, s - shift)) for p in polys]
        try:
            pts, count = _solve_triangular(moved, tuple(gens[:-1]) + (s,))
        except _NotSeparating:
            continue
        back = []
        for pt in pts:
            others, sval = pt[:-1], pt[-1]
            lastval = _simplify_number(sval - sum(ci * xi for ci, xi in zip(coeffs, others)))
            back.append(tuple(others) + (lastval,))
        return back, count
    raise RuntimeError("no separating linear form found (this should not happen)")


def _solve_triangular(polys, gens):
    G = _lex_basis_zero_dim(polys, gens)
    if G is None:
        return [], 0
    last = gens[-1]
    if G.exprs[-1].free_symbols != {last}:
        raise RuntimeError("lex basis has no univariate last element")
    q = sp.Poly(G.exprs[-1], last)
    if len(gens) == 1:
        sq = q.sqf_part()
        return [(r,) for r in _real_roots(sq)], sq.degree()
    points: list[tuple] = []
    n_distinct = 0
    for m, _mult in q.factor_list()[1]:
        if m.degree() == 1:
            r = -m.nth(0) / m.nth(1)
            sub = [sp.expand(g.subs(last, r)) for g in G.exprs]
            sub = [g for g in sub if g != 0]
            sub_pts, sub_count = _solve(sub, gens[:-1])
            points.extend(p + (r,) for p in sub_pts)
            n_distinct += sub_count
        else:
            coords = _algebraic_fibre(G, m, gens)
            n_distinct += m.degree()
            for r in _real_roots(m):
                # xreplace, not subs + expand: a is already a reduced polynomial in xn
                points.append(tuple(_simplify_number(a.xreplace({last: r})) for a in coords) + (r,))
    return points, n_distinct


def _algebraic_fibre(G, m, gens):
    """For an irreducible factor m(xn) of degree > 1, express every other
    coordinate as a polynomial a_j(xn) valid at every root of m, or raise
    _NotSeparating when some root carries more than one solution."""
    last = gens[-1]
    J = _groebner_lex(list(G.exprs) + [m.as_expr()], gens)
    coords: dict = {}
    for j in range(len(gens) - 2, -1, -1):
        xj = gens[j]
        cands = [e for e in J.exprs if e.has(xj) and e.free_symbols <= {xj, last}]
        if len(cands) != 1:
            raise _NotSeparating
        h = sp.Poly(cands[0], xj)
        k = h.degree()
        lc = sp.expand(h.LC())
        # sympy returns primitive integer bases: the leading coefficient of
        # the fibre generator is a nonzero constant, not necessarily 1.
        if not lc.is_Rational or lc == 0:
            raise _NotSeparating
        h = sp.Poly(sp.expand(cands[0] / lc), xj)
        a = sp.expand(-h.nth(k - 1) / k)
        if k > 1:
            # one point per root iff h == (xj - a)^k modulo m
            diff = sp.Poly(sp.expand((xj - a) ** k - h.as_expr()), xj)
            for c in diff.all_coeffs():
                if sp.Poly(c, last).rem(m) != 0:
                    raise _NotSeparating
            J = _groebner_lex(list(J.exprs) + [xj - a], gens)
        coords[j] = sp.Poly(a, last).rem(m).as_expr()
    return [coords[j] for j in range(len(gens) - 1)]


def _real_roots(p: sp.Poly) -> list:
    """Exact real roots of a squarefree/irreducible univariate polynomial:
    radicals when cheap (degree <= 2, or a real Cardano/Ferrari form for
    degree 3-4), CRootOf otherwise."""
    roots = p.real_roots()
    if 3 <= p.degree() <= 4 and roots and any(isinstance(r, sp.CRootOf) for r in roots):
        roots = [_radical_form(p, r) for r in roots]
    return roots


def _radical_form(p: sp.Poly, r):
    """A radical expression equal to the real root r, if sympy finds one
    without complex intermediates (no casus irreducibilis); else r."""
    if not isinstance(r, sp.CRootOf):
        return r
    try:
        cands = sp.roots(p, cubics=True, quartics=True, multiple=True)
    except Exception:  # sympy's radical solvers may fail on exotic input
        return r
    target = r.evalf(40)
    for c in cands:
        if c.has(sp.I) or c.has(sp.CRootOf) or len(str(c)) > _MAX_EXACT_LEN // 2:
            continue
        if abs(sp.N(c, 40) - target) < sp.Float(10) ** -30:
            return c
    return r


def _simplify_number(c):
    """Cheap canonical form: rationals stay, radicals are radsimp'ed,
    CRootOf expressions are left as polynomials in the root."""
    if c.is_Rational or c.has(sp.CRootOf):
        return c  # Add already collects like powers of the root; expand is slow here
    return sp.radsimp(sp.expand(c))


def _high_precision(c, cache: dict):
    """c as a Float with _VERIFY_DPS + 10 correct digits.

    Coordinates are polynomials in one CRootOf r whose coefficients can be
    huge (10^250 on random cubics in 3 variables) and cancel: we evaluate
    them in mpmath with as many extra digits as the largest term has, and
    r from _root_value (cached: sympy's own CRootOf evaluation re-refines
    the root for every term)."""
    dps = _VERIFY_DPS + 10
    rp = _as_root_polynomial(c)
    if rp is None:
        return sp.N(c, dps)
    r, coeffs = rp
    with mpmath.workdps(20):
        r_small = mpmath.mpf(sp.N(r, 20))
        size = max(abs(mpmath.mpf(q.p) / q.q) * max(abs(r_small), 1) ** k
                   for k, q in enumerate(reversed(coeffs)))
        extra = max(int(mpmath.log10(size)) + 1, 0) if size else 0
    work = dps + extra + 10
    key = (r, work)
    if key not in cache:
        cache[key] = _root_value(r, work)
    with mpmath.workdps(work):
        x = mpmath.mpf(cache[key]._mpf_)
        value = mpmath.polyval([mpmath.mpf(q.p) / q.q for q in coeffs], x)
        return sp.Float(value, dps)


def _as_root_polynomial(c):
    """(r, [a_d, ..., a_0]) with c == sum a_k r^k for the single CRootOf r in
    c, or None when c has no CRootOf."""
    roots = c.atoms(sp.CRootOf)
    if not roots:
        return None
    if len(roots) > 1:
        raise RuntimeError("coordinate involves several CRootOf")
    (r,) = roots
    X = sp.Dummy("X")
    return r, [sp.Rational(q) for q in sp.Poly(c.xreplace({r: X}), X).all_coeffs()]


def _root_value(r, dps: int):
    """A real CRootOf to ``dps`` digits: Newton's method in mpmath from a
    20-digit start (the root is simple: its polynomial is irreducible), kept
    only if it stays inside the root's exact isolating interval; otherwise
    sympy's own (slow, continued-fraction) refinement."""
    start = r.evalf(25)  # also refines r's isolating interval to ~1e-25
    try:  # private but long-stable API; the fallback below is just slower
        interval = r._get_interval()
        lo, hi = sp.Rational(interval.a), sp.Rational(interval.b)
    except Exception:
        lo = hi = None
    with mpmath.workdps(dps + 10):
        p = [mpmath.mpf(sp.Rational(c).p) / sp.Rational(c).q for c in r.poly.all_coeffs()]
        dp = [c * (len(p) - 1 - i) for i, c in enumerate(p[:-1])]
        x = mpmath.mpf(start)
        for _ in range(60):
            step = mpmath.polyval(p, x) / mpmath.polyval(dp, x)
            x -= step
            if step == 0 or abs(step) <= abs(x) * mpmath.mpf(10) ** (-dps - 5):
                if lo is not None and mpmath.mpf(lo.p) / lo.q <= x <= mpmath.mpf(hi.p) / hi.q:
                    return sp.Float(x, dps)
                break
    return sp.Float(r.evalf(dps), dps)


# Closed forms longer than this are not "readable" (e.g. Cardano forms).
_MAX_EXACT_LEN = 160


def _make_point(coords, values) -> ExactPoint:
    numeric = tuple(float(v) for v in values)
    exact = None
    if not any(c.has(sp.CRootOf) for c in coords):
        # rev-lex prints "(sqrt(21) - 6)/4" rather than "(-6 + sqrt(21))/4"
        exact = "(" + ", ".join(sp.sstr(sp.factor(c), order="rev-lex") for c in coords) + ")"
        if len(exact) > _MAX_EXACT_LEN:
            exact = None
    return ExactPoint(tuple(coords), exact, numeric)


def _verify(numerators, denominator, variables, points, values) -> None:
    """Each point must satisfy grad f = 0 to ~40 significant digits and lie
    off the pole set; a failure is a bug, so it raises."""
    with mpmath.workdps(_VERIFY_DPS):
        rtol = mpmath.mpf(_VERIFY_RTOL.p) / _VERIFY_RTOL.q
        polys = [sp.Poly(g, *variables) for g in numerators]
        for pt, vals in zip(points, values):
            env = [mpmath.mpf(v) for v in vals]
            for gp in polys:
                value = mpmath.mpf(0)
                size = mpmath.mpf(0)
                for mon, coef in gp.terms():
                    term = mpmath.mpf(coef.p) / coef.q
                    for v, e in zip(env, mon):
                        term *= v ** e
                    value += term
                    size += abs(term)
                if abs(value) > rtol * max(size, 1):
                    raise RuntimeError(f"verification failed at {pt}: |grad| = {mpmath.nstr(value, 5)}")
            if denominator != 1:
                if sp.simplify(denominator.subs(dict(zip(variables, pt)))) == 0:
                    raise RuntimeError(f"point {pt} lies on the pole set")


# ---------------------------------------------------------------------------
# crossing the process boundary
# ---------------------------------------------------------------------------


def _encode_number(c) -> dict:
    """srepr, except that a polynomial in a CRootOf is sent as the root plus
    its coefficients (srepr would repeat the root's polynomial per term)."""
    rp = _as_root_polynomial(c)
    if rp is None:
        return {"srepr": sp.srepr(c)}
    r, coeffs = rp
    return {"root": sp.srepr(r), "coeffs": [str(q) for q in coeffs]}


def _decode_number(d: dict):
    if "srepr" in d:
        return _rebuild(d["srepr"])
    r = _rebuild(d["root"])
    deg = len(d["coeffs"]) - 1
    return sp.Add(*[sp.Rational(q) * r ** (deg - k) for k, q in enumerate(d["coeffs"])])


def _encode(res: ExactResult) -> dict:
    return {
        "points": [
            {"coords": [_encode_number(c) for c in p.coords], "exact": p.exact, "numeric": list(p.numeric)}
            for p in res.points
        ],
        "n_complex": res.n_complex,
        "bezout_bound": res.bezout_bound,
        "positive_dimensional": res.positive_dimensional,
        "complete": res.complete,
    }


def _decode(data: dict) -> ExactResult:
    points = [
        ExactPoint(tuple(_decode_number(d) for d in p["coords"]), p["exact"], tuple(float(v) for v in p["numeric"]))
        for p in data["points"]
    ]
    return ExactResult(points, data["n_complex"], int(data["bezout_bound"]),
                       bool(data["positive_dimensional"]), bool(data["complete"]))


_SYMPY_NAMESPACE: dict | None = None


def _rebuild(text: str):
    """Inverse of srepr.  Plain eval in the sympy namespace: parse_expr (used
    by sympify) is ~50x slower on long CRootOf expressions, and the text
    comes from our own child process, not from a user."""
    global _SYMPY_NAMESPACE
    if _SYMPY_NAMESPACE is None:
        _SYMPY_NAMESPACE = {k: getattr(sp, k) for k in dir(sp) if not k.startswith("_")}
        _SYMPY_NAMESPACE["ComplexRootOf"] = _cached_rootof
    return eval(text, _SYMPY_NAMESPACE)  # noqa: S307 - trusted srepr text


@lru_cache(maxsize=512)
def _cached_rootof(expr, index):
    """Each distinct root is built once: CRootOf() factors its polynomial."""
    return sp.CRootOf(expr, index)
