"""THE catalogue of methods: name → factory, documented options with defaults and allowed ranges.

Everything that needs to know the methods reads :data:`CATALOGUE`: the driver
(``minimize``), the CLI's named flags and ``--opt key=value`` validation,
``optkit methods``, and the test matrix.  Adding an optimizer built from
existing parts is one :class:`MethodEntry`; a new option is one
:class:`OptionSpec` in :data:`OPTIONS`.

A method object has ``needs`` (a subset of {"grad", "hess", "hvp"}),
``monotone`` (accepted steps never increase f), ``prepare(problem, ctx)``
and ``step(k, x, f, g, oracle) -> Step``; it never prints and never loops
over iterations (the driver does).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from optkit.errors import OptkitError
from optkit.run.results import Step

# ---------------------------------------------------------------- options


@dataclass(frozen=True)
class OptionSpec:
    """One option: its type, default, allowed range (a check and its text) and help."""

    name: str
    kind: str  # float | int | bool | choice | text
    default: Any
    help: str
    allowed: str = ""  # the allowed range, as printed in errors and help
    check: Callable[[Any], bool] | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False  # None is allowed (means: off / automatic)

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def coerce(self, raw: Any, method: str = "") -> Any:
        """Value from a Python value or from text (``--opt key=value``), validated."""
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
        if self.check is not None and not self.check(value):
            raise OptkitError(f"{where} = {raw!r} is out of range; allowed: {self.allowed}")
        return value


def _pos(v):
    return v > 0


def _unit_open(v):
    return 0 < v < 1


OPTIONS: dict[str, OptionSpec] = {o.name: o for o in [
    # step size
    OptionSpec("lr", "float", 1e-2, "step size α (learning rate), or α₀ of a schedule", "lr > 0", _pos),
    OptionSpec("schedule", "text", "constant",
               "step-size schedule: constant, inverse-time[:r=1], step[:gamma=0.5,every=10], "
               "exponential[:gamma=0.99], cosine[:T=100,alpha_min=0] (clamped at T), "
               "polynomial[:T=100,power=1,end=0], warmup[:steps=10], or a formula in k such as 1/(k+2)"),
    OptionSpec("line_search", "choice", "none", "line search along the direction (none = fixed/scheduled step)",
               choices=("none", "armijo", "wolfe", "exact")),
    OptionSpec("alpha0", "float", 1.0, "first trial step of a line search", "alpha0 > 0", _pos),
    OptionSpec("c1", "float", 1e-4, "sufficient-decrease constant of Armijo / Wolfe", "0 < c1 < 1", _unit_open),
    OptionSpec("c2", "float", 0.9, "curvature constant of strong Wolfe (0.9 Newton-type, 0.1 CG)",
               "c1 < c2 < 1", _unit_open),
    OptionSpec("backtrack", "float", 0.5, "Armijo backtracking factor ρ (α ← ρα)", "0 < backtrack < 1", _unit_open),
    # momentum
    OptionSpec("momentum", "choice", "none", "momentum: heavy-ball (Polyak) or nesterov",
               choices=("none", "heavy-ball", "nesterov")),
    OptionSpec("beta", "float", 0.9, "momentum coefficient β", "0 ≤ beta < 1", lambda v: 0 <= v < 1),
    # Newton
    OptionSpec("fallback", "choice", "auto",
               "Newton on a non-descent direction or singular H: none (pure: take it / stop), shift "
               "(H + τI, N&W Alg. 3.3), steepest (−g); auto = none with a unit step, shift with a line search",
               choices=("auto", "none", "shift", "steepest")),
    # trust region
    OptionSpec("subproblem", "choice", "exact", "trust-region subproblem solver",
               choices=("cauchy", "dogleg", "cg", "exact")),
    OptionSpec("delta0", "float", 1.0, "initial trust radius Δ₀", "0 < delta0 ≤ delta_max", _pos),
    OptionSpec("delta_max", "float", 1000.0, "largest trust radius Δ_max", "0 < delta_max < ∞", _pos),
    OptionSpec("eta", "float", 0.15, "acceptance threshold η: accept when ρ > η", "0 ≤ eta < 0.25",
               lambda v: 0 <= v < 0.25),
    OptionSpec("delta_min", "float", 1e-12, "stop when the trust radius falls below this", "delta_min > 0", _pos),
    # saddle-free Newton
    OptionSpec("damping", "float", 1e-3, "damping λ in (|H| + λI)⁻¹g", "damping > 0", _pos),
    OptionSpec("krylov_dim", "int", 0, "Krylov (Lanczos) dimension k; 0 = exact eigendecomposition",
               "krylov_dim ≥ 0", lambda v: v >= 0),
    OptionSpec("escape", "bool", True, "at a saddle (‖g‖ ≤ gtol), step along the most negative eigenvector"),
    OptionSpec("escape_step", "float", 1.0, "length of that escape step", "escape_step > 0", _pos),
    # Adam
    OptionSpec("beta1", "float", 0.9, "Adam's first-moment decay β₁", "0 ≤ beta1 < 1", lambda v: 0 <= v < 1),
    OptionSpec("beta2", "float", 0.999, "Adam's second-moment decay β₂", "0 ≤ beta2 < 1", lambda v: 0 <= v < 1),
    OptionSpec("eps", "float", 1e-8, "Adam's ε in m̂/(√v̂ + ε)", "eps > 0", _pos),
    OptionSpec("bias_correction", "bool", True, "divide m, v by 1 − βᵗ (off: course exercise E9)"),
    OptionSpec("amsgrad", "bool", False, "AMSGrad: running maximum of v (PyTorch convention)"),
    OptionSpec("weight_decay", "float", 0.0, "AdamW decoupled weight decay w", "weight_decay ≥ 0", lambda v: v >= 0),
    # data-driven problems
    OptionSpec("batch_size", "int", None, "mini-batch size for data-driven problems (default: full batch)",
               "batch_size ≥ 1", lambda v: v >= 1, optional=True),
]}

COMMON: dict[str, OptionSpec] = {o.name: o for o in [
    OptionSpec("max_iter", "int", 1000, "maximum iterations", "max_iter ≥ 0", lambda v: v >= 0),
    OptionSpec("gtol", "float", 1e-8, "stationary when ‖g‖₂ ≤ gtol (Euclidean norm)", "gtol > 0", _pos),
    OptionSpec("ftol", "float", 0.0, "stop when |Δf| ≤ ftol·max(1, |f|) on an accepted step (0: off)",
               "ftol ≥ 0", lambda v: v >= 0),
    OptionSpec("xtol", "float", 0.0, "stop when ‖Δx‖₂ ≤ xtol·max(1, ‖x‖₂) on an accepted step (0: only a zero step)",
               "xtol ≥ 0", lambda v: v >= 0),
    OptionSpec("max_evals", "int", None, "maximum f + ∇f + ∇²f + Hv evaluations", "max_evals ≥ 1",
               lambda v: v >= 1, optional=True),
    OptionSpec("seed", "int", None, "random seed (mini-batches, random Lanczos starts)", "seed ≥ 0",
               lambda v: v >= 0, optional=True),
    OptionSpec("x_bound", "float", 1e8, "iterates diverging when ‖x‖₂ exceeds this", "x_bound > 0", _pos),
]}


# ---------------------------------------------------------------- composition


class LineSearchMethod:
    """A descent composed with a search: p from the descent, α from the search, x ← x + αp.

    Records α, the number of trials, the descent's data (damping, fallback),
    and the first-order prediction −α gᵀp (= α‖g‖² for steepest descent,
    course exercise E5) which the driver puts beside the actual decrease.
    """

    def __init__(self, name: str, descent, search):
        self.name, self.descent, self.search = name, descent, search
        self.needs = frozenset(descent.needs | search.needs)
        self.monotone = search.monotone

    def prepare(self, problem, ctx) -> None:
        self.descent.prepare(problem, ctx)
        self.search.prepare(problem)

    @property
    def escapes(self):
        """The descent's saddle test (sfn), or None: at ‖g‖ ≤ gtol the driver asks it whether to go on."""
        return getattr(self.descent, "escapes", None)

    def step(self, k, x, f, g, oracle) -> Step:
        d = self.descent.direction(oracle, k, x, f, g)
        if d.status is not None:
            return Step(x, data=dict(d.data), status=d.status, measure=d.measure, tol=d.tol, detail=d.detail,
                        note=d.note)
        if d.data.get("escape"):
            return self._escape(oracle, x, f, d)
        s = self.search.search(oracle, k, x, f, g, d.p)
        data = {**d.data, "alpha": s.alpha, "trials": s.trials, **s.data}
        if s.status is not None:
            return Step(x, data=data, status=s.status, measure=s.measure, tol=s.tol, detail=s.detail, note=d.note)
        data["pred"] = float(-s.alpha * (g @ d.p))
        return Step(s.x, f=s.f, g=s.g, data=data, note=d.note)

    def _escape(self, oracle, x, f, d) -> Step:
        """A step along negative curvature at a stationary point: full length, or halved until f drops."""
        alpha, f_new = 1.0, None
        if self.monotone:
            for _ in range(40):
                f_new = oracle.f(x + alpha * d.p)
                if f_new < f:
                    break
                alpha *= 0.5
        return Step(x + alpha * d.p, f=f_new if self.monotone else None, data={**d.data, "alpha": alpha},
                    note=d.note)


