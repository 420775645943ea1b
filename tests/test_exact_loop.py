"""Exact arithmetic as step rules inside the one loop (issue 7), with its budget and refusals (issues 8, 12)."""

import json

import pytest
import sympy as sp
import typer
from typer.testing import CliRunner

import optkit
from optkit.cli.run import register
from optkit.methods import exact_steps
from optkit.run.driver import minimize
from optkit.run.results import Status

APP = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
register(APP)
runner = CliRunner()


def run(*args):
    return runner.invoke(APP, ["run", *args])


def run_json(*args):
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_exact_and_float_runs_report_the_same_measures_and_counters():
    p = optkit.get_problem("course-2.2")
    flt = minimize(p, "newton", [0, 0])
    ext = minimize(p, "newton", ["0", "0"], exact=True)
    assert ext.evaluations == flt.evaluations  # E2: f 7, ∇f 7, ∇²f 6 in both (the exact loop said f 8)
    assert ext.evaluations["f"] == 7
    assert [m.name for m in ext.measures] == [m.name for m in flt.measures] == ["‖g‖₂", "|Δf|", "‖Δx‖₂"]
    assert ext.iterations == flt.iterations and ext.status is flt.status is Status.CONVERGED
    assert ext.x == pytest.approx(flt.x, rel=1e-12)


def test_json_exact_x_is_the_last_exact_iterate_of_e2():
    record = run_json("newton", "--fn", "course-2.2", "--x0", "0,0", "--exact")
    # E2 by hand: at (0, 0), g = (0, −17) and H = [[4, −1], [−1, 4]], so p = H⁻¹(0, 17) = (17/15, 68/15)
    assert record["exact"]["x"] == ["17/15", "68/15"] and record["exact"]["k"] == 1
    assert record["exact"]["lost_at"] == 1
    assert "exactness lost at k = 1" in record["trace"][1]["note"]
    table = run("newton", "--fn", "course-2.2", "--x0", "0,0", "--exact").output
    assert "Last exact x (k = 1)" in table


def test_lr_one_third_is_exactly_one_third():
    # x² from 1 with α = 1/3: x₁ = 1 − (1/3)·2 = 1/3, x₂ = 1/3 − (1/3)(2/3) = 1/9 (by hand)
    record = run_json("gd", "--expr", "x**2", "--x0", "1", "--lr", "1/3", "--exact", "--max-iter", "2")
    assert record["trace"][0]["alpha_exact"] == "1/3"
    assert [r["exact"] for r in record["trace"]] == [["1"], ["1/3"], ["1/9"]]


def test_lr_as_text_is_exact_from_the_library_too():
    p = optkit.get_problem("quartic")
    result = minimize(p, "gd", ["1", "1"], exact=True, lr="1/3", max_iter=1)
    assert result.trace[0].data["alpha_exact"] == "1/3"


@pytest.mark.parametrize("schedule, k, value", [("(1 - k/3)/4", 3, "= 0"), ("1/(2-k)", 2, "= inf")])
def test_exact_schedules_are_validated_as_float_ones(schedule, k, value):
    for exact in ([], ["--exact"]):
        result = run("gd", "--fn", "gd-schedule", "--x0", "1,1", "--schedule", schedule, "--max-iter", "10", *exact)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert f"α_{k} {value}" in result.stderr and "must be positive and finite" in result.stderr


def test_exact_past_the_int_string_limit_switches_to_floats():
    record = run_json("gd", "--expr", "x**4", "--x0", "1/2", "--lr", "1/10", "--exact", "--max-iter", "50")
    assert record["iterations"] == 50
    assert record["exact"]["lost_at"] is not None
    assert "exceed" in record["exact"]["notes"][0] and "digits" in record["exact"]["notes"][0]
    assert "fraction of" in record["exact"]["x"][0]


def test_digit_count_needs_no_text_conversion():
    big = 3**20000  # 9,543 digits: str() of it is refused by Python's default 4,300-digit limit
    assert exact_steps._int_digits(big) == 9543  # 20000·log10(3) = 9542.4 → 9543 digits
    assert exact_steps._int_digits(10**99) == 100


