"""Step-size schedules: plain functions k ↦ α_k, with k = 0, 1, 2, … (algorithms.md).

``--schedule`` takes a name, optionally with parameters after a colon, or a
formula in k read by the safe parser (never ``eval``)::

    constant                       α_k = α₀
    inverse-time:r=1               α_k = α₀ / (1 + r·k)
    step:gamma=0.5,every=10        α_k = α₀ · γ^⌊k/every⌋
    exponential:gamma=0.99         α_k = α₀ · γ^k
    cosine:T=100,alpha_min=0       α_k = α_min + (α₀ − α_min)(1 + cos(π·min(k, T)/T))/2
    polynomial:T=100,power=1,end=0 α_k = end + (α₀ − end)(1 − min(k, T)/T)^power
    warmup:steps=10                α_k = α₀ · min(1, (k + 1)/steps)
    1/(k+2)                        α_k = the formula (α₀ = --lr does not apply)

α₀ is ``--lr``.  Cosine and polynomial are *clamped* at T (as optax's
``cosine_decay_schedule`` and ``polynomial_schedule``): for k ≥ T the step
stays at α_min (resp. end).  PyTorch's ``CosineAnnealingLR`` is periodic past
T instead; optkit does not follow it.  Warm-up uses (k + 1)/steps so the first
step is not zero.

Invalid arguments raise :class:`OptkitError` naming the allowed range; unlike
optax, nothing silently falls back to a default.  Every schedule also has an
exact form (``schedule.exact(k)``, a sympy number) for ``--exact``; it returns
``None`` where the value has no exact closed form (cosine at a non-special
angle is still exact in sympy, but is reported as such by the exact mode).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from fractions import Fraction
from typing import Any, Callable

from optkit.errors import OptkitError

NAMES = ("constant", "inverse-time", "step", "exponential", "cosine", "polynomial", "warmup")

# name -> {parameter: (default, check, description of the allowed range)}
_PARAMS: dict[str, dict[str, tuple[float, Callable[[float], bool], str]]] = {
    "constant": {},
    "inverse-time": {"r": (1.0, lambda v: v >= 0, "r ≥ 0")},
    "step": {"gamma": (0.5, lambda v: 0 < v <= 1, "0 < gamma ≤ 1"),
             "every": (10, lambda v: v >= 1 and v == int(v), "a whole number every ≥ 1")},
    "exponential": {"gamma": (0.99, lambda v: 0 < v <= 1, "0 < gamma ≤ 1")},
    "cosine": {"T": (100, lambda v: v >= 1 and v == int(v), "a whole number T ≥ 1"),
               "alpha_min": (0.0, lambda v: v >= 0, "alpha_min ≥ 0 (and ≤ lr)")},
    "polynomial": {"T": (100, lambda v: v >= 1 and v == int(v), "a whole number T ≥ 1"),
                   "power": (1.0, lambda v: v > 0, "power > 0"),
                   "end": (0.0, lambda v: v >= 0, "end ≥ 0 (and ≤ lr)")},
    "warmup": {"steps": (10, lambda v: v >= 1 and v == int(v), "a whole number steps ≥ 1")},
}


def _exact(value):
    """A number as an exact sympy Rational: 0.1 (shortest repr) is 1/10."""
    import sympy as sp

    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, int):
        return sp.Integer(value)
    return sp.Rational(repr(float(value)))


@dataclass(frozen=True)
class Schedule:
    """α_k as a function of k; ``text`` is how it was asked for (shown in the run report)."""

    name: str
    lr: float
    params: dict = field(default_factory=dict)
    text: str = ""
    formula: Any = None  # parsed tree for a formula schedule

    def __call__(self, k: int) -> float:
        alpha = self._value(k)
        if not (math.isfinite(alpha) and alpha > 0):
            raise OptkitError(f"schedule {self.text!r} gives α_{k} = {alpha:g}; step sizes must be positive and finite")
        return alpha

    def _value(self, k: int) -> float:
        a0, p = self.lr, self.params
        if self.name == "constant":
            return a0
        if self.name == "inverse-time":
            return a0 / (1 + p["r"] * k)
        if self.name == "step":
            return a0 * p["gamma"] ** (k // int(p["every"]))
        if self.name == "exponential":
            return a0 * p["gamma"] ** k
        if self.name == "cosine":
            t = min(k, p["T"]) / p["T"]
            return p["alpha_min"] + (a0 - p["alpha_min"]) * (1 + math.cos(math.pi * t)) / 2
        if self.name == "polynomial":
            t = min(k, p["T"]) / p["T"]
            return p["end"] + (a0 - p["end"]) * (1 - t) ** p["power"]
        if self.name == "warmup":
            return a0 * min(1.0, (k + 1) / p["steps"])
        import numpy as np

        with np.errstate(all="ignore"):  # 1/(k-2) at k = 2 is inf: refused in __call__, not warned about
            return float(self._compiled([float(k)]))

    @cached_property
    def _compiled(self):
        from optkit.symbolic.grammar import compile_expression

        return compile_expression(self.formula, ["k"])

    def exact(self, k: int, lr=None):
        """α_k as an exact sympy number (formula literals are exact: 0.1 is 1/10).

        ``lr``: α₀ as an exact number when the user wrote it as text (--lr 1/3), else
        the float α₀ is read by its shortest repr (0.1 is 1/10).
        """
        import sympy as sp

        kk = sp.Integer(k)
        if self.name == "formula":
            from optkit.symbolic.grammar import to_sympy

            return to_sympy(self.formula, {"k": kk})
        a0 = _exact(self.lr) if lr is None else lr
        p = {key: _exact(v) for key, v in self.params.items()}
        if self.name == "constant":
            return a0
        if self.name == "inverse-time":
            return a0 / (1 + p["r"] * kk)
        if self.name == "step":
            return a0 * p["gamma"] ** (kk // p["every"])
        if self.name == "exponential":
            return a0 * p["gamma"] ** kk
        if self.name == "cosine":
            t = sp.Min(kk, p["T"]) / p["T"]
            return p["alpha_min"] + (a0 - p["alpha_min"]) * (1 + sp.cos(sp.pi * t)) / 2
        if self.name == "polynomial":
            t = sp.Min(kk, p["T"]) / p["T"]
            return p["end"] + (a0 - p["end"]) * (1 - t) ** p["power"]
        return a0 * sp.Min(1, (kk + 1) / p["steps"])

    def describe(self) -> str:
        if self.name == "formula":
            return f"α_k = {self.text}"
        if self.name == "constant":
            return f"constant α = {self.lr:g}"
        params = ", ".join(f"{k}={v:g}" for k, v in self.params.items())
        return f"{self.name} (α₀ = {self.lr:g}{', ' + params if params else ''})"


def make_schedule(spec: str | None, lr: float, *, lr_given: bool = True) -> Schedule:
    """Parse ``--schedule`` (see the module docstring).  ``lr_given``: --lr was set explicitly."""
    _check_lr(lr)
    spec = "constant" if spec is None else str(spec).strip()
    if not spec:
        raise OptkitError("empty --schedule; use a name (" + ", ".join(NAMES) + ") or a formula in k such as 1/(k+2)")
    name, _, rest = spec.partition(":")
    name = name.strip()
    if name in _PARAMS:
        params = _parse_params(name, rest)
        for bound in ("alpha_min", "end"):
            if bound in params and params[bound] > lr:
                raise OptkitError(f"schedule {name}: {bound} = {params[bound]:g} exceeds lr = {lr:g}; "
                                  f"allowed range 0 ≤ {bound} ≤ lr")
        return Schedule(name, float(lr), params, spec)
    from optkit.symbolic.grammar import ExpressionError, parse

    try:
        tree = parse(spec, ["k"])
    except ExpressionError as exc:
        raise OptkitError(f"--schedule {spec!r} is neither a schedule name ({', '.join(NAMES)}) nor a formula in k: "
                          f"{exc}") from None
    if lr_given:
        raise OptkitError(f"--schedule {spec!r} is a formula giving α_k itself; --lr does not apply to it")
    schedule = Schedule("formula", float(lr), {}, spec, tree)
    schedule(0)  # a formula that is already invalid at k = 0 is refused up front
    return schedule


def _check_lr(lr) -> None:
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not (math.isfinite(lr) and lr > 0):
        raise OptkitError(f"lr must be a positive finite number, got {lr!r}; allowed range lr > 0")


def _parse_params(name: str, text: str) -> dict[str, float]:
    from optkit.symbolic.grammar import parse_number

    allowed = _PARAMS[name]
    values = {key: float(default) for key, (default, _, _) in allowed.items()}
    for item in filter(None, (s.strip() for s in text.split(","))):
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or key not in allowed:
            names = ", ".join(allowed) or "none"
            raise OptkitError(f"schedule {name} has no parameter {item!r}; its parameters: {names} "
                              f"(write e.g. {name}:{next(iter(allowed), 'x')}=...)")
        values[key] = parse_number(raw, f"schedule parameter {key}")
    for key, value in values.items():
        _, check, allowed_range = allowed[key]
        if not (math.isfinite(value) and check(value)):
            raise OptkitError(f"schedule {name}: {key} = {value:g} is out of range; allowed: {allowed_range}")
    return values
