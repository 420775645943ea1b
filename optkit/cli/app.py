"""The ``optkit`` Typer app: each command group registers itself from its own module.

Error handling for the whole app lives in :class:`OneLineGroup`, so every command, present
and future, gets it: a usage error (an unknown option, ``--n abc``) is one ``Error:`` line
naming the command's ``--help`` and exit code 2, a closed pipe exits 0 quietly, numpy's
RuntimeWarnings (an overflow inside f) and Python's SyntaxWarnings never reach the user,
and optkit's own warnings are one ``Warning:`` line each.  Errors a command raises are
turned into one line by :func:`optkit.cli.common.one_line_errors`.
"""

from __future__ import annotations

import sys
import warnings

import typer
from typer.core import TyperGroup

from optkit.cli import classify, problems, run
from optkit.cli.common import quiet_broken_pipe


def _is_click_error(exc: BaseException) -> bool:
    # typer vendors click; its exception classes are not public, their interface is.
    return hasattr(exc, "format_message") and hasattr(exc, "exit_code")


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    typer.echo(f"Warning: {' '.join(str(message).split())}", err=True)


class OneLineGroup(TyperGroup):
    """A Typer group whose usage errors, broken pipes and warnings follow the one-line rule."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # non-finite values are reported as such
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.showwarning = _show_warning
            try:
                code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
                sys.stdout.flush()
            except typer.Exit as exc:  # quiet_broken_pipe during the final flush
                code = exc.exit_code
            except BrokenPipeError:
                code = _broken_pipe_code()
            except Exception as exc:
                if not _is_click_error(exc):
                    raise
                code = _usage_error(exc)
        sys.exit(code or 0)


def _broken_pipe_code() -> int:
    try:
        quiet_broken_pipe()
    except typer.Exit as exc:
        return exc.exit_code
    return 0


def _usage_error(exc) -> int:
    if type(exc).__name__ == "NoArgsIsHelpError":  # `optkit` alone shows the help
        exc.show()
        return exc.exit_code
    ctx = getattr(exc, "ctx", None)
    message = " ".join(exc.format_message().split())
    hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
    typer.echo(f"Error: {message}{hint}", err=True)
    return 2


app = typer.Typer(
    name="optkit",
    cls=OneLineGroup,
    help="Numerical optimization for learning, teaching and research: problems, methods, traces.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

for _module in (problems, classify, run):
    _module.register(app)


def main() -> None:
    """Entry point of the ``optkit`` script."""
    app(prog_name="optkit")
