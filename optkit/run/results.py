"""Plain records of a run: :class:`Status`, :class:`Step`, :class:`Record`, :class:`Result`.

Everything here is data: no numerics, no printing.  A :class:`Result`
round-trips through JSON (``Result.from_dict(json.loads(json.dumps(r.to_dict())))``)
so ``compare`` can save runs and the renderers can redraw them later.

The :class:`Status` values are the messages a user reads, with the achieved
measure beside its tolerance ("‖g‖₂ = 3.1e-09 ≤ gtol 1e-08").  Stagnation is
never reported as convergence: only :attr:`Status.CONVERGED` counts as
converged, and then the message names what the end point is (a run that ends at
a saddle says "converged to a saddle point (index 1)", never "minimum").

Every result has one **outcome** (shared/conventions.md): ``minimum``, ``saddle``,
``maximum``, ``degenerate`` (a stationary point reached to gtol, by kind),
``diverging``, ``not-converged``, ``failed``, ``timeout``.  ``converged`` is true when a
stationary point was reached to tolerance, whatever its kind; ``success`` only for
``minimum``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np


def fmt_number(value: Any, digits: int = 3) -> str:
    """``digits`` significant digits (3 in every status message); nan/inf as words."""
    if value is None:
        return "—"
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(int(value))
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.{digits}g}"


class Status(Enum):
    """Every way a run can stop.  The value is the message template.

    ``{measure}``, ``{tol}`` and ``{detail}`` are filled by :meth:`message`.
    """

    CONVERGED = "‖g‖₂ = {measure} ≤ gtol {tol}"
    FTOL = "f stalled: |Δf| = {measure} ≤ ftol·max(1, |f|) = {tol}, but ‖g‖₂ is above gtol: no stationary point reached"
    XTOL = "x stalled: ‖Δx‖₂ = {measure} ≤ xtol·max(1, ‖x‖₂) = {tol}, but ‖g‖₂ is above gtol: no stationary point reached"
    MAX_ITER = "maximum iterations reached ({measure} = max_iter {tol}); ‖g‖₂ is above gtol"
    MAX_EVALS = "maximum evaluations reached ({measure} ≥ max_evals {tol}); ‖g‖₂ is above gtol"
    NON_FINITE = "non-finite value: {detail}"
    NON_FINITE_HESSIAN = "Hessian not finite: {detail}"
    SINGULAR_HESSIAN = "Hessian singular: reciprocal condition estimate {measure} ≤ {tol}{detail}"
    NON_DESCENT = "not a descent direction: gᵀp = {measure} ≥ 0"
    STEP_FLOOR = "step size fell below its floor: α = {measure} < {tol}"
    RADIUS_FLOOR = "trust radius fell below its floor: Δ = {measure} < {tol}"
    LINE_SEARCH_FAILED = "line search failed: {detail}"
    DIVERGING = "no stationary point reached; iterates diverging: ‖x‖₂ = {measure} > {tol}"
    VANISHING_UNBOUNDED = ("gradient vanishing along an unbounded path; no stationary point reached ({detail})")
    DIVERGING_TREND = ("no stationary point reached; iterates diverging: f still falling while ‖g‖₂ shrinks "
                       "and ‖x‖₂ grows ({detail})")
    CALLBACK = "stopped by the callback"
    TIMEOUT = "stopped by the time limit ({measure} s ≥ {tol} s); ‖g‖₂ is above gtol"
    INTERRUPTED = "interrupted (Ctrl-C) at iteration {measure}"

    @property
    def converged(self) -> bool:
        return self is Status.CONVERGED

    def message(self, measure: Any = None, tol: Any = None, detail: str = "") -> str:
        return self.value.format(measure=fmt_number(measure), tol=fmt_number(tol), detail=detail)


def converged_phrase(classification: dict | None) -> str:
    """'converged to a saddle point (index 1)' and the like, from a classification dict."""
    if not classification:
        return "converged to a stationary point"
    kind = classification.get("kind")
    if kind in ("minimum", "maximum"):
        if classification.get("certified") is False:  # extreme eigenvalues only estimated (large n)
            return f"converged to a probable local {kind} (not certified)"
        return f"converged to a local {kind}"
    if kind == "saddle":
        index = classification.get("index")
        return f"converged to a saddle point (index {'≥ 1' if index is None else index})"
    if kind == "degenerate":
        notes = classification.get("notes") or []
        if "no Hessian available" in notes:
            return "converged to a stationary point (not classified: no Hessian available)"
        return "converged to a degenerate stationary point (second-order test inconclusive)"
    return "converged to a stationary point"


#: Outcome words of the conventions, in the order tables list them.
OUTCOMES = ("minimum", "saddle", "maximum", "degenerate", "diverging", "not-converged", "failed", "timeout",
            "skipped")

_FAILED = ("NON_FINITE", "NON_FINITE_HESSIAN", "SINGULAR_HESSIAN")


def outcome_of(status: Status, classification: dict | None) -> str:
    """The conventions' outcome word for a run that stopped with ``status`` at a point classified so.

    A converged run takes the kind of its end point; a degenerate point that a higher-order
    test showed to behave as a minimum (maximum, saddle) takes that kind, any other stationary
    point whose type is undecided (no Hessian, semidefinite) is ``degenerate``.
    """
    if status is Status.CONVERGED:
        kind = (classification or {}).get("kind")
        if kind in ("minimum", "maximum", "saddle"):
            return kind
        behaves = (classification or {}).get("degenerate_behaviour")
        return behaves if behaves in ("minimum", "maximum", "saddle") else "degenerate"
    if status in (Status.DIVERGING, Status.DIVERGING_TREND, Status.VANISHING_UNBOUNDED):
        return "diverging"
    if status.name in _FAILED:
        return "failed"
    if status is Status.TIMEOUT:
        return "timeout"
    return "not-converged"


@dataclass
class Step:
    """What one iteration of a method did (returned by ``method.step``; the driver records it).

    x         the next iterate (equal to the current one when the step was rejected)
    f, g      f and ∇f at ``x`` when the method already evaluated them (else None)
    accepted  False for a rejected trust-region step
    data      step data for the trace: alpha, trials, delta, rho, damping, pred, ...
    status    set when the method ends the run (singular Hessian, line-search failure, ...)
    direction the search direction p_k, when the method has one (else the trace records x_{k+1} − x_k)
    exact     exact arithmetic (``--exact``): the new iterate's coordinates as exact text
    """

    x: np.ndarray
    f: float | None = None
    g: np.ndarray | None = None
    accepted: bool = True
    data: dict = field(default_factory=dict)
    status: Status | None = None
    measure: Any = None
    tol: Any = None
    detail: str = ""
    note: str = ""
    direction: np.ndarray | None = None
    exact: list[str] | None = None


@dataclass
class Record:
    """One row of the trace: iterate k and the step taken from it.

    ``data`` holds the step from x_k to x_{k+1} (empty on the last record);
    ``x`` holds every coordinate for n ≤ 1000, else the first ten
    (``x_norm`` is always exact).  ``exact`` carries exact coordinates as text
    in ``--exact`` mode.  ``grad`` (∇f(x_k)) and ``direction`` (the search
    direction from x_k, or the step x_{k+1} − x_k where the method names none)
    are kept for n ≤ 10 (conventions, "Traces").
    """

    k: int
    x: list[float]
    f: float
    grad_norm: float
    x_norm: float
    data: dict = field(default_factory=dict)
    eigenvalues: list[float] | None = None
    note: str = ""
    exact: list[str] | None = None
    x_truncated: bool = False
    grad: list[float] | None = None
    direction: list[float] | None = None

    def to_dict(self) -> dict:
        d = {"k": self.k, "x": list(self.x), "f": self.f, "grad_norm": self.grad_norm, "x_norm": self.x_norm}
        if self.grad is not None:
            d["grad"] = list(self.grad)
        if self.direction is not None:
            d["direction"] = list(self.direction)
        d.update(_plain(self.data))
        d["eigenvalues"] = self.eigenvalues
        d["note"] = self.note
        if self.exact is not None:
            d["exact"] = self.exact
        if self.x_truncated:
            d["x_truncated"] = True
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Record":
        known = {"k", "x", "f", "grad_norm", "x_norm", "eigenvalues", "note", "exact", "x_truncated", "grad",
                 "direction"}
        data = {key: value for key, value in d.items() if key not in known}
        return cls(k=int(d["k"]), x=[_float(v) for v in d["x"]], f=_float(d["f"]),
                   grad_norm=_float(d["grad_norm"]), x_norm=_float(d.get("x_norm", "nan")), data=data,
                   eigenvalues=None if d.get("eigenvalues") is None else [_float(v) for v in d["eigenvalues"]],
                   note=d.get("note", ""), exact=d.get("exact"), x_truncated=bool(d.get("x_truncated", False)),
                   grad=_floats(d.get("grad")), direction=_floats(d.get("direction")))


@dataclass
class Measure:
    """One convergence measure beside its tolerance, for the Optim.jl-style summary."""

    name: str  # "‖g‖₂", "|Δf|", "‖Δx‖₂"
    value: float
    tol: float
    rule: str  # how it is compared, e.g. "‖g‖₂ ≤ gtol"

    @property
    def met(self) -> bool:
        return bool(self.value <= self.tol)

    def to_dict(self) -> dict:
        return {"name": self.name, "value": self.value, "tol": self.tol, "rule": self.rule, "met": self.met}

    @classmethod
    def from_dict(cls, d: dict) -> "Measure":
        return cls(d["name"], _float(d["value"]), _float(d["tol"]), d["rule"])


@dataclass
class Result:
    """The record of one run; ``to_dict()`` is what ``--format json`` prints."""

    problem: str
    method: str
    options: dict
    status: Status
    message: str
    x: list[float]
    f: float
    grad_norm: float
    iterations: int
    evaluations: dict
    classification: dict | None
    trace: list[Record]
    wall_time: float
    measures: list[Measure] = field(default_factory=list)
    n: int = 0
    x0: list[float] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)  # or callables' DefaultNames (x1 … xn, built lazily)
    notes: list[str] = field(default_factory=list)
    exact: dict | None = None  # --exact: the last exact iterate (x, k), f there, where exactness was lost, notes
    trace_thinning: dict | None = None  # {kept, every} when a long trace was thinned (run/trace.py)
    columns: list[str] = field(default_factory=list)  # the method's trace columns (Step.data keys), in order

    @property
    def outcome(self) -> str:
        """minimum, saddle, maximum, degenerate, diverging, not-converged, failed or timeout."""
        return outcome_of(self.status, self.classification)

    @property
    def converged(self) -> bool:
        """A stationary point was reached to gtol, whatever its kind."""
        return self.status.converged

    @property
    def success(self) -> bool:
        """True only when the run ended at a minimum (never at a saddle or maximum)."""
        return self.outcome == "minimum"

    @property
    def x_array(self) -> np.ndarray:
        return np.asarray(self.x, dtype=float)

    def __repr__(self) -> str:
        from optkit.render.notebook import result_repr

        return result_repr(self.to_dict())

    def _repr_html_(self) -> str:
        """A notebook shows the summary and the trace as tables."""
        from optkit.render.notebook import result_html

        return result_html(self.to_dict())

    def trace_arrays(self) -> dict:
        """The trace as numpy arrays: k, x (iterations × n), f, grad_norm, x_norm, numeric step columns."""
        from optkit.render.notebook import trace_arrays

        return trace_arrays(self.to_dict())

    def trace_frame(self):
        """The trace as a pandas DataFrame indexed by k (needs pandas, which optkit does not require)."""
        from optkit.render.notebook import trace_frame

        return trace_frame(self.to_dict())

    def to_dict(self) -> dict:
        return {
            "problem": self.problem, "method": self.method, "options": _plain(self.options),
            "status": self.status.name.lower(), "outcome": self.outcome, "success": self.success,
            "converged": self.converged, "message": self.message,
            "x": list(self.x), "f": self.f, "grad_norm": self.grad_norm, "gtol_norm": "2-norm",
            "iterations": self.iterations, "evaluations": dict(self.evaluations),
            "classification": self.classification, "measures": [m.to_dict() for m in self.measures],
            "wall_time": self.wall_time, "n": self.n, "x0": list(self.x0), "variables": list(self.variables),
            "notes": list(self.notes), "exact": self.exact, "trace_thinning": self.trace_thinning,
            "columns": list(self.columns),
            "trace": [r.to_dict() for r in self.trace],
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Result":
        return cls(
            problem=d["problem"], method=d["method"], options=dict(d.get("options", {})),
            status=Status[d["status"].upper()], message=d["message"], x=[_float(v) for v in d["x"]],
            f=_float(d["f"]), grad_norm=_float(d["grad_norm"]), iterations=int(d["iterations"]),
            evaluations=dict(d["evaluations"]), classification=d.get("classification"),
            trace=[Record.from_dict(r) for r in d.get("trace", [])], wall_time=_float(d.get("wall_time", 0.0)),
            measures=[Measure.from_dict(m) for m in d.get("measures", [])], n=int(d.get("n", len(d["x"]))),
            x0=[_float(v) for v in d.get("x0", [])], variables=list(d.get("variables", [])),
            notes=list(d.get("notes", [])), exact=d.get("exact"), trace_thinning=d.get("trace_thinning"),
            columns=list(d.get("columns", [])),
        )


def _float(value) -> float:
    """Floats, including the strings 'nan', 'inf', '-inf' that the JSON writer uses."""
    return float(value)


def _floats(values) -> list[float] | None:
    return None if values is None else [_float(v) for v in values]


def _plain(value):
    """numpy scalars and arrays as Python numbers and lists (so records compare equal after JSON)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value
