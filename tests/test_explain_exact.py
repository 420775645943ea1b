"""--explain's exact forms come from exact computation (issue 12 §2): rationals and surds where the step
keeps them, decimals otherwise, within --exact-budget."""

from __future__ import annotations

import faulthandler

import pytest
import sympy as sp
from test_explain import run_json, run_text  # the CLI helpers of the --explain tests

from optkit.explain import exact_forms
from optkit.symbolic.grammar import parse_exact_number

HANG_SECONDS = 30  # a hang detector, not a speed test


@pytest.fixture(autouse=True)
def hang_detector():
    # faulthandler, not SIGALRM: the exact path's own budget uses SIGALRM and would disarm an outer alarm
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def same_number(text: str, value) -> bool:
    """The exact text (read by optkit's safe grammar, no eval) is the sympy value: their difference, with
    its denominators rationalised and expanded, is 0 (quicker than sp.simplify, and a proof all the same)."""
    return sp.expand(sp.radsimp(sp.expand(parse_exact_number(text) - value))) == 0


SFN = ("sfn", "--expr", "x**2 + 2*x*y - x + y", "--x0", "0,0", "--opt", "damping=1/2", "--max-iter", "2",
       "--explain", "2")


def test_sfn_eigenvalues_of_a_rational_hessian_are_surds():
    step = run_json(*SFN)["explain"][0]
    # By hand: H = [[2, 2], [2, 0]], det(H − λI) = λ² − 2λ − 4, so λ = 1 ± √5 (ascending, as numpy orders them)
    assert step["exact"]["hessian"] == [["2", "2"], ["2", "0"]]
    assert step["exact"]["eigenvalues"] == ["1 - sqrt(5)", "1 + sqrt(5)"]
    # Independently (sympy's normalised eigenvectors, not the projectors the code uses):
    # |H| + δI = V(|Λ| + δI)Vᵀ, p = −(|H| + δI)⁻¹g with g = ∇f(0, 0) = (−1, 1) and δ = 1/2
    H, g, delta = sp.Matrix([[2, 2], [2, 0]]), sp.Matrix([-1, 1]), sp.Rational(1, 2)
    pairs = sorted(H.eigenvects(), key=lambda t: float(t[0]))
    V = sp.Matrix.hstack(*[vecs[0] / vecs[0].norm() for _, _, vecs in pairs])
    M = V * sp.diag(*[abs(lam) + delta for lam, _, _ in pairs]) * V.T
    p = -M.inv() * g
    assert all(same_number(t, v) for t, v in zip(sum(step["exact"]["abs_hessian"], []), M))
    assert all(same_number(t, v) for t, v in zip(step["exact"]["direction"], p))
    assert all(same_number(t, v) for t, v in zip(step["exact"]["x_next"], p))  # x₀ = 0, unit step
    f = lambda x, y: x**2 + 2 * x * y - x + y  # noqa: E731
    assert same_number(step["exact"]["f_next"], f(*p))
    assert step["eigenvalues"] == pytest.approx([1 - 5**0.5, 1 + 5**0.5], rel=1e-12)
    text = run_text(*SFN)
    assert "eigenvalues of H_0: (1 - sqrt(5), 1 + sqrt(5)) ≈ (-1.23607, 3.23607)" in text


def test_sfn_next_iterate_stays_exact_as_a_surd():
    steps = run_json(*SFN)["explain"]
    # x₁ = p₀ has √5 in it: a float that is no small fraction, known exactly from the step before
    assert steps[1]["exact"]["x"] == steps[0]["exact"]["x_next"]
    assert "sqrt(5)" in steps[1]["exact"]["x"][0]
    assert steps[1]["exact"]["eigenvalues"] == ["1 - sqrt(5)", "1 + sqrt(5)"]


TR = ("tr", "--expr", "x**2 + 2*y**2 - x - y", "--x0", "0,0", "--subproblem", "cauchy", "--opt", "scaling=none",
      "--delta0", "1/4", "--max-iter", "2", "--explain", "2")


