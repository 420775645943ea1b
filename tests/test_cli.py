"""The CLI through Typer's runner, and once through a really installed ``optkit`` process."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optkit.cli.app import app

runner = CliRunner()


def run(*args, env=None):
    return runner.invoke(app, list(args), env=env)


def test_list_table_and_json():
    table = run("list")
    assert table.exit_code == 0, table.output
    assert "quartic" in table.output and "course-2.1" in table.output
    rows = json.loads(run("list", "--format", "json").stdout)
    names = {r["name"] for r in rows}
    assert {"quartic", "course-2.2"} <= names
    course = json.loads(run("list", "--tag", "course", "--format", "json").stdout)
    assert all("course" in r["tags"] for r in course)


def test_show_prints_formulas():
    result = run("show", "course-2.1")
    assert result.exit_code == 0, result.output
    assert "x**4 + 4*x**3" in result.output
    assert "4*x**3 + 12*x**2 + 6*x - 3*y" in result.output  # ∂f/∂x, as worked by hand in E1
    record = json.loads(run("show", "quartic", "--format", "json").stdout)
    assert record["gradient"] == ["4*x**3 + 12*x**2 + 6*x - 3*y", "-3*x + 4*y"]


def test_eval_json_keys_and_values():
    result = run("eval", "--fn", "course-2.2", "--at", "0,0", "--format", "json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    for key in ("problem", "x", "f", "grad", "hessian", "eigenvalues", "classification"):
        assert key in record
    # by hand (course-exercises.md E2): ∇f(0, 0) = (0, −17); H = [[4, −1], [−1, 4]] has eigenvalues 3 and 5
    assert record["grad"] == pytest.approx([0, -17])
    assert record["eigenvalues"] == pytest.approx([3, 5])
    assert record["classification"]["kind"] == "not-stationary"
    assert set(record["classification"]) >= {"kind", "index"}


@pytest.mark.parametrize("at", ["-1.2,1", "1/2, 3", "(0, 0)"])
def test_vector_spellings(at):
    result = run("eval", "--expr", "x**2 - y**2", "--at", at, "--format", "json")
    assert result.exit_code == 0, result.output


def test_eval_expr_saddle_and_vars_order():
    record = json.loads(run("eval", "--expr", "x**2 - y**2", "--at", "0,0", "--format", "json").stdout)
    assert record["classification"]["kind"] == "saddle" and record["classification"]["index"] == 1
    swapped = json.loads(run("eval", "--expr", "x**2 - 3*y", "--vars", "y,x", "--at", "1,2",
                             "--format", "json").stdout)
    assert swapped["grad"] == pytest.approx([-3, 4])  # (∂/∂y, ∂/∂x) at y=1, x=2


def test_eval_taylor_table():
    result = run("eval", "--expr", "1/(1 + exp(-x))", "--at", "0", "--taylor", "2")
    assert result.exit_code == 0, result.output
    assert "x/4 + 1/2" in result.output


@pytest.mark.parametrize("args, fragment", [
    (["eval", "--fn", "quartc", "--at", "0,0"], "did you mean quartic"),
    (["eval", "--fn", "quartic", "--at", "0,0,1"], "n = 2"),
    (["eval", "--fn", "quartic", "--at", "0,nan"], "malformed"),
    (["eval", "--fn", "quartic", "--at", "0,1e999"], "not finite"),
    (["eval", "--expr", "__import__('os').system('true')"], "cannot be called"),
    (["eval", "--expr", "__import__('os')"], "unknown function '__import__'"),
    (["eval", "--expr", "x.real"], "attribute access"),
    (["eval", "--expr", "(lambda: 1)()"], "cannot be called"),
    (["eval", "--expr", "[x for x in y]"], "comprehension"),
    (["eval", "--expr", "'x'"], "string"),
    (["eval", "--fn", "quartic", "--expr", "x"], "exactly one of"),
    (["eval", "--fn", "quartic", "--gtol", "-1"], "--gtol must be a positive"),
    (["eval", "--fn", "quartic", "--format", "yaml"], "--format"),
    (["eval", "--fn", "quartic", "--taylor", "99"], "order must be between"),
    (["show", "quartic", "--n", "3"], "fixed dimension"),
    (["list", "--tag", "nonsense"], "no problem has tag"),
    (["list", "--problems", "/no/such/folder"], "does not exist"),
])
def test_bad_input_is_one_line_exit_2(args, fragment):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.output


def test_user_problem_folder_and_broken_file(tmp_path):
    (tmp_path / "bowl.toml").write_text('formula = "(x - 1)**2 + (y + 2)**2"\nx0 = [0, 0]\nfstar = 0\n')
    (tmp_path / "broken.toml").write_text('formula = "x +* y"\n')
    (tmp_path / "badfield.toml").write_text('formula = "x**2"\nx0 = ["a"]\n')
    listing = run("list", "--problems", str(tmp_path), "--format", "json")
    assert listing.exit_code == 0
    names = {r["name"] for r in json.loads(listing.stdout)}
    assert "bowl" in names and "quartic" in names and "broken" not in names
    assert "broken.toml: field 'formula'" in listing.stderr
    assert "badfield.toml: field 'x0'" in listing.stderr
    record = json.loads(run("eval", "--fn", "bowl", "--problems", str(tmp_path), "--at", "1,-2",
                            "--format", "json").stdout)
    assert record["classification"]["kind"] == "minimum"
    env_run = run("eval", "--fn", "bowl", "--format", "json", env={"OPTKIT_PROBLEMS": str(tmp_path)})
    assert env_run.exit_code == 0, env_run.output
    bad = run("eval", "--fn", "broken", "--problems", str(tmp_path))
    assert bad.exit_code == 2 and "broken.toml: field 'formula'" in bad.stderr


def _installed_optkit():
    candidate = Path(sys.executable).with_name("optkit")
    return str(candidate) if candidate.exists() else shutil.which("optkit")


def test_installed_command_from_another_directory(tmp_path):
    if _installed_optkit() is None:
        pytest.fail("the optkit command is not installed here: run the tests as the README says (pip install '.[test]')")
    env = {**os.environ, "NO_COLOR": "1"}
    out = subprocess.run([_installed_optkit(), "eval", "--fn", "course-2.2", "--at", "0,0", "--format", "json"],
                         cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["grad"] == pytest.approx([0, -17])
    listing = subprocess.run([_installed_optkit(), "list", "--format", "json"], cwd=tmp_path,
                             capture_output=True, text=True, env=env, timeout=120)
    bundled = {p.stem for p in (Path(__file__).parents[1] / "optkit" / "problems" / "bundled").iterdir()
               if p.suffix in (".toml", ".py") and not p.name.startswith("_")}
    assert bundled <= {r["name"] for r in json.loads(listing.stdout)}
    bad = subprocess.run([_installed_optkit(), "eval", "--fn", "nope"], cwd=tmp_path,
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_python_dash_m_works(tmp_path):
    out = subprocess.run([sys.executable, "-m", "optkit", "--help"], capture_output=True, text=True,
                         cwd=Path(__file__).parents[1], timeout=120)
    assert out.returncode == 0 and "eval" in out.stdout
