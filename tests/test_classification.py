"""classify_point on hand-made Hessians, and course exercise E1/E2/E4 golden values."""

import numpy as np
import pytest

from optkit import evaluate_at, get_problem
from optkit.stationary.point import classify_point


@pytest.mark.parametrize("hessian, kind, index", [
    (np.diag([1.0, 2.0]), "minimum", 0),
    (np.diag([-1.0, -2.0]), "maximum", 2),
    (np.diag([-1.0, 2.0]), "saddle", 1),
    (np.diag([-1.0, -2.0, 3.0]), "saddle", 2),
    (np.zeros((2, 2)), "degenerate", 0),
    (np.diag([0.0, 2.0]), "degenerate", 0),
    (np.diag([1e-12, 1e3]), "degenerate", 0),  # below eig_tol·max|λ|
])
def test_kinds(hessian, kind, index):
    c = classify_point(np.zeros(len(hessian)), hessian)
    assert (c.kind, c.index) == (kind, index)


def test_not_stationary_whatever_the_hessian():
    assert classify_point(np.array([1e-3, 0.0]), np.eye(2)).kind == "not-stationary"
    assert classify_point(np.array([np.nan, 0.0]), np.eye(2)).kind == "not-stationary"


SQRT21 = np.sqrt(21.0)


@pytest.mark.parametrize("point, kind, eigenvalues, f", [
    ((0.0, 0.0), "minimum", (1.8377, 8.1623), 0.0),
    (((SQRT21 - 6) / 4, 3 * (SQRT21 - 6) / 16), "saddle", (-2.4033, 5.4055), 0.073224),
    (((-SQRT21 - 6) / 4, 3 * (-SQRT21 - 6) / 16), "minimum", (3.6068, 26.891), -11.956037),
])
def test_e1_quartic_stationary_points(point, kind, eigenvalues, f):
    """E1: eigenvalues and kinds from the hand calculation in course-exercises.md."""
    p = get_problem("course-2.1")
    ev = evaluate_at(p, point)
    assert ev.classification.kind == kind
    assert ev.eigenvalues == pytest.approx(eigenvalues, abs=1e-3)
    assert ev.f == pytest.approx(f, abs=1e-6)
    # The Hessian [[12x² + 24x + 6, −3], [−3, 4]] worked by hand.
    x = point[0]
    assert ev.hessian == pytest.approx(np.array([[12 * x**2 + 24 * x + 6, -3], [-3, 4]]), rel=1e-12)


def test_e2_gradient_and_hessian_at_origin():
    p = get_problem("course-2.2")
    ev = evaluate_at(p, [0, 0])
    assert ev.grad == pytest.approx([0, -17], abs=1e-14)
    assert ev.hessian == pytest.approx(np.array([[4, -1], [-1, 4]]), abs=1e-14)
    assert np.linalg.solve(ev.hessian, -ev.grad) == pytest.approx([17 / 15, 68 / 15], rel=1e-14)
    # The E2 Hessian formula at a second point, worked by hand.
    x, y = 1.0, 2.0
    c, s = np.cos(0.2 * np.pi * x), np.sin(0.2 * np.pi * x)
    expected = [[4 + 0.68 * np.pi**2 * y * c, 3.4 * np.pi * s - 1], [3.4 * np.pi * s - 1, 4]]
    assert p.hess([x, y]) == pytest.approx(np.array(expected), rel=1e-12)


def test_e4_sigmoid_taylor_polynomial():
    from optkit.symbolic.taylor import taylor_polynomial

    t = taylor_polynomial("1/(1 + exp(-x))", ["x"], ["0"], 2)
    assert t.polynomial == "x/4 + 1/2"
    assert [term["term"] for term in t.terms] == ["1/2", "x/4", "0"]


def test_taylor_of_a_quadratic_is_itself():
    import sympy as sp
    from optkit.symbolic.taylor import taylor_polynomial

    t = taylor_polynomial("x**2 - 3*x*y + y", ["x", "y"], ["1", "-2"], 3)
    x, y = sp.symbols("x y")
    shifted = sp.sympify(t.polynomial.replace("(x - 1)", "(x-1)").replace("(y + 2)", "(y+2)"),
                         locals={"x": x, "y": y})
    assert sp.expand(shifted - (x**2 - 3 * x * y + y)) == 0


def test_without_a_hessian_a_stationary_point_is_not_guessed():
    c = classify_point(np.zeros(2), None)
    assert c.kind == "stationary" and c.index is None
    assert "unknown" in c.description


def test_run_without_hessian_classifies_by_differences():
    from optkit import minimize

    result = minimize(fun=lambda x: (x[0] - 1) ** 2 - 3 * x[1] ** 2,
                      jac=lambda x: np.array([2 * (x[0] - 1), -6 * x[1]]), method="gd", x0=[0.0, 0.0],
                      lr=0.25)
    assert result.classification["kind"] == "saddle"  # it reaches (1, 0), where H = diag(2, -6)
    assert any("differences" in note for note in result.classification["notes"])
