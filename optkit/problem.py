"""Compatibility alias: problem files written for optkit 0.1 import ``optkit.problem``.

The module now lives at :mod:`optkit.problems.problem`; this alias keeps user problem files
working unchanged."""

from optkit.errors import OptkitError  # noqa: F401  (problem files import it from here)
from optkit.problems.problem import *  # noqa: F401,F403
from optkit.problems.problem import Functions, KnownPoint, Problem, ProblemDefinition  # noqa: F401
