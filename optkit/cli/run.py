"""The ``optkit run`` and ``optkit methods`` commands.

``register(app)`` adds them to the Typer app of ``optkit.cli.app``.  The method
options are not restated here: one named flag per option of the catalogue
(``methods.OPTIONS``), built into the command's signature, plus
``--opt key=value``; all values go through the catalogue's validation, so a
bad value is one ``Error:`` line and exit code 2.
"""

from __future__ import annotations

import inspect
import sys
from typing import List, Optional

import typer

from optkit.errors import OptkitError
from optkit.methods.catalogue import CATALOGUE, COMMON, OPTIONS

RUN_FORMATS = ("table", "json", "csv")


def _method_list() -> str:
    return ", ".join(e.name + (f" ({', '.join(e.aliases)})" if e.aliases else "") for e in CATALOGUE.values())


def _owners(key: str) -> str:
    """' [gd, adam; default 0.01]' or, when the methods differ, ' [gd: default 0.01; adam: default 0.001]'.

    A method that takes only some values of a choice says which (' sfn: none, armijo').
    """
    owners = [e for e in CATALOGUE.values() if key in e.options]
    defaults = {repr(e.option_default(key)) for e in owners}
    narrowed = "".join(f"; {e.name} takes {', '.join(e.choices[key])}" for e in owners if key in e.choices)
    if len(defaults) == 1:
        return f" [{', '.join(e.name for e in owners)}; default {owners[0].option_default(key)}{narrowed}]"
    return " [" + "; ".join(f"{e.name}: default {e.option_default(key)}" for e in owners) + narrowed + "]"


def _conditions(key: str) -> str:
    """' (with --line-search wolfe)', or per method where they differ (' (gd: with --line-search none)')."""
    owners = [e for e in CATALOGUE.values() if key in e.options]
    texts = {e.name: _applies_when({"when": {k: list(v) for k, v in e.applies_when(key).items()}}) for e in owners}
    if len(set(texts.values())) == 1:
        text = next(iter(texts.values()))
        return f" ({text})" if text else ""
    return " (" + "; ".join(f"{name}: {text}" for name, text in texts.items() if text) + ")"


def _applies_when(option: dict) -> str:
    """'with --line-search armijo or wolfe', from an option record's ``when``."""
    parts = []
    for other, values in option["when"].items():
        flag = "--" + other.replace("_", "-")
        if values in ([True], [False]):
            parts.append(flag if values[0] else f"--no-{flag[2:]}")
        else:
            parts.append(f"{flag} {' or '.join(str(v) for v in values)}")
    return "with " + " and ".join(parts) if parts else ""


def _metavar(spec) -> str | None:
    """What --help shows after a flag: the option's type (its range is in the help text), never <str>."""
    return {"float": "FLOAT", "int": "INT", "choice": "CHOICE", "text": "TEXT"}.get(spec.kind)


