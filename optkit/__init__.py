"""optkit: numerical optimization for people who learn, teach and research how optimizers behave.

Library entry points (the CLI is a thin layer over these)::

    from optkit import get_problem, evaluate_at, minimize
    p = get_problem("course-2.2")
    evaluate_at(p, [0, 0]).classification.kind
    minimize(p, "newton", [0, 0]).status
"""

from __future__ import annotations

__version__ = "0.2.0"

from optkit.errors import OptkitError

# numpy-backed names load on first use, so `optkit --help` does not pay for numpy.
_LAZY = {"Classification": "stationary.point", "classify_point": "stationary.point",
         "evaluate_at": "stationary.point", "classify_stationary_points": "stationary.finder",
         "Problem": "problems.problem", "ProblemDefinition": "problems.problem", "minimize": "run.driver",
         "Result": "run.results", "Status": "run.results", "METHODS": "methods.catalogue",
         "PRESETS": "methods.catalogue", "Method": "methods.catalogue", "make_method": "methods.catalogue"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'optkit' has no attribute {name!r}")


def get_problem(name: str, n: int | None = None, problems_dirs=(), **params):
    """A registered problem by name or alias, instantiated at dimension ``n`` with ``params``."""
    from optkit.problems.registry import Registry

    return Registry.default(problems_dirs).get(name).instantiate(n, params)


def problem_from_expression(formula: str, variables=None):
    """A problem from a formula in the safe grammar, e.g. ``"x**2 - y**2"``."""
    from optkit.problems.registry import expression_definition

    return expression_definition(formula, variables).instantiate()


__all__ = ["Classification", "METHODS", "Method", "OptkitError", "PRESETS", "Problem", "ProblemDefinition", "Result",
           "Status", "classify_point", "classify_stationary_points", "evaluate_at", "get_problem", "make_method", "minimize", "problem_from_expression", "__version__"]
