"""The ``optkit`` command: parses options, calls the library, hands records to the renderers.

No numerics live here.  Every error a user can cause becomes one line
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

from .errors import OptkitError


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


app = typer.Typer(
    name="optkit",
    help="Numerical optimization for learning, teaching and research: problems, methods, traces.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# ---------------------------------------------------------------- shared options

FormatOption = typer.Option("table", "--format", "-f", help="Output: table (rich) or json (stdout carries the JSON alone).")
NoColorOption = typer.Option(False, "--no-color", help="Plain output without colour (NO_COLOR is honoured too).")
ProblemsOption = typer.Option(None, "--problems", help="Folder of your own problem files (repeatable; also $OPTKIT_PROBLEMS).")
FnOption = typer.Option(None, "--fn", help="Registered problem name (see `optkit list`).")
ExprOption = typer.Option(None, "--expr", help='Your own formula, e.g. "x**2 - y**2" (safe grammar; no code is run).')
VarsOption = typer.Option(None, "--vars", help="Variable order for --expr, e.g. y,x (default: alphabetical).")
NOption = typer.Option(None, "--n", help="Dimension of a scalable problem.")
ParamOption = typer.Option(None, "--param", help="Problem parameter key=value, e.g. width=4 (repeatable).")


def _check_format(value: str, allowed=("table", "json")) -> str:
    if value not in allowed:
        raise OptkitError(f"unknown --format {value!r}; choose one of {', '.join(allowed)}")
    return value


def _registry(problems: Optional[List[str]]):
    from .registry import Registry

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
        from .registry import expression_definition

        if param:
            raise OptkitError("--param applies to registered problems, not to --expr")
        variables = [v.strip() for v in vars_.split(",")] if vars_ else None
        if variables is not None and not all(v.isidentifier() for v in variables):
            raise OptkitError(f"--vars {vars_!r} must be names separated by commas, e.g. x,y")
        return expression_definition(expr, variables).instantiate(n)
    if vars_:
        raise OptkitError("--vars applies to --expr only")
    return _registry(problems).get(fn).instantiate(n, key_value_pairs(param, "--param", "width=4"))


def _print_tables(tables, no_color: bool) -> None:
    from .render.output import make_console

    console = make_console(no_color)
    for table in tables:
        console.print(table)


def _emit(record, format: str, no_color: bool, renderer: str) -> None:
    """JSON alone on stdout, or the tables built by ``optkit.render.tables.<renderer>(record)``."""
    if format == "json":
        from .render.output import json_text, write_stdout

        write_stdout(json_text(record))
        return
    from .render import tables

    built = getattr(tables, renderer)(record)
    _print_tables(built if isinstance(built, list) else [built], no_color)


def _warn(messages) -> None:
    for message in messages:
        typer.echo(f"Warning: {message}", err=True)


# ---------------------------------------------------------------- commands


@app.command("list")
@one_line_errors
def list_problems(
    tag: Optional[str] = typer.Option(None, "--tag", help="Only problems with this tag (course, classic, convex, saddle, ...)."),
    format: str = FormatOption,
    no_color: bool = NoColorOption,
    problems: Optional[List[str]] = ProblemsOption,
) -> None:
    """List the registered problems."""
    from .describe import listing

    _check_format(format)
    registry = _registry(problems)
    rows = listing(registry.all().values(), tag)
    _warn(registry.errors)
    if tag is not None and not rows:
        known = sorted({t for d in registry.all().values() for t in d.tags})
        raise OptkitError(f"no problem has tag {tag!r}; tags in use: {', '.join(known)}")
    _emit(rows, format, no_color, "problems_table")


@app.command("show")
@one_line_errors
def show(
    name: str = typer.Argument(..., help="Problem name or alias."),
    n: Optional[int] = NOption,
    param: Optional[List[str]] = ParamOption,
    format: str = FormatOption,
    no_color: bool = NoColorOption,
    problems: Optional[List[str]] = ProblemsOption,
) -> None:
    """Formula, gradient and Hessian formulas, start, box, known minima and source of a problem."""
    from .describe import problem_record

    _check_format(format)
    record = problem_record(_problem(name, None, None, n, param, problems))
    _emit(record, format, no_color, "problem_details")


@app.command("eval")
@one_line_errors
def evaluate(
    fn: Optional[str] = FnOption,
    expr: Optional[str] = ExprOption,
    vars_: Optional[str] = VarsOption,
    at: Optional[str] = typer.Option(None, "--at", help='The point, e.g. 0,0 or -1.2,1 or "1/2, 3" (default: the problem\'s x0).'),
    gtol: float = typer.Option(1e-8, "--gtol", help="Stationary when ‖∇f‖₂ ≤ gtol."),
    eig_tol: float = typer.Option(1.4901161193847656e-08, "--eig-tol", help="|λ| ≤ eig_tol·max(1, max|λ|) counts as a zero eigenvalue."),
    taylor: Optional[int] = typer.Option(None, "--taylor", help="Also print the Taylor polynomial of this order (closed-form problems)."),
    n: Optional[int] = NOption,
    param: Optional[List[str]] = ParamOption,
    format: str = FormatOption,
    no_color: bool = NoColorOption,
    problems: Optional[List[str]] = ProblemsOption,
) -> None:
    """f, gradient, Hessian with eigenvalues and eigenvectors, and the classification at a point."""
    from .analysis import evaluate_at
    from .expressions import parse_vector, split_vector

    _check_format(format)
    for label, value in (("--gtol", gtol), ("--eig-tol", eig_tol)):
        if not value > 0 or value == float("inf"):
            raise OptkitError(f"{label} must be a positive finite number, got {value}")
    problem = _problem(fn, expr, vars_, n, param, problems)
    x = problem.x0 if at is None else parse_vector(at, problem.n, "--at point")
    record = evaluate_at(problem, x, gtol=gtol, eig_tol=eig_tol).to_dict()
    record["variables"] = list(problem.variables)
    if taylor is not None:
        if not problem.closed_form:
            raise OptkitError(f"--taylor needs a closed-form problem; {problem.name} is written in numpy")
        from .taylor import taylor_polynomial

        points = split_vector(at) if at is not None else [repr(float(v)) for v in problem.x0]
        record["taylor"] = taylor_polynomial(problem.formula, problem.variables, points, taylor).to_dict()
    _emit(record, format, no_color, "evaluation_tables")


@app.command("classify")
@one_line_errors
def classify(
    fn: Optional[str] = FnOption,
    expr: Optional[str] = ExprOption,
    vars_: Optional[str] = VarsOption,
    box: Optional[str] = typer.Option(None, "--box", help='Search box, one lo,hi pair per variable: "-10,10 -10,10" (default: the problem\'s box).'),
    method: str = typer.Option("auto", "--method", help="auto (exact for polynomial/rational formulas, else numeric), exact or numeric."),
    timeout: float = typer.Option(5.0, "--timeout", help="Seconds the exact path may take before the numeric path takes over."),
    starts: Optional[int] = typer.Option(None, "--starts", help="Number of Sobol starts of the numeric path (default 64·n, capped)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the scrambled Sobol starts."),
    eig_tol: float = typer.Option(1.4901161193847656e-08, "--eig-tol", help="|λ| ≤ eig_tol·max(1, max|λ|) counts as zero (widened by a numeric point's uncertainty)."),
    n: Optional[int] = NOption,
    param: Optional[List[str]] = ParamOption,
    format: str = FormatOption,
    no_color: bool = NoColorOption,
    problems: Optional[List[str]] = ProblemsOption,
) -> None:
    """Find every stationary point in a box and classify it (minimum, maximum, saddle, degenerate)."""
    from .classify import classify_stationary_points, parse_box

    _check_format(format)
    problem = _problem(fn, expr, vars_, n, param, problems)
    region = parse_box(box, problem.n) if box is not None else None
    result = classify_stationary_points(problem, box=region, method=method, timeout=timeout, n_starts=starts,
                                        seed=seed, eig_tol=eig_tol)
    record = result.to_dict()
    _emit(record, format, no_color, "classification_table")


def main() -> None:
    """Entry point of the ``optkit`` script."""
    app(prog_name="optkit")


from .cli_run import register as _register_run  # noqa: E402  (run and methods commands)

_register_run(app)
