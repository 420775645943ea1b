"""What the run report says: column names for what they hold, options echoed, notes once (issue 12 §1, §3)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from optkit.cli.app import app
from optkit.explain.summaries import hessian_index, note_runs

runner = CliRunner()


def cli(*args, width=100):
    result = runner.invoke(app, list(args), env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.output


def header_line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("k "))


def test_adam_without_bias_correction_is_not_labelled_m_hat():
    """E9: with --no-bias-correction the trace holds m and v, and says so (JSON keys and headers)."""
    record = json.loads(cli("run", "adam", "--fn", "quartic", "--max-iter", "1", "--lr", "0.1",
                            "--no-bias-correction", "-f", "json"))
    step = record["trace"][0]
    assert "m_hat" not in step and "v_hat" not in step
    # by hand: g(1, 1) = (19, 1); m₁ = 0.1·g, v₁ = 0.001·g²
    assert step["m"] == pytest.approx([1.9, 0.1]) and step["v"] == pytest.approx([0.361, 0.001])
    text = cli("run", "adam", "--fn", "quartic", "--max-iter", "1", "--lr", "0.1", "--no-bias-correction",
               "--all-columns", width=200)
    assert "m̂" not in text and "v̂" not in text and "α/(√v+ε)" in text
    corrected = json.loads(cli("run", "adam", "--fn", "quartic", "--max-iter", "1", "--lr", "0.1", "-f", "json"))
    assert corrected["trace"][0]["m_hat"] == pytest.approx([19, 1])  # m̂₁ = g


def test_prediction_columns_name_what_they_hold():
    """E2's first Newton step: g = (0, −17), p = (17/15, 68/15) by hand; −gᵀp = 1156/15 and, since Hp = −g,
    the quadratic model predicts −gᵀp − ½pᵀHp = 578/15."""
    record = json.loads(cli("run", "newton", "--fn", "course-2.2", "--x0", "0,0", "--max-iter", "1", "-f", "json"))
    step = record["trace"][0]
    assert "pred" not in step
    assert step["pred_linear"] == pytest.approx(1156 / 15)
    assert step["pred_quadratic"] == pytest.approx(578 / 15)
    gd = json.loads(cli("run", "gd", "--fn", "course-2.2", "--x0", "0,0", "--max-iter", "1", "--lr", "0.01",
                        "-f", "json"))["trace"][0]
    assert gd["pred_linear"] == pytest.approx(0.01 * 17**2) and "pred_quadratic" not in gd  # α‖g‖², E5
    tr = json.loads(cli("run", "tr", "--fn", "course-2.2", "--x0", "0,0", "--max-iter", "1", "-f", "json"))
    assert "pred_quadratic" in tr["trace"][0] and tr["trace"][0]["rho"] == pytest.approx(
        tr["trace"][0]["actual"] / tr["trace"][0]["pred_quadratic"])
    assert "quad. pred." in cli("run", "newton", "--fn", "course-2.2", "--x0", "0,0", width=200)


def test_glossary_explains_every_column_a_trace_can_have():
    entries = json.loads(cli("methods", "--glossary", "-f", "json"))
    keys = {e["key"] for e in entries}
    for args in (("newton", "--fn", "course-2.2"), ("tr", "--fn", "quartic"), ("adam", "--fn", "quartic"),
                 ("adam", "--fn", "quartic", "--no-bias-correction"), ("sfn", "--fn", "saddle")):
        record = json.loads(cli("run", *args, "--max-iter", "3", "-f", "json"))
        shown = {k for r in record["trace"] for k in r} - {"x_norm", "note", "exact", "x_truncated", "boundary",
                                                           "hvp", "fallback", "descent", "escape", "krylov_dim",
                                                           "ritz_min", "rho_from_gradients", "approximate", "pHp",
                                                           "momentum"}
        assert shown <= keys, shown - keys


def test_summary_echoes_the_options():
    out = cli("run", "gd", "--fn", "gd-schedule", "--schedule", "1/(k+2)", "--seed", "7", width=120)
    options = out.split("Options", 1)[1].split("‖g‖₂")[0]
    assert "schedule = 1/(k+2)" in options and "seed = 7" in options and "max_iter = 1000" in options


def test_columns_and_all_columns():
    args = ("run", "tr", "--fn", "quartic", "--x0", "1,1")
    narrow = cli(*args, "--columns", "rho,Δ", width=80)
    assert "ρ" in header_line(narrow) and "Δ" in header_line(narrow) and "λ (TR)" not in narrow
    result = runner.invoke(app, [*args, "--columns", "nonsense"])
    assert result.exit_code == 2 and "not a column of this trace" in result.output
    every = cli(*args, "--all-columns", width=60)
    for header in ("ρ", "Δ", "accepted", "(TR)", "‖step‖"):  # headers may wrap at their spaces
        assert header in every


def test_a_repeated_note_is_shown_once_with_its_range():
    trace = [{"k": 0, "note": ""}, {"k": 1, "note": "a"}, {"k": 2, "note": "a"}, {"k": 3, "note": "b"},
             {"k": 4, "note": "a"}]
    assert note_runs(trace) == [((1, 2), "a"), ((3, 3), "b"), ((4, 4), "a")]


def test_hessian_index_ignores_rounding():
    assert hessian_index([-2.0, -1e-17, 3.0]) == 1
    assert hessian_index([]) == 0


def test_trace_thinning_is_said():
    from optkit.render.run_report import iteration_tables
    from rich.console import Console

    record = json.loads(cli("run", "gd", "--fn", "quartic", "--max-iter", "2", "-f", "json"))
    record["trace_thinning"] = {"kept": 2000, "every": 7}
    console = Console(width=80, record=True)
    for part in iteration_tables(record, 80):
        console.print(part)
    assert "every 7-th" in console.export_text()


def test_top_level_help_has_examples_whole_descriptions_and_version():
    out = cli("--help", width=80)
    commands = out.split("Commands:")[1].split("Examples:")[0]
    assert "Examples:" in out and "--explain 3" in out and "..." not in commands
    assert "Find every stationary point in a box and classify it (minimum," in out
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.output.startswith("optkit ")


def test_eval_and_run_take_the_same_spelling_for_a_point():
    a = json.loads(cli("eval", "--fn", "quartic", "--at", "1/2,1", "-f", "json"))
    b = json.loads(cli("eval", "--fn", "quartic", "--x0", "1/2,1", "-f", "json"))
    assert a["x"] == b["x"] == [0.5, 1.0]
    r1 = json.loads(cli("run", "newton", "--fn", "course-2.2", "--x0", "0,0", "--max-iter", "1", "-f", "json"))
    r2 = json.loads(cli("run", "newton", "--fn", "course-2.2", "--at", "0,0", "--max-iter", "1", "-f", "json"))
    assert r1["trace"][1]["x"] == r2["trace"][1]["x"] == pytest.approx([17 / 15, 68 / 15])  # E2


def test_taylor_writes_e_as_the_input_does():
    out = cli("eval", "--expr", "e**x*y", "--at", "1,1", "--taylor", "1")
    assert "e*(x - 1) + e*(y - 1)" in out and "E*" not in out


def test_gradient_labelled_by_variable_from_three_variables():
    out = cli("eval", "--fn", "helical-valley", "--at", "1,1,1", width=120)
    assert "∂f/∂x1 =" in out and "∂f/∂x3 =" in out
    two = cli("eval", "--fn", "quartic", "--at", "1,1")
    assert "∇f              (19, 1)" in two


@pytest.mark.parametrize("command", ["run", "eval", "classify", "list", "show"])
def test_help_shows_types_not_str(command):
    out = cli(command, "--help", width=100)
    assert "<str>" not in out
    if command == "run":
        assert "--lr FLOAT" in out and "--max-iter INT" in out and "--x0, --at POINT" in out


def test_exact_minima_are_shown_as_zero_where_the_exact_path_proves_it():
    """Himmelblau's four minima have f = 0 (each residual x² + y − 11, x + y² − 7 vanishes there: known
    closed form at (3, 2); the others are roots of the same system); double precision gave 7.9e-31."""
    record = json.loads(cli("classify", "--fn", "himmelblau", "-f", "json"))
    minima = [p for p in record["points"] if p["kind"] == "minimum"]
    assert len(minima) == 4 and all(p["f"] == 0.0 for p in minima)
    assert all(p["f"] > 1 for p in record["points"] if p["kind"] != "minimum")  # saddles and the maximum
    proven = [p for p in minima if any("f = 0 exactly" in n for n in p["notes"])]
    assert len(proven) >= 2  # the other two evaluate to exactly 0.0 in double precision already


def test_proven_zero_never_claims_a_non_zero_value():
    import sympy as sp

    from optkit.stationary.exact_value import proven_zero

    x = sp.Symbol("x")
    root = sp.CRootOf(x**3 - 2, 0)  # 2^(1/3)
    assert proven_zero(x**3 - 2, [x], [root], 1e-16)
    assert not proven_zero(x**3 - 2 + sp.Rational(1, 10**12), [x], [root], 1e-12)  # tiny, but not 0
    assert not proven_zero(x, [x], [sp.Integer(1)], 1.0)  # far from 0: not even tried
    assert proven_zero(x**2 - 2, [x], [sp.sqrt(2)], 4e-16)
