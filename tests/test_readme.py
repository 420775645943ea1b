"""Every `$ optkit ...` example in the README runs, and shown errors are the real ones."""

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optkit.cli.app import app

README = (Path(__file__).parents[1] / "README.md").read_text()


def examples():
    found = []
    lines = README.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("$ optkit "):
            command = line[2:].split("  #")[0].strip()
            shown = []
            for following in lines[i + 1:]:
                if following.startswith("$ ") or following.startswith("```"):
                    break
                shown.append(following)
            found.append(pytest.param(command, shown, id=command[:60]))
    return found


@pytest.mark.parametrize("command, shown", examples())
def test_readme_example(command, shown):
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "100"})
    if shown and shown[0].startswith("Error:"):
        assert result.exit_code == 2
        assert result.stderr.strip() == shown[0]
        return
    assert result.exit_code == 0, result.output
    summary = [line for line in shown if line.strip().startswith("summary")]
    if summary:  # the summary line shown in the README is the one printed now
        assert summary[0].split()[1:6] == result.stdout.split("summary", 1)[1].split()[:5]


def test_readme_has_both_setup_commands():
    assert "pip install . && .venv/bin/optkit" in README
    assert re.search(r"<!-- test-command -->\n```bash\n.*pytest", README)
