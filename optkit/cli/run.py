"""The ``optkit run`` and ``optkit methods`` commands.

``register(app)`` adds them to the Typer app of ``optkit.cli.app``.  The method
options are not restated here: one named flag per option of the catalogue
(``methods.OPTIONS``), built into the command's signature, plus
``--opt key=value``; all values go through the catalogue's validation, so a
bad value is one ``Error:`` line and exit code 2.
"""

from __future__ import annotations

import inspect
from typing import List, Optional

import typer

from optkit.errors import OptkitError
from optkit.methods.catalogue import CATALOGUE, COMMON, OPTIONS

RUN_FORMATS = ("table", "json", "csv")


def _method_list() -> str:
    return ", ".join(e.name + (f" ({', '.join(e.aliases)})" if e.aliases else "") for e in CATALOGUE.values())


def _owners(key: str) -> str:
    """' [gd, adam; default 0.01]' or, when the methods differ, ' [gd: default 0.01; adam: default 0.001]'."""
    owners = [e for e in CATALOGUE.values() if key in e.options]
    defaults = {repr(e.option_default(key)) for e in owners}
    if len(defaults) == 1:
        return f" [{', '.join(e.name for e in owners)}; default {owners[0].option_default(key)}]"
    return " [" + "; ".join(f"{e.name}: default {e.option_default(key)}" for e in owners) + "]"


def _option_parameters() -> list[inspect.Parameter]:
    params = []
    for spec in OPTIONS.values():
        allowed = spec.allowed or ", ".join(spec.choices)
        help_text = spec.help + (f" (allowed: {allowed})" if allowed else "") + _owners(spec.name)
        if spec.kind == "bool":
            flag = f"{spec.flag}/--no-{spec.flag[2:]}"
            default, annotation = typer.Option(None, flag, help=help_text), Optional[bool]
        else:
            default, annotation = typer.Option(None, spec.flag, help=help_text), Optional[str]
        params.append(inspect.Parameter("opt_" + spec.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                        annotation=annotation))
    for spec in COMMON.values():
        help_text = f"{spec.help} (default {spec.default}; allowed: {spec.allowed})"
        params.append(inspect.Parameter("common_" + spec.name, inspect.Parameter.KEYWORD_ONLY,
                                        default=typer.Option(None, spec.flag, help=help_text),
                                        annotation=Optional[str]))
    return params


def _fixed_parameters() -> list[inspect.Parameter]:
    from optkit.cli.common import ExprOption, FnOption, NOption, NoColorOption, ParamOption, ProblemsOption, VarsOption

    P = inspect.Parameter
    kw = P.KEYWORD_ONLY
    return [
        P("method", P.POSITIONAL_OR_KEYWORD, annotation=str,
          default=typer.Argument(..., help=f"Method: {_method_list()} (see `optkit methods`).")),
        P("fn", kw, annotation=Optional[str], default=FnOption),
        P("expr", kw, annotation=Optional[str], default=ExprOption),
        P("vars_", kw, annotation=Optional[str], default=VarsOption),
        P("x0", kw, annotation=Optional[str],
          default=typer.Option(None, "--x0", help='Start, e.g. 0,0 or "-1.2, 1" (default: the problem\'s x0).')),
        P("opt", kw, annotation=Optional[List[str]],
          default=typer.Option(None, "--opt", help="Method option key=value, e.g. --opt delta0=0.5 (repeatable).")),
        P("exact", kw, annotation=bool,
          default=typer.Option(False, "--exact", help="Exact arithmetic (gd with a fixed/scheduled step and pure "
                                                      "newton, closed-form problems): fractions and surds.")),
        P("format", kw, annotation=str,
          default=typer.Option("table", "--format", "-f", help="Output: table, json (the run record) or csv (the trace).")),
        P("output", kw, annotation=Optional[str],
          default=typer.Option(None, "--output", "-o", help="Write the chosen format to this file instead of stdout.")),
        P("every", kw, annotation=Optional[int],
          default=typer.Option(None, "--every", help="Table: show every N-th iteration (and the last).")),
        P("show_all", kw, annotation=bool, default=typer.Option(False, "--all", help="Table: show every iteration.")),
        P("eig", kw, annotation=Optional[bool],
          default=typer.Option(None, "--eig/--no-eig", help="Hessian eigenvalues in the trace (default: n ≤ 10).")),
        P("n", kw, annotation=Optional[int], default=NOption),
        P("param", kw, annotation=Optional[List[str]], default=ParamOption),
        P("problems", kw, annotation=Optional[List[str]], default=ProblemsOption),
        P("no_color", kw, annotation=bool, default=NoColorOption),
    ]


def _pairs(pairs: Optional[List[str]]) -> dict:
    """--opt key=value pairs; keys may use dashes like the named flags (delta-0 → delta_0)."""
    from optkit.cli.common import key_value_pairs

    out = {}
    for key, value in key_value_pairs(pairs, "--opt", "delta0=0.5").items():
        key = key.replace("-", "_")
        if key in out:
            raise OptkitError(f"option {key} given twice")
        out[key] = value
    return out


