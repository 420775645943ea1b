"""What every command shares: one-line errors, the shared option objects, problem lookup and output.

No numerics live in the CLI.  Every error a user can cause becomes one line
``Error: ...`` on stderr and exit code 2 (see :func:`one_line_errors`).
Only typer's public API is used: typer 0.26 vendored click, so click's
classes are not importable across versions.
"""


from __future__ import annotations

import functools
import os
import sys
from typing import List, Optional

import typer

from optkit.errors import OptkitError


def fail(message: str) -> None:
    """Print ``Error: message`` as one line on stderr and exit with code 2."""
    colour = sys.stderr.isatty() and not os.environ.get("NO_COLOR") and "--no-color" not in sys.argv
    typer.echo(("\x1b[31mError:\x1b[0m " if colour else "Error: ") + message, err=True)
    raise typer.Exit(2)


def one_line_errors(command):
    """Library errors (bad input) become one line and exit 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except OptkitError as exc:
            fail(str(exc))

    return wrapper


# ---------------------------------------------------------------- shared options

FormatOption = typer.Option("table", "--format", "-f", metavar="FORMAT", help="Output: table (rich) or json (stdout carries the JSON alone).")
NoColorOption = typer.Option(False, "--no-color", help="Plain output without colour (NO_COLOR is honoured too).")
ProblemsOption = typer.Option(None, "--problems", metavar="DIR", help="Folder of your own problem files (repeatable; also $OPTKIT_PROBLEMS).")
FnOption = typer.Option(None, "--fn", metavar="NAME", help="Registered problem name (see `optkit list`).")
ExprOption = typer.Option(None, "--expr", metavar="FORMULA", help='Your own formula, e.g. "x**2 - y**2" (safe grammar; no code is run).')
VarsOption = typer.Option(None, "--vars", metavar="NAMES", help="Variable order for --expr, e.g. y,x (default: alphabetical).")
NOption = typer.Option(None, "--n", metavar="N", help="Dimension of a scalable problem.")
ParamOption = typer.Option(None, "--param", metavar="KEY=VALUE", help="Problem parameter key=value, e.g. width=4 (repeatable).")


def _check_format(value: str, allowed=("table", "json")) -> str:
    if value not in allowed:
        raise OptkitError(f"unknown --format {value!r}; choose one of {', '.join(allowed)}")
    return value


def _registry(problems: Optional[List[str]]):
    from optkit.problems.registry import Registry

    return Registry.default(problems or [])


def key_value_pairs(pairs: Optional[List[str]], flag: str, example: str) -> dict:
    """Parse repeated ``FLAG key=value`` options; a malformed or repeated key is one clear error."""
    out = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise OptkitError(f"{flag} {pair!r} is not key=value, e.g. {flag} {example}")
        key = key.strip()
        if key in out:
            raise OptkitError(f"{flag} {key} given twice")
        out[key] = value.strip()
    return out


def _problem(fn: Optional[str], expr: Optional[str], vars_: Optional[str], n: Optional[int],
             param: Optional[List[str]], problems: Optional[List[str]]):
    """Resolve --fn / --expr into a Problem."""
    if (fn is None) == (expr is None):
        raise OptkitError("give exactly one of --fn NAME or --expr FORMULA")
    if expr is not None:
        from optkit.problems.registry import expression_definition

        if param:
            raise OptkitError("--param applies to registered problems, not to --expr")
        variables = [v.strip() for v in vars_.split(",")] if vars_ else None
        if variables is not None and not all(v.isidentifier() for v in variables):
            raise OptkitError(f"--vars {vars_!r} must be names separated by commas, e.g. x,y")
        return expression_definition(expr, variables).instantiate(n)
    if vars_:
        raise OptkitError("--vars applies to --expr only")
    return _registry(problems).get(fn).instantiate(n, key_value_pairs(param, "--param", "width=4"))


def _print_tables(tables, no_color: bool, console=None) -> None:
    from optkit.render.output import make_console

    console = console or make_console(no_color)
    for table in tables:
        console.print(table)


def _emit(record, format: str, no_color: bool, renderer: str) -> None:
    """JSON alone on stdout, or the tables built by ``optkit.render.tables.<renderer>(record)``."""
    if format == "json":
        from optkit.render.output import json_text, write_stdout

        write_stdout(json_text(record))
        return
    from optkit.render import tables
    from optkit.render.output import make_console

    console = make_console(no_color)
    built = getattr(tables, renderer)(record, console.width)
    _print_tables(built if isinstance(built, list) else [built], no_color, console)


def _warn(messages) -> None:
    for message in messages:
        typer.echo(f"Warning: {message}", err=True)


