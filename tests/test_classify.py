"""optkit classify: complete lists, exact forms, degenerate points, curves, honesty, bad input."""

import json

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

from optkit import get_problem, problem_from_expression
from optkit.stationary.finder import classify_stationary_points
from optkit.cli.app import app
from optkit.problems.registry import Registry

runner = CliRunner()


def test_quartic_exactly_the_three_points_of_e1():
    result = classify_stationary_points(get_problem("quartic"))
    assert result.method == "exact" and result.complete
    assert len(result.points) == 3
    s21 = sp.sqrt(21)
    expected = {  # E1, worked by hand: y = 3x/4 and x(4x² + 12x + 15/4) = 0
        (sp.Integer(0), sp.Integer(0)): ("minimum", 0),
        ((s21 - 6) / 4, 3 * (s21 - 6) / 16): ("saddle", 1),
        ((-s21 - 6) / 4, 3 * (-s21 - 6) / 16): ("minimum", 0),
    }
    x, y = sp.symbols("x y")
    for point in result.points:
        exact = sp.sympify(point.exact)
        match = [k for k in expected if all(sp.simplify(a - b) == 0 for a, b in zip(exact, k))]
        assert len(match) == 1, point.exact
        kind, index = expected[match[0]]
        assert (point.classification.kind, point.classification.index) == (kind, index)
        assert point.x == pytest.approx([float(v) for v in match[0]], abs=1e-14)
    assert [round(p.f, 6) for p in result.points] == [-11.956037, 0.0, 0.073224]


def _recorded_cases():
    cases = []
    for name, d in sorted(Registry.default().all().items()):
        if d.formula is None:
            continue
        problem = d.instantiate()
        if problem.stationary_points:
            slow = name == "goldstein-price"  # > 1 s on an idle machine (pytest --durations)
            cases.append(pytest.param(name, id=name, marks=pytest.mark.slow if slow else ()))
    return cases


@pytest.mark.parametrize("name", _recorded_cases())
def test_classify_finds_the_recorded_list(name):
    """Recorded lists were verified by two independent methods when they were written (see each file)."""
    problem = get_problem(name)
    result = classify_stationary_points(problem)
    box = problem.box
    recorded = [s for s in problem.stationary_points if np.all((box[:, 0] <= s.x) & (s.x <= box[:, 1]))]
    found = [p for p in result.points if p.in_box]
    assert len(found) == len(recorded), (name, [p.x for p in found])
    for s in recorded:
        close = [p for p in found if np.allclose(p.x, s.x, rtol=1e-7, atol=1e-7)]
        assert len(close) == 1, (name, s.x)
        c = close[0].classification
        assert c.kind == s.kind, (name, s.x, c.kind)
        if s.index is not None and s.kind != "degenerate":
            assert c.index == s.index
        if s.behaves_as is not None:
            assert c.degenerate_behaviour == s.behaves_as


@pytest.mark.parametrize("formula, behaviour", [
    ("x**4 + y**4", "minimum"),
    ("-x**4 - y**4", "maximum"),
    ("x**4 - y**4", "saddle"),
    ("x**3 - 3*x*y**2", "saddle"),
    ("(y - x**2)*(y - 2*x**2)", "saddle"),  # Peano: a minimum along every line, yet a saddle
])
def test_degenerate_origin(formula, behaviour):
    result = classify_stationary_points(problem_from_expression(formula))
    (point,) = result.points
    assert point.x == pytest.approx([0, 0], abs=1e-12)
    assert point.classification.kind == "degenerate"
    assert point.classification.degenerate_behaviour == behaviour


@pytest.mark.slow  # > 1 s on an idle machine (pytest --durations)
def test_non_polynomial_degenerate_point_on_numeric_path():
    result = classify_stationary_points(problem_from_expression("1 - cos(x)**2 + y**4"), box=[[-1, 1], [-1, 1]])
    assert result.method == "numeric"
    (point,) = result.points
    assert point.classification.kind == "degenerate"
    assert point.classification.degenerate_behaviour == "minimum"


def test_a_line_of_stationary_points_is_a_curve():
    result = classify_stationary_points(problem_from_expression("(x - y)**2"), box=[[-1, 1], [-1, 1]])
    assert result.points == [] and len(result.curves) == 1
    curve = result.curves[0]
    assert np.allclose(curve[:, 0], curve[:, 1], atol=1e-8)
    assert np.ptp(curve[:, 0]) > 1.5  # it spans the box diagonal, not a single point
    assert any("infinitely many" in note for note in result.notes)


def test_no_stationary_point_in_the_box():
    result = classify_stationary_points(problem_from_expression("x**2 + y**2"), box=[[1, 2], [1, 2]],
                                        method="numeric")
    assert [p for p in result.points if p.in_box] == []
    assert result.summary() == "no stationary point found in the box (completeness not proven)"
    assert not result.complete


def test_unbounded_below_is_fine():
    result = classify_stationary_points(problem_from_expression("x**3 - 3*x + y**2"))
    kinds = sorted((round(p.x[0]), p.classification.kind) for p in result.points)
    assert kinds == [(-1, "saddle"), (1, "minimum")]  # f_xx = 6x, f_yy = 2


