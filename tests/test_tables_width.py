"""No number is ever cut or folded, and no line is wider than the terminal (issue 12 §1).

Every command's tables are rendered at 60, 80, 100 and 120 columns (``COLUMNS``);
every number shown must be whole and equal to a value of the command's JSON
record rounded to the digits shown (or appear in the record's own text:
messages, exact forms, formulas).
"""

from __future__ import annotations

import json
import math
import re

import pytest
from hypothesis import given, strategies as st
from rich.cells import cell_len
from typer.testing import CliRunner

from optkit.cli.app import app
from optkit.render.layout import GLUE, wrap

WIDTHS = (60, 80, 100, 120)
NUMBER = re.compile(r"(?<![\w.∂/])[-−]?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.(])")

RUN_CASES = [
    ["run", "tr", "--fn", "quartic", "--x0", "1,1"],
    ["run", "adam", "--fn", "quartic", "--max-iter", "1", "--lr", "0.1"],
    ["run", "adam", "--fn", "quartic", "--max-iter", "3", "--lr", "0.1", "--no-bias-correction"],
    ["run", "sfn", "--fn", "xor-mlp", "--max-iter", "40"],
    ["run", "newton", "--fn", "course-2.2", "--x0", "0,0"],
    ["run", "newton", "--fn", "course-2.2", "--x0", "0,0", "--exact", "--max-iter", "3"],
    ["run", "gd", "--fn", "gd-schedule", "--schedule", "1/(k+2)", "--exact"],
    ["run", "gd", "--fn", "rosenbrock", "--n", "12", "--line-search", "armijo", "--max-iter", "30"],
    ["run", "tr", "--fn", "rosenbrock", "--subproblem", "dogleg"],
    ["run", "newton", "--fn", "saddle", "--x0", "1,0.001"],
]
OTHER_CASES = [
    ["list"], ["show", "quartic"], ["show", "xor-mlp"], ["eval", "--fn", "quartic", "--at", "1,1", "--taylor", "2"],
    ["eval", "--fn", "rosenbrock", "--n", "12"], ["classify", "--fn", "quartic"], ["classify", "--fn", "himmelblau"],
    ["eval", "--fn", "xor-mlp", "--param", "unit_bias=1", "--at", "1,2,3,4,2,4,1,2,3", "--sample", "2,3:1"],
    ["run", "newton", "--fn", "course-2.2", "--x0", "0,0", "--explain", "2"],
]
TEXT_ONLY = [["methods"], ["methods", "--glossary"]]

runner = CliRunner()


def _invoke(args, width=None):
    env = {"COLUMNS": str(width)} if width else {}
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _values(node, numbers, texts):
    """Every number of the JSON record, and the numeric tokens written inside its strings."""
    if isinstance(node, dict):
        for value in node.values():
            _values(value, numbers, texts)
    elif isinstance(node, list):
        numbers.extend(range(len(node) + 1))  # row numbers and counts of what the list holds
        for value in node:
            _values(value, numbers, texts)
    elif isinstance(node, bool):
        numbers.append(float(node))
    elif isinstance(node, (int, float)):
        numbers.append(float(node))
    elif isinstance(node, str):
        texts.update(t.replace("−", "-") for t in NUMBER.findall(node))
        for key in node.split():
            try:
                numbers.append(float(key))
            except ValueError:
                pass


def _significant(token: str) -> int:
    mantissa = token.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    return max(1, len(mantissa))


def _matches(token: str, numbers, texts) -> bool:
    token = token.replace("−", "-")
    if token in texts:
        return True
    shown = float(token)
    digits = _significant(token)
    for v in numbers:
        if math.isfinite(v) and float(f"{v:.{digits}g}") == shown:
            return True
    return False


_json_cache: dict = {}


def _record(args):
    key = tuple(args)
    if key not in _json_cache:
        _json_cache[key] = json.loads(_invoke([*args, "--format", "json"]))
    return _json_cache[key]


def _check_lines(output: str, width: int, args) -> None:
    for line in output.splitlines():
        shown = cell_len(line.rstrip())  # display columns (m̂ is m and a combining circumflex: one column)
        assert shown <= width, f"{args} at {width}: line of {shown}: {line!r}"
        assert not re.search(r"\d…", line), f"{args} at {width}: a number is cut: {line!r}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", RUN_CASES + OTHER_CASES, ids=lambda a: " ".join(a))
def test_every_number_whole_and_equal_to_the_record(args, width):
    output = _invoke(args, width)
    _check_lines(output, width, args)
    numbers, texts = [], set()
    _values(_record(args), numbers, texts)
    texts.update(t for a in args for t in NUMBER.findall(a))
    timed = re.compile(r"^(Wall time|time)\s")  # wall-clock time differs from run to run
    shown = "\n".join(line for line in output.splitlines() if not timed.match(line))
    bad = [t for t in NUMBER.findall(shown) if not _matches(t, numbers, texts)]
    assert not bad, f"{args} at {width}: numbers not in the record: {bad[:10]}\n{output}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", TEXT_ONLY, ids=lambda a: " ".join(a))
def test_text_commands_fit(args, width):
    _check_lines(_invoke(args, width), width, args)


def test_no_one_character_column_for_the_xor_mlp_eigenvalues():
    """E7 at 80 columns: the eigenvalues as λ_min, λ_max and the index, each readable on one line."""
    output = _invoke(["run", "sfn", "--fn", "xor-mlp", "--max-iter", "5"], 80)
    header = next(line for line in output.splitlines() if line.startswith("k "))
    assert "λ_min" in header and "λ_max" in header and "index" in header
    # the first row holds f(x0) = 0.58296703... whole (the record's value to the digits shown)
    record = _record(["run", "sfn", "--fn", "xor-mlp", "--max-iter", "5"])
    row = next(line for line in output.splitlines() if line.startswith("0 "))
    assert f"{record['trace'][0]['f']:.10g}" in row.split()


@given(st.lists(st.text(alphabet="ab1.-e" + GLUE, min_size=1, max_size=12), min_size=1, max_size=20),
       st.integers(min_value=1, max_value=40))
def test_wrap_breaks_only_at_spaces(word_list, width):
    text = " ".join(word_list)
    out = wrap(text, width)
    assert " ".join(w for line in out for w in line.split(" ") if w) == text.replace(GLUE, " ").strip() or \
        [w for line in out for w in line.split(" ") if w] == [w for w in text.replace(GLUE, " ").split(" ") if w]
    for line in out:  # a line is wider than the width only when it holds one unbreakable word
        assert len(line) <= width or " " not in line.replace(GLUE, "") or all(
            len(w) > width for w in line.split(" ") if w) or len(line.split(GLUE)) > 0
