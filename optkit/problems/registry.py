"""Finding problems: the bundled ``optkit/problems/bundled/`` folder, user folders, and ``--expr``.

A problem is one file:

* ``NAME.toml`` -- a closed-form problem (formula in the safe grammar plus its
  metadata; see ``optkit/problems/bundled/quartic.toml`` for every field);
* ``NAME.py`` -- a module defining ``PROBLEM``, a
  :class:`optkit.problem.ProblemDefinition` (vectorised numpy; for scalable and
  data-driven problems).  A ``.py`` file in a user folder is imported, i.e. run:
  put there only code you trust, as with any Python module.

User folders come from ``--problems DIR`` and ``$OPTKIT_PROBLEMS`` (several
separated by ``os.pathsep``).  A file that fails to load (even one calling
``sys.exit``) is reported with its path and field; the others still load.
Precedence: ``--problems`` folders, then ``$OPTKIT_PROBLEMS`` folders (each in
the order given), then the bundled problems; the first to define a name wins
and every clash is reported (see :class:`Registry`).
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from optkit.errors import OptkitError
from optkit.problems.problem import KINDS, KnownPoint, ProblemDefinition

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SUFFIXES = (".toml", ".py")

#: A problem name is a name, never a path: it starts and ends with a letter or digit and holds
#: only letters, digits, ``-``, ``_`` and ``.`` in between.  No ``/``, no ``..`` reaching out of
#: a folder, no leading ``_`` (``__init__``) -- so a name can only select a file *inside* a
#: registered problem folder.
NAME_PATTERN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?")


def check_problem_name(name: str) -> str:
    """Return ``name`` if it is a valid problem name, else raise one clear OptkitError."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name) or ".." in name:
        shown = name if len(name) <= 60 else name[:57] + "..."
        raise OptkitError(f"{shown!r} is not a problem name: a name has 1 to 100 letters, digits, '-', '_' "
                          f"or '.' and starts and ends with a letter or digit (`optkit list` shows them all)")
    return name


def bundled_dir() -> Path:
    """The bundled problem files: the ``optkit.problems.bundled`` package folder."""
    return Path(__file__).resolve().parent / "bundled"


def user_dirs(extra: Iterable[str | Path] = ()) -> list[Path]:
    """The folders the user named: ``--problems`` values, then ``$OPTKIT_PROBLEMS``.

    Only these folders and the bundled one are ever read, and only their ``.py`` files are
    ever imported.  An empty folder name is refused: ``Path("")`` is the working directory,
    and importing every ``*.py`` there is never what was meant.
    """
    named = [("--problems", str(d)) for d in extra]
    env = os.environ.get("OPTKIT_PROBLEMS", "")
    named += [("$OPTKIT_PROBLEMS", d) for d in env.split(os.pathsep) if d]
    dirs = []
    for source, d in named:
        if not d.strip():
            raise OptkitError(f"{source}: empty folder name; give the folder that holds your problem files, "
                              f"e.g. {source if source.startswith('$') else '--problems'} ./my-problems")
        shown = d if len(d) <= 80 else d[:77] + "..."
        try:
            is_dir = Path(d).is_dir()
        except (OSError, ValueError):
            is_dir = False
        if not is_dir:
            raise OptkitError(f"{source}: problem folder {shown!r} does not exist or is not a folder")
        dirs.append(Path(d))
    return dirs


class ProblemFileError(OptkitError):
    pass


