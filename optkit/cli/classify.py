"""``optkit classify``: every stationary point in a box, classified."""

from __future__ import annotations

import math
from typing import List, Optional

import typer

from optkit.cli.common import (
    EigTolOption, ExprOption, FnOption, FormatOption, NOption, NoColorOption, ParamOption, ProblemsOption, VarsOption,
    _check_format, _emit, _problem, _registry, _warn, one_line_errors, positive_finite, process_started, seed_value,
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
    method: str = typer.Option("auto", "--method", metavar="auto|exact|numeric", help="auto (exact for polynomial/rational formulas within the exact path's size limits, else numeric), exact or numeric."),
    timeout: Optional[float] = typer.Option(None, "--timeout", metavar="SECONDS", help="Seconds for the whole command (default and inf: no limit); at expiry what was found is printed, marked as cut short."),
    exact_budget: float = typer.Option(20.0, "--exact-budget", metavar="SECONDS", help="Seconds the exact path may run before the numeric path answers (a safety net; the path is chosen beforehand)."),
    starts: Optional[int] = typer.Option(None, "--starts", help="Number of Sobol starts of the numeric path (default 64·n, capped; at most 100,000)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the scrambled Sobol starts."),
    eig_tol: float = EigTolOption,
    n: Optional[int] = NOption,
    param: Optional[List[str]] = ParamOption,
    format: str = FormatOption,
    no_color: bool = NoColorOption,
    problems: Optional[List[str]] = ProblemsOption,
) -> None:
    """Find every stationary point in a box and classify it (minimum, maximum, saddle, degenerate)."""
    from optkit.stationary.finder import classify_stationary_points, parse_box

    started = process_started()
    _check_format(format)
    positive_finite(eig_tol, "--eig-tol")
    if not (exact_budget > 0 and math.isfinite(exact_budget)):  # every exact computation has a finite budget
        raise OptkitError(f"--exact-budget must be a positive number of seconds (finite), got {exact_budget}")
    if timeout is not None and not timeout > 0:
        raise OptkitError(f"--timeout must be a positive number of seconds (inf: no limit), got {timeout}")
    if timeout is not None and timeout == float("inf"):
        timeout = None
    seed_value(seed)
    problem = _problem(fn, expr, vars_, n, param, problems)
    region = parse_box(box, problem.n) if box is not None else None
    # Leave a margin for printing: the command ends within 2 s of the limit.
    cap = None if timeout is None else timeout - 0.5 if timeout > 1.0 else timeout
    result = classify_stationary_points(problem, box=region, method=method, exact_budget=exact_budget,
                                        timeout=cap,
                                        n_starts=starts, seed=seed, eig_tol=eig_tol, started=started)
    record = result.to_dict()
    _emit(record, format, no_color, "classification_table")
