"""S1/S2: a problem name is a name, never a path; only folders the user named are imported.

Each test plants a canary: a ``.py`` file that, if it were ever imported, would write a
marker file.  Every command that takes a problem is tried with names that reach outside the
registered folders and with an empty ``--problems``; the marker must never appear, and the
command must answer with one ``Error:`` line and exit code 2.
"""

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optkit.cli.app import app

runner = CliRunner()

# (command, extra arguments that make it otherwise valid)
COMMANDS = [
    ("show", []),
    ("eval", ["--at", "0,0"]),
    ("run", ["newton"]),
    ("classify", []),
    ("compare", ["--methods", "gd", "--max-iter", "2", "--jobs", "1"]),
]


def plant_canary(folder: Path, stem: str = "evil") -> Path:
    marker = folder / f"{stem}.ran"
    (folder / f"{stem}.py").write_text(
        "from pathlib import Path\n"
        f"Path({str(marker)!r}).write_text('imported')\n"
    )
    return marker


def invoke(command, fn, extra, *more):
    args = [command, *([fn] if command == "show" else ["--fn", fn]), *extra, *more]
    if command == "run":  # the method argument comes first after the command
        args = ["run", *extra, "--fn", fn, *more]
    return runner.invoke(app, args)


def assert_one_line_error(result):
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command,extra", COMMANDS, ids=[c for c, _ in COMMANDS])
@pytest.mark.parametrize("style", ["absolute", "relative", "dotted"])
def test_problem_name_that_is_a_path_is_never_imported(tmp_path, monkeypatch, command, extra, style):
    outside = tmp_path / "outside"
    outside.mkdir()
    marker = plant_canary(outside)
    cwd = tmp_path / "a" / "b"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    name = {
        "absolute": str(outside / "evil"),
        # relative to the bundled folder and to the working directory
        "relative": os.path.relpath(outside / "evil", Path(__file__).resolve().parent.parent / "optkit" / "problems" / "bundled"),
        "dotted": "../../outside/evil",
    }[style]
    result = invoke(command, name, extra)
    assert not marker.exists(), f"{command} imported {name}"
    assert_one_line_error(result)
    assert "not a problem name" in result.stderr


@pytest.mark.parametrize("command,extra", COMMANDS, ids=[c for c, _ in COMMANDS])
def test_empty_problems_folder_is_refused(tmp_path, monkeypatch, command, extra):
    marker = plant_canary(tmp_path, "canary")
    monkeypatch.chdir(tmp_path)
    result = invoke(command, "quartic", extra, "--problems", "")
    assert not marker.exists(), f"{command} --problems '' imported the working directory"
    assert_one_line_error(result)
    assert "--problems" in result.stderr


def test_list_with_empty_problems_folder_is_refused(tmp_path, monkeypatch):
    marker = plant_canary(tmp_path, "canary")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["list", "--problems", ""])
    assert not marker.exists()
    assert_one_line_error(result)


def test_bad_environment_folder_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTKIT_PROBLEMS", str(tmp_path / "missing"))
    result = runner.invoke(app, ["show", "quartic"])
    assert_one_line_error(result)
    assert "$OPTKIT_PROBLEMS" in result.stderr


@pytest.mark.parametrize("name", ["__init__", "_private", ".hidden", "a/b", "a\\b", "x" * 256, "", "quartic\x00"])
def test_names_that_are_not_names(name):
    result = runner.invoke(app, ["show", name])
    assert_one_line_error(result)


def test_named_folder_is_imported(tmp_path):
    """The rule's other half: a .py in a folder the user named *is* imported, on request."""
    marker = plant_canary(tmp_path, "mine")
    result = runner.invoke(app, ["show", "mine", "--problems", str(tmp_path)])
    assert marker.exists()  # the user asked for this folder
    assert result.exit_code == 2  # it defines no PROBLEM: one clear line naming the field
    assert "PROBLEM" in result.stderr
