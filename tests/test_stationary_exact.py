"""Exact stationary points (optkit.stationary.exact), checked independently:
exact closed forms, high-precision gradients, and a dense numerical
multistart done here with scipy."""
from __future__ import annotations

import os
import time

import mpmath
import numpy as np
import pytest
import scipy.optimize
import sympy as sp

from optkit.stationary.exact import (
    ExactTimeout,
    exact_stationary_points,
    is_polynomial_or_rational,
)

x, y, z, w = sp.symbols("x y z w")

QUARTIC = x**4 + 4 * x**3 + 3 * x**2 - 3 * x * y + 2 * y**2
HIMMELBLAU = (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2
SIX_HUMP = (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2
THREE_HUMP = 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2
GOLDSTEIN_PRICE = (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)) * (
    30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
)
FREUDENSTEIN_ROTH = (-13 + x + ((5 - y) * y - 2) * y) ** 2 + (-29 + x + ((y + 1) * y - 14) * y) ** 2


# ---------------------------------------------------------------------------
# independent checks
# ---------------------------------------------------------------------------


def grad_norm_hp(f, variables, coords, dps=50):
    """|grad f| at the exact coordinates, evaluated with `dps` digits."""
    env = dict(zip(variables, coords))
    return max(abs(sp.N(sp.diff(f, v).subs(env), dps)) for v in variables)


def multistart_roots(f, variables, box, n_per_axis, seed=0):
    """Distinct roots of grad f found by scipy.optimize.root from a grid of
    starts plus random ones (deduplicated at 1e-6)."""
    grad = sp.lambdify([variables], [sp.diff(f, v) for v in variables], "numpy")
    hess = sp.lambdify([variables], sp.hessian(f, variables).tolist(), "numpy")
    axes = [np.linspace(lo, hi, n_per_axis) for lo, hi in box]
    starts = [np.array(p) for p in np.array(np.meshgrid(*axes)).reshape(len(box), -1).T]
    rng = np.random.default_rng(seed)
    starts += [rng.uniform([b[0] for b in box], [b[1] for b in box]) for _ in range(200)]
    found: list[np.ndarray] = []
    for x0 in starts:
        sol = scipy.optimize.root(lambda v: np.array(grad(v), float), x0,
                                  jac=lambda v: np.array(hess(v), float), method="hybr")
        if not sol.success or np.linalg.norm(grad(sol.x)) > 1e-7 * max(1.0, np.abs(sol.x).max()) ** 8:
            continue
        if not any(np.linalg.norm(sol.x - q) < 1e-6 for q in found):
            found.append(sol.x)
    return found


def assert_same_points(result, numeric_points, tol=1e-6):
    got = [np.array(p.numeric) for p in result.points]
    assert len(got) == len(numeric_points)
    for q in numeric_points:
        assert min(np.linalg.norm(g - q) for g in got) < tol


def fvalues(f, variables, result):
    return sorted(float(sp.N(f.subs(dict(zip(variables, p.coords))), 30)) for p in result.points)


# ---------------------------------------------------------------------------
# course exercise E1
# ---------------------------------------------------------------------------


def test_quartic_three_points_with_exact_forms():
    t0 = time.perf_counter()
    res = exact_stationary_points(QUARTIC, (x, y))
    elapsed = time.perf_counter() - t0
    assert elapsed < 1.0
    assert res.complete and not res.positive_dimensional
    assert len(res.points) == 3 and res.n_complex == 0 and res.bezout_bound == 3
    r21 = sp.sqrt(21)
    expected = [
        (sp.Integer(0), sp.Integer(0)),
        ((r21 - 6) / 4, 3 * (r21 - 6) / 16),
        ((-r21 - 6) / 4, 3 * (-r21 - 6) / 16),
    ]
    for ex in expected:
        assert any(all(sp.simplify(c - e) == 0 for c, e in zip(p.coords, ex)) for p in res.points), ex
    numerics = {tuple(round(c, 5) for c in p.numeric) for p in res.points}
    assert numerics == {(0.0, 0.0), (-0.35436, -0.26577), (-2.64564, -1.98423)}
    by_x = {round(p.numeric[0], 5): p for p in res.points}
    assert by_x[-0.35436].numeric == pytest.approx((-0.35435607626104, -0.26576705719578), abs=1e-12)
    assert by_x[-0.35436].exact == "((sqrt(21) - 6)/4, 3*(sqrt(21) - 6)/16)"
    assert by_x[0.0].exact == "(0, 0)"
    # f at the three points: course-exercises.md E1 table
    assert fvalues(QUARTIC, (x, y), res) == pytest.approx([-11.956037, 0.0, 0.073224], abs=1e-6)


# ---------------------------------------------------------------------------
# classic test functions
# ---------------------------------------------------------------------------


@pytest.mark.slow  # > 1 s on an idle machine (pytest --durations)
def test_himmelblau_nine_points_checked_independently():
    res = exact_stationary_points(HIMMELBLAU, (x, y))
    assert res.complete and len(res.points) == 9 and res.n_complex == 0
    for p in res.points:
        assert grad_norm_hp(HIMMELBLAU, (x, y), p.coords) < 1e-12
    found = multistart_roots(HIMMELBLAU, (x, y), [(-6, 6), (-6, 6)], 15)
    assert len(found) == 9
    assert_same_points(res, found)
    minima = [(3.0, 2.0), (3.5844283403304917, -1.8481265269644036),
              (-3.779310253377747, -3.2831859912861696), (-2.805118086952745, 3.131312518250573)]
    for q in minima:
        assert min(np.abs(np.array(p.numeric) - q).max() for p in res.points) < 1e-14
    assert [p.exact for p in res.points].count("(3, 2)") == 1
    assert fvalues(HIMMELBLAU, (x, y), res)[:4] == pytest.approx([0, 0, 0, 0], abs=1e-20)


@pytest.mark.slow  # > 1 s on an idle machine (pytest --durations)
def test_six_hump_camel_fifteen_points():
    res = exact_stationary_points(SIX_HUMP, (x, y))
    assert res.complete and len(res.points) == 15
    found = multistart_roots(SIX_HUMP, (x, y), [(-3, 3), (-2, 2)], 15)
    assert_same_points(res, found)
    vals = fvalues(SIX_HUMP, (x, y), res)
    assert vals[:2] == pytest.approx([-1.0316284535] * 2, abs=1e-10)  # f*: shared/classic-test-functions.json (SFU)
    assert vals.count(0.0) == 1  # the saddle at the origin
    assert sum(abs(v - 2.1042503103) < 1e-9 for v in vals) == 2
    assert sum(abs(v + 0.2154638244) < 1e-9 for v in vals) == 2


def test_three_hump_camel_five_points_with_radicals():
    res = exact_stationary_points(THREE_HUMP, (x, y))
    assert res.complete and len(res.points) == 5 and res.n_complex == 0
    found = multistart_roots(THREE_HUMP, (x, y), [(-3, 3), (-3, 3)], 12)
    assert_same_points(res, found)
    assert all(p.exact is not None for p in res.points)  # biquadratic: nested radicals
    vals = fvalues(THREE_HUMP, (x, y), res)
    assert sum(abs(v - 0.298638) < 1e-6 for v in vals) == 2


@pytest.mark.slow  # > 1 s on an idle machine (pytest --durations)
def test_goldstein_price_nine_points_and_values():
    res = exact_stationary_points(GOLDSTEIN_PRICE, (x, y), timeout=30)  # a hang detector, not a speed test
    assert res.complete and len(res.points) == 9
    assert res.bezout_bound == 49 and res.n_complex == 16
    assert all(max(abs(c) for c in p.numeric) <= 2 for p in res.points)
    assert fvalues(GOLDSTEIN_PRICE, (x, y), res) == pytest.approx(
        [3, 30, 35, 84, 99, 840, 980, 990, 1155], abs=1e-9)
    for p in res.points:
        assert all(c.is_Rational for c in p.coords)
        assert grad_norm_hp(GOLDSTEIN_PRICE, (x, y), p.coords) == 0
    found = multistart_roots(GOLDSTEIN_PRICE, (x, y), [(-2, 2), (-2, 2)], 15)
    assert_same_points(res, found)


def test_freudenstein_roth_three_points():
    res = exact_stationary_points(FREUDENSTEIN_ROTH, (x, y))
    assert len(res.points) == 3 and res.complete
    assert fvalues(FREUDENSTEIN_ROTH, (x, y), res) == pytest.approx([0, 48.98425367924, 819.01025935231], abs=1e-8)
    assert "(5, 4)" in [p.exact for p in res.points]


# ---------------------------------------------------------------------------
# special cases
# ---------------------------------------------------------------------------


def test_line_of_minima_is_positive_dimensional():
    res = exact_stationary_points((x - y) ** 2, (x, y))
    assert res.positive_dimensional and not res.complete
    assert res.points == [] and res.n_complex is None


def test_function_independent_of_a_variable_is_positive_dimensional():
    assert exact_stationary_points(x**2, (x, y)).positive_dimensional


def test_single_point():
    res = exact_stationary_points(x**2 + y**2 + 1, (x, y))
    assert [p.coords for p in res.points] == [(0, 0)] and res.complete


def test_no_stationary_point_is_complete():
    res = exact_stationary_points(x**3 + y, (x, y))
    assert res.points == [] and res.complete and res.n_complex == 0


def test_non_separating_coordinates_are_handled():
    # sqrt(2) is the y-value of three points: a linear change of coordinates is needed
    f = (x**2 - 2) ** 2 + (y**2 - 2) ** 2
    res = exact_stationary_points(f, (x, y))
    assert len(res.points) == 9 and res.complete
    r2 = sp.sqrt(2)
    wanted = {(a, b) for a in (-r2, 0, r2) for b in (-r2, 0, r2)}
    assert {tuple(sp.simplify(c) for c in p.coords) for p in res.points} == wanted


def test_degenerate_point_counted_once():
    res = exact_stationary_points(x**4 + y**4, (x, y))
    assert [p.coords for p in res.points] == [(0, 0)] and res.n_complex == 0


def test_rational_functions():
    res = exact_stationary_points(x / (1 + x**2 + y**2), (x, y))
    assert sorted(p.numeric for p in res.points) == [(-1.0, 0.0), (1.0, 0.0)]
    f = (x**2 + y**2) / (1 + x**2 + y**4) + x
    res = exact_stationary_points(f, (x, y))
    assert res.points == [] and res.complete and res.n_complex == 20
    assert multistart_roots(f, (x, y), [(-5, 5), (-5, 5)], 8) == []
    res = exact_stationary_points(1 / (x * y) + x + y, (x, y))
    assert [p.coords for p in res.points] == [(1, 1)]


def test_pole_where_the_gradient_numerator_vanishes_is_dropped():
    # d/dx (x-1)^2/x^2 = 2(x-1)/x^3: the numerator 2x(x-1) of the
    # unreduced quotient-rule formula also vanishes at the pole x = 0.
    res = exact_stationary_points((x - 1) ** 2 / x**2, (x,))
    assert [p.coords for p in res.points] == [(1,)]
    # x^2/(x^2+y^2): lines of stationary points (y-axis minima, x-axis maxima)
    assert exact_stationary_points(x**2 / (x**2 + y**2), (x, y)).positive_dimensional


def test_four_variables_powell_singular():
    f = (x + 10 * y) ** 2 + 5 * (z - w) ** 2 + (y - 2 * z) ** 4 + 10 * (x - w) ** 4
    res = exact_stationary_points(f, (x, y, z, w))
    assert [p.coords for p in res.points] == [(0, 0, 0, 0)] and res.complete


def test_wood_has_the_documented_saddle():
    f = (100 * (x**2 - y) ** 2 + (x - 1) ** 2 + 90 * (z**2 - w) ** 2 + (z - 1) ** 2
         + 10.1 * ((y - 1) ** 2 + (w - 1) ** 2) + 19.8 * (y - 1) * (w - 1))
    res = exact_stationary_points(f, (x, y, z, w), timeout=20)
    assert res.complete and len(res.points) == 3
    assert any(np.allclose(p.numeric, (-0.968, 0.947, -0.970, 0.951), atol=2e-3) for p in res.points)
    assert any(p.numeric == (1.0, 1.0, 1.0, 1.0) for p in res.points)


def test_univariate():
    res = exact_stationary_points(x**5 - 5 * x**3 + 4 * x, (x,))
    assert len(res.points) == 4 and all(p.exact for p in res.points)


def test_floats_read_as_decimals():
    res = exact_stationary_points(0.5 * x**2 - 1.5 * x, (x,))
    assert res.points[0].coords == (sp.Rational(3, 2),)


def test_is_polynomial_or_rational():
    assert is_polynomial_or_rational(HIMMELBLAU, (x, y))
    assert is_polynomial_or_rational(SIX_HUMP, (x, y))  # floats become decimals
    assert is_polynomial_or_rational(x / (1 + y**2), (x, y))
    assert not is_polynomial_or_rational(sp.sin(x) + y, (x, y))
    assert not is_polynomial_or_rational(sp.pi * x**2, (x,))
    assert not is_polynomial_or_rational(x * y, (x,))  # y is not a variable
    assert not is_polynomial_or_rational(sp.sqrt(x), (x,))
    with pytest.raises(ValueError):
        exact_stationary_points(sp.exp(x), (x,))


# ---------------------------------------------------------------------------
# timeout
# ---------------------------------------------------------------------------


def _zombie_children():
    if not os.path.isdir("/proc"):
        return []
    me, out = os.getpid(), []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me and fields[0] == "Z":
            out.append(int(pid))
    return out


def test_timeout_kills_the_child_quickly_and_leaves_no_zombie():
    import random

    rnd = random.Random(1)
    heavy = sum(rnd.randint(-9, 9) * x**i * y**j * z**k
                for i in range(10) for j in range(10) for k in range(10) if i + j + k <= 9)
    t0 = time.perf_counter()
    with pytest.raises(ExactTimeout):
        exact_stationary_points(heavy, (x, y, z), timeout=0.2)
    assert time.perf_counter() - t0 < 2.0
    assert _zombie_children() == []


def test_results_survive_the_process_boundary_with_crootof():
    res = exact_stationary_points(HIMMELBLAU, (x, y))
    inproc = exact_stationary_points(HIMMELBLAU, (x, y), timeout=None)
    assert [p.coords for p in res.points] == [p.coords for p in inproc.points]
    assert any(c.has(sp.CRootOf) for p in res.points for c in p.coords)
    with mpmath.workdps(30):
        for p in res.points:
            assert [float(sp.N(c, 30)) for c in p.coords] == pytest.approx(p.numeric, abs=1e-15)
