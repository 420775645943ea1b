"""Choosing a sweep's problems: ``--fn``, ``--tag``, ``--expr``, ``--n``, ``--param`` → problem refs."""

from __future__ import annotations

import difflib

from optkit.compare.instances import ProblemRef
from optkit.errors import OptkitError


def select_problems(fn=None, tag=None, expr=None, variables=None, n_values=None, params=None,
                    problems_dirs=(), where: dict | None = None) -> list[ProblemRef]:
    """The problem instances of a sweep, in the order given (tags: alphabetical).

    ``where`` maps each selector to the name the user wrote it under (``--fn`` or
    ``problems.fn`` in a spec file), so an error names the field.  With no selector the
    problems tagged ``classic`` are chosen.  ``n_values`` apply to scalable problems only and
    are refused when the selection holds none; ``params`` apply to the problems that declare
    them and are refused when none does.
    """
    from optkit.compare.sweep import DEFAULT_TAG
    from optkit.problems.registry import Registry, expression_definition

    where = {"fn": "--fn", "tag": "--tag", "expr": "--expr", "n": "--n", "param": "--param", **(where or {})}
    params = dict(params or {})
    dirs = tuple(str(d) for d in problems_dirs)
    if expr is not None:
        if fn or tag:
            raise OptkitError(f"{where['expr']} is one problem of its own; give it without {where['fn']} or {where['tag']}")
        if params:
            raise OptkitError(f"{where['param']} applies to registered problems, not to {where['expr']}")
        try:
            definition = expression_definition(expr, list(variables) if variables else None)
        except OptkitError as exc:
            raise OptkitError(f"{where['expr']}: {exc}") from None
        if n_values:
            raise OptkitError(f"{where['n']} applies to scalable problems; {where['expr']} has fixed n = "
                              f"{definition.dimension}")
        return [ProblemRef(expr, definition.dimension, (), expr, tuple(definition.variables), dirs)]
    if variables:
        raise OptkitError("--vars applies to --expr only")
    registry = Registry.default(list(dirs))
    chosen = []
    for name in fn or []:
        chosen.append(registry.get(name))
    if tag or not fn:
        catalogue = registry.all()
        known = sorted({t for d in catalogue.values() for t in d.tags})
        for t in tag or [DEFAULT_TAG]:
            found = [d for d in sorted(catalogue.values(), key=lambda d: d.name) if t in d.tags]
            if not found:
                close = difflib.get_close_matches(t, known, n=3, cutoff=0.5)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise OptkitError(f"{where['tag']}: unknown tag {t!r}{hint} (tags: {', '.join(known)})")
            chosen.extend(found)
    unique = list({d.name: d for d in chosen}.values())
    if n_values and not any(d.scalable for d in unique):
        raise OptkitError(f"{where['n']} applies to scalable problems, and none of {', '.join(d.name for d in unique)} "
                          "is scalable (`optkit list` shows n for each)")
    for key in params:
        if not any(key in d.params for d in unique):
            raise OptkitError(f"{where['param']} {key}: no selected problem has a parameter {key!r}")
    refs = []
    for d in unique:
        mine = {k: v for k, v in params.items() if k in d.params}
        for n in (n_values if d.scalable and n_values else [None]):
            problem = d.instantiate(n, mine)  # validates n (even, at least min_n) and the parameters
            given = tuple(sorted((k, problem.params[k]) for k in mine))
            refs.append(ProblemRef(d.name, problem.n, given, None, None, dirs))
    return refs
