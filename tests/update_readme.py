"""Rewrite the README's ```console``` outputs from real runs:  ``python tests/update_readme.py``.

Run it after changing anything that prints (a table, a message, a default);
``tests/test_readme.py`` then compares every shown output with the real one and
fails until the README is regenerated.  ``--check`` only reports the blocks
that differ (exit code 1 when any does).

Conventions of the README's console blocks (shared by this script and the test):

* ``$ optkit ARGS`` is a command; the lines after it, up to the next ``$`` line or
  the end of the block, are its output at ``COLUMNS=100`` with ``NO_COLOR=1``:
  stdout when it succeeds, stderr (the one ``Error:`` line) when it exits with 2.
* ``$ optkit ARGS  # comment`` shows a command without its output: it must run
  (exit code 0), nothing is compared.
* Comparing, trailing spaces are ignored, times are masked (the "Wall time" and
  "time" rows), and so is the folder the package is installed in (``show``'s file row).
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
ENV = {"COLUMNS": "100", "NO_COLOR": "1"}

_TIME_ROW = re.compile(r"^(\s*(?:Wall time|time)\s+)\S.*$")
_PACKAGE_PATH = re.compile(r"\S*/optkit/problems/bundled/")


@dataclass
class Example:
    """One ``$ optkit`` line of a console block: where it is, its arguments, the output shown."""

    line: int  # index of the ``$`` line in README.splitlines()
    command: str
    shown: list[str]
    output_shown: bool  # False for ``$ optkit ...  # comment`` lines

    @property
    def args(self) -> list[str]:
        return shlex.split(self.command)[1:]


def console_examples(text: str) -> list[Example]:
    """Every ``$ optkit`` line inside a ```console``` block, with the lines shown after it."""
    lines = text.splitlines()
    found, in_console = [], False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            in_console = line.strip() == "```console" and not in_console
            continue
        if in_console and line.startswith("$ optkit "):
            command, _, comment = line[2:].partition("  #")
            shown = []
            for following in lines[i + 1:]:
                if following.startswith("$ ") or following.startswith("```"):
                    break
                shown.append(following)
            found.append(Example(i, command.strip(), shown, output_shown=not comment))
    return found


def run(args: list[str]):
    """(exit code, stdout, stderr) of ``optkit ARGS`` in this process, at the README's width."""
    from typer.testing import CliRunner

    from optkit.cli.app import app

    result = CliRunner().invoke(app, args, env=ENV)
    return result.exit_code, result.stdout, result.stderr


def shown_output(code: int, stdout: str, stderr: str) -> list[str]:
    """What the README shows for a run: stdout, or the error line(s) of a refused command."""
    text = stdout if code == 0 else stderr
    return [line.rstrip() for line in text.rstrip("\n").splitlines()]


def normalise(lines: list[str]) -> list[str]:
    """Lines as compared: trailing spaces dropped, times and the installation folder masked."""
    out = []
    for line in lines:
        line = _TIME_ROW.sub(lambda m: m.group(1) + "<time>", line.rstrip())
        out.append(_PACKAGE_PATH.sub("<package>/problems/bundled/", line))
    return out


def regenerate(text: str) -> tuple[str, list[str]]:
    """The README with every shown output replaced by the real one, and the commands whose output changed."""
    lines = text.splitlines()
    changed = []
    for example in reversed(console_examples(text)):  # from the end, so earlier indices stay valid
        if not example.output_shown:
            continue
        code, stdout, stderr = run(example.args)
        if code not in (0, 2):
            raise SystemExit(f"`{example.command}` exited with {code}:\n{stdout}{stderr}")
        new = shown_output(code, stdout, stderr)
        if normalise(new) == normalise(example.shown):
            continue  # only times differ: keep the README as it is
        changed.append(example.command)
        start = example.line + 1
        lines[start:start + len(example.shown)] = new
    return "\n".join(lines) + ("\n" if text.endswith("\n") else ""), list(reversed(changed))


def main(argv: list[str]) -> int:
    os.environ.update(ENV)
    text = README.read_text(encoding="utf-8")
    new, changed = regenerate(text)
    for command in changed:
        print(f"output changed: {command}")
    if "--check" in argv:
        return 1 if changed else 0
    if new != text:
        README.write_text(new, encoding="utf-8")
        print(f"rewrote {README} ({len(changed)} output(s) changed)")
    else:
        print("README outputs are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
