"""``optkit run`` and ``optkit methods`` through Typer's runner (on a fresh app with ``register``)."""

import csv
import io
import json

import pytest
import typer
from typer.testing import CliRunner

from optkit.cli.run import register
from optkit.run.results import Result


def make_app():
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
    register(app)
    return app


APP = make_app()
runner = CliRunner()


def run(*args):
    return runner.invoke(APP, ["run", *args])


def run_json(*args):
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


# ---------------------------------------------------------------- the course commands


def test_e2_command_table_shows_the_trace_and_summary():
    result = run("newton", "--fn", "course-2.2", "--x0", "0,0", "--no-color")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "1.1333333" in out and "4.5333333" in out  # x₁ = (17/15, 68/15)
    assert "0.13087466" in out and "4.2683577" in out
    assert "converged to a local minimum" in out and "≤" in out
    assert "Work counters" in out and "Hessian-vector" in out
    assert "eigenvalues" in out


def test_e2_exact_first_step_is_17_15_68_15():
    record = run_json("newton", "--fn", "course-2.2", "--x0", "0,0", "--exact")
    assert record["trace"][0]["exact"] == ["0", "0"]
    assert record["trace"][1]["exact"] == ["17/15", "68/15"]  # −H⁻¹g at (0, 0), by hand (course-exercises.md E2)
    assert record["exact"]["lost_at"] == 1
    assert any("exactness lost" in note for note in record["exact"]["notes"])
    assert record["x"] == pytest.approx([0.130875, 4.268358], abs=1e-6)  # the E2 minimum, course-exercises.md
    table = run("newton", "--fn", "course-2.2", "--x0", "0,0", "--exact").output
    assert "17/15, 68/15" in table and "exactness lost at k = 1" in table


def test_e3_exact_schedule_from_the_command_line():
    record = run_json("gd", "--fn", "gd-schedule", "--x0", "6,6", "--schedule", "1/(k+2)", "--exact")
    assert [r["exact"] for r in record["trace"]] == [["6", "6"], ["9", "3"], ["8", "4"]]
    assert [r.get("alpha_exact") for r in record["trace"][:2]] == ["1/2", "1/3"]
    assert record["success"] and "exactly" in record["message"]


def test_e3_float_schedule_and_e5_columns():
    result = run("gd", "--fn", "gd-schedule", "--x0", "6,6", "--schedule", "1/(k+2)")
    assert result.exit_code == 0, result.output
    assert "lin. pred." in result.output and "actual" in result.output


def test_exact_digit_cap_prints_decimals_with_the_fraction_size():
    record = run_json("newton", "--expr", "x**4 + 4*x**3 + 3*x**2 - 3*x*y + 2*y**2", "--x0", "1,1", "--exact")
    texts = [t for r in record["trace"] for t in r["exact"]]
    assert texts[2] == "80/159" and texts[3] == "20/53"  # one exact Newton step from (1, 1), by hand with sympy
    assert any("fraction of" in t and "digits" in t for t in texts)
    assert record["success"]


def test_exact_refuses_methods_and_problems_it_cannot_do():
    one_line_error(run("adam", "--fn", "gd-schedule", "--exact"), "--exact supports gd and newton")
    one_line_error(run("gd", "--fn", "gd-schedule", "--exact", "--line-search", "armijo"), "fixed or scheduled")
    one_line_error(run("newton", "--fn", "logistic-positive", "--exact"), "closed-form")


# ---------------------------------------------------------------- formats


def test_json_record_has_the_documented_keys_and_round_trips():
    record = run_json("tr", "--fn", "course-2.2", "--x0", "0,0", "--subproblem", "dogleg")
    for key in ("problem", "method", "options", "status", "success", "message", "x", "f", "grad_norm",
                "iterations", "evaluations", "classification", "trace"):
        assert key in record
    assert set(record["evaluations"]) == {"f", "grad", "hess", "hvp"}
    assert record["method"] == "trust-region" and record["options"]["subproblem"] == "dogleg"
    assert len(record["trace"]) == record["iterations"] + 1
    for row in record["trace"]:
        assert {"k", "x", "f", "grad_norm"} <= set(row)
    assert {"delta", "rho", "accepted"} <= set(record["trace"][0])
    again = Result.from_dict(record).to_dict()
    assert json.loads(json.dumps(again)) == record


