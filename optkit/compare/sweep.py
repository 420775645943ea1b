"""What a sweep is: methods × problem instances × starts under one set of tolerances.

Everything here is plain data that pickles and serialises as JSON, so a worker process or a
Dask worker receives a :class:`RunSpec` (problem name and parameters or formula text,
method spec, start) and rebuilds the problem and the method itself; no compiled closure is
ever sent.  :meth:`RunSpec.key` is the resume key of the results database: problem, n,
parameters or ``--expr`` text, canonical method and options, tolerances, start (seed, index,
coordinates) and optkit version.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field, fields, replace
from typing import Iterable, Sequence

from optkit.compare.instances import ProblemRef
from optkit.errors import OptkitError

#: The default sweep of ``optkit compare`` with no arguments (issue 11).
DEFAULT_METHODS = ("gd+armijo", "newton+armijo", "tr-exact", "tr-cg", "sfn", "adam", "scipy:BFGS",
                   "scipy:trust-exact")
DEFAULT_TAG = "classic"
DEFAULT_STARTS = 5
DEFAULT_RUN_TIMEOUT = 10.0


@dataclass(frozen=True)
class Tolerances:
    """The tolerances every run of a sweep shares (the driver's common options) and the solved rule's.

    ``solved_ftol`` is the ftol of the conventions' solved rule:
    f − f_local ≤ solved_ftol·max(1, |f(x0) − f*|).  It is not a stopping rule; ``ftol`` is
    (``optkit run --ftol``, 0 = off).
    """

    gtol: float = 1e-8
    ftol: float = 0.0
    xtol: float = 0.0
    max_iter: int = 1000
    max_evals: int | None = None
    x_bound: float = 1e8
    solved_ftol: float = 1e-6

    COMMON_KEYS = ("gtol", "ftol", "xtol", "max_iter", "max_evals", "x_bound")

    @classmethod
    def from_values(cls, values: dict, where: str = "tolerances") -> "Tolerances":
        """Validated through the catalogue's option specs; an unknown key names the allowed ones."""
        from optkit.methods.catalogue import COMMON

        out = {}
        allowed = (*cls.COMMON_KEYS, "solved_ftol")
        for key, raw in values.items():
            if raw is None:
                continue
            key = key.replace("-", "_")
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean {close[0]}?" if close else ""
                raise OptkitError(f"{where}: unknown tolerance {key!r}{hint} (allowed: {', '.join(allowed)})")
            if key == "solved_ftol":
                spec = replace(COMMON["ftol"], name="solved_ftol", low=0, low_open=True)
            else:
                spec = COMMON[key]
            try:
                out[key] = spec.coerce(raw, "the sweep")
            except OptkitError as exc:
                raise OptkitError(f"{where}: {exc}") from None
        return cls(**out)

    def common(self) -> dict:
        """The driver's common options (``optkit.minimize(..., options=...)``)."""
        return {k: getattr(self, k) for k in self.COMMON_KEYS}

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class RunSpec:
    """One run: plain data a worker turns into a problem, a method and a start."""

    problem: ProblemRef
    method: str  # the spec as given
    canonical: str  # MethodSpec.canonical_text
    start_index: int
    x0: tuple[float, ...]
    seed: int
    tolerances: Tolerances
    run_timeout: float = DEFAULT_RUN_TIMEOUT

    def identity(self, version: bool = True) -> dict:
        from optkit import __version__

        out = {**self.problem.identity(), "canonical": json.loads(self.canonical), "tolerances": self.tolerances.to_dict(),
               "start_index": self.start_index, "seed": self.seed, "x0": [float(v) for v in self.x0]}
        if version:
            out["optkit"] = __version__
        return out

    def key(self) -> str:
        """The resume key (includes the optkit version)."""
        return self._memo("_key", True)

    def match_key(self) -> str:
        """The same run under another optkit version (``optkit report A.db B.db`` pairs runs by it)."""
        return self._memo("_match_key", False)

    def _memo(self, name: str, version: bool) -> str:
        """Computed once (the parent computes it for resume; the pickled spec carries it to the worker)."""
        value = self.__dict__.get(name)
        if value is None:
            value = _digest(self.identity(version=version))
            object.__setattr__(self, name, value)  # a cache beside the fields: equality and hash ignore it
        return value


def _digest(value: dict) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:32]


@dataclass
class Sweep:
    """Methods × problems × starts; :meth:`runs` lists every :class:`RunSpec` in a fixed order."""

    methods: list  # MethodSpec
    problems: list[ProblemRef]
    starts: int = DEFAULT_STARTS
    seed: int = 0
    tolerances: Tolerances = field(default_factory=Tolerances)
    run_timeout: float = DEFAULT_RUN_TIMEOUT
    x0: tuple[float, ...] | None = None  # start 0 for every problem (one --expr or one --fn)

    def runs(self) -> list[RunSpec]:
        from optkit.compare.instances import build_problem
        from optkit.compare.starts import starts_for

        specs = []
        for ref in self.problems:
            problem = build_problem(ref)
            first = self.x0 if self.x0 is not None else problem.x0
            points = starts_for(first, problem.box, self.starts, self.seed, ref.expr or ref.name, ref.n, ref.params_dict)
            for method in self.methods:
                for index, x0 in enumerate(points):
                    specs.append(RunSpec(ref, method.text, method.canonical_text, index, tuple(x0), self.seed,
                                         self.tolerances, self.run_timeout))
        return specs

    def to_dict(self) -> dict:
        """The definition stored with the sweep in the database."""
        return {"methods": [m.text for m in self.methods], "problems": [p.identity() for p in self.problems],
                "starts": self.starts, "seed": self.seed, "tolerances": self.tolerances.to_dict(),
                "run_timeout": self.run_timeout, "x0": list(self.x0) if self.x0 is not None else None}


def parse_int_list(text: str | Sequence, flag: str) -> list[int]:
    """``"2,10,100"`` (or a list) → ``[2, 10, 100]``; anything else names the flag."""
    items = text.split(",") if isinstance(text, str) else list(text)
    out = []
    for item in items:
        try:
            value = int(str(item).strip())
        except ValueError:
            raise OptkitError(f"{flag}: {str(item).strip()!r} is not a whole number; write e.g. {flag} 2,10,100") from None
        if value < 1:
            raise OptkitError(f"{flag}: n = {value} must be at least 1")
        out.append(value)
    if not out:
        raise OptkitError(f"{flag} is empty; write e.g. {flag} 2,10,100")
    return out


def parse_names(text: str | Iterable[str] | None) -> list[str]:
    if text is None:
        return []
    items = text.split(",") if isinstance(text, str) else list(text)
    return [s.strip() for s in items if str(s).strip()]
