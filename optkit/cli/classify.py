"""``optkit classify``: every stationary point in a box, classified."""

from __future__ import annotations

from typing import List, Optional

import typer

from optkit.cli.common import (
    ExprOption, FnOption, FormatOption, NOption, NoColorOption, ParamOption, ProblemsOption, VarsOption,
    _check_format, _emit, _problem, _registry, _warn, one_line_errors, positive_finite, seed_value,
)
from optkit.errors import OptkitError


def register(app: typer.Typer) -> None:
    """Add classify to ``app``."""
    app.command("classify")(one_line_errors(classify))


def classify(
    fn: Optional[str] = FnOption,
    expr: Optional[str] = ExprOption,
    vars_: Optional[str] = VarsOption,
    box: Optional[str] = typer.Option(None, "--box", metavar="BOX", help='Search box, one lo,hi pair per variable: "-10,10 -10,10" (default: the problem\'s box).'),
    method: str = typer.Option("auto", "--method", metavar="auto|exact|numeric", help="auto (exact for polynomial/rational formulas, else numeric), exact or numeric."),
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
    from optkit.stationary.finder import classify_stationary_points, parse_box

    _check_format(format)
    positive_finite(eig_tol, "--eig-tol")
    seed_value(seed)
    problem = _problem(fn, expr, vars_, n, param, problems)
    region = parse_box(box, problem.n) if box is not None else None
    result = classify_stationary_points(problem, box=region, method=method, timeout=timeout, n_starts=starts,
                                        seed=seed, eig_tol=eig_tol)
    record = result.to_dict()
    _emit(record, format, no_color, "classification_table")


