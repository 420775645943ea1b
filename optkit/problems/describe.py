"""Plain records describing problems, for ``optkit list`` and ``optkit show``."""

from __future__ import annotations

from optkit.problems.problem import Problem, ProblemDefinition


def listing_record(definition: ProblemDefinition) -> dict:
    return {"name": definition.name, "aliases": list(definition.aliases), "n": definition.describe_n(),
            "tags": list(definition.tags), "fstar": definition.fstar_text, "source": definition.source,
            "smooth": definition.smooth, "closed_form": definition.formula is not None}


def listing(definitions, tag: str | None = None) -> list[dict]:
    chosen = [d for d in definitions if tag is None or tag in d.tags]
    return [listing_record(d) for d in sorted(chosen, key=lambda d: d.name)]


def derivative_formulas(formula: str, variables) -> tuple[list[str], list[dict]]:
    """∂f/∂xᵢ and the upper triangle of ∂²f/∂xᵢ∂xⱼ as readable sympy text."""
    import sympy as sp

    from optkit.symbolic.derivatives import sympy_expression

    from optkit.symbolic.budget import time_budget

    with time_budget("writing out the gradient and Hessian formulas"):
        expr, symbols = sympy_expression(formula, variables)
        grad = [sp.diff(expr, s) for s in symbols]
        hessian = [{"wrt": [variables[i], variables[j]], "formula": sp.sstr(sp.diff(grad[i], symbols[j]))}
                   for i in range(len(symbols)) for j in range(i, len(symbols))]
        return [sp.sstr(g) for g in grad], hessian


def problem_record(problem: Problem, derivatives: bool = True) -> dict:
    d = problem.definition
    record = listing_record(d)
    record.update({
        "n": problem.n, "params": problem.params, "formula": d.formula, "variables": list(problem.variables),
        "x0": problem.x0.tolist(), "box": problem.box.tolist(), "fstar": problem.fstar,
        "minimizers": [m.tolist() for m in problem.minimizers],
        "stationary_points": [p.to_dict() for p in problem.stationary_points],
        "notes": d.notes, "bounded_only": d.bounded_only, "origin": d.origin,
        "gradient": None, "hessian": None,
    })
    if derivatives and d.formula is not None:
        record["gradient"], record["hessian"] = derivative_formulas(d.formula, problem.variables)
    return record