@pytest.mark.slow
def test_budget_interrupts_nested_radicals_and_continues_in_floats():
    # Newton on course-2.2 from (1, 1) simplifies nested radicals of cos(π/5) for more than ten minutes
    record = run_json("newton", "--fn", "course-2.2", "--x0", "1,1", "--exact", "--max-iter", "1",
                      "--exact-budget", "0.5")
    assert record["exact"]["lost_at"] == 0
    assert "budget" in record["exact"]["notes"][0] and "k = 0" in record["exact"]["notes"][0]
    assert record["iterations"] == 1
    flt = run_json("newton", "--fn", "course-2.2", "--x0", "1,1", "--max-iter", "1")
    assert record["evaluations"] == flt["evaluations"]
    assert record["x"] == pytest.approx(flt["x"], rel=1e-12)


def test_time_budget_raises_inside_a_long_python_computation():
    with pytest.raises(exact_steps._BudgetExpired):
        with exact_steps.time_budget(0.05):
            while True:
                sp.Integer(2) ** 10  # pure Python work, interrupted between bytecodes


def test_budget_must_be_positive():
    result = run("gd", "--fn", "quartic", "--exact", "--exact-budget", "0")
    assert result.exit_code == 2 and "--exact-budget" in result.stderr


def test_exact_does_not_import_the_driver():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(exact_steps))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "optkit.run.driver" not in imported  # the import cycle driver ↔ exact is gone


def test_exact_f_is_carried_beside_the_exact_x():
    # f = x² + xy + y² − x: ∇f = (2x + y − 1, x + 2y) = 0 at (2/3, −1/3),
    # f = 4/9 − 2/9 + 1/9 − 2/3 = −1/3 (by hand)
    args = ("newton", "--expr", "x**2 + x*y + y**2 - x", "--x0", "0,1/3", "--exact")
    record = run_json(*args)
    assert record["exact"]["x"] == ["2/3", "-1/3"] and record["exact"]["f"] == "-1/3"
    table = run(*args).output
    assert "Final f" in table and "-1/3 (exact; ≈ -0.333333333333)" in table


def test_exact_f_of_e3_is_the_minimum_value():
    # E3: gd with α_k = 1/(k+2) from (6, 6) stops at (8, 4), f = (8 − 6)² − 32 + 16 = −12 (course-exercises.md)
    record = run_json("gd", "--fn", "gd-schedule", "--x0", "6,6", "--schedule", "1/(k+2)", "--exact")
    assert record["exact"]["x"] == ["8", "4"] and record["exact"]["f"] == "-12"


def test_exact_f_belongs_to_the_last_exact_iterate():
    # E2 --exact: x₁ = (17/15, 68/15) exactly, then ∇f involves sin(17π/75) and the run goes on in floats;
    # f(x₁) contains cos(17π/75), no closed form in radicals, so no exact f is claimed and Final f is the float
    record = run_json("newton", "--fn", "course-2.2", "--x0", "0,0", "--exact")
    assert record["exact"]["lost_at"] == 1 and "f" not in record["exact"]
    # f = x² + y·cos(x) − x, gd with α = 1/2 from (0, 1/2): ∇f = (2x − y·sin x − 1, cos x) = (−1, 1), so
    # x₁ = (1/2, 0) and f(x₁) = 1/4 − 1/2 = −1/4 exactly (by hand); ∇f(x₁) = (0, cos(1/2)) has no closed
    # form, so the run goes on in floats and its final f is another iterate's: −1/4 is shown beside x₁,
    # not as Final f
    args = ("gd", "--expr", "x**2 + y*cos(x) - x", "--x0", "0,1/2", "--lr", "1/2", "--exact", "--max-iter", "3")
    record = run_json(*args)
    assert record["exact"]["lost_at"] == 1 and record["exact"]["x"] == ["1/2", "0"]
    assert record["exact"]["f"] == "-1/4" and record["f"] != pytest.approx(-0.25)
    table = run(*args).output
    assert "Last exact x (k = 1)  (1/2, 0); f there = -1/4" in table
    assert "Final f" in table and "(exact;" not in table
