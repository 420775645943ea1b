"""Problems: :class:`Problem` and :class:`ProblemDefinition` (``problem``), formula problems
(``formula``), the registry of problem folders (``registry``), plain records for listing
(``describe``).  The bundled problem files live in ``bundled/``, one file each."""

from optkit.problems.problem import Functions, KnownPoint, Problem, ProblemDefinition  # noqa: F401