def _forbid(given: set, keys, why: str, method: str) -> None:
    for key in keys:
        if key in given:
            raise OptkitError(f"option {key} of {method} {why}")


def _line_search(o: dict, given: set, method: str, allowed: tuple[str, ...]):
    from optkit.methods.searches import Armijo, ExactQuadratic, StrongWolfe

    kind = o["line_search"]
    if kind not in allowed:
        raise OptkitError(f"{method} takes --line-search {', '.join(allowed)}; {kind!r} does not apply to it")
    if kind != "armijo":
        _forbid(given, ["backtrack"], "applies only with --line-search armijo", method)
    if kind != "wolfe":
        _forbid(given, ["c2"], "applies only with --line-search wolfe", method)
    if kind in ("none", "exact"):
        _forbid(given, ["alpha0", "c1"], "applies only with --line-search armijo or wolfe", method)
    if kind == "armijo":
        return Armijo(alpha0=o["alpha0"], c1=o["c1"], rho=o["backtrack"])
    if kind == "wolfe":
        if not o["c1"] < o["c2"]:
            raise OptkitError(f"option c2 = {o['c2']:g} must exceed c1 = {o['c1']:g}; allowed: c1 < c2 < 1")
        return StrongWolfe(alpha0=o["alpha0"], c1=o["c1"], c2=o["c2"])
    if kind == "exact":
        return ExactQuadratic()
    return None


