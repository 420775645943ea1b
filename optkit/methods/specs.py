"""Method specs: ``NAME(:key=value)*`` → one canonical (method, full options) pair.

NAME is a catalogue method or alias (``newton``, ``tr``), a preset (``tr-cg``,
``newton+armijo``; :data:`optkit.methods.catalogue.PRESETS`), or ``scipy:METHOD`` for a
SciPy reference (``scipy:BFGS``; run by :mod:`optkit.compare`).  Several specs are
separated by commas (:func:`parse_specs`).  ``tr:subproblem=cg`` and ``tr-cg`` reduce to
the same canonical form, so they are the same run for every purpose, resume keys included
(shared/conventions.md, "Method specs").
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field

from optkit.errors import OptkitError
from optkit.methods.catalogue import CATALOGUE, UnknownMethod, method_options, split_spec

#: SciPy methods usable as references (``scipy:NAME``), with what each needs from a problem.
SCIPY_METHODS = {
    "BFGS": frozenset({"grad"}),
    "L-BFGS-B": frozenset({"grad"}),
    "CG": frozenset({"grad"}),
    "Nelder-Mead": frozenset(),
    "Newton-CG": frozenset({"grad", "hvp"}),
    "trust-exact": frozenset({"grad", "hess"}),
    "trust-ncg": frozenset({"grad", "hvp"}),
    "trust-krylov": frozenset({"grad", "hvp"}),
}


@dataclass(frozen=True)
class MethodSpec:
    """A parsed spec: ``text`` as given, ``method`` (catalogue name or ``scipy:NAME``), the options
    given (after presets), and ``options``: every option of the method with defaults filled in."""

    text: str
    method: str
    given: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)

    @property
    def is_scipy(self) -> bool:
        return self.method.startswith("scipy:")

    @property
    def canonical(self) -> dict:
        """``{"method": ..., "options": {...}}``: equal for every spelling of the same run."""
        return {"method": self.method, "options": dict(sorted(self.options.items()))}

    @property
    def canonical_text(self) -> str:
        return json.dumps(self.canonical, sort_keys=True, default=str)


def parse_spec(text: str) -> MethodSpec:
    """One spec → :class:`MethodSpec`; an unknown name or option is one clear error."""
    if not isinstance(text, str) or not text.strip():
        raise OptkitError("empty method spec; write one such as newton, tr-cg or gd:lr=0.01")
    text = text.strip()
    if text.lower().startswith("scipy:"):
        name = text.split(":", 1)[1].strip()
        matches = [m for m in SCIPY_METHODS if m.lower() == name.lower()]
        if not matches:
            close = difflib.get_close_matches(name, list(SCIPY_METHODS), n=3, cutoff=0.4)
            hint = f"; did you mean {', '.join('scipy:' + c for c in close)}?" if close else ""
            raise OptkitError(f"unknown SciPy reference {text!r}{hint} (available: "
                              f"{', '.join('scipy:' + m for m in SCIPY_METHODS)})")
        return MethodSpec(text, f"scipy:{matches[0]}", {}, {})
    try:
        base, given = split_spec(text)
    except UnknownMethod as exc:
        raise OptkitError(f"{exc.args[0]}; references: scipy:{', scipy:'.join(SCIPY_METHODS)})") from None
    values, keys = method_options(CATALOGUE[base], given)
    return MethodSpec(text, base, {k: values[k] for k in keys}, values)


def parse_specs(text: str) -> list[MethodSpec]:
    """Comma-separated specs (``"newton,tr:subproblem=cg,scipy:BFGS"``)."""
    if not isinstance(text, str) or not text.strip():
        raise OptkitError("empty list of methods; write one such as newton,tr-cg,scipy:BFGS")
    return [parse_spec(part) for part in text.split(",")]