def _option_parameters() -> list[inspect.Parameter]:
    params = []
    for spec in OPTIONS.values():
        allowed = spec.allowed or ", ".join(spec.choices)
        help_text = spec.help + (f" (allowed: {allowed})" if allowed else "") + _conditions(spec.name) \
            + _owners(spec.name)
        if spec.kind == "bool":
            flag = f"{spec.flag}/--no-{spec.flag[2:]}"
            default, annotation = typer.Option(None, flag, help=help_text), Optional[bool]
        else:
            default = typer.Option(None, spec.flag, help=help_text, metavar=_metavar(spec))
            annotation = Optional[str]
        params.append(inspect.Parameter("opt_" + spec.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                        annotation=annotation))
    for spec in COMMON.values():
        if spec.kind == "bool":
            flag, annotation = f"{spec.flag}/--no-{spec.flag[2:]}", Optional[bool]
            help_text = f"{spec.help} (default: {'on' if spec.default else 'off'})"
        else:
            flag, annotation = spec.flag, Optional[str]
            help_text = f"{spec.help} (default {spec.default}; allowed: {spec.allowed})"
        params.append(inspect.Parameter("common_" + spec.name, inspect.Parameter.KEYWORD_ONLY,
                                        default=typer.Option(None, flag, help=help_text, metavar=_metavar(spec)),
                                        annotation=annotation))
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
          default=typer.Option(None, "--x0", "--at", metavar="POINT", help='Start, e.g. 0,0 or "-1.2, 1" or "1/2, 3" (default: the problem\'s x0); --at is the same, as in eval.')),
        P("opt", kw, annotation=Optional[List[str]],
          default=typer.Option(None, "--opt", metavar="KEY=VALUE", help="Method option key=value, e.g. --opt delta0=0.5 (repeatable).")),
        P("exact", kw, annotation=bool,
          default=typer.Option(False, "--exact", help="Exact arithmetic (gd with a fixed/scheduled step and pure "
                                                      "newton, closed-form problems): fractions and surds.")),
        P("exact_budget", kw, annotation=Optional[str],
          default=typer.Option(None, "--exact-budget", metavar="SECONDS", help="Seconds of exact arithmetic per step before the run "
                                                             "continues in floating point (default 10).")),
        P("timeout", kw, annotation=Optional[str],
          default=typer.Option(None, "--timeout", metavar="SECONDS", help="Cap the run's wall-clock time (seconds); on expiry the "
                                                        "command prints what it has, marked as cut short.")),
        P("format", kw, annotation=str,
          default=typer.Option("table", "--format", "-f", metavar="FORMAT", help="Output: table, json (the run record) or csv (the trace).")),
        P("output", kw, annotation=Optional[str],
          default=typer.Option(None, "--output", "-o", metavar="FILE", help="Write the chosen format to this file instead of stdout.")),
        P("every", kw, annotation=Optional[int],
          default=typer.Option(None, "--every", help="Table: show every N-th iteration (and the last).")),
        P("show_all", kw, annotation=bool, default=typer.Option(False, "--all", help="Table: show every iteration.")),
        P("columns", kw, annotation=Optional[str],
          default=typer.Option(None, "--columns", metavar="KEYS", help="Table: only these step columns, e.g. alpha,rho "
                                                      "(keys or headers; `optkit methods --glossary`).")),
        P("all_columns", kw, annotation=bool,
          default=typer.Option(False, "--all-columns", help="Table: every step column, in more tables when narrow.")),
        P("explain", kw, annotation=Optional[int],
          default=typer.Option(None, "--explain", min=1, max=50, metavar="K",
                               help="Write the first K iterations as a worked solution (1 ≤ K ≤ 50).")),
        P("eig", kw, annotation=Optional[bool],
          default=typer.Option(None, "--eig/--no-eig", help="Hessian eigenvalues in the trace (default: n ≤ 10).")),
        P("n", kw, annotation=Optional[int], default=NOption),
        P("param", kw, annotation=Optional[List[str]], default=ParamOption),
        P("problems", kw, annotation=Optional[List[str]], default=ProblemsOption),
        P("no_color", kw, annotation=bool, default=NoColorOption),
        *_plot_parameters(),
    ]


def _plot_parameters() -> list[inspect.Parameter]:
    """--plot, --plot-convergence, --plot-spectrum: figures of the run (drawn by optkit.cli.plot)."""
    from optkit.cli.plot import check_figure_path

    what = {"plot": "contours of f with the path and the stationary points (2-D problems)",
            "plot_convergence": "f − f* (or f) and ‖g‖ against iterations and evaluations",
            "plot_spectrum": "the Hessian's eigenvalues along the run and the index against f (n ≤ 200)"}
    return [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=Optional[str],
                              default=typer.Option(None, "--" + name.replace("_", "-"), metavar="FILE",
                                                   callback=check_figure_path,
                                                   help=f"Also draw {text} into FILE (.png, .svg or .pdf)."))
            for name, text in what.items()]


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
    import time

    from optkit.cli.common import _check_format, _problem
    from optkit.methods.specs import parse_spec
    from optkit.run.driver import DEFAULT_EXACT_BUDGET, minimize
    from optkit.run.results import Status
    from optkit.symbolic.grammar import parse_vector, split_vector

    started = time.perf_counter()
    fmt = _check_format(kw["format"], RUN_FORMATS)
    timeout = _seconds(kw.get("timeout"), "--timeout", None)
    exact_budget = _seconds(kw.get("exact_budget"), "--exact-budget", DEFAULT_EXACT_BUDGET)
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
    if kw.get("columns") is not None and not kw["columns"].strip():  # empty would silently mean "the default"
        raise OptkitError("--columns needs column keys, e.g. --columns alpha,rho (--all-columns shows every one)")
    if kw["every"] is not None and kw["every"] < 1:
        raise OptkitError(f"--every must be at least 1, got {kw['every']}")
    problem = _problem(kw["fn"], kw["expr"], kw["vars_"], kw["n"], kw["param"], kw["problems"])
    x0 = problem.x0 if kw["x0"] is None else parse_vector(kw["x0"], problem.n, "--x0 start")
    if kw["exact"] and kw["x0"] is not None:
        x0 = split_vector(kw["x0"])  # the start as written: "1/3" stays 1/3 in exact arithmetic
    result = minimize(problem, kw["method"], x0, eig=kw["eig"], exact=kw["exact"], exact_budget=exact_budget,
                      timeout=timeout, time_origin=started, options={**raw, **common})
    record = result.to_dict()
    if kw.get("explain"):
        from optkit.explain.worked import worked_solution

        x0_text = split_vector(kw["x0"]) if kw["x0"] is not None else None  # the start as typed, read exactly
        record["explain"] = worked_solution(problem, record, kw["explain"], exact_budget, x0_text)
    if fmt == "csv":
        from optkit.explain.worked import add_trace_vectors

        add_trace_vectors(problem, record)
    _emit(record, fmt, kw)
    if result.status is Status.INTERRUPTED:
        raise typer.Exit(130)
    if kw.get("plot") or kw.get("plot_convergence") or kw.get("plot_spectrum"):
        from optkit.cli.plot import run_figures

        run_figures(problem, result, kw, x0, {**raw, **common}, replay=not kw["exact"])