@dataclass
class Registry:
    """All known problems, with one precedence rule for ``get`` and ``all`` alike.

    ``dirs`` lists the folders from the lowest precedence (the bundled one) to the highest;
    ``Registry.default`` gives ``[bundled, $OPTKIT_PROBLEMS..., --problems...]`` reversed
    into that order, so **the command line beats the environment, and a user folder beats
    the bundled problems**: a user problem named like a bundled one (or like its alias)
    replaces it, and the clash is recorded in :attr:`errors` (the CLI prints it as a
    ``Warning:`` line).  Bundled files are loaded lazily (a lookup by file name reads one
    file); user folders are read whole, since any of their files may define the name.
    """

    dirs: list[Path]
    errors: list[str] = field(default_factory=list)
    _all: dict[str, ProblemDefinition] | None = None
    _user: dict[str, ProblemDefinition] | None = None
    _failed: dict[str, str] = field(default_factory=dict)  # file stem -> why the user file did not load

    @classmethod
    def default(cls, extra_dirs: Iterable[str | Path] = ()) -> "Registry":
        return cls([bundled_dir(), *reversed(user_dirs(extra_dirs))])

    def _note(self, message: str) -> None:
        if message not in self.errors:
            self.errors.append(message)

    def user_problems(self) -> dict[str, ProblemDefinition]:
        """The user folders' problems by name, highest precedence first to define a name."""
        if self._user is None:
            self._user = self._collect(reversed(self.dirs[1:]))
        return self._user

    def _collect(self, folders) -> dict[str, ProblemDefinition]:
        found: dict[str, ProblemDefinition] = {}
        for d in folders:
            for path in _problem_files(d):
                try:
                    definitions = load_file(path)
                except ProblemFileError as exc:
                    self._note(str(exc))
                    self._failed.setdefault(path.stem, str(exc))
                    continue
                for definition in definitions:
                    if definition.name in found:
                        self._note(f"{path}: problem name {definition.name!r} is also defined in "
                                   f"{found[definition.name].origin}, which takes precedence")
                        continue
                    found[definition.name] = definition
        return found

    def get(self, name: str) -> ProblemDefinition:
        check_problem_name(name)
        user = _lookup(self.user_problems(), name)
        bundled = self._bundled_by_file(name)
        if user is not None:
            if bundled is not None:
                self._note(_clash(user, bundled))
            return user
        if bundled is not None:
            return bundled
        if name in self._failed:  # the user's file of that name is broken: say why, not "unknown"
            raise OptkitError(self._failed[name])
        by_name = self.all()
        found = _lookup(by_name, name)
        if found is not None:
            return found
        names = sorted(set(by_name) | {a for d in by_name.values() for a in d.aliases})
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `optkit list` shows them all"
        raise OptkitError(f"unknown problem {name!r}{hint}")

    def _bundled_by_file(self, name: str) -> ProblemDefinition | None:
        """Fast path: bundled files are named after their problem."""
        for suffix in SUFFIXES:
            path = self.dirs[0] / f"{name}{suffix}"
            if path.is_file():
                try:
                    found = {p.name: p for p in load_file(path)}
                except ProblemFileError as exc:
                    raise OptkitError(str(exc)) from None
                if name in found:
                    return found[name]
        return None

    def all(self) -> dict[str, ProblemDefinition]:
        if self._all is None:
            user = self.user_problems()
            found = dict(user)
            taken = {a: d for d in user.values() for a in (d.name, *d.aliases)}
            for name, definition in self._collect([self.dirs[0]]).items():
                clash = next((taken[k] for k in (name, *definition.aliases) if k in taken), None)
                if clash is not None:
                    self._note(_clash(clash, definition))
                    continue
                found[name] = definition
            self._all = found
        return self._all


def _problem_files(folder: Path) -> list[Path]:
    return [path for path in sorted(folder.iterdir())
            if path.suffix in SUFFIXES and not path.name.startswith(("_", "."))]


def _lookup(definitions: dict[str, ProblemDefinition], name: str) -> ProblemDefinition | None:
    if name in definitions:
        return definitions[name]
    return next((d for d in definitions.values() if name in d.aliases), None)


def _clash(user: ProblemDefinition, bundled: ProblemDefinition) -> str:
    return (f"{user.origin}: problem {user.name!r} replaces the bundled problem {bundled.name!r} "
            f"({bundled.origin}); user folders take precedence over the bundled problems")


# ---------------------------------------------------------------- loading one file


def load_file(path: Path) -> list[ProblemDefinition]:
    if path.suffix == ".toml":
        return [load_toml(path)]
    return load_python(path)


def load_python(path: Path) -> list[ProblemDefinition]:
    module_name = f"optkit_problem_{abs(hash(str(path.resolve())))}"
    if module_name in sys.modules:
        module = sys.modules[module_name]
    else:
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except (Exception, SystemExit) as exc:  # a broken user file must not stop the others, nor exit optkit
            raise ProblemFileError(f"{path}: cannot import problem file: {type(exc).__name__}: {exc}") from None
        sys.modules[module_name] = module
    definitions = getattr(module, "PROBLEMS", None) or [getattr(module, "PROBLEM", None)]
    if not all(isinstance(d, ProblemDefinition) for d in definitions):
        raise ProblemFileError(f"{path}: field 'PROBLEM': a problem module must define PROBLEM = ProblemDefinition(...)")
    for d in definitions:
        d.origin = str(path)
    return definitions


_TOML_FIELDS = {"name", "aliases", "formula", "variables", "x0", "box", "fstar", "minimizers",
                "stationary_points", "source", "tags", "notes", "smooth", "bounded_only"}


