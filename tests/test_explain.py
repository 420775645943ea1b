"""--explain K: the worked solution, checked against the course's hand calculations (course-exercises.md)."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from optkit.cli.app import app
from optkit.explain.worked import exact_text

runner = CliRunner()


def run_json(*args):
    result = runner.invoke(app, ["run", *args, "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def run_text(*args, width=100):
    result = runner.invoke(app, ["run", *args], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.output


def test_e2_newton_step_is_written_exactly():
    """E2 by hand: g = (0, −17), H = [[4, −1], [−1, 4]], H⁻¹ = [[4/15, 1/15], [1/15, 4/15]], x₁ = (17/15, 68/15)."""
    step = run_json("newton", "--fn", "course-2.2", "--x0", "0,0", "--explain", "3")["explain"][0]
    assert step["exact"]["grad"] == ["0", "-17"]
    assert step["exact"]["hessian"] == [["4", "-1"], ["-1", "4"]]
    assert step["exact"]["hessian_inverse"] == [["4/15", "1/15"], ["1/15", "4/15"]]
    assert step["exact"]["direction"] == ["17/15", "68/15"]
    assert step["exact"]["x_next"] == ["17/15", "68/15"]
    assert step["f_next"] == pytest.approx(-19.805752, abs=1e-6)
    text = run_text("newton", "--fn", "course-2.2", "--x0", "0,0", "--explain", "3")
    assert "H_0⁻¹ = [[4/15, 1/15], [1/15, 4/15]]" in text
    assert "(0, 0) + 1·(17/15, 68/15)" in text and "the unit step" in text
    assert text.count("Iteration k =") == 3


def test_e3_schedule_steps_are_written_exactly():
    """E3 by hand: α₀ = 1/2, α₁ = 1/3; x₁ = (9, 3), x₂ = (8, 4)."""
    steps = run_json("gd", "--fn", "gd-schedule", "--x0", "6,6", "--schedule", "1/(k+2)", "--explain", "3")["explain"]
    assert len(steps) == 2  # the run stops at (8, 4) where ∇f = 0
    assert [s["exact"]["alpha"] for s in steps] == ["1/2", "1/3"]
    assert [s["exact"]["grad"] for s in steps] == [["-6", "6"], ["3", "-3"]]
    assert [s["exact"]["x_next"] for s in steps] == [["9", "3"], ["8", "4"]]
    text = run_text("gd", "--fn", "gd-schedule", "--x0", "6,6", "--schedule", "1/(k+2)", "--explain", "3")
    assert "from the schedule 1/(k+2)" in text and "(6, 6) + 1/2·(6, -6)" in text


def test_e9_adam_first_step_with_and_without_bias_correction():
    """E9: corrected, each coordinate moves by ≈ α; uncorrected, by ≈ α(1 − β₁)/√(1 − β₂) ≈ 3.16α."""
    args = ("adam", "--fn", "quartic", "--lr", "0.1", "--max-iter", "1", "--explain", "1")
    step = run_json(*args)["explain"][0]
    assert step["m_hat"] == pytest.approx(step["grad"]) and step["step"] == pytest.approx([-0.1, -0.1], rel=1e-6)
    raw = run_json(*args, "--no-bias-correction")["explain"][0]
    assert "m_hat" not in raw and raw["m"] == pytest.approx([1.9, 0.1])
    ratio = 0.1 / math.sqrt(0.001)  # (1 − β₁)/√(1 − β₂), by hand
    assert raw["step"] == pytest.approx([-0.1 * ratio, -0.1 * ratio], rel=1e-5)
    assert "no bias correction" in run_text(*args, "--no-bias-correction")


@pytest.mark.parametrize("args", [
    ("tr", "--fn", "quartic", "--x0", "1,1"), ("tr", "--fn", "rosenbrock", "--subproblem", "dogleg"),
    ("sfn", "--fn", "saddle", "--x0", "1,0.001"), ("newton", "--fn", "rosenbrock", "--line-search", "armijo"),
    ("gd", "--fn", "quartic", "--line-search", "armijo"),
])
def test_every_method_writes_its_step(args):
    steps = run_json(*args, "--explain", "2")["explain"]
    assert steps and all("grad" in s and "x_next" in s for s in steps)
    for s in steps:  # the worked x_{k+1} is the run's
        assert [a + b for a, b in zip(s["x"], s["step"])] == pytest.approx(s["x_next"])
    if args[0] == "tr":
        s = steps[0]
        assert s["rho"] == pytest.approx(s["actual"] / s["pred_quadratic"])
        # the model's decrease from its parts: −gᵀs − ½sᵀHs
        assert -s["model"]["gs"] - 0.5 * s["model"]["sHs"] == pytest.approx(s["pred_quadratic"])
    if "armijo" in args:
        assert steps[0]["armijo"]["holds"]
    text = run_text(*args, "--explain", "2", width=60)
    assert all(len(line.rstrip()) <= 60 for line in text.splitlines())


def test_exact_text_recognises_small_fractions_only():
    assert exact_text(17 / 15) == "17/15" and exact_text(-4.0) == "-4"
    assert exact_text(math.pi) is None and exact_text(1 / 1009) is None


def test_csv_trace_has_gradient_and_step_vectors():
    result = runner.invoke(app, ["run", "gd", "--fn", "gd-schedule", "--schedule", "1/(k+2)", "-f", "csv"])
    header, first = result.output.splitlines()[:2]
    columns = dict(zip(header.split(","), first.split(",")))
    assert (float(columns["grad_x1"]), float(columns["grad_x2"])) == (-6.0, 6.0)  # E3 by hand
    assert (float(columns["step_x1"]), float(columns["step_x2"])) == (3.0, -3.0)


def test_a_rejected_trust_region_step_is_worked_out():
    """Rosenbrock from (−1.2, 1): the second exact-subproblem step is rejected (ρ < 0); its ρ is the actual
    decrease of the rebuilt step over the model's prediction."""
    steps = run_json("tr", "--fn", "rosenbrock", "--explain", "2")["explain"]
    rejected = steps[1]
    assert rejected["accepted"] is False and rejected["x_next"] == rejected["x"]
    assert rejected["rho"] == pytest.approx(rejected["actual"] / rejected["pred_quadratic"], rel=1e-9)
