"""Higher-order classification at degenerate stationary points
(optkit.stationary.higher_order: splitting lemma + definiteness of the reduced form)."""
from __future__ import annotations

import pytest
import sympy as sp

from optkit.stationary.higher_order import degenerate_behaviour

x, y, z, w = sp.symbols("x y z w")
c30, s30 = sp.sqrt(3) / 2, sp.Rational(1, 2)


def rotate(f, c, s):
    return f.subs({x: c * x - s * y, y: s * x + c * y}, simultaneous=True)


CASES = [
    # (f, variables, point, expected)
    (x**4 + y**4, (x, y), (0, 0), "minimum"),
    (-x**4 - y**4, (x, y), (0, 0), "maximum"),
    (x**4 - y**4, (x, y), (0, 0), "saddle"),
    (x**3 - 3 * x * y**2, (x, y), (0, 0), "saddle"),  # monkey saddle
    ((y - x**2) * (y - 2 * x**2), (x, y), (0, 0), "saddle"),  # Peano: min along every line
    (x**2 + y**4, (x, y), (0, 0), "minimum"),
    (x**2 - y**4, (x, y), (0, 0), "saddle"),
    (x**2 + y**3, (x, y), (0, 0), "saddle"),
    # non-isolated: a whole line of (non-strict) minima; g == 0 to every order
    ((x - y) ** 2, (x, y), (0, 0), "undecided"),
    (rotate(x**6 + y**6, c30, s30), (x, y), (0, 0), "minimum"),  # coefficients in Q(sqrt 3)
    (x**4, (x,), (0,), "minimum"),
    (x**3, (x,), (0,), "saddle"),
    (-x**2 - y**4, (x, y), (0, 0), "maximum"),
    (-x**2 + y**4, (x, y), (0, 0), "saddle"),  # opposite definiteness of the two parts
    ((x - y**2) ** 2 + y**6, (x, y), (0, 0), "minimum"),  # needs w(u) = u^2, not w = 0
    ((x - y**2) ** 2 - y**6, (x, y), (0, 0), "saddle"),
    ((x + y**2) ** 2, (x, y), (0, 0), "undecided"),  # curve x = -y^2 of minima
    (x**2 * y**2, (x, y), (0, 0), "undecided"),  # semidefinite reduced form with zeros
]


@pytest.mark.parametrize("f, variables, point, expected", CASES, ids=[str(c[0]) for c in CASES])
def test_classic_degenerate_cases(f, variables, point, expected):
    assert degenerate_behaviour(f, variables, point) == expected


def test_peano_rotated_by_a_rational_rotation():
    # null space not along an axis: (3/5, 4/5) rotation
    f = rotate((y - x**2) * (y - 2 * x**2), sp.Rational(3, 5), sp.Rational(4, 5))
    assert degenerate_behaviour(f, (x, y), (0, 0)) == "saddle"
    g = rotate(x**2 + y**4, sp.Rational(3, 5), sp.Rational(4, 5))
    assert degenerate_behaviour(g, (x, y), (0, 0)) == "minimum"


def test_peano_with_an_extra_nondegenerate_direction():
    assert degenerate_behaviour((y - x**2) * (y - 2 * x**2) + z**2, (x, y, z), (0, 0, 0)) == "saddle"


def test_sign_pattern_of_binary_forms():
    # x^6 + y^6 - 3x^2y^2(x^2+y^2): positive on the axes, -4 at (1, 1)
    f = x**6 + y**6 - 3 * x**2 * y**2 * (x**2 + y**2)
    assert degenerate_behaviour(f, (x, y), (0, 0)) == "saddle"
    # (x^2 - 2y^2)^2 vanishes on the irrational lines x = +-sqrt(2) y (double roots)
    assert degenerate_behaviour((x**2 - 2 * y**2) ** 2, (x, y), (0, 0)) == "undecided"
    assert degenerate_behaviour((x**2 - 2 * y**2) ** 2 + y**4, (x, y), (0, 0)) == "minimum"


