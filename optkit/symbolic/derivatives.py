"""Exact derivatives of closed-form problems, compiled to fast numpy evaluators.

sympy differentiates the formula once; common subexpressions are shared
(``sympy.cse``) and the resulting programs are printed as text in the same
restricted grammar as user formulas.  That text is cached on disk
(``$OPTKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/optkit``, else
``~/.cache/optkit``) keyed by the formula, so later runs parse it back with
the safe parser and never import sympy (importing sympy alone costs several
times the whole ``optkit eval`` budget).  The cache holds only formulas: a
damaged or foreign entry is re-derived, and since it is read by the safe
parser it cannot run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from optkit.symbolic.grammar import ExpressionError, Program, parse, to_sympy

CACHE_FORMAT = 1
_PROGRAM_TEXT_LIMIT = 2_000_000  # derivative programs are long; they are still parsed by the whitelist


@dataclass(frozen=True)
class DerivativePrograms:
    f: Program
    grad: Program
    hess: Program  # outputs: the upper triangle, row by row


def cache_dir() -> Path:
    if os.environ.get("OPTKIT_CACHE_DIR"):
        return Path(os.environ["OPTKIT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "optkit"


def sympy_expression(formula: str, variables: Sequence[str]):
    """(expr, symbols) with real symbols, so |x|' is sign(x) and not a complex derivative."""
    import sympy as sp

    symbols = {name: sp.Symbol(name, real=True) for name in variables}
    return to_sympy(parse(formula, variables), symbols), [symbols[v] for v in variables]


def derivative_programs(formula: str, variables: Sequence[str]) -> DerivativePrograms:
    variables = tuple(variables)
    key = hashlib.sha256(json.dumps([CACHE_FORMAT, formula, variables]).encode()).hexdigest()[:32]
    path = cache_dir() / f"{key}.json"
    text = _read(path)
    if text is not None:
        try:
            return _load(json.loads(text), variables)
        except (ValueError, KeyError, TypeError, ExpressionError):
            pass  # stale or damaged: derive again
    data = _derive(formula, variables)
    _write(path, json.dumps(data))
    return _load(data, variables)


def _derive(formula: str, variables: tuple[str, ...]) -> dict:
    import sympy as sp

    expr, symbols = sympy_expression(formula, variables)
    grad = [sp.diff(expr, s) for s in symbols]
    hess_upper = [sp.diff(grad[i], symbols[j]) for i in range(len(symbols)) for j in range(i, len(symbols))]
    # d/dx sign(x) is 2·DiracDelta(x): zero wherever the derivative exists.
    hess_upper = [h.replace(sp.DiracDelta, lambda *args: sp.S.Zero) for h in hess_upper]
    return {"f": _cse([expr]), "grad": _cse(grad), "hess": _cse(hess_upper)}


def _cse(exprs: list) -> dict:
    import sympy as sp

    temps, outputs = sp.cse(exprs, symbols=sp.numbered_symbols("_t"))
    return {"temps": [[str(name), sp.sstr(value)] for name, value in temps],
            "outputs": [sp.sstr(e) for e in outputs]}


def _load(data: dict, variables: tuple[str, ...]) -> DerivativePrograms:
    return DerivativePrograms(*(_program(data[k], variables) for k in ("f", "grad", "hess")))


def _program(data: dict, variables: tuple[str, ...]) -> Program:
    known = list(variables)
    temps = []
    for name, text in data["temps"]:
        temps.append((name, _parse_internal(text, known)))
        known.append(name)
    outputs = tuple(_parse_internal(text, known) for text in data["outputs"])
    return Program(variables, tuple(temps), outputs)


def _parse_internal(text: str, known: list[str]):
    try:
        return parse(text, known, max_length=_PROGRAM_TEXT_LIMIT)
    except ExpressionError as exc:
        raise ExpressionError(f"a derivative of this formula uses something optkit cannot evaluate ({exc})") from None


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None


def _write(path: Path, text: str) -> None:
    """Atomic write; a cache that cannot be written is simply not used."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError:
        pass