def test_trust_region_cauchy_step_with_a_square_root():
    first, second = run_json(*TR)["explain"]
    # By hand (N&W 4.11–4.12): g = (−1, −1), ‖g‖ = √2, gᵀHg = 2 + 4 = 6, ‖g‖³/(Δ gᵀHg) = 2√2/(6/4) > 1 so
    # τ = 1 and p_C = Δ(1, 1)/√2 = (√2/8, √2/8); f(p_C) = 2/64 + 4/64 − 2√2/8 = 3/32 − √2/4; the model is f
    # itself (a quadratic), so ρ = 1
    assert first["exact"]["grad_norm"] == "sqrt(2)" and first["exact"]["gHg"] == "6"
    assert first["exact"]["cauchy_tau"] == "1"
    assert first["exact"]["cauchy_point"] == ["sqrt(2)/8", "sqrt(2)/8"]
    assert first["exact"]["step"] == first["exact"]["x_next"] == ["sqrt(2)/8", "sqrt(2)/8"]
    assert same_number(first["exact"]["f_next"], sp.Rational(3, 32) - sp.sqrt(2) / 4)
    assert same_number(first["exact"]["pred_quadratic"], sp.sqrt(2) / 4 - sp.Rational(3, 32))
    assert first["exact"]["rho"] == "1"
    # x₁ is a surd point: ‖g₁‖ = √(21/8 − 3√2/2) is a nested radical (decimal), but g₁ is not
    assert second["exact"]["x"] == ["sqrt(2)/8", "sqrt(2)/8"]
    assert same_number(second["exact"]["grad"][0], sp.sqrt(2) / 4 - 1)
    assert "grad_norm" not in second["exact"]
    text = run_text(*TR, width=200)  # the Cauchy line on one line, to read it whole
    assert "‖g_0‖ = sqrt(2) ≈ 1.41421" in text and "p_C = −τ Δ g/‖g‖ = (sqrt(2)/8, sqrt(2)/8)" in text


def test_nothing_exact_shows_decimals_without_hanging():
    # course-2.2 from (1, 1): ∇f holds sin(π/5) = √(5/8 − √5/8), a nested radical, and H holds π², so g, H
    # and what follows are decimals; f(1, 1) = 3 − 17cos(π/5) = −5/4 − 17√5/4 stays a surd (by hand)
    steps = run_json("newton", "--fn", "course-2.2", "--x0", "1,1", "--explain", "3", "--max-iter", "3")["explain"]
    assert len(steps) == 3
    assert not {"grad", "hessian", "hessian_inverse", "direction", "x_next"} & set(steps[0]["exact"])
    assert same_number(steps[0]["exact"]["f"], -sp.Rational(5, 4) - 17 * sp.sqrt(5) / 4)
    assert all(not s["exact"] for s in steps[1:])
    text = run_text("newton", "--fn", "course-2.2", "--x0", "1,1", "--explain", "1", "--max-iter", "1")
    assert "g_0 = ∇f(x_0) = (9.2783782, -10.753289)" in text  # ∇f(1, 1) by hand: (3 + 3.4π sin(π/5), 3 − 17cos(π/5))


def test_past_the_budget_the_step_is_in_decimals_and_says_why(monkeypatch):
    def endless(value):  # stands for sympy simplifying a nested radical for hours
        while True:
            sp.Integer(2) ** 10

    monkeypatch.setattr(exact_forms, "plain_radical", endless)
    steps = run_json("newton", "--fn", "course-2.2", "--x0", "0,0", "--explain", "2", "--max-iter", "2",
                     "--exact-budget", "0.2")["explain"]
    assert [s["exact"] for s in steps] == [{}, {}]
    assert "exact forms not kept at k = 0" in steps[0]["exact_note"] and "--exact-budget" in steps[0]["exact_note"]
    text = run_text("newton", "--fn", "course-2.2", "--x0", "0,0", "--explain", "1", "--max-iter", "1",
                    "--exact-budget", "0.2")
    assert "exact forms not kept at k = 0" in text and "H_0⁻¹ = [[0.26666667, 0.066666667]" in text


