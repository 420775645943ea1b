"""Closed-form problems: a formula in the safe grammar, differentiated exactly by sympy."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from optkit.errors import OptkitError
from optkit.symbolic.grammar import compile_program, free_variables, parse
from optkit.problems.problem import Functions, KnownPoint, ProblemDefinition


def formula_variables(formula: str, variables: Sequence[str] | None = None) -> tuple[str, ...]:
    """The formula's variables: as given, or its free names in alphabetical order."""
    node = parse(formula, variables)
    if variables is not None:
        if len(set(variables)) != len(variables):
            raise OptkitError(f"variables {', '.join(variables)} contain a repeated name")
        return tuple(variables)
    names = tuple(sorted(free_variables(node)))
    if not names:
        raise OptkitError(f"formula {formula!r} has no variables; write one in terms of x, y, ...")
    return names


def formula_functions(formula: str, variables: Sequence[str]):
    """Counted-free numpy callables (f, grad, hess) built from cached exact derivatives."""
    from optkit.symbolic.derivatives import derivative_programs

    programs = derivative_programs(formula, variables)
    n = len(variables)
    f_eval = compile_program(programs.f)
    g_eval = compile_program(programs.grad)
    h_eval = compile_program(programs.hess)
    upper = np.triu_indices(n)

    def f(x):
        return f_eval(x)[0]

    def grad(x):
        return np.array(g_eval(x), dtype=float)

    def hess(x):
        h = np.empty((n, n))
        h[upper] = h_eval(x)
        h.T[upper] = h[upper]
        return h

    return f, grad, hess


def formula_definition(
    formula: str,
    variables: Sequence[str] | None = None,
    *,
    name: str = "expr",
    x0: Sequence[float] | None = None,
    box=None,
    fstar: float | None = None,
    minimizers: Sequence[Sequence[float]] = (),
    stationary_points: Sequence[KnownPoint] = (),
    **metadata,
) -> ProblemDefinition:
    """A :class:`ProblemDefinition` for a formula (``--expr`` or a TOML problem file)."""
    names = formula_variables(formula, variables)
    n = len(names)

    def build(n_: int) -> Functions:
        f, grad, hess = formula_functions(formula, names)
        return Functions(f=f, grad=grad, hess=hess, x0=np.zeros(n) if x0 is None else x0, box=box,
                         fstar=fstar, minimizers=minimizers, stationary_points=stationary_points)

    fstar_text = metadata.pop("fstar_text", None)
    if fstar_text is None and fstar is not None:
        fstar_text = f"{fstar:.10g}"
    return ProblemDefinition(name=name, build=build, dimension=n, formula=formula, variables=names,
                             fstar_text=fstar_text, **metadata)
