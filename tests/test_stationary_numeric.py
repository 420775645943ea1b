"""Tests of optkit.stationary.numeric: the numeric search for all stationary points in a box.

Golden values come from hand calculation (closed forms), sympy, published
values (shared/classic-test-functions.json, quoted here) or an independent
dense-grid multistart of MINPACK's hybrj (scipy.optimize.root) run inside the
test — never from the module itself.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from optkit.stationary.numeric import (
    NumericSearchResult,
    deflation_log,
    find_stationary_points,
)

# ---------------------------------------------------------------------------
# Test functions: gradients and Hessians written by hand (or by sympy below).


def quartic():
    """E1: f = x⁴ + 4x³ + 3x² − 3xy + 2y²."""
    def g(v):
        x, y = v
        return np.array([4 * x**3 + 12 * x**2 + 6 * x - 3 * y, 4 * y - 3 * x])

    def h(v):
        x, _ = v
        return np.array([[12 * x**2 + 24 * x + 6, -3.0], [-3.0, 4.0]])
    return g, h


def himmelblau():
    """f = (x² + y − 11)² + (x + y² − 7)²."""
    def g(v):
        x, y = v
        a, b = x * x + y - 11, x + y * y - 7
        return np.array([4 * x * a + 2 * b, 2 * a + 4 * y * b])

    def h(v):
        x, y = v
        return np.array([[12 * x * x + 4 * y - 42, 4 * x + 4 * y], [4 * x + 4 * y, 4 * x + 12 * y * y - 26]])
    return g, h


def six_hump_camel():
    """f = (4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²."""
    def f(v):
        x, y = v
        return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2

    def g(v):
        x, y = v
        return np.array([8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3])

    def h(v):
        x, y = v
        return np.array([[8 - 25.2 * x**2 + 10 * x**4, 1.0], [1.0, -8 + 48 * y**2]])
    return f, g, h


C = 0.2 * math.pi


def course_22():
    """E2: f = 2x² + 2y² − xy − 17·y·cos(0.2πx)."""
    def g(v):
        x, y = v
        return np.array([4 * x - y + 17 * C * y * math.sin(C * x), 4 * y - x - 17 * math.cos(C * x)])

    def h(v):
        x, y = v
        off = 17 * C * math.sin(C * x) - 1
        return np.array([[4 + 17 * C * C * y * math.cos(C * x), off], [off, 4.0]])
    return g, h


def monkey_saddle():
    """f = x³ − 3xy²: H = 0 at the origin, its only stationary point."""
    def g(v):
        x, y = v
        return np.array([3 * x * x - 3 * y * y, -6 * x * y])

    def h(v):
        x, y = v
        return np.array([[6 * x, -6 * y], [-6 * y, -6 * x]])
    return g, h


def diagonal_valley():
    """f = (x − y)²: every point of the line x = y is stationary."""
    def g(v):
        d = 2 * (v[0] - v[1])
        return np.array([d, -d])

    def h(v):
        return np.array([[2.0, -2.0], [-2.0, 2.0]])
    return g, h


def sympy_derivatives(expr_text: str, n: int):
    """(grad, hess) callables of a formula in x0..x{n-1}, differentiated by sympy."""
    import sympy as sp

    xs = sp.symbols(f"x0:{n}")
    f = sp.sympify(expr_text, locals={f"x{i}": xs[i] for i in range(n)})
    grad = sp.lambdify([xs], [sp.diff(f, v) for v in xs], "numpy")
    hess = sp.lambdify([xs], sp.hessian(f, xs), "numpy")
    return (lambda v: np.array(grad(v), dtype=float)), (lambda v: np.array(hess(v), dtype=float))


# ---------------------------------------------------------------------------
# Independent reference: dense grid of MINPACK hybrj starts (scipy.optimize.root).


def grid_roots(g, h, box, per_axis: int, tol: float = 1e-8) -> list[np.ndarray]:
    """Roots of g in the box from a per_axis^n grid of scipy.optimize.root starts.

    Accepted on the residual ‖g‖ only (root's success flag is not trusted) and
    de-duplicated on coordinates.
    """
    from scipy.optimize import root

    box = np.asarray(box, dtype=float)
    axes = [np.linspace(lo, hi, per_axis) for lo, hi in box]
    starts = np.array(np.meshgrid(*axes)).reshape(len(box), -1).T
    found: list[np.ndarray] = []
    for x0 in starts:
        x = root(g, x0, jac=h, method="hybr").x
        if np.linalg.norm(g(x)) > tol:
            continue
        if np.any(x < box[:, 0] - 1e-9) or np.any(x > box[:, 1] + 1e-9):
            continue
        if not any(np.max(np.abs(x - y)) < 1e-6 for y in found):
            found.append(x)
    return found


def assert_same_sets(found, expected, tol=1e-6):
    """Each expected point matches exactly one found point and vice versa."""
    found = [np.asarray(p) for p in found]
    assert len(found) == len(expected), (len(found), len(expected))
    for e in expected:
        matches = [p for p in found if np.max(np.abs(p - e)) <= tol * max(1.0, np.max(np.abs(e)))]
        assert len(matches) == 1, f"{e} matched {len(matches)} found points"


def xs(result: NumericSearchResult) -> list[np.ndarray]:
    return [p.x for p in result.points]


# ---------------------------------------------------------------------------
# Known point sets


def test_quartic_exactly_three_points_at_their_closed_forms():
    g, h = quartic()
    res = find_stationary_points(g, h, [[-5, 5], [-5, 5]])
    # By hand: y = 3x/4 and x(4x² + 12x + 15/4) = 0, so x ∈ {0, (−6 ± √21)/4}.
    roots_x = [0.0, (math.sqrt(21) - 6) / 4, (-math.sqrt(21) - 6) / 4]
    expected = [np.array([x, 0.75 * x]) for x in roots_x]
    assert_same_sets(xs(res), expected, tol=1e-12)
    assert res.curves == []
    for p in res.points:
        assert p.grad_norm <= 1e-10
        assert not p.slow_convergence      # all three are non-degenerate
        assert p.uncertainty < 1e-12
        assert p.hits >= 1
    assert sum(p.hits for p in res.points) <= res.n_starts
    assert 1 <= res.last_new_at <= res.n_starts
    assert np.allclose(expected[1], [-0.35436, -0.26577], atol=1e-5)   # the course's numbers
    assert np.allclose(expected[2], [-2.64564, -1.98423], atol=1e-5)


def test_quartic_without_deflation_finds_the_same_points():
    g, h = quartic()
    res = find_stationary_points(g, h, [[-5, 5], [-5, 5]], deflation=False)
    assert len(res.points) == 3


def test_himmelblau_nine_points():
    g, h = himmelblau()
    box = [[-5, 5], [-5, 5]]
    res = find_stationary_points(g, h, box)
    reference = grid_roots(g, h, box, 30)
    assert len(reference) == 9       # published count: 4 minima, 4 saddles, 1 maximum
    assert_same_sets(xs(res), reference)
    published_minima = [[3.0, 2.0], [3.5844283403304917, -1.8481265269644036],
                        [-3.779310253377747, -3.2831859912861696], [-2.805118086952745, 3.131312518250573]]
    for m in published_minima:
        assert min(np.max(np.abs(x - m)) for x in xs(res)) < 1e-9


def test_six_hump_camel_fifteen_points():
    f, g, h = six_hump_camel()
    box = [[-3, 3], [-2, 2]]
    res = find_stationary_points(g, h, box)
    reference = grid_roots(g, h, box, 30)
    assert len(reference) == 15      # published: 6 minima, 7 saddles, 2 maxima
    assert_same_sets(xs(res), reference)
    minima = [p.x for p in res.points if np.all(np.linalg.eigvalsh(h(p.x)) > 0)]
    values = sorted(round(f(x), 8) for x in minima)
    # the three minimum levels: shared/classic-test-functions.json (six-hump-camel notes)
    assert values == pytest.approx([-1.0316284535] * 2 + [-0.2154638244] * 2 + [2.1042503103] * 2, abs=1e-8)
    # Point symmetry f(−x) = f(x): the found set is symmetric.
    for x in xs(res):
        assert min(np.max(np.abs(y + x)) for y in xs(res)) < 1e-9


def test_course_22_complete_against_dense_independent_multistart():
    g, h = course_22()
    box = [[-10, 10], [-10, 10]]
    res = find_stationary_points(g, h, box)
    for p in res.points:
        assert np.linalg.norm(g(p.x)) <= 1e-9
        assert np.all(p.x >= -10) and np.all(p.x <= 10)
    # The course's local minimum (E2).
    assert min(np.max(np.abs(x - [0.130875, 4.268358])) for x in xs(res)) < 1e-6
    reference = grid_roots(g, h, box, 50)
    missed = [r for r in reference if min(np.max(np.abs(x - r)) for x in xs(res)) > 1e-6]
    assert missed == []
    assert_same_sets(xs(res), reference)


# ---------------------------------------------------------------------------
# Empty, degenerate and non-isolated cases


def test_no_stationary_point_in_a_box_without_one():
    res = find_stationary_points(lambda v: 2 * v, lambda v: 2 * np.eye(2), [[1, 2], [-3, -1]])
    assert res.points == [] and res.curves == []
    assert res.last_new_at is None


def test_monkey_saddle_one_degenerate_point_with_slow_convergence():
    g, h = monkey_saddle()
    res = find_stationary_points(g, h, [[-1, 1], [-1, 1]])
    assert len(res.points) == 1 and res.curves == []
    (p,) = res.points
    assert np.max(np.abs(p.x)) < 1e-8
    assert p.slow_convergence
    # The uncertainty bounds the actual distance to the exact root 0.
    assert np.max(np.abs(p.x)) <= p.uncertainty + 1e-15


def test_line_of_stationary_points_is_one_curve():
    g, h = diagonal_valley()
    res = find_stationary_points(g, h, [[-1, 1], [-1, 1]])
    assert res.points == []
    assert len(res.curves) == 1
    curve = res.curves[0]
    assert curve.ndim == 2 and curve.shape[1] == 2 and curve.shape[0] >= 10
    assert np.max(np.abs(curve[:, 0] - curve[:, 1])) < 1e-9       # on x = y
    assert np.all(np.abs(curve) <= 1 + 1e-6)                     # inside the box
    t = curve[:, 0]
    assert t.min() < -0.9 and t.max() > 0.9                       # spans the box


def test_circle_of_stationary_points_and_the_isolated_maximum():
    # f = (x² + y² − 1)²: stationary on the unit circle and at the origin (a local maximum).
    def g(v):
        return 4 * (v @ v - 1) * v

    def h(v):
        return 4 * (v @ v - 1) * np.eye(2) + 8 * np.outer(v, v)
    res = find_stationary_points(g, h, [[-2, 2], [-2, 2]])
    assert len(res.points) == 1 and np.max(np.abs(res.points[0].x)) < 1e-12
    assert len(res.curves) == 1
    curve = res.curves[0]
    assert np.allclose(np.linalg.norm(curve, axis=1), 1.0, atol=1e-9)
    angles = np.sort(np.arctan2(curve[:, 1], curve[:, 0]))
    gaps = np.diff(np.concatenate([angles, [angles[0] + 2 * np.pi]]))
    assert gaps.max() < 0.2                                        # the whole circle is covered


def test_crossing_lines_of_stationary_points():
    # f = x²y²: both axes are stationary; g vanishes to third order at the origin.
    def g(v):
        x, y = v
        return np.array([2 * x * y * y, 2 * x * x * y])

    def h(v):
        x, y = v
        return np.array([[2 * y * y, 4 * x * y], [4 * x * y, 2 * x * x]])
    res = find_stationary_points(g, h, [[-1, 2], [-1, 2]])
    assert res.points == []
    assert len(res.curves) == 2
    for curve in res.curves:
        assert np.all(np.min(np.abs(curve), axis=1) < 1e-9)        # each sample on an axis


def test_non_finite_gradient_region_is_skipped():
    # f = x·log x − x + y²: ∇f = (log x, 2y) is NaN/−inf for x ≤ 0.
    def g(v):
        return np.array([np.log(v[0]), 2 * v[1]])

    def h(v):
        return np.array([[1 / v[0], 0.0], [0.0, 2.0]])
    res = find_stationary_points(g, h, [[-2, 3], [-1, 1]])
    assert len(res.points) == 1
    assert np.allclose(res.points[0].x, [1.0, 0.0], atol=1e-12)
    assert any("not finite" in note for note in res.notes)


def test_exceptions_from_the_gradient_are_a_failed_start():
    def g(v):
        if v[0] < 0:
            raise ZeroDivisionError("outside the domain")
        return 2 * (v - 1)
    res = find_stationary_points(g, lambda v: 2 * np.eye(2), [[-1, 2], [-1, 2]])
    assert len(res.points) == 1 and np.allclose(res.points[0].x, [1, 1])


# ---------------------------------------------------------------------------
# Four-dimensional problems


@pytest.mark.slow  # > 1 s on an idle machine (pytest --durations)
def test_wood_function_three_points_including_the_saddle():
    g, h = sympy_derivatives(
        "100*(x0**2 - x1)**2 + (x0 - 1)**2 + 90*(x2**2 - x3)**2 + (x2 - 1)**2"
        " + 10.1*((x1 - 1)**2 + (x3 - 1)**2) + 19.8*(x1 - 1)*(x3 - 1)", 4)
    res = find_stationary_points(g, h, [[-10, 10]] * 4)
    found = xs(res)
    # The published minimum and the often-misnamed saddle near (−0.968, 0.947, −0.970, 0.951).
    assert min(np.max(np.abs(x - 1.0)) for x in found) < 1e-9
    saddle = min(found, key=lambda x: np.linalg.norm(x - [-0.968, 0.947, -0.970, 0.951]))
    assert np.allclose(saddle, [-0.968, 0.947, -0.970, 0.951], atol=2e-3)
    assert np.sum(np.linalg.eigvalsh(h(saddle)) < 0) == 1
    # The third: a saddle of index 2 near (−0.0313, 0.166, −0.0313, 0.184); independent check
    # with scipy.optimize.root from a nearby start.
    from scipy.optimize import root
    third = root(g, [-0.03, 0.17, -0.03, 0.18], jac=h, method="hybr").x
    assert np.linalg.norm(g(third)) < 1e-8
    assert min(np.max(np.abs(x - third)) for x in found) < 1e-6
    assert len(found) == 3
    for p in res.points:
        assert not p.slow_convergence


@pytest.mark.slow  # > 1 s on an idle machine (pytest --durations)
def test_powell_singular_one_degenerate_point():
    g, h = sympy_derivatives("(x0 + 10*x1)**2 + 5*(x2 - x3)**2 + (x1 - 2*x2)**4 + 10*(x0 - x3)**4", 4)
    res = find_stationary_points(g, h, [[-4, 5]] * 4)
    assert len(res.points) == 1 and res.curves == []
    (p,) = res.points
    assert np.max(np.abs(p.x)) < 1e-6                  # f is convex with its only zero at 0
    assert p.slow_convergence                          # the Hessian there has rank 2


# ---------------------------------------------------------------------------
# Internals worth pinning: the deflation operator


def test_deflation_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    roots = rng.normal(size=(3, 2))
    powers = np.array([2.0, 2.0, 4.0])
    x = np.array([0.3, -0.7])
    _, w = deflation_log(x, roots, powers)
    eps = 1e-6

    def log_m(y):
        return deflation_log(y, roots, powers)[0]
    fd = [(log_m(x + eps * e) - log_m(x - eps * e)) / (2 * eps) for e in np.eye(2)]
    assert np.allclose(w, fd, rtol=1e-6, atol=1e-8)
    # log M by hand: Σ log(‖x − r‖^(−p) + 1).
    expected = sum(math.log(np.linalg.norm(x - r) ** (-p) + 1) for r, p in zip(roots, powers))
    assert deflation_log(x, roots, powers)[0] == pytest.approx(expected, rel=1e-12)


def test_deflated_newton_step_is_a_scaled_undeflated_step():
    # Farrell et al. §3: solving (H + g wᵀ)δ = −g gives δ = τ·d with d = −H⁻¹g, τ = 1/(1 − wᵀd).
    g, h = quartic()
    x = np.array([-1.0, 0.5])
    _, w = deflation_log(x, np.array([[0.0, 0.0]]))
    d = np.linalg.solve(h(x), -g(x))
    delta = np.linalg.solve(h(x) + np.outer(g(x), w), -g(x))
    assert np.allclose(delta, d / (1 - w @ d), rtol=1e-12)


# ---------------------------------------------------------------------------
# Determinism and validation


def test_same_seed_same_result_and_other_seed_same_points():
    g, h = himmelblau()
    box = [[-5, 5], [-5, 5]]
    a = find_stationary_points(g, h, box, n_starts=40, seed=3)
    b = find_stationary_points(g, h, box, n_starts=40, seed=3)
    assert [p.x.tolist() for p in a.points] == [p.x.tolist() for p in b.points]
    assert [p.hits for p in a.points] == [p.hits for p in b.points]
    assert a.last_new_at == b.last_new_at and a.notes == b.notes
    c = find_stationary_points(g, h, box, seed=11)
    assert_same_sets(xs(c), xs(find_stationary_points(g, h, box, seed=0)))


def test_result_records_its_settings():
    g, h = quartic()
    res = find_stationary_points(g, h, [[-5, 5], [-5, 5]], n_starts=7, residual_tol=1e-9, dedup_tol=1e-5)
    assert res.n_starts == 7 and res.residual_tol == 1e-9 and res.dedup_tol == 1e-5
    assert res.last_new_at is None or 1 <= res.last_new_at <= 7


@pytest.mark.parametrize("box, message", [
    ([[1, 0], [0, 1]], "lo"),
    ([[0, 0], [0, 1]], "lo"),
    ([[0, np.inf], [0, 1]], "finite"),
    ([[0, np.nan], [0, 1]], "finite"),
    ([0, 1], "shape"),
    ([[0, 1, 2]], "shape"),
])
def test_invalid_box(box, message):
    g, h = quartic()
    with pytest.raises(ValueError, match=message):
        find_stationary_points(g, h, box)


@pytest.mark.parametrize("kwargs, message", [
    ({"n_starts": 0}, "n_starts"),
    ({"n_starts": 2.5}, "n_starts"),
    ({"residual_tol": 0.0}, "residual_tol"),
    ({"dedup_tol": -1e-6}, "dedup_tol"),
    ({"max_newton": 0}, "max_newton"),
])
def test_invalid_options(kwargs, message):
    g, h = quartic()
    with pytest.raises(ValueError, match=message):
        find_stationary_points(g, h, [[-1, 1], [-1, 1]], **kwargs)


def test_wrong_hessian_shape_is_reported():
    with pytest.raises(ValueError, match="hess"):
        find_stationary_points(lambda v: 2 * v, lambda v: np.eye(3), [[-1, 1], [-1, 1]])
