"""The README cannot drift: its examples run, and every output it shows is the real one.

* every ``$ optkit ...`` line of a ```console``` block runs, and the output shown
  under it is compared, line by line, with the real output at ``COLUMNS=100``
  (times and the installation folder masked; conventions in ``update_readme.py``);
* every command of the table "The course exercises, one command each" runs as
  written (``[--flag]`` means: with and without it);
* the Python block runs.

When an output changes on purpose, regenerate the README with
``python tests/update_readme.py`` (and read the diff).
"""

import re
import shlex

import pytest
from update_readme import README, console_examples, normalise, run, shown_output

TEXT = README.read_text(encoding="utf-8")
REGENERATE = "python tests/update_readme.py"


@pytest.mark.parametrize("example", [pytest.param(e, id=e.command[:70]) for e in console_examples(TEXT)])
def test_console_output_is_the_real_output(example):
    code, stdout, stderr = run(example.args)
    if not example.output_shown:
        assert code == 0, stdout + stderr
        return
    expected_code = 2 if example.shown and example.shown[0].startswith("Error:") else 0
    assert code == expected_code, stdout + stderr
    assert normalise(shown_output(code, stdout, stderr)) == normalise(example.shown), \
        f"README output of `{example.command}` is stale: run {REGENERATE}"


def course_commands() -> list[str]:
    """The commands of the course-exercise table; ``[--flag]`` gives the command with and without it."""
    section = TEXT.split("## The course exercises, one command each", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| E")]
    commands = []
    for row in rows:
        for code in re.findall(r"`([^`]*)`", row.split("|")[2]):
            if not code.startswith("optkit "):
                continue
            optional = re.search(r"\s*\[(--[^\]]+)\]", code)
            if optional:
                bracket, flag = optional.group(0), optional.group(1)
                commands += [code.replace(bracket, ""), code.replace(bracket, " " + flag)]
            else:
                commands.append(code)
    return commands


def test_the_course_table_gives_commands_that_run_as_written():
    commands = course_commands()
    assert len(commands) >= 12
    assert not any("..." in c for c in commands), "a command in the course table must run as written"


# the two xor-mlp commands run a thousand iterations of a network: over a second each
@pytest.mark.parametrize("command", [pytest.param(c, marks=pytest.mark.slow if "xor-mlp" in c else ())
                                     for c in course_commands()])
def test_course_table_command_runs_as_written(command):
    code, stdout, stderr = run(shlex.split(command)[1:])
    assert code == 0, stdout + stderr
    assert stdout.strip()


def test_the_python_block_runs():
    block = re.search(r"```python\n(.*?)```", TEXT, re.S).group(1)
    namespace = {}
    exec(compile(block, "README.md (python block)", "exec"), namespace)  # the README's own example code
    result = namespace["result"]
    assert result.success and result.x == pytest.approx([0.130875, 4.268358], abs=1e-6)  # E2's minimum


def test_readme_has_both_setup_commands():
    assert "pip install . && .venv/bin/optkit" in TEXT
    assert re.search(r"<!-- test-command -->\n```bash\n.*pytest", TEXT)
