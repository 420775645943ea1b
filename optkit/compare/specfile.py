"""Sweep spec files (``optkit compare --spec sweep.toml``): a sweep that can be versioned and rerun.

Every field is optional; a command-line option given beside ``--spec`` wins over the file::

    methods = ["newton+armijo", "tr-cg", "scipy:BFGS"]   # or one string "newton,tr-cg"
    starts = 5
    seed = 0
    run_timeout = 10.0
    cost = "evals"                                      # evals | iterations | time

    [problems]
    fn = ["rosenbrock", "himmelblau"]                   # and/or tag = ["classic"]
    n = [2, 10]                                         # scalable problems only
    params = { cond = 100 }
    # expr = "x**2 - y**2"; vars = ["x", "y"]; x0 = [1, 0.001]

    [tolerances]
    gtol = 1e-8
    max_iter = 1000
    solved_ftol = 1e-6

Every error names the file and the field (``sweep.toml: field 'methods[2]': unknown method ...``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from optkit.errors import OptkitError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

TOP_FIELDS = ("methods", "problems", "starts", "seed", "tolerances", "run_timeout", "cost")
PROBLEM_FIELDS = ("fn", "tag", "n", "params", "expr", "vars", "x0")


def load_spec_file(path: str) -> dict:
    """The file's settings as ``compare`` option values (``methods`` as comma-separated text, ...)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise OptkitError(f"cannot read --spec {path!r}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OptkitError(f"{path}: not valid TOML: {exc}") from None
    reader = _Fields(path)
    reader.known(data, TOP_FIELDS, "")
    out: dict = {}
    if "methods" in data:
        methods = data["methods"]
        items = methods.split(",") if isinstance(methods, str) else methods
        if not isinstance(items, list) or not items or not all(isinstance(m, str) for m in items):
            reader.fail("methods", 'expected a list of method specs, e.g. ["newton", "tr-cg", "scipy:BFGS"]')
        from optkit.methods.specs import parse_spec

        for i, item in enumerate(items):
            try:
                parse_spec(item)
            except OptkitError as exc:
                reader.fail(f"methods[{i}]", str(exc))
        out["methods"] = ",".join(m.strip() for m in items)
    for name in ("starts", "seed"):
        if name in data:
            value = data[name]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                reader.fail(name, f"expected a whole number ≥ 0, got {value!r}")
            out[name] = value
    if "run_timeout" in data:
        value = data["run_timeout"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            reader.fail("run_timeout", f"expected a number of seconds > 0, got {value!r}")
        out["run_timeout"] = float(value)
    if "cost" in data:
        from optkit.compare.profiles import COSTS

        if data["cost"] not in COSTS:
            reader.fail("cost", f"expected one of {', '.join(COSTS)}, got {data['cost']!r}")
        out["cost"] = data["cost"]
    if "problems" in data:
        out.update(_problems(reader, data["problems"]))
    if "tolerances" in data:
        table = data["tolerances"]
        if not isinstance(table, dict):
            reader.fail("tolerances", "expected a table, e.g. [tolerances] gtol = 1e-8")
        from optkit.compare.sweep import Tolerances

        Tolerances.from_values(table, where=f"{path}: field 'tolerances'")
        out["tolerances"] = dict(table)
    return out


def _problems(reader: "_Fields", table) -> dict:
    if not isinstance(table, dict):
        reader.fail("problems", 'expected a table, e.g. [problems] fn = ["rosenbrock"]')
    reader.known(table, PROBLEM_FIELDS, "problems.")
    out = {}
    for name in ("fn", "tag", "vars"):
        if name in table:
            value = table[name]
            items = value.split(",") if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
                reader.fail(f"problems.{name}", "expected a list of names")
            out[name] = [v.strip() for v in items]
    if "n" in table:
        value = table["n"]
        items = [value] if isinstance(value, int) else value
        if not isinstance(items, list) or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1
                                                  for v in items):
            reader.fail("problems.n", "expected a whole number ≥ 1 or a list of them, e.g. [2, 10, 100]")
        out["n"] = items
    if "params" in table:
        if not isinstance(table["params"], dict):
            reader.fail("problems.params", "expected a table, e.g. params = { cond = 100 }")
        out["params"] = {k: str(v) for k, v in table["params"].items()}
    if "expr" in table:
        if not isinstance(table["expr"], str):
            reader.fail("problems.expr", "expected a formula as text")
        out["expr"] = table["expr"]
    if "x0" in table:
        value = table["x0"]
        if not isinstance(value, list) or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                  for v in value):
            reader.fail("problems.x0", "expected a list of numbers")
        out["x0"] = ",".join(repr(float(v)) for v in value)
    return out


class _Fields:
    def __init__(self, path: str):
        self.path = path

    def fail(self, name: str, message: str):
        raise OptkitError(f"{self.path}: field {name!r}: {message}")

    def known(self, table: dict, allowed, prefix: str) -> None:
        import difflib

        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean {prefix}{close[0]}?" if close else ""
                self.fail(prefix + key, f"unknown field{hint} (allowed: {', '.join(prefix + a for a in allowed)})")