def test_csv_is_the_trace_and_output_writes_a_file(tmp_path):
    result = run("gd", "--fn", "gd-schedule", "--schedule", "1/(k+2)", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["x1"], r["x2"]) for r in rows] == [("6.0", "6.0"), ("9.0", "3.0"), ("8.0", "4.0")]
    target = tmp_path / "run.json"
    result = run("newton", "--fn", "course-2.2", "--format", "json", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text())["success"] is True
    table_file = tmp_path / "run.txt"
    assert run("newton", "--fn", "course-2.2", "--output", str(table_file)).exit_code == 0
    assert "Results of optimization" in table_file.read_text()


def test_long_runs_elide_the_middle_unless_asked():
    args = ("gd", "--fn", "course-2.2", "--x0", "0,0", "--max-iter", "40", "--no-eig")
    short = run(*args).output
    rows = lambda out: [line.split()[0] for line in out.splitlines() if line[:1].isdigit()]
    assert "iterations hidden" in short and "⋮" in short
    full = run(*args, "--all").output
    assert "iterations hidden" not in full and "25" in rows(full)
    every = run(*args, "--every", "10").output
    assert "20" in rows(every) and "21" not in rows(every)


def test_opt_key_value_and_named_flag_are_the_same():
    a = run_json("tr", "--fn", "course-2.2", "--opt", "delta0=0.5", "--opt", "subproblem=cg")
    b = run_json("tr", "--fn", "course-2.2", "--delta0", "0.5", "--subproblem", "cg")
    assert a["trace"][0]["delta"] == b["trace"][0]["delta"] == 0.5
    assert [r["x"] for r in a["trace"]] == [r["x"] for r in b["trace"]]


def test_methods_command_lists_the_catalogue():
    result = runner.invoke(APP, ["methods"])
    assert result.exit_code == 0, result.output
    for name in ("gd", "newton", "trust-region", "tr", "sfn", "adam", "--delta0", "--krylov-dim"):
        assert name in result.output
    for preset in ("gd+armijo", "tr-cg", "sfn-krylov", "scipy-tr"):
        assert preset in result.output
    records = json.loads(runner.invoke(APP, ["methods", "--format", "json"]).stdout)
    assert [r["name"] for r in records["methods"]] == ["gd", "newton", "trust-region", "arc", "sfn", "adam"]
    assert "tr-cg" in [p["name"] for p in records["presets"]]
    assert "max_iter" in [o["name"] for o in records["common"]]


def test_run_help_names_every_method_option():
    result = runner.invoke(APP, ["run", "--help"])
    assert result.exit_code == 0
    for flag in ("--lr", "--schedule", "--line-search", "--subproblem", "--eta", "--damping", "--beta1",
                 "--no-bias-correction", "--batch-size", "--gtol", "--max-iter", "--exact", "--opt"):
        assert flag in result.output


# ---------------------------------------------------------------- bad input: one line, exit 2


def test_unknown_method_lists_the_methods():
    line = one_line_error(run("bfgs", "--fn", "course-2.2"), "unknown method 'bfgs'")
    for name in ("gd", "newton", "trust-region (tr)", "sfn", "adam"):
        assert name in line


