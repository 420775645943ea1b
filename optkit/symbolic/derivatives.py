"""Exact derivatives of closed-form problems, compiled to fast numpy evaluators.

sympy differentiates the formula once; common subexpressions are shared
(``sympy.cse``) and the resulting programs are printed as text in the same
restricted grammar as user formulas.  That text is cached on disk
(``$OPTKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/optkit``, else
``~/.cache/optkit``) keyed by the formula, so later runs parse it back with
the safe parser and never import sympy (importing sympy alone costs several
times the whole ``optkit eval`` budget).

A cache entry is never trusted: it carries what it was derived from (the
formula text, the variables, the optkit version and the cache format) and is
used only when all of these match the request, when it has the expected shape
(one f, n gradient components, n(n+1)/2 Hessian entries) and when it stays
within the parser's bounds (:data:`MAX_TEMPS` temporaries, :data:`MAX_ENTRY_BYTES`).
Anything else -- a foreign, damaged, truncated, undecodable or oversized entry,
or a folder in its place -- is ignored and derived again.  Since it is read by
the safe parser it cannot run code.  A cache folder that cannot be written is
said once (a :class:`CacheWarning`) and the derivatives are simply not kept.

Variables are renamed ``_v0, _v1, ...`` inside the programs, so a variable
called ``e``, ``E`` or ``pi`` is never confused with the constant sympy prints
under that name.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from optkit.errors import OptkitError
from optkit.symbolic.grammar import MAX_DEPTH_INTERNAL, ExpressionError, Program, parse, to_sympy

CACHE_FORMAT = 2  # 2: entries carry their provenance; variables are renamed _v0, _v1, ...
MAX_ENTRY_BYTES = 4_000_000  # a larger file is not read: it is no entry optkit wrote for a 4000-character formula
MAX_TEMPS = 20_000  # common subexpressions per program; a longer list is refused, never parsed
_PROGRAM_TEXT_LIMIT = 2_000_000  # derivative programs are long; they are still parsed by the whitelist
_TEMP_NAME = re.compile(r"_t[0-9]{1,6}")


class CacheWarning(UserWarning):
    """The derivative cache cannot be used (said once per process)."""


_warned_unwritable = False


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


def _version() -> str:
    from optkit import __version__

    return __version__


def sympy_expression(formula: str, variables: Sequence[str], names: Sequence[str] | None = None):
    """(expr, symbols) with real symbols, so |x|' is sign(x) and not a complex derivative.

    ``names``: the symbols' printed names (default: the variables themselves).
    """
    import sympy as sp

    names = list(variables) if names is None else list(names)
    symbols = {var: sp.Symbol(name, real=True) for var, name in zip(variables, names)}
    return to_sympy(parse(formula, variables), symbols), [symbols[v] for v in variables]


def internal_names(n: int) -> tuple[str, ...]:
    return tuple(f"_v{i}" for i in range(n))


def derivative_programs(formula: str, variables: Sequence[str]) -> DerivativePrograms:
    variables = tuple(variables)
    provenance = {"format": CACHE_FORMAT, "optkit": _version(), "formula": formula, "variables": list(variables)}
    key = hashlib.sha256(json.dumps([CACHE_FORMAT, formula, variables]).encode()).hexdigest()[:32]
    path = cache_dir() / f"{key}.json"
    cached = _trusted_entry(path, provenance)
    if cached is not None:
        return cached
    data = {**provenance, **_derive(formula, variables)}
    _write(path, json.dumps(data))
    return _load(data, len(variables))


def _trusted_entry(path: Path, provenance: dict) -> DerivativePrograms | None:
    """The cached programs, or None when the entry is missing or anything about it is off."""
    text = _read(path)
    if text is None:
        return None
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or any(data.get(k) != v for k, v in provenance.items()):
            return None  # foreign (another formula or version), or damaged
        return _load(data, len(provenance["variables"]))
    except (ValueError, KeyError, TypeError, RecursionError, ExpressionError):
        return None  # damaged or out of bounds: derive again


def _derive(formula: str, variables: tuple[str, ...]) -> dict:
    import sympy as sp

    from optkit.symbolic.budget import time_budget

    shown = formula if len(formula) <= 60 else formula[:57] + "..."
    try:
        with time_budget(f"deriving the gradient and Hessian of {shown!r}"):
            expr, symbols = sympy_expression(formula, variables, internal_names(len(variables)))
            grad = [sp.diff(expr, s) for s in symbols]
            hess_upper = [sp.diff(grad[i], symbols[j]) for i in range(len(symbols)) for j in range(i, len(symbols))]
            # d/dx sign(x) is 2·DiracDelta(x): zero wherever the derivative exists.
            hess_upper = [h.replace(sp.DiracDelta, lambda *args: sp.S.Zero) for h in hess_upper]
            return {"f": _cse([expr]), "grad": _cse(grad), "hess": _cse(hess_upper)}
    except RecursionError:
        raise OptkitError(f"formula {shown!r} is nested too deeply for exact derivatives") from None


def _cse(exprs: list) -> dict:
    import sympy as sp

    temps, outputs = sp.cse(exprs, symbols=sp.numbered_symbols("_t"))
    return {"temps": [[str(name), sp.sstr(value)] for name, value in temps],
            "outputs": [sp.sstr(e) for e in outputs]}


def _load(data: dict, n: int) -> DerivativePrograms:
    sizes = {"f": 1, "grad": n, "hess": n * (n + 1) // 2}
    return DerivativePrograms(*(_program(data[k], internal_names(n), sizes[k]) for k in ("f", "grad", "hess")))


def _program(data: dict, variables: tuple[str, ...], size: int) -> Program:
    """Parse one program, checking its shape before any parsing work (a damaged entry fails fast)."""
    temps_data, outputs_data = data["temps"], data["outputs"]
    if not isinstance(temps_data, list) or not isinstance(outputs_data, list):
        raise TypeError("temps and outputs are lists")
    if len(temps_data) > MAX_TEMPS or len(outputs_data) != size:
        raise ValueError(f"{len(temps_data)} temporaries, {len(outputs_data)} outputs (expected {size})")
    for entry in temps_data:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                and _TEMP_NAME.fullmatch(entry[0]) and isinstance(entry[1], str)):
            raise ValueError("a temporary is a pair [name, formula]")
    if not all(isinstance(text, str) for text in outputs_data):
        raise TypeError("outputs are formulas")
    known = set(variables)  # grown in place: the parser uses a set as given
    temps = []
    for name, text in temps_data:
        if name in known:
            raise ValueError(f"temporary {name} defined twice")
        temps.append((name, _parse_internal(text, known)))
        known.add(name)
    outputs = tuple(_parse_internal(text, known) for text in outputs_data)
    return Program(variables, tuple(temps), outputs)


def _parse_internal(text: str, known: set[str]):
    try:
        return parse(text, known, max_length=_PROGRAM_TEXT_LIMIT, max_depth=MAX_DEPTH_INTERNAL)
    except ExpressionError as exc:
        raise ExpressionError(f"a derivative of this formula uses something optkit cannot evaluate ({exc})") from None


def _read(path: Path) -> str | None:
    """The entry's text, or None: missing, a folder, unreadable, too large or not UTF-8."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_ENTRY_BYTES:
            return None
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def _write(path: Path, text: str) -> None:
    """Atomic write; a cache that cannot be written is said once and not used."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        _warn_unwritable(path.parent, exc)
    finally:
        if tmp is not None:  # e.g. the entry's name is taken by a folder: leave no .tmp behind
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _warn_unwritable(folder: Path, exc: OSError) -> None:
    global _warned_unwritable
    if _warned_unwritable:
        return
    _warned_unwritable = True
    reason = exc.strerror or type(exc).__name__
    warnings.warn(CacheWarning(f"derivative cache {str(folder)!r} cannot be written ({reason}); derivatives are "
                               "recomputed on every run (set $OPTKIT_CACHE_DIR to a writable folder)"),
                  stacklevel=2)
