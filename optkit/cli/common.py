"""What every command shares: one-line errors, the shared option objects, problem lookup and output.

No numerics live in the CLI.  Every error a user can cause becomes one line
``Error: ...`` on stderr and exit code 2 (see :func:`one_line_errors`).
Only typer's public API is used: typer 0.26 vendored click, so click's
classes are not importable across versions.
"""


from __future__ import annotations

import errno
import functools
import io
import math
import os
import sys
import time
from typing import List, Optional

import typer

from optkit.errors import OptkitError


def fail(message: str) -> None:
    """Print ``Error: message`` as one line on stderr and exit with code 2."""
    colour = sys.stderr.isatty() and not os.environ.get("NO_COLOR") and "--no-color" not in sys.argv
    typer.echo(("\x1b[31mError:\x1b[0m " if colour else "Error: ") + message, err=True)
    raise typer.Exit(2)


def one_line_errors(command):
    """Library errors (bad input) become one line and exit 2, never a traceback.

    Also turned into one line: an operating-system error (a full disk under ``--output``,
    a path too long) and running out of memory.  A closed pipe (``optkit eval | head -1``)
    ends the command quietly with exit code 0, as for any Unix filter.
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except OptkitError as exc:
            fail(str(exc))
        except BrokenPipeError:
            quiet_broken_pipe()
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                quiet_broken_pipe()
            where = f" {exc.filename!r}" if exc.filename else ""
            fail(f"cannot complete the command: {exc.strerror or type(exc).__name__}{where}")
        except MemoryError:
            fail("out of memory: the problem or the request is too large for this machine; "
                 "use a smaller --n or --param")
        except RecursionError:
            fail("the input is nested too deeply to process")

    return wrapper


def quiet_broken_pipe() -> None:
    """The reader of stdout went away: stop writing and exit 0 (nothing is lost that anyone reads)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the interpreter's final flush must not fail again
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass  # not a real file (a test runner's buffer)
    raise typer.Exit(0)


MAX_SEED = 2**63 - 1


def seed_value(seed: int, flag: str = "--seed") -> int:
    """The one check of a seed option: a whole number from 0 to 2**63 - 1."""
    if not 0 <= seed <= MAX_SEED:
        shown = str(seed) if len(str(seed)) <= 30 else f"a {len(str(seed))}-digit number"
        raise OptkitError(f"{flag} must be a whole number from 0 to 2**63 - 1, got {shown}")
    return seed


def positive_finite(value: float, flag: str) -> float:
    """The one check of shared tolerances (--gtol, --eig-tol, ...) used by every command."""
    if not (value > 0 and math.isfinite(value)):
        raise OptkitError(f"{flag} must be a positive finite number, e.g. {flag} 1e-8; got {value}")
    return value


# ---------------------------------------------------------------- shared options

FormatOption = typer.Option("table", "--format", "-f", metavar="FORMAT", help="Output: table (rich) or json (stdout carries the JSON alone).")
NoColorOption = typer.Option(False, "--no-color", help="Plain output without colour (NO_COLOR is honoured too).")
ProblemsOption = typer.Option(None, "--problems", metavar="DIR", help="Folder of your own problem files (repeatable; also $OPTKIT_PROBLEMS).")
FnOption = typer.Option(None, "--fn", metavar="NAME", help="Registered problem name (see `optkit list`).")
ExprOption = typer.Option(None, "--expr", metavar="FORMULA", help='Your own formula, e.g. "x**2 - y**2" (safe grammar; no code is run).')
VarsOption = typer.Option(None, "--vars", metavar="NAMES", help="Variable order for --expr, e.g. y,x (default: alphabetical).")
NOption = typer.Option(None, "--n", metavar="N", help="Dimension of a scalable problem.")
EigTolOption = typer.Option(1.4901161193847656e-08, "--eig-tol",
                            help="|λ| ≤ max(eig_tol, the computed eigenvalue's error bound, how far it moves over a "
                                 "numeric point's uncertainty) counts as a zero eigenvalue.")
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
        variables = [v.strip() for v in vars_.split(",")] if vars_ is not None else None
        if variables is not None and not all(v.isidentifier() for v in variables):
            raise OptkitError(f"--vars {vars_!r} must be names separated by commas, e.g. x,y")
        return expression_definition(expr, variables).instantiate(n)
    if vars_ is not None:
        raise OptkitError("--vars applies to --expr only")
    registry = _registry(problems)
    definition = registry.get(fn)
    _warn(registry.errors)  # a clash with a bundled name, or a user file that failed to load
    return definition.instantiate(n, key_value_pairs(param, "--param", "width=4"))


def _print_tables(tables, no_color: bool, console=None) -> None:
    from optkit.render.output import make_console

    console = console or make_console(no_color)
    try:
        for table in tables:
            console.print(table)
    except SystemExit:
        if console.quiet:  # rich's documented on_broken_pipe: it went quiet and exits 1; a closed pipe is no error
            raise typer.Exit(0) from None
        raise


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


def process_started() -> float:
    """When this process started, on the ``time.monotonic()`` clock (Linux: /proc; else now).

    ``--timeout`` caps the whole command, start-up and imports included."""
    now = time.monotonic()
    try:
        import os

        with open("/proc/self/stat") as stat, open("/proc/uptime") as uptime:
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
            age = float(uptime.read().split()[0]) - ticks / os.sysconf("SC_CLK_TCK")
        return now - max(0.0, min(age, 60.0))
    except (OSError, ValueError, IndexError):
        return now


#: Seconds kept back from a whole-command --timeout for writing what the command has.
OUTPUT_MARGIN = 0.5


def command_deadline(timeout: float | None, keep: float = OUTPUT_MARGIN) -> float | None:
    """A whole-command --timeout as a deadline on the time.monotonic() clock, counted from the process's start
    and less ``keep`` seconds for output (at most half the limit); None for no limit (absent or inf)."""
    if timeout is None or timeout == math.inf:
        return None
    if not timeout > 0:  # NaN too
        raise OptkitError(f"--timeout must be a positive number of seconds (inf: no limit), got {timeout}")
    return process_started() + max(timeout - keep, timeout / 2)