@pytest.mark.parametrize(
    "f, expected",
    [
        (x**4 + y**4 + z**4, "minimum"),
        (x**4 + y**4 - z**4, "saddle"),
        (x**4 + y**4 + z**4 + x**2 * y**2, "minimum"),
        (x**2 * y**2 + z**4, "undecided"),
        ((x + y + z) ** 2 + x**4 + y**4 + z**4, "minimum"),
        ((x + y + z) ** 2 - x**4 - y**4 - z**4, "saddle"),
    ],
)
def test_three_variables(f, expected):
    assert degenerate_behaviour(f, (x, y, z), (0, 0, 0)) == expected


def test_powell_singular_minimum_has_two_null_directions():
    f = (x + 10 * y) ** 2 + 5 * (z - w) ** 2 + (y - 2 * z) ** 4 + 10 * (x - w) ** 4
    assert degenerate_behaviour(f, (x, y, z, w), (0, 0, 0, 0)) == "minimum"


@pytest.mark.slow  # > 1 s on an idle machine (pytest --durations)
def test_am_gm_form_is_semidefinite_with_zeros():
    f = x**4 + y**4 + z**4 + w**4 - 4 * x * y * z * w  # >= 0, zero on (1, 1, 1, 1)
    assert degenerate_behaviour(f, (x, y, z, w), (0, 0, 0, 0)) == "undecided"


def test_non_polynomial_functions_use_the_taylor_expansion():
    assert degenerate_behaviour(sp.cos(x) + sp.cos(y) - 2 + x**2 / 2 + y**2 / 2, (x, y), (0, 0)) == "minimum"
    assert degenerate_behaviour(sp.sin(x) * sp.sin(y), (x, y), (0, 0)) == "saddle"
    assert degenerate_behaviour(1 - sp.cos(x * y), (x, y), (0, 0)) == "undecided"


def test_points_away_from_the_origin():
    assert degenerate_behaviour((x - 1) ** 4 + (y - 2) ** 4, (x, y), (1, 2)) == "minimum"
    assert degenerate_behaviour((x**2 - 2) ** 3 + y**2, (x, y), (sp.sqrt(2), 0)) == "saddle"
    r = sp.CRootOf(x**5 - x - 1, 0)
    assert degenerate_behaviour((x**5 - x - 1) ** 4 + y**2, (x, y), (r, 0)) == "minimum"


def test_float_points_are_recognised_exactly():
    assert degenerate_behaviour((x - 1) ** 4 + (y - 2) ** 4, (x, y), (1.0, 2.0)) == "minimum"
    assert degenerate_behaviour((x**2 - 2) ** 4 + y**2, (x, y), (1.4142135623730951, 0.0)) == "minimum"
    # not recognisable and not accurately stationary: no verdict
    assert degenerate_behaviour(x**4, (x,), (1e-5,)) == "undecided"


@pytest.mark.slow  # > 1 s on an idle machine (pytest --durations)
def test_transcendental_coefficients_use_the_numeric_mode():
    assert degenerate_behaviour((sp.exp(x) - sp.E) ** 4 - (y - sp.pi) ** 2, (x, y), (1, sp.pi)) == "saddle"
    assert degenerate_behaviour((sp.exp(x) - sp.E) ** 4 + (y - sp.pi) ** 4, (x, y), (1, sp.pi)) == "minimum"


def test_nondegenerate_points_get_the_morse_answer():
    assert degenerate_behaviour(x**2 + y**2 - z**2, (x, y, z), (0, 0, 0)) == "saddle"
    assert degenerate_behaviour(-x**2 - y**2, (x, y), (0, 0)) == "maximum"


def test_exact_non_stationary_point_is_an_error():
    with pytest.raises(ValueError):
        degenerate_behaviour(x**2, (x,), (1,))


def test_order_too_low_to_decide():
    assert degenerate_behaviour(x**2 + y**4, (x, y), (0, 0), order=3) == "undecided"
    assert degenerate_behaviour(x**2 + y**4, (x, y), (0, 0), order=4) == "minimum"