def _gd(o: dict, given: set):
    from optkit.methods.descents import MomentumGD, Steepest
    from optkit.methods.schedules import make_schedule
    from optkit.methods.searches import FixedStep

    search = _line_search(o, given, "gd", ("none", "armijo", "wolfe", "exact"))
    if search is not None:
        _forbid(given, ["lr", "schedule"], f"sets a fixed step; with --line-search {o['line_search']} "
                                           "the first trial step is alpha0", "gd")
        if o["momentum"] != "none":
            raise OptkitError("gd: momentum works with a fixed or scheduled step, not with a line search")
        return LineSearchMethod("gd", Steepest(), search)
    schedule = make_schedule(o["schedule"], o["lr"], lr_given="lr" in given)
    if o["momentum"] != "none":
        return MomentumGD(schedule, beta=o["beta"], nesterov=o["momentum"] == "nesterov")
    _forbid(given, ["beta"], "applies only with --momentum heavy-ball or nesterov", "gd")
    return LineSearchMethod("gd", Steepest(), FixedStep(schedule))


def _unit_step():
    from optkit.methods.schedules import Schedule
    from optkit.methods.searches import FixedStep

    return FixedStep(Schedule("constant", 1.0, {}, "1"))


def _newton(o: dict, given: set):
    from optkit.methods.descents import Newton

    search = _line_search(o, given, "newton", ("none", "armijo", "wolfe"))
    fallback = o["fallback"]
    if fallback == "auto":
        fallback = "none" if search is None else "shift"
    return LineSearchMethod("newton", Newton(fallback=fallback), search or _unit_step())


