"""Method options: each one's type, default, allowed range and when it applies, in one place.

An :class:`OptionSpec` is data, not code: a range is two bounds (a number, or the
name of another option, as in c₁ < c₂ < 1 or 0 < Δ₀ ≤ Δ_max), each open or
closed; a choice lists its values (a catalogue entry may allow only some of
them for its method); ``when`` says which values of other options it needs
(``c2`` only with ``line_search = wolfe``).  The validation of ``run`` and
``minimize``, the text of ``optkit methods`` and ``run --help``, and the tests
that walk every bound (``tests/test_catalogue.py``) all read these records, so
what is printed is what is accepted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optkit.errors import OptkitError

Bound = "float | int | str | None"  # a number, another option's name, or no bound


def _text(value) -> str:
    return value if isinstance(value, str) else f"{value:g}"


@dataclass(frozen=True)
class OptionSpec:
    """One option: type, default, help; its range (``low``/``high``, open or closed) or choices; ``when``."""

    name: str
    kind: str  # float | int | bool | choice | text
    default: Any
    help: str
    low: Any = None  # a number, the name of another option, or None
    high: Any = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple = ()
    optional: bool = False  # None is allowed (means: off / automatic)
    when: dict = field(default_factory=dict)  # {other option: values it must have for this one to apply}

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def values(self) -> tuple:
        """The enumerated values of a choice or a switch (empty for numbers and text)."""
        return self.choices if self.kind == "choice" else (True, False) if self.kind == "bool" else ()

    @property
    def allowed(self) -> str:
        """The range as printed in errors, ``--help`` and ``optkit methods``: ``0 < c1 < 1``, ``lr > 0``."""
        if self.kind == "choice":
            return ", ".join(self.choices)
        lo = None if self.low is None else f"{_text(self.low)} {'<' if self.low_open else '≤'} "
        hi = None if self.high is None else f" {'<' if self.high_open else '≤'} {_text(self.high)}"
        if lo and hi:
            return f"{lo}{self.name}{hi}"
        if lo:
            return f"{self.name} {'>' if self.low_open else '≥'} {_text(self.low)}"
        if hi:
            return f"{self.name}{hi}"
        return ""

    def coerce(self, raw: Any, method: str = "") -> Any:
        """Value from a Python value or from text (``--opt key=value``), checked against numeric bounds.

        Bounds that name another option are checked by :func:`check_relations` once every
        value is known.
        """
        # Name the option as the user typed it (--seed), and the method it belongs to when there is one.
        where = self.flag + (f" (of {method})" if method and method != "the run" else "")
        if raw is None:
            if self.optional:
                return None
            raise OptkitError(f"{where} needs a value; allowed: {self.allowed or self.kind}")
        value = raw
        if self.kind in ("float", "int"):
            if isinstance(raw, str):
                from optkit.symbolic.grammar import parse_number

                if self.optional and raw.strip().lower() in ("none", "off"):
                    return None
                value = parse_number(raw, f"value of {where}")
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
                raise OptkitError(f"{where} must be a number, got {raw!r}")
            value = float(value)
            if self.kind == "int":
                if not math.isfinite(value) or value != int(value):
                    raise OptkitError(f"{where} must be a whole number, got {raw!r}; allowed: {self.allowed}")
                value = int(value)
            elif not math.isfinite(value):
                raise OptkitError(f"{where} must be finite, got {raw!r}; allowed: {self.allowed}")
            if not self._within(value, {}):
                raise OptkitError(f"{where} = {raw!r} is out of range; allowed: {self.allowed}")
        elif self.kind == "bool":
            if isinstance(raw, str):
                text = raw.strip().lower()
                if text not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
                    raise OptkitError(f"{where} must be true or false, got {raw!r}")
                value = text in ("true", "1", "yes", "on")
            elif not isinstance(raw, (bool, np.bool_)):
                raise OptkitError(f"{where} must be true or false, got {raw!r}")
            value = bool(value)
        elif self.kind == "choice":
            value = str(raw).strip()
            if value not in self.choices:
                raise OptkitError(f"{where} must be one of {', '.join(self.choices)}, got {raw!r}")
        else:
            value = str(raw)
        return value

    def _within(self, value, others: dict) -> bool:
        """``value`` inside the bounds; a bound naming an option counts only when ``others`` holds it."""
        lo = others.get(self.low) if isinstance(self.low, str) else self.low
        hi = others.get(self.high) if isinstance(self.high, str) else self.high
        if lo is not None and not (value > lo if self.low_open else value >= lo):
            return False
        return hi is None or (value < hi if self.high_open else value <= hi)


def check_relations(specs: dict, values: dict, given: set, method: str) -> None:
    """Bounds that name another option (c₁ < c₂, Δ₀ ≤ Δ_max), once every value is known.

    Options the user gave are checked first (so the error names what was typed); an option
    that does not apply (``c2`` without ``line_search = wolfe``) is not checked.
    """
    for key in sorted(values, key=lambda k: k not in given):
        spec, value = specs[key], values[key]
        if value is None or not (isinstance(spec.low, str) or isinstance(spec.high, str)):
            continue
        if not applies(spec, values):
            continue
        if not spec._within(value, values):
            others = ", ".join(f"{b} = {values[b]:g}" for b in (spec.low, spec.high) if isinstance(b, str))
            raise OptkitError(f"option {key} of {method} = {value:g} is out of range ({others}); "
                              f"allowed: {spec.allowed}")


def applies(spec: OptionSpec, values: dict) -> bool:
    """Whether ``spec`` has an effect given the other values (its ``when``; options a method lacks are ignored)."""
    return all(values[other] in needed for other, needed in spec.when.items() if other in values)


def say(spec: OptionSpec, value) -> str:
    """How a user writes ``value`` of ``spec`` on the command line: ``--line-search wolfe``, ``--no-escape``."""
    if spec.kind == "bool":
        return spec.flag if value else f"--no-{spec.flag[2:]}"
    return f"{spec.flag} {value}"


def check_conditions(specs: dict, values: dict, given: set, method: str, when_of) -> None:
    """An option given where it has no effect is an error (``--backtrack`` with ``--line-search wolfe``).

    ``when_of(key)`` is the option's ``when`` as it holds for the method (``catalogue.applies_when``).
    """
    for key in sorted(given):
        for other, needed in when_of(key).items():
            if values[other] not in needed:
                wanted = " or ".join(say(specs[other], v) for v in needed)
                raise OptkitError(f"option {key} of {method} applies only with {wanted}; "
                                  f"here {say(specs[other], values[other])}")


def _positive(name, default, help, **kw) -> OptionSpec:
    return OptionSpec(name, "float", default, help, low=0, low_open=True, **kw)


def _unit(name, default, help, low_open=True, **kw) -> OptionSpec:
    """A number in (0, 1) or [0, 1)."""
    return OptionSpec(name, "float", default, help, low=0, high=1, low_open=low_open, high_open=True, **kw)


#: Options of the line searches, with the searches they belong to (``searches.SEARCHES``).
_ARMIJO_OR_WOLFE = {"line_search": ("armijo", "wolfe")}
_FIXED_STEP = {"line_search": ("none",)}

OPTIONS: dict[str, OptionSpec] = {o.name: o for o in [
    # step size
    _positive("lr", 1e-2, "step size α (learning rate), or α₀ of a schedule", when=_FIXED_STEP),
    OptionSpec("schedule", "text", "constant",
               "step-size schedule: constant, inverse-time[:r=1], step[:gamma=0.5,every=10], "
               "exponential[:gamma=0.99], cosine[:T=100,alpha_min=0] (clamped at T), "
               "polynomial[:T=100,power=1,end=0], warmup[:steps=10], or a formula in k such as 1/(k+2)",
               when=_FIXED_STEP),
    OptionSpec("line_search", "choice", "none", "line search along the direction (none = fixed/scheduled step)",
               choices=("none", "armijo", "wolfe", "exact")),
    _positive("alpha0", 1.0, "first trial step of a line search", when=_ARMIJO_OR_WOLFE),
    _unit("c1", 1e-4, "sufficient-decrease constant of Armijo / Wolfe", when=_ARMIJO_OR_WOLFE),
    OptionSpec("c2", "float", 0.9, "curvature constant of strong Wolfe (0.9 Newton-type, 0.1 CG)",
               low="c1", high=1, low_open=True, high_open=True, when={"line_search": ("wolfe",)}),
    _unit("backtrack", 0.5, "Armijo backtracking factor ρ (α ← ρα)", when={"line_search": ("armijo",)}),
    # momentum
    OptionSpec("momentum", "choice", "none", "momentum: heavy-ball (Polyak) or nesterov",
               choices=("none", "heavy-ball", "nesterov"), when=_FIXED_STEP),
    _unit("beta", 0.9, "momentum coefficient β", low_open=False, when={"momentum": ("heavy-ball", "nesterov")}),
    # Newton
    OptionSpec("fallback", "choice", "auto",
               "Newton with an H that is not positive definite: none (pure: take the step / stop if the solve is "
               "untrusted), shift (modified Newton: H + τI whenever Cholesky of H fails, N&W Alg. 3.3, and a "
               "negative-curvature step at a saddle), steepest (−g where the step does not descend); "
               "auto = none with a unit step, shift with a line search",
               choices=("auto", "none", "shift", "steepest")),
    # trust region
    OptionSpec("subproblem", "choice", "exact", "trust-region subproblem solver",
               choices=("cauchy", "dogleg", "cg", "exact")),
    OptionSpec("delta0", "float", 1.0, "initial trust radius Δ₀", low=0, high="delta_max", low_open=True),
    OptionSpec("delta_max", "float", 1000.0, "largest trust radius Δ_max (finite)", low="delta0"),
    OptionSpec("eta", "float", 0.15, "acceptance threshold η: accept when ρ > η", low=0, high=0.25,
               high_open=True),
    _positive("delta_min", 1e-12, "stop when the trust radius falls below this"),
    OptionSpec("radius_scale", "choice", "relative", "trust radius cap: absolute Δ_max (SciPy), or relative "
               "Δ_max·max(1, ‖x‖₂) (scale-aware, Moré 1983)", choices=("absolute", "relative")),
    OptionSpec("initial_radius", "choice", "fixed", "Δ₀: fixed (delta0), or step (the first step solved with "
               "the largest radius sets Δ₀ = ‖p‖; after Sartenaer 1997)", choices=("fixed", "step")),
    OptionSpec("shrink", "choice", "quarter", "radius after a poor step: quarter (Δ/4), step (‖p‖/4), or "
               "interpolate (γ‖p‖, γ ∈ [0.1, 0.5] from a quadratic fit of f along p)",
               choices=("quarter", "step", "interpolate")),
    OptionSpec("scaling", "choice", "auto", "trust region shape: none (ball ‖p‖ ≤ Δ) or hessian (ellipsoid "
               "‖Dp‖ ≤ Δ, D = diag(√|Hᵢᵢ|) non-decreasing; Moré 1983); auto = hessian for the Cauchy point "
               "(steepest descent needs it on badly scaled problems), none otherwise",
               choices=("auto", "none", "hessian")),
    OptionSpec("nonmonotone", "int", 0, "accept a step judged against the largest f of the current and M previous "
               "accepted iterates (Toint 1997); 0 = monotone", low=0),
    OptionSpec("grow", "float", 2.0, "radius growth factor after a very good boundary step", low=1, low_open=True),
    # adaptive cubic regularisation
    _positive("sigma0", 1.0, "ARC's first regularisation weight σ₀ in (σ/3)‖p‖³"),
    # saddle-free Newton
    _positive("damping", 1e-3, "damping λ in (|H| + λI)⁻¹g (the first λ when adaptive)"),
    OptionSpec("adaptive", "bool", True, "adapt λ Levenberg–Marquardt style: ×4 after a poor or shortened "
               "step, ÷4 after a good full one"),
    OptionSpec("krylov_dim", "int", 0, "Krylov (Lanczos) dimension k; 0 = exact eigendecomposition", low=0),
    OptionSpec("escape", "bool", True, "at a saddle (‖g‖ ≤ gtol), step along the most negative eigenvector"),
    _positive("escape_step", 1.0, "length of that escape step", when={"escape": (True,)}),
    # Adam
    _unit("beta1", 0.9, "Adam's first-moment decay β₁", low_open=False),
    _unit("beta2", 0.999, "Adam's second-moment decay β₂", low_open=False),
    _positive("eps", 1e-8, "Adam's ε in m̂/(√v̂ + ε)"),
    OptionSpec("bias_correction", "bool", True, "divide m, v by 1 − βᵗ (off: course exercise E9)"),
    OptionSpec("amsgrad", "bool", False, "AMSGrad: running maximum of v (PyTorch convention)"),
    OptionSpec("weight_decay", "float", 0.0, "AdamW decoupled weight decay w", low=0),
    # data-driven problems
    OptionSpec("batch_size", "int", None, "mini-batch size for data-driven problems (default: full batch)",
               low=1, optional=True),
]}

#: Options of every run (the driver's stopping rules), not of a method.
COMMON: dict[str, OptionSpec] = {o.name: o for o in [
    OptionSpec("max_iter", "int", 1000, "maximum iterations", low=0),
    _positive("gtol", 1e-8, "stationary when ‖g‖₂ ≤ gtol (Euclidean norm)"),
    OptionSpec("ftol", "float", 0.0, "stop when |Δf| ≤ ftol·max(1, |f|) on an accepted step (0: off)", low=0),
    OptionSpec("xtol", "float", 0.0, "stop when ‖Δx‖₂ ≤ xtol·max(1, ‖x‖₂) on an accepted step (0: only a zero step)",
               low=0),
    OptionSpec("max_evals", "int", None, "maximum f + ∇f + ∇²f + Hv evaluations", low=1, optional=True),
    OptionSpec("seed", "int", None, "random seed (mini-batches, random Lanczos starts)", low=0, optional=True),
    _positive("x_bound", 1e8, "iterates diverging when ‖x‖₂ exceeds this"),
    OptionSpec("divergence_check", "bool", True, "stop when f falls, ‖g‖₂ shrinks and ‖x‖₂ grows (the trend test)"),
]}


def option_record(spec: OptionSpec, default, choices: tuple | None = None, when: dict | None = None) -> dict:
    """The plain record of one option for ``optkit methods --format json`` (and the tests that walk it).

    ``choices`` and ``when`` as they hold for one method (default: the option's own).
    """
    values = list(choices if choices is not None else spec.values)
    when = spec.when if when is None else when
    allowed = ", ".join(str(v) for v in values) if spec.kind == "choice" else spec.allowed
    return {"name": spec.name, "flag": spec.flag, "kind": spec.kind, "default": default, "allowed": allowed,
            "choices": values, "low": spec.low, "high": spec.high, "low_open": spec.low_open,
            "high_open": spec.high_open, "optional": spec.optional,
            "when": {k: list(v) for k, v in when.items()}, "help": spec.help}
