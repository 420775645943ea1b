"""``optkit list``, ``optkit show`` and ``optkit eval``: the problems and one point of one."""

from __future__ import annotations

from typing import List, Optional

import typer

from optkit.cli.common import (
    EigTolOption, ExprOption, FnOption, FormatOption, NOption, NoColorOption, ParamOption, ProblemsOption, VarsOption,
    _check_format, _emit, _problem, _registry, _warn, one_line_errors, positive_finite,
)
from optkit.errors import OptkitError


def register(app: typer.Typer) -> None:
    """Add list, show and eval to ``app``."""
    for name, function in (("list", list_problems), ("show", show), ("eval", evaluate)):
        app.command(name)(one_line_errors(function))




def list_problems(
    tag: Optional[str] = typer.Option(None, "--tag", metavar="TAG", help="Only problems with this tag (course, classic, convex, saddle, ...)."),
    format: str = FormatOption,
    no_color: bool = NoColorOption,
    problems: Optional[List[str]] = ProblemsOption,
) -> None:
    """List the registered problems."""
    from optkit.problems.describe import listing

    _check_format(format)
    registry = _registry(problems)
    rows = listing(registry.all().values(), tag)
    _warn(registry.errors)
    if tag is not None and not rows:
        known = sorted({t for d in registry.all().values() for t in d.tags})
        raise OptkitError(f"no problem has tag {tag!r}; tags in use: {', '.join(known)}")
    _emit(rows, format, no_color, "problems_table")


def show(
    name: str = typer.Argument(..., help="Problem name or alias."),
    n: Optional[int] = NOption,
    param: Optional[List[str]] = ParamOption,
    format: str = FormatOption,
    no_color: bool = NoColorOption,
    problems: Optional[List[str]] = ProblemsOption,
) -> None:
    """Formula, gradient and Hessian formulas, start, box, known minima and source of a problem."""
    from optkit.problems.describe import problem_record

    _check_format(format)
    record = problem_record(_problem(name, None, None, n, param, problems))
    _emit(record, format, no_color, "problem_details")


def evaluate(
    fn: Optional[str] = FnOption,
    expr: Optional[str] = ExprOption,
    vars_: Optional[str] = VarsOption,
    at: Optional[str] = typer.Option(None, "--at", "--x0", metavar="POINT", help='The point, e.g. 0,0 or -1.2,1 or "1/2, 3" (default: the problem\'s x0); --x0 is the same, as in run.'),
    gtol: float = typer.Option(1e-8, "--gtol", help="Stationary when ‖∇f‖₂ ≤ gtol."),
    eig_tol: float = EigTolOption,
    taylor: Optional[int] = typer.Option(None, "--taylor", help="Also print the Taylor polynomial of this order (closed-form problems)."),
    sample: Optional[str] = typer.Option(None, "--sample", metavar="N|X:Y", help="Data problems (xor-mlp): one sample's forward pass, loss and gradient at --at: N (the data set's N-th, from 1) or x1,x2:y (your own, e.g. 2,3:1)."),
    n: Optional[int] = NOption,
    param: Optional[List[str]] = ParamOption,
    format: str = FormatOption,
    no_color: bool = NoColorOption,
    problems: Optional[List[str]] = ProblemsOption,
) -> None:
    """f, gradient, Hessian with eigenvalues and eigenvectors, and the classification at a point."""
    from optkit.stationary.point import evaluate_at
    from optkit.symbolic.grammar import parse_vector, split_vector

    _check_format(format)
    positive_finite(gtol, "--gtol")
    positive_finite(eig_tol, "--eig-tol")
    problem = _problem(fn, expr, vars_, n, param, problems)
    x = problem.x0 if at is None else parse_vector(at, problem.n, "--at point")
    if sample is not None:
        from optkit.explain.samples import sample_record

        _emit(sample_record(problem, x, sample), format, no_color, "sample_tables")
        return
    record = evaluate_at(problem, x, gtol=gtol, eig_tol=eig_tol).to_dict()
    record["variables"] = list(problem.variables)
    if taylor is not None:
        if not problem.closed_form:
            raise OptkitError(f"--taylor needs a closed-form problem; {problem.name} is written in numpy")
        from optkit.symbolic.taylor import taylor_polynomial

        points = split_vector(at) if at is not None else [repr(float(v)) for v in problem.x0]
        record["taylor"] = taylor_polynomial(problem.formula, problem.variables, points, taylor).to_dict()
    _emit(record, format, no_color, "evaluation_tables")


