"""The ``optkit`` Typer app: each command group registers itself from its own module.

Error handling for the whole app lives in :class:`OneLineGroup`, so every command, present
and future, gets it: a usage error (an unknown option, ``--n abc``) is one ``Error:`` line
naming the command's ``--help`` and exit code 2, a closed pipe exits 0 quietly, numpy's
RuntimeWarnings (an overflow inside f) and Python's SyntaxWarnings never reach the user,
and optkit's own warnings are one ``Warning:`` line each.  Errors a command raises are
turned into one line by :func:`optkit.cli.common.one_line_errors`.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import Optional

import typer
from typer.core import TyperGroup

from optkit.cli import classify, compare, plot, problems, report, run
from optkit.cli.common import quiet_broken_pipe
from optkit.run.deadline import workers_left_running


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


EXAMPLES = """Examples:

\b
  optkit list --tag course                     the course's problems
  optkit eval --fn quartic --at 1,1            f, ∇f, ∇²f and its eigenvalues
  optkit classify --fn quartic                 every stationary point (E1)
  optkit run newton --fn course-2.2 --x0 0,0 --explain 3     E2, worked out
  optkit run gd --fn gd-schedule --schedule "1/(k+2)" --explain 3     E3
  optkit run sfn --fn xor-mlp                  saddle-free Newton (E7)
  optkit eval --fn xor-mlp --sample 2          one sample's forward pass
  optkit methods --glossary                    what each trace column means
  optkit compare --fn himmelblau,saddle        methods × problems × starts, honestly
"""


app = typer.Typer(
    name="optkit",
    cls=OneLineGroup,
    help="Numerical optimization for learning, teaching and research: problems, methods, traces.",
    epilog=EXAMPLES,
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"optkit {version('optkit')}")
        except PackageNotFoundError:  # run from a source tree without installing
            typer.echo("optkit (not installed: version unknown)")
        raise typer.Exit()


@app.callback()
def _main(version: Optional[bool] = typer.Option(None, "--version", is_eager=True, callback=_version,
                                                 help="Print optkit's version and exit.")) -> None:
    """Numerical optimization for learning, teaching and research: problems, methods, traces."""


for _module in (problems, classify, run, compare, report, plot):
    _module.register(app)

# The command list shows each command's whole first sentence (click would cut it at 45 characters).
for _info in app.registered_commands:
    _doc = " ".join((_info.callback.__doc__ or "").strip().split("\n\n")[0].split())
    _info.short_help = _info.short_help or _doc.split(". ")[0].rstrip(".") + "."


def main() -> None:
    """Entry point of the ``optkit`` script.

    A run abandoned at its time limit (``run/deadline.py``) may leave a worker inside a BLAS call;
    interpreter shutdown would wait for it, so this process then ends with ``os._exit`` once its
    output is flushed.  Only here, in the script's own process: ``app`` called in-process (Typer's
    test runner, a notebook) must never end its caller.
    """
    try:
        app(prog_name="optkit")
    except SystemExit as exc:
        if not workers_left_running():
            raise
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
