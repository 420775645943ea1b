"""optkit compare and optkit report from the command line: tables, JSON, CSV, bad input, Ctrl-C, two databases."""

import csv
import io
import json
import re
import sqlite3

import pytest
from typer.testing import CliRunner

from optkit.cli.app import app

TINY = ["compare", "--fn", "himmelblau,saddle", "--methods", "newton,sfn,scipy:BFGS", "--starts", "1", "--jobs", "1"]


def invoke(args, width=100):
    return CliRunner().invoke(app, args, env={"COLUMNS": str(width)})


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "runs.db"
    result = invoke(TINY + ["--save", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return path, json.loads(result.stdout)


def test_json_has_runs_and_summary_in_the_conventions_shapes(saved):
    _, doc = saved
    assert len(doc["runs"]) == 12
    run = doc["runs"][0]
    for key in ("problem", "n", "params", "method", "canonical", "start_index", "x0", "seed", "outcome", "solved",
                "success", "converged", "status", "iterations", "evaluations", "time", "f", "grad_norm",
                "classification", "f_minus_fstar"):
        assert key in run
    assert set(run["evaluations"]) == {"f", "grad", "hess", "hvp"}
    entry = {s["method"]: s for s in doc["summary"]}["newton"]
    for key in ("solved", "saddle", "maximum", "diverging", "not_converged", "failed", "timeout", "skipped",
                "median_evaluations", "median_iterations"):
        assert key in entry
    assert set(entry["profile"]) == {"1", "2", "4", "8", "16"}
    # pure Newton from saddle's x0 (1, 1e-3) lands on the saddle (course exercise E10): never solved
    newton_saddle = [r for r in doc["runs"] if r["method"] == "newton" and r["problem"] == "saddle"]
    assert newton_saddle[0]["outcome"] == "saddle" and not newton_saddle[0]["solved"]
    assert entry["saddle"] >= 1 and entry["runs"] == 4
    assert doc["solved_rule"].startswith("solved: outcome minimum")


def test_csv_is_one_row_per_run():
    result = invoke(TINY + ["--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 12 and {r["outcome"] for r in rows} >= {"minimum", "saddle"}


NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?s?(?![\w.])")


@pytest.mark.parametrize("width", [60, 80, 120])
def test_tables_never_cut_a_number(saved, width):
    path, doc = saved
    result = invoke(["report", str(path), "--data-profile"], width)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line.rstrip()) <= width for line in lines if not line.startswith(("solved:", "ρ(τ)", "per-", "d(κ)")))
    text = result.stdout
    for entry in doc["summary"]:  # every median and ρ value appears whole
        for tau, rho in entry["profile"].items():
            assert f"{rho:.2f}" in text
        if entry["median_evaluations"] is not None:
            value = entry["median_evaluations"]
            assert (str(int(value)) if float(value).is_integer() else f"{value:.4g}") in text
    for line in lines:  # no cell ends in a broken number such as "0.3" + "3" on the next line
        assert "…" not in line


def test_report_redraws_the_compare_tables(saved):
    path, _ = saved
    compare = invoke(TINY + ["--save", str(path)])  # fully resumed: nothing reruns
    report = invoke(["report", str(path)])
    assert compare.exit_code == 0 and report.exit_code == 0
    assert "12 of 12 runs were already stored" in compare.stdout
    table = compare.stdout.split("12 of 12")[0]
    assert report.stdout.startswith(table.split("med time")[0].split("cost over")[0])
    filtered = json.loads(invoke(["report", str(path), "--method", "sfn", "--format", "json"]).stdout)
    assert {r["method"] for r in filtered["runs"]} == {"sfn"}


def test_report_compares_two_databases(saved, tmp_path):
    path, _ = saved
    other = tmp_path / "b.db"
    other.write_bytes(path.read_bytes())
    with sqlite3.connect(other) as conn:  # pretend a regression: newton's solved runs became saddles
        conn.execute("UPDATE runs SET outcome = 'saddle', solved = 0, success = 0 WHERE method = 'newton' AND solved = 1")
        worse = conn.total_changes
    diff = json.loads(invoke(["report", str(path), str(other), "--format", "json"]).stdout)
    newton = {m["method"]: m for m in diff["methods"]}["newton"]
    assert newton["worse"] == worse > 0 and newton["better"] == 0
    assert {m["method"]: m for m in diff["methods"]}["sfn"]["same"] == 4
    table = invoke(["report", str(path), str(other)])
    assert "runs whose outcome changed" in table.stdout


@pytest.mark.parametrize("args, message", [
    (["compare", "--methods", "newtn"], "unknown method 'newtn'; did you mean newton"),
    (["compare", "--methods", "scipy:BFG"], "did you mean scipy:BFGS"),
    (["compare", "--methods", "tr:subproblem=cgg"], "subproblem"),
    (["compare", "--fn", "rosenbrok"], "did you mean rosenbrock"),
    (["compare", "--tag", "clasic"], "did you mean classic"),
    (["compare", "--fn", "booth", "--starts", "-1"], "--starts must be 0 or more"),
    (["compare", "--fn", "booth,beale", "--n", "10"], "--n applies to scalable problems"),
    (["compare", "--fn", "booth", "--cost", "money"], "unknown --cost"),
    (["compare", "--fn", "booth", "--executor", "dask"], "--executor dask needs --scheduler"),
    (["compare", "--fn", "booth", "--gtol", "-1"], "gtol"),
])
def test_bad_input_is_one_line_and_exit_2(args, message):
    result = invoke(args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_spec_file_and_foreign_database_are_one_line(tmp_path):
    spec = tmp_path / "sweep.toml"
    spec.write_text('methods = ["newton"]\n[problems]\nfn = ["booth"]\nn = "ten"\n')
    result = invoke(["compare", "--spec", str(spec)])
    assert result.exit_code == 2 and "field 'problems.n'" in result.stderr
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    for args in (["report", str(foreign)], ["compare", "--fn", "booth", "--starts", "0", "--save", str(foreign)]):
        result = invoke(args)
        assert result.exit_code == 2 and "not an optkit results database" in result.stderr


def test_spec_file_runs_its_sweep(tmp_path):
    spec = tmp_path / "sweep.toml"
    spec.write_text('methods = ["newton", "tr-cg"]\nstarts = 1\nseed = 7\n[problems]\nfn = ["rosenbrock"]\n'
                    'n = [2, 4]\n[tolerances]\nmax_iter = 200\n')
    doc = json.loads(invoke(["compare", "--spec", str(spec), "--jobs", "1", "--format", "json"]).stdout)
    assert len(doc["runs"]) == 8 and {r["n"] for r in doc["runs"]} == {2, 4}
    assert doc["sweep"]["tolerances"]["max_iter"] == 200 and doc["sweep"]["seed"] == 7


def test_ctrl_c_prints_what_finished_and_exits_130(tmp_path, monkeypatch):
    from optkit.compare import executors
    from optkit.compare.runner import execute

    def interrupted_map(self, items):
        for count, (index, spec) in enumerate(items):
            if count == 3:
                raise KeyboardInterrupt
            yield index, execute(spec)

    monkeypatch.setattr(executors.LocalExecutor, "map", interrupted_map)
    path = tmp_path / "runs.db"
    result = invoke(TINY + ["--save", str(path)])
    assert result.exit_code == 130
    assert "outcomes per method" in result.stdout and "Interrupted: 3 of 12 runs finished" in result.stderr
    assert len(json.loads(invoke(["report", str(path), "--format", "json"]).stdout)["runs"]) == 3


@pytest.mark.parametrize("cost", ["iterations", "time"])
def test_report_filters_and_costs(saved, cost):
    path, doc = saved
    result = invoke(["report", str(path), "--fn", "saddle", "--sweep", "1", "--cost", cost, "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {r["problem"] for r in report["runs"]} == {"saddle"} and len(report["runs"]) == 6
    assert all(entry["cost"] == cost for entry in report["summary"])
    assert report["sweeps"][0]["id"] == 1 and report["sweeps"][0]["state"] == "finished"
    assert invoke(["report", str(path), "--sweep", "one"]).exit_code == 2