def _seconds(text: Optional[str], flag: str, default: Optional[float]) -> Optional[float]:
    """A positive, finite number of seconds from --timeout / --exact-budget, or the default."""
    import math

    from optkit.symbolic.grammar import parse_number

    if text is None:
        return default
    value = parse_number(text, f"{flag} seconds")
    if not (math.isfinite(value) and value > 0):
        raise OptkitError(f"{flag} must be a positive finite number of seconds, got {text!r}")
    return float(value)


def _emit(record: dict, fmt: str, kw: dict) -> None:
    from optkit.cli.common import _print_tables
    from optkit.render.output import json_text, write_stdout

    if fmt == "table":
        from optkit.render.output import make_console
        from optkit.render.run_report import iteration_tables, summary_table

        from rich.text import Text

        def tables(width):
            columns = [c.strip() for c in kw["columns"].split(",") if c.strip()] if kw.get("columns") else None
            out = iteration_tables(record, width, kw["every"], kw["show_all"], eig=kw["eig"] is not False,
                                   columns=columns, all_columns=kw.get("all_columns", False))
            if record.get("explain"):
                from optkit.render.explain import explain_blocks

                out += [Text(""), explain_blocks(record["explain"], width)]
            return out + [Text(""), summary_table(record, width)]

        if kw["output"] is not None:
            from rich.console import Console

            with _open(kw["output"]) as handle:
                console = Console(file=handle, no_color=True, width=200, highlight=False, soft_wrap=False)
                for table in tables(console.width):
                    console.print(table)
            return
        console = make_console(kw["no_color"])
        _print_tables(tables(console.width), kw["no_color"], console)
        if sys.stdout.isatty():  # a terminal, no file: f and ‖g‖₂ along the run in one line each
            from optkit.figures.sparkline import summary_lines

            for line in summary_lines(record):
                typer.echo(line)
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


def methods_command(format: str = "table", no_color: bool = False, glossary: bool = False) -> None:
    from optkit.cli.common import _check_format, _print_tables
    from optkit.methods.catalogue import catalogue_records
    from optkit.render.columns import glossary as column_glossary
    from optkit.render.output import json_text, make_console, write_stdout
    from optkit.render.tables import glossary_table, methods_tables

    _check_format(format)
    if glossary:
        entries = column_glossary()
        if format == "json":
            write_stdout(json_text([{"key": k, "header": h, "meaning": m} for k, h, m in entries]))
            return
        console = make_console(no_color)
        _print_tables([glossary_table(entries, console.width)], no_color, console)
        return
    records = catalogue_records()
    if format == "json":
        write_stdout(json_text(records))
        return
    from optkit.render.output import fmt

    def option_line(o: dict) -> str:
        default = o["default"]
        default = str(default).lower() if isinstance(default, bool) else default if isinstance(default, str) else fmt(default)
        notes = [text for text in (o["allowed"], _applies_when(o)) if text]
        return f"{o['flag']} = {default}" + (f"  ({'; '.join(notes)})" if notes else "")

    console = make_console(no_color)
    _print_tables(methods_tables(records, console.width, option_line), no_color, console)


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
                glossary: bool = typer.Option(False, "--glossary", help="Explain every column of a run's trace."),
                no_color: bool = NoColorOption) -> None:  # noqa: B008 (typer's option objects)
        """List the methods of the catalogue with their options (defaults, allowed values, when each applies),
        the presets, and the options of every run; --glossary explains the columns of a trace."""
        methods_command(format, no_color, glossary)

    app.command("methods")(one_line_errors(methods))