@pytest.mark.parametrize("args, fragments", [
    (("gd", "--fn", "course-2.2", "--delta0", "2"), ("delta0 does not apply to gd", "trust-region")),
    (("adam", "--fn", "course-2.2", "--opt", "subproblem=cg"), ("subproblem does not apply to adam",)),
    (("gd", "--fn", "course-2.2", "--opt", "colour=red"), ("unknown option 'colour'",)),
    (("tr", "--fn", "course-2.2", "--eta", "0.3"), ("eta", "0 ≤ eta < 0.25")),
    (("tr", "--fn", "course-2.2", "--delta0", "-1"), ("delta0", "allowed")),
    (("tr", "--fn", "course-2.2", "--delta0", "5", "--delta-max", "2"), ("delta0 ≤ delta_max",)),
    (("tr", "--fn", "course-2.2", "--subproblem", "magic"), ("cauchy, dogleg, cg, exact",)),
    (("gd", "--fn", "course-2.2", "--lr", "0"), ("lr", "lr > 0")),
    (("gd", "--fn", "course-2.2", "--lr", "abc"), ("malformed",)),
    (("adam", "--fn", "course-2.2", "--beta1", "1"), ("0 ≤ beta1 < 1",)),
    (("gd", "--fn", "course-2.2", "--gtol", "0"), ("gtol > 0",)),
    (("gd", "--fn", "course-2.2", "--max-iter", "2.5"), ("whole number",)),
    (("gd", "--fn", "course-2.2", "--schedule", "cosine:T=0"), ("T", "T ≥ 1")),
    (("gd", "--fn", "course-2.2", "--schedule", "step:decay=2"), ("no parameter",)),
    (("gd", "--fn", "course-2.2", "--schedule", "1/(k+2)", "--lr", "0.1"), ("--lr does not apply",)),
    (("gd", "--fn", "course-2.2", "--schedule", "import os"), ("schedule",)),
    (("gd", "--fn", "course-2.2", "--line-search", "armijo", "--lr", "0.1"), ("line-search",)),
    (("gd", "--fn", "course-2.2", "--line-search", "exact"), ("quadratic",)),
    (("newton", "--fn", "course-2.2", "--x0", "1,2,3"), ("3 component", "n = 2")),
    (("newton", "--fn", "course-2.2", "--format", "xml"), ("table, json, csv",)),
    (("gd", "--fn", "course-2.2", "--batch-size", "2"), ("data-driven",)),
    (("gd", "--fn", "logistic-positive", "--batch-size", "9"), ("exceeds",)),
    (("gd", "--fn", "course-2.2", "--every", "0"), ("--every",)),
    (("gd", "--fn", "course-2.2", "--opt", "lr"), ("key=value",)),
])
def test_bad_input_is_one_clear_line(args, fragments):
    one_line_error(run(*args), *fragments)


def test_failed_runs_are_reported_not_raised():
    # NaN during the run (log of a negative number after a step): a status, never a traceback
    record = run_json("gd", "--expr", "log(x)", "--x0", "0.5", "--lr", "1")
    assert record["success"] is False and record["status"] == "non_finite"
    record = run_json("newton", "--expr", "x**3 + y**2", "--x0", "0,1")
    assert record["status"] == "singular_hessian" and "Hessian singular" in record["message"]


def test_scalable_problem_shows_first_coordinates_and_the_norm():
    result = run("newton", "--fn", "rosenbrock", "--n", "6", "--no-color")
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if line.startswith("k "))
    assert "‖x‖₂" in header and "x4" not in header
    assert "λ_min" in header and "λ_max" in header and "index" in header  # eigenvalues: extremes and the index
    no_eig = run("newton", "--fn", "rosenbrock", "--n", "6", "--no-eig")
    assert "eigenvalues of H" not in no_eig.output.split("Results of optimization")[0]  # not in the trace table


def test_exact_surds_are_printed_as_surds():
    record = run_json("newton", "--expr", "x**3/3 - 2*x", "--x0", "1+sqrt(2)", "--exact", "--max-iter", "2")
    # x₁ = x₀ − (x₀² − 2)/(2x₀) with x₀ = 1 + √2, rationalised by hand: (3√2 − 1)/2
    assert record["trace"][1]["exact"] == ["-1/2 + 3*sqrt(2)/2"]


def test_exactness_lost_on_a_non_special_angle_continues_in_floats():
    record = run_json("gd", "--expr", "cos(x)", "--x0", "pi/3", "--exact", "--lr", "0.5", "--max-iter", "3")
    assert record["trace"][1]["exact"] == ["sqrt(3)/4 + pi/3"]  # π/3 + ½·sin(π/3), exact
    assert record["exact"]["lost_at"] == 1 and record["iterations"] == 3
    assert "(3 = max_iter 3)" in record["message"]


def test_mini_batch_from_the_command_line_is_reproducible():
    a = run_json("adam", "--fn", "xor-mlp", "--batch-size", "2", "--seed", "4", "--max-iter", "20")
    b = run_json("adam", "--fn", "xor-mlp", "--batch-size", "2", "--seed", "4", "--max-iter", "20")
    assert [r["x"] for r in a["trace"]] == [r["x"] for r in b["trace"]]
