"""The ``optkit`` Typer app: each command group registers itself from its own module."""

from __future__ import annotations

from typing import Optional

import typer

from optkit.cli import classify, compare, plot, problems, report, run

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
    """Entry point of the ``optkit`` script."""
    app(prog_name="optkit")