@pytest.mark.slow  # the numeric path on a 2-D box: several seconds on a loaded machine
def test_exact_budget_falls_back_to_numeric_and_says_so():
    result = classify_stationary_points(get_problem("goldstein-price"), exact_budget=1e-3)
    assert result.method == "numeric" and not result.complete
    assert any("budget" in note for note in result.notes)
    assert len(result.points) == 9  # the same nine points, found numerically


def test_numeric_evidence_is_reported():
    result = classify_stationary_points(get_problem("course-2.2"))
    assert result.method == "numeric" and not result.complete
    assert result.n_starts >= 1 and 1 <= result.last_new_at <= result.n_starts


def test_missing_hessian_uses_differences_and_says_so():
    from optkit.problems.problem import Functions, ProblemDefinition

    definition = ProblemDefinition(name="no-hessian", dimension=2, build=lambda n: Functions(
        f=lambda x: x[0] ** 2 - x[1] ** 2, grad=lambda x: np.array([2 * x[0], -2 * x[1]]), hess=None,
        x0=[1, 1], box=[[-1, 1], [-1, 1]]))
    result = classify_stationary_points(definition.instantiate())
    (point,) = result.points
    assert point.classification.kind == "saddle"
    assert any("differences" in note for note in result.notes)


def test_json_shape():
    out = runner.invoke(app, ["classify", "--fn", "himmelblau", "--format", "json"])
    assert out.exit_code == 0, out.output
    record = json.loads(out.stdout)
    assert record["method"] == "exact" and record["complete"] is True
    assert len(record["points"]) == 9
    for point in record["points"]:
        assert set(point) >= {"x", "exact", "f", "grad_norm", "eigenvalues", "index", "kind"}
    assert record["box"] == [[-5, 5], [-5, 5]]


def test_table_has_summary():
    out = runner.invoke(app, ["classify", "--fn", "quartic"])
    assert out.exit_code == 0
    assert "3 stationary points in the box: 2 minima, 1 saddle" in out.stdout
    assert "(sqrt(21) - 6)/4" in out.stdout


@pytest.mark.parametrize("args, fragment", [
    (["--fn", "quartic", "--box", "-1,1"], None),  # one pair applies to every variable: valid
    (["--fn", "quartic", "--box", "-1,1 -1,1 -1,1"], "has 3 pair(s); this problem has n = 2"),
    (["--fn", "quartic", "--box", "1,-1 0,1"], "lo < hi"),
    (["--fn", "quartic", "--box", "-1e999,1 0,1"], "not finite"),
    (["--fn", "quartic", "--box", "-inf,1 0,1"], "malformed box bound"),
    (["--fn", "quartic", "--box", "a,b 0,1"], "malformed"),
    (["--fn", "course-2.2", "--starts", "0"], "--starts must be between 1 and 100,000"),
    (["--fn", "quartic", "--method", "magic"], "unknown classify method"),
    (["--fn", "course-2.2", "--method", "exact"], "polynomial or rational"),
    (["--fn", "quartic", "--timeout", "0"], "--timeout must be a positive number of seconds"),
    (["--fn", "quartic", "--timeout", "nan"], "--timeout must be a positive number of seconds"),
    (["--fn", "quartic", "--exact-budget", "-1"], "--exact-budget must be a positive number of seconds"),
    (["--fn", "quartic", "--starts", "99999999999999999999999"], "between 1 and 100,000"),
    (["--fn", "quartic", "--starts", "1000000000"], "between 1 and 100,000"),
    (["--fn", "quartic", "--method", "numeric", "--box", "-1e308,1e308 -1e308,1e308"], "at most 1e+150 wide"),
])
def test_bad_input(args, fragment):
    out = runner.invoke(app, ["classify", *args])
    if fragment is None:
        assert out.exit_code == 0, out.output
        return
    assert out.exit_code == 2, out.output
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:") and fragment in lines[0], out.stderr


@pytest.mark.slow  # the numeric path on a 2-D box: several seconds on a loaded machine
def test_non_smooth_problem_says_what_it_cannot_see():
    result = classify_stationary_points(get_problem("ackley"), box=[[-0.5, 0.5], [-0.5, 0.5]])
    assert any("not smooth" in note for note in result.notes)
    assert all(not np.allclose(p.x, 0) for p in result.points)  # the cone's tip is not a root of ∇f


def test_numeric_path_keeps_a_small_eigenvalue_beside_a_huge_one():
    """Brown badly scaled's minimum (10⁶, 2·10⁻⁶): by hand H = [[2 + 2y², 4xy − 4], [4xy − 4, 2 + 2x²]]
    = [[2 + 8e-12, 4], [4, 2 + 2e12]], eigenvalues ≈ 2 and 2·10¹².  A zero threshold of eig_tol·max|λ|
    (3·10⁴) called it degenerate; the threshold is now absolute plus the Hessian's error bound."""
    result = classify_stationary_points(get_problem("brown-badly-scaled"), method="numeric")
    (point,) = result.points
    assert point.classification.kind == "minimum"
    assert point.classification.eigenvalues[0] == pytest.approx(2.0, rel=1e-6)