def _trust_region(o: dict, given: set):
    from optkit.methods.trust_region import TrustRegion

    if o["delta0"] > o["delta_max"]:
        raise OptkitError(f"option delta0 = {o['delta0']:g} exceeds delta_max = {o['delta_max']:g}; "
                          "allowed: 0 < delta0 ≤ delta_max")
    return TrustRegion(o["subproblem"], o["delta0"], o["delta_max"], o["eta"], o["delta_min"])


def _sfn(o: dict, given: set):
    from optkit.methods.descents import SaddleFreeNewton

    search = _line_search(o, given, "sfn", ("none", "armijo"))
    if not o["escape"]:
        _forbid(given, ["escape_step"], "applies only with escape on", "sfn")
    descent = SaddleFreeNewton(o["damping"], o["krylov_dim"], o["escape"], o["escape_step"])
    return LineSearchMethod("sfn", descent, search or _unit_step())


def _adam(o: dict, given: set):
    from optkit.methods.adam import Adam
    from optkit.methods.schedules import make_schedule

    schedule = make_schedule(o["schedule"], o["lr"], lr_given="lr" in given)
    return Adam(schedule, o["beta1"], o["beta2"], o["eps"], o["bias_correction"], o["amsgrad"], o["weight_decay"])


@dataclass(frozen=True)
class MethodEntry:
    """One catalogue entry.  ``defaults`` override an option's general default for this method."""

    name: str
    summary: str
    factory: Callable[[dict, set], Any]
    options: tuple[str, ...]
    needs: str  # human summary; the built method object declares the exact set
    reference: str
    aliases: tuple[str, ...] = ()
    defaults: dict = field(default_factory=dict)
    exact: bool = False  # --exact supported

    def option_default(self, key: str):
        return self.defaults.get(key, OPTIONS[key].default)


CATALOGUE: dict[str, MethodEntry] = {e.name: e for e in [
    MethodEntry("gd", "gradient descent: fixed or scheduled step, a line search, or momentum", _gd,
                ("lr", "schedule", "line_search", "alpha0", "c1", "c2", "backtrack", "momentum", "beta",
                 "batch_size"),
                "∇f", "N&W §2.2, §3.1; Polyak 1964; Nesterov 1983", exact=True),
    MethodEntry("newton", "Newton–Raphson: pure unit step (default) or damped with a line search", _newton,
                ("line_search", "alpha0", "c1", "c2", "backtrack", "fallback"),
                "∇f, ∇²f", "N&W §3.3, Algorithm 3.3", exact=True),
    MethodEntry("trust-region", "trust region (N&W Alg. 4.1) with a Cauchy, dogleg, Steihaug CG or exact subproblem",
                _trust_region, ("subproblem", "delta0", "delta_max", "eta", "delta_min"),
                "∇f, and ∇²f (dogleg, exact) or Hessian-vector products (cg, cauchy)",
                "N&W Algorithms 4.1, 4.3, 7.2", aliases=("tr",)),
    MethodEntry("sfn", "saddle-free Newton: −(|H| + λI)⁻¹g, exact or Krylov (Lanczos) from Hessian-vector products",
                _sfn, ("line_search", "alpha0", "c1", "backtrack", "damping", "krylov_dim", "escape", "escape_step"),
                "∇f, and ∇²f (exact) or Hessian-vector products (krylov_dim > 0)",
                "Dauphin et al. 2014, Algorithm 1", defaults={"line_search": "armijo"}),
    MethodEntry("adam", "Adam with bias correction (switchable), AMSGrad and AdamW", _adam,
                ("lr", "schedule", "beta1", "beta2", "eps", "bias_correction", "amsgrad", "weight_decay",
                 "batch_size"),
                "∇f", "Kingma & Ba 2015, Algorithm 1; Loshchilov & Hutter 2019; Reddi et al. 2018",
                defaults={"lr": 1e-3}),
]}


def method_names() -> list[str]:
    return list(CATALOGUE)


def resolve(name: str) -> MethodEntry:
    key = str(name).strip().lower()
    for entry in CATALOGUE.values():
        if key == entry.name or key in entry.aliases:
            return entry
    listing = ", ".join(e.name + (f" ({', '.join(e.aliases)})" if e.aliases else "") for e in CATALOGUE.values())
    raise OptkitError(f"unknown method {name!r}; methods: {listing}")