def test_start_as_typed_is_read_exactly():
    # gd on x² + y² from (√2, 1/3) with α = 1/4: x₁ = x₀ − (1/4)(2x₀) = x₀/2 = (√2/2, 1/6) (by hand)
    step = run_json("gd", "--expr", "x**2 + y**2", "--x0", "sqrt(2),1/3", "--lr", "1/4", "--max-iter", "1",
                    "--explain", "1")["explain"][0]
    assert step["exact"]["x"] == ["sqrt(2)", "1/3"] and step["exact"]["grad"] == ["2*sqrt(2)", "2/3"]
    assert step["exact"]["x_next"] == ["sqrt(2)/2", "1/6"] and step["exact"]["alpha"] == "1/4"


def test_exact_run_iterates_are_used_beyond_small_fractions():
    # quartic from (1, 1) with --exact: x₂ = (1863680/8665659, 465920/2888553), no fraction with q ≤ 1000, is
    # taken from the exact run's trace; H⁻¹ at x₁ = (80/159, 20/53) is checked against the float one
    record = run_json("newton", "--fn", "quartic", "--x0", "1,1", "--exact", "--max-iter", "3", "--explain", "3")
    steps = record["explain"]
    assert steps[2]["exact"]["x"] == record["trace"][2]["exact"]
    assert int(steps[2]["exact"]["x"][0].split("/")[1]) > 1000
    # By hand at x₁: ∂²f/∂x² = 12x² + 24x + 6 = 177922/8427 (x = 80/159), H = [[177922/8427, −3], [−3, 4]]
    assert steps[1]["exact"]["hessian"] == [["177922/8427", "-3"], ["-3", "4"]]


def test_python_problems_keep_the_small_fraction_forms():
    # rosenbrock is written in numpy: no formula to compute with, so floats that are small fractions are shown
    step = run_json("newton", "--fn", "rosenbrock", "--x0", "0,0", "--max-iter", "1", "--explain", "1")["explain"][0]
    # By hand: ∇f(0, 0) = (−2, 0), H = [[2, 0], [0, 200]]
    assert step["exact"]["grad"] == ["-2", "0"] and step["exact"]["hessian"] == [["2", "0"], ["0", "200"]]
    assert step["exact"]["hessian_inverse"] == [["1/2", "0"], ["0", "1/200"]]


def test_plain_radicals_only():
    x = sp.Symbol("x")
    assert exact_forms.plain_radical(3 - sp.sqrt(5)) and exact_forms.plain_radical(1 / (2 + sp.sqrt(3)))
    assert not exact_forms.plain_radical(sp.sqrt(5 - sp.sqrt(5)))  # nested
    assert not exact_forms.plain_radical(sp.cos(17 * sp.pi / 75)) and not exact_forms.plain_radical(sp.pi)
    assert not exact_forms.plain_radical(x) and not exact_forms.plain_radical(sp.sqrt(-2))
    assert exact_forms.shown_text(1 / (2 + sp.sqrt(3))) == "2 - sqrt(3)"  # rationalised: (2 − √3)/(4 − 3)
    assert exact_forms.shown_text(sp.Rational(10**30 + 1, 3**40)) is None  # past DIGIT_CAP digits: a decimal


def test_exact_forms_are_never_broken_across_lines():
    for width in (60, 80):
        text = run_text(*SFN, width=width)
        assert all(len(line.rstrip()) <= width for line in text.splitlines())
        assert not any(line.rstrip().endswith(("1 -", "1 +")) for line in text.splitlines())
        assert "1 - sqrt(5)" in text


def test_parameters_are_read_as_they_were_set_never_guessed():
    R = sp.Rational
    assert exact_forms.parameter(0.001 / 4**3) == R(1, 64000)  # SFN's δ after three ×¼ updates
    assert exact_forms.parameter(0.5**20) == R(1, 2**20)  # Armijo after 20 halvings
    assert exact_forms.parameter(1 / 3) == R(1, 3) and exact_forms.parameter(0.9) == R(9, 10)
    # an interpolated line-search α: 16 significant digits, no small fraction; any p/q with q ≤ 10⁹ found for it
    # would be a guess, so it stays a decimal
    assert exact_forms.parameter(0.7234512345678912) is None