def run_command(**kw) -> None:
    from optkit.cli.common import _check_format, _problem
    from optkit.run.driver import minimize
    from optkit.symbolic.grammar import parse_vector, split_vector
    from optkit.methods.specs import parse_spec

    fmt = _check_format(kw["format"], RUN_FORMATS)
    method_spec = parse_spec(kw["method"])
    if method_spec.is_scipy:
        raise OptkitError(f"{method_spec.method} is a SciPy reference for optkit compare; optkit run takes an optkit "
                          "method or preset (see `optkit methods`)")
    raw = _pairs(kw["opt"])
    for spec in OPTIONS.values():
        value = kw.get("opt_" + spec.name)
        if value is None:
            continue
        if spec.name in raw:
            raise OptkitError(f"option {spec.name} given both as {spec.flag} and as --opt")
        raw[spec.name] = value
    common = {spec.name: kw["common_" + spec.name] for spec in COMMON.values() if kw.get("common_" + spec.name) is not None}
    if kw["every"] is not None and kw["every"] < 1:
        raise OptkitError(f"--every must be at least 1, got {kw['every']}")
    problem = _problem(kw["fn"], kw["expr"], kw["vars_"], kw["n"], kw["param"], kw["problems"])
    x0 = problem.x0 if kw["x0"] is None else parse_vector(kw["x0"], problem.n, "--x0 start")
    if kw["exact"]:
        from optkit.methods.exact_steps import run_exact

        x0_exact = split_vector(kw["x0"]) if kw["x0"] is not None else None
        result = run_exact(problem, method_spec.method, x0_exact if x0_exact is not None else x0,
                           _coerce_common(common), {**method_spec.given, **raw})
    else:
        result = minimize(problem, kw["method"], x0, eig=kw["eig"], options={**raw, **common})
    record = result.to_dict()
    _emit(record, fmt, kw)


def _coerce_common(common: dict) -> dict:
    return {key: COMMON[key].coerce(common[key], "the run") if key in common else COMMON[key].default
            for key in COMMON}


def _emit(record: dict, fmt: str, kw: dict) -> None:
    from optkit.cli.common import _print_tables
    from optkit.render.output import json_text, write_stdout

    if fmt == "table":
        from optkit.render.run_report import iterations_table, summary_table

        tables = [iterations_table(record, kw["every"], kw["show_all"], eig=kw["eig"] is not False),
                  summary_table(record)]
        if kw["output"] is not None:
            from rich.console import Console

            with _open(kw["output"]) as handle:
                console = Console(file=handle, no_color=True, width=200, highlight=False, soft_wrap=False)
                for table in tables:
                    console.print(table)
            return
        _print_tables(tables, kw["no_color"])
        return
    if fmt == "json":
        text = json_text(record)
    else:
        from optkit.render.run_report import trace_csv

        text = trace_csv(record)
    if kw["output"] is not None:
        with _open(kw["output"]) as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
        return
    write_stdout(text)


def _open(path: str):
    if not path.strip():  # an empty name would silently mean stdout
        raise OptkitError("--output needs a file name, e.g. --output run.json; leave it out to write to stdout")
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise OptkitError(f"cannot write --output {path!r}: {exc.strerror}") from None


def methods_command(format: str = "table", no_color: bool = False) -> None:
    from optkit.cli.common import _check_format, _print_tables
    from optkit.methods.catalogue import catalogue_records

    _check_format(format)
    rows = catalogue_records()
    if format == "json":
        from optkit.render.output import json_text, write_stdout

        write_stdout(json_text(rows))
        return
    from rich.table import Table

    from optkit.render.output import fmt

    table = Table(title=f"{len(rows)} methods", title_justify="left")
    for column in ("method", "what it does", "needs", "options (default; allowed)"):
        table.add_column(column, overflow="fold")
    for row in rows:
        name = row["name"] + (f" ({', '.join(row['aliases'])})" if row["aliases"] else "")
        options = "\n".join(f"{o['flag']} = {fmt(o['default']) if not isinstance(o['default'], str) else o['default']}"
                            + (f"  ({o['allowed']})" if o["allowed"] else "") for o in row["options"])
        table.add_row(name, row["summary"] + f"\n{row['reference']}", row["needs"], options)
    _print_tables([table], no_color)


def register(app: typer.Typer) -> None:
    """Add ``run`` and ``methods`` to ``app``.

    ``optkit.cli.app`` calls it.
    The shared option objects and helpers of ``optkit.cli.app`` are imported here and
    in the commands, not at module level, so either module may be imported first.
    """
    from optkit.cli.common import NoColorOption, one_line_errors

    def run(**kw) -> None:
        run_command(**kw)

    params = _fixed_parameters() + _option_parameters()
    run.__signature__ = inspect.Signature(params)
    run.__annotations__ = {p.name: p.annotation for p in params}
    run.__doc__ = (f"Run one optimizer on one problem and show every iteration and where it ended. "
                   f"Methods: {_method_list()}. Common options: --max-iter --gtol (on ‖g‖₂) --ftol --xtol "
                   f"--max-evals --seed; method options as named flags or --opt key=value.")
    app.command("run")(one_line_errors(run))

    def methods(format: str = typer.Option("table", "--format", "-f", help="Output: table or json."),
                no_color: bool = NoColorOption) -> None:  # noqa: B008 (typer's option objects)
        """List the methods of the catalogue with their options, defaults and allowed ranges."""
        methods_command(format, no_color)

    app.command("methods")(one_line_errors(methods))
