"""The ``optkit`` Typer app: each command group registers itself from its own module."""

from __future__ import annotations

import typer

from optkit.cli import classify, compare, problems, report, run

app = typer.Typer(
    name="optkit",
    help="Numerical optimization for learning, teaching and research: problems, methods, traces.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

for _module in (problems, classify, run, compare, report):
    _module.register(app)


def main() -> None:
    """Entry point of the ``optkit`` script."""
    app(prog_name="optkit")