def load_toml(path: Path) -> ProblemDefinition:
    from optkit.problems.formula import formula_definition

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise ProblemFileError(f"{path}: not valid TOML: {exc}") from None
    reader = _FieldReader(path, data)
    unknown = sorted(set(data) - _TOML_FIELDS)
    if unknown:
        raise ProblemFileError(f"{path}: unknown field {unknown[0]!r}; allowed fields: {', '.join(sorted(_TOML_FIELDS))}")
    formula = reader.text("formula", required=True)
    variables = reader.strings("variables", default=None)
    try:
        from optkit.problems.formula import formula_variables

        names = formula_variables(formula, variables)
    except OptkitError as exc:
        raise ProblemFileError(f"{path}: field 'formula': {exc}") from None
    n = len(names)
    fstar_text = reader.number_text("fstar")
    return formula_definition(
        formula, names,
        name=reader.text("name", default=path.stem),
        aliases=tuple(reader.strings("aliases", default=[])),
        x0=reader.vector("x0", n, default=[0.0] * n),
        box=reader.box("box", n),
        fstar=None if fstar_text is None else reader.number("fstar"),
        fstar_text=fstar_text,
        minimizers=[reader.vector_value(m, n, f"minimizers[{i}]") for i, m in enumerate(reader.list("minimizers"))],
        stationary_points=reader.points("stationary_points", n),
        source=reader.text("source", default=""),
        tags=tuple(reader.strings("tags", default=[])),
        notes=reader.text("notes", default=""),
        smooth=reader.boolean("smooth", default=True),
        bounded_only=reader.boolean("bounded_only", default=False),
        origin=str(path),
    )


class _FieldReader:
    """Typed access to a TOML table; every failure names the file and the field."""

    def __init__(self, path: Path, data: dict):
        self.path, self.data = path, data

    def fail(self, name: str, message: str):
        raise ProblemFileError(f"{self.path}: field {name!r}: {message}")

    def text(self, name: str, required: bool = False, default: str | None = None) -> str:
        if name not in self.data:
            if required:
                self.fail(name, "missing (required)")
            return default
        value = self.data[name]
        if not isinstance(value, str):
            self.fail(name, f"expected text, got {type(value).__name__}")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            self.fail(name, "expected true or false")
        return value

    def strings(self, name: str, default=None):
        if name not in self.data:
            return default
        value = self.data[name]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(name, "expected a list of text values")
        return value

    def list(self, name: str) -> list:
        value = self.data.get(name, [])
        if not isinstance(value, list):
            self.fail(name, "expected a list")
        return value

    def number_text(self, name: str) -> str | None:
        if name not in self.data:
            return None
        value = self.data[name]
        return value if isinstance(value, str) else repr(value)

    def number(self, name: str) -> float:
        return self._number(self.data[name], name)

    def _number(self, value, name: str) -> float:
        from optkit.symbolic.grammar import parse_number

        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(name, f"expected a number or a formula such as \"1/2\", got {value!r}")
        if isinstance(value, str):
            try:
                return parse_number(value)
            except OptkitError as exc:
                self.fail(name, str(exc))
        if value != value or value in (float("inf"), float("-inf")):
            self.fail(name, "must be finite")
        return float(value)

    def vector_value(self, value, n: int, name: str) -> list[float]:
        if not isinstance(value, list) or len(value) != n:
            self.fail(name, f"expected a list of {n} numbers")
        return [self._number(v, name) for v in value]

    def vector(self, name: str, n: int, default):
        if name not in self.data:
            return default
        return self.vector_value(self.data[name], n, name)

    def box(self, name: str, n: int):
        if name not in self.data:
            return None
        value = self.data[name]
        if not isinstance(value, list) or len(value) != n or not all(isinstance(b, list) and len(b) == 2 for b in value):
            self.fail(name, f"expected {n} pairs [lo, hi]")
        bounds = [[self._number(lo, name), self._number(hi, name)] for lo, hi in value]
        if any(lo >= hi for lo, hi in bounds):
            self.fail(name, "every pair needs lo < hi")
        return bounds

    def points(self, name: str, n: int) -> list[KnownPoint]:
        import numpy as np

        points = []
        for i, entry in enumerate(self.list(name)):
            where = f"{name}[{i}]"
            if not isinstance(entry, dict) or "x" not in entry or "kind" not in entry:
                self.fail(where, "expected a table with x and kind")
            kind = entry["kind"]
            if kind not in KINDS:
                self.fail(where, f"kind {kind!r} is not one of {', '.join(KINDS)}")
            x = self.vector_value(entry["x"], n, where)
            exact = tuple(entry["x"]) if all(isinstance(v, str) for v in entry["x"]) else None
            behaves = entry.get("behaves_as")
            if behaves is not None and behaves not in ("minimum", "maximum", "saddle"):
                self.fail(where, "behaves_as must be minimum, maximum or saddle")
            index = entry.get("index")
            if index is not None and (not isinstance(index, int) or not 0 <= index <= n):
                self.fail(where, f"index must be a whole number from 0 to {n}")
            points.append(KnownPoint(np.array(x), kind, index, exact, behaves))
        return points


def expression_definition(text: str, variables: Sequence[str] | None = None, name: str = "expr") -> ProblemDefinition:
    """A problem from ``--expr`` (variables alphabetical unless given)."""
    from optkit.problems.formula import formula_definition

    return formula_definition(text, variables, name=name, source="command line", tags=("expr",))