def method_options(entry: MethodEntry, raw: dict) -> tuple[dict, set]:
    """Validated option values (defaults filled in) and the set of keys the user gave."""
    values = {key: entry.option_default(key) for key in entry.options}
    given = set()
    for key, value in raw.items():
        key = key.replace("-", "_")
        if key not in entry.options:
            owners = [e.name for e in CATALOGUE.values() if key in e.options]
            mine = ", ".join(entry.options)
            if owners:
                raise OptkitError(f"option {key} does not apply to {entry.name} (it belongs to "
                                  f"{', '.join(owners)}); {entry.name}'s options: {mine}")
            raise OptkitError(f"unknown option {key!r} for {entry.name}; its options: {mine}")
        values[key] = OPTIONS[key].coerce(value, entry.name)
        given.add(key)
    return values, given


def build(name: str, raw_options: dict | None = None):
    """(entry, method object, validated options, given keys) for a method spec and raw options.

    ``name`` is a method, an alias, a preset or a spec with options (``tr:subproblem=cg``);
    ``raw_options`` add to (and override) what the spec sets.
    """
    from optkit.methods.specs import parse_spec

    spec = parse_spec(name)
    if spec.is_scipy:
        raise OptkitError(f"{spec.method} is a SciPy reference: use it in optkit compare, not as an optkit method")
    entry = CATALOGUE[spec.method]
    values, given = method_options(entry, {**spec.given, **(raw_options or {})})
    return entry, entry.factory(values, given), values, given


def catalogue_records() -> list[dict]:
    """Plain records for ``optkit methods``."""
    rows = []
    for e in CATALOGUE.values():
        rows.append({
            "name": e.name, "aliases": list(e.aliases), "summary": e.summary, "needs": e.needs,
            "reference": e.reference, "exact": e.exact,
            "options": [{"name": k, "flag": OPTIONS[k].flag, "default": e.option_default(k),
                         "allowed": OPTIONS[k].allowed or (", ".join(OPTIONS[k].choices) if OPTIONS[k].choices else ""),
                         "help": OPTIONS[k].help} for k in e.options],
        })
    return rows

METHODS = CATALOGUE  # the public name (optkit.METHODS)


@dataclass(frozen=True)
class Preset:
    """A named method with options: the one definition used by ``run``, the test matrix and ``compare``."""

    name: str
    method: str
    options: dict
    summary: str


PRESETS: dict[str, Preset] = {p.name: p for p in [
    Preset("gd+armijo", "gd", {"line_search": "armijo"}, "gradient descent with Armijo backtracking"),
    Preset("gd+wolfe", "gd", {"line_search": "wolfe"}, "gradient descent with a strong Wolfe line search"),
    Preset("newton+armijo", "newton", {"line_search": "armijo"}, "damped Newton: Armijo backtracking, "
           "modified Hessian where needed"),
    Preset("tr-exact", "trust-region", {"subproblem": "exact"}, "trust region, exact (Moré–Sorensen) subproblem"),
    Preset("tr-cg", "trust-region", {"subproblem": "cg"}, "trust region, Steihaug–CG subproblem (Hv only)"),
    Preset("tr-dogleg", "trust-region", {"subproblem": "dogleg"}, "trust region, dogleg subproblem"),
    Preset("tr-cauchy", "trust-region", {"subproblem": "cauchy"}, "trust region, Cauchy point"),
    Preset("sfn", "sfn", {}, "saddle-free Newton, exact eigendecomposition"),
    Preset("sfn-krylov", "sfn", {"krylov_dim": 20}, "saddle-free Newton in a 20-dimensional Krylov subspace"),
    Preset("adam", "adam", {}, "Adam with bias correction"),
    Preset("scipy-tr", "trust-region", {"subproblem": "exact", "delta0": 1.0, "delta_max": 1000.0, "eta": 0.15},
           "optkit's trust region with SciPy's trust-exact defaults (Δ₀ = 1, Δ_max = 1000, η = 0.15)"),
]}
