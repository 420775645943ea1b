"""Eigenvalue signs decided with an error bound that fits how the Hessian was computed (issue 9 §3).

Golden eigenvalues are by hand (diagonal matrices) or from the problem files'
recorded kinds, which were verified there by Gröbner bases and independent
multistart (see each problem file); nothing here comes from the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest

import optkit
from optkit.problems.registry import Registry
from optkit.run.driver import minimize
from optkit.stationary.point import (
    certified_eigenvalues,
    classify_point,
    eigenvalue_error_bound,
    evaluate_at,
    zero_threshold,
)

EPS = np.finfo(float).eps


def test_brown_minimum_is_a_minimum_in_eval():
    # issue 9 §3 reproducer: eigenvalues 2 and 2e12 (by hand: H = [[2 + 2y², 4xy − 4], [4xy − 4, 2 + 2x²]])
    ev = evaluate_at(optkit.get_problem("brown-badly-scaled"), [1000000.0, 0.000002])
    assert ev.classification.kind == "minimum"
    assert ev.classification.eig_threshold < 1.0 < 2e12 * np.sqrt(EPS)  # the old relative rule swallowed 2


def test_runs_that_reach_brown_minimum_say_minimum():
    r = minimize(optkit.get_problem("brown-badly-scaled"), "newton", [1000001.0, 0.000002])
    assert r.outcome == "minimum"


def test_formula_bound_is_rounding_sized_and_unknown_keeps_the_relative_rule():
    lam = np.array([2.0, 2e12])
    assert eigenvalue_error_bound(lam, "formula") == pytest.approx(16 * 2 * EPS * np.hypot(2.0, 2e12))
    assert zero_threshold(lam, source="unknown") == pytest.approx(np.sqrt(EPS) * 2e12)
    assert zero_threshold(np.array([1e-3, 0.5]), source="unknown") == np.sqrt(EPS)  # max(1, ·) floor


@pytest.mark.parametrize("source,kind", [("formula", "minimum"), ("finite-differences", "degenerate"),
                                         ("unknown", "degenerate")])
def test_the_same_spectrum_is_decided_by_its_source(source, kind):
    # 1e-3 beside 1e9: certain for a formula Hessian (bound ~1e-5), not for finite differences (bound ~15)
    c = classify_point(np.zeros(2), np.diag([1e-3, 1e9]), source=source)
    assert c.kind == kind


def test_a_true_zero_stays_zero_for_every_source():
    for source in ("formula", "finite-differences", "unknown", "certified"):
        assert classify_point(np.zeros(2), np.diag([0.0, 5.0]), source=source).kind == "degenerate"


def test_certified_eigenvalues_match_a_hand_computation():
    # f = x²·y² + x² at (1, 1): H = [[2y² + 2, 4xy], [4xy, 2x²]] = [[4, 4], [4, 2]]; λ = 3 ± √17 (by hand)
    lam = certified_eigenvalues("x**2*y**2 + x**2", ("x", "y"), np.array([1.0, 1.0]))
    np.testing.assert_allclose(lam, [3 - np.sqrt(17), 3 + np.sqrt(17)], rtol=1e-15)


def test_certification_decides_an_eigenvalue_inside_the_float_bound():
    # H = diag(2e14, 0.2) (by hand): the float bound 16·2·ε·2e14 ≈ 1.4 exceeds 0.2, so floats cannot
    # decide the sign of 0.2; the exact Hessian at x (sympy) with 60-digit eigenvalues (mpmath) can.
    p = optkit.problem_from_expression("100000000000000*x**2 + y**2/10")
    ev = evaluate_at(p, [0.0, 0.0])
    assert ev.classification.kind == "minimum"
    assert ev.source == "certified" and any("certified" in n for n in ev.classification.notes)


def _recorded_points():
    for name, definition in Registry.default().all().items():
        problem = definition.instantiate()
        if not problem.has_hessian:
            continue
        for i, point in enumerate(problem.stationary_points):
            yield pytest.param(name, i, id=f"{name}-{i}")


@pytest.mark.parametrize("name,i", list(_recorded_points()))
def test_eval_classifies_every_recorded_stationary_point_as_its_file_records(name, i):
    problem = optkit.get_problem(name)
    point = problem.stationary_points[i]
    c = evaluate_at(problem, point.x).classification
    assert c.kind == point.kind, (name, point.x, c.eigenvalues)
    if point.index is not None and point.kind != "degenerate":
        assert c.index == point.index
