"""THE catalogue of methods: name → factory, documented options with defaults and allowed ranges.

Everything that needs to know the methods reads :data:`CATALOGUE`: the driver
(``minimize``), the CLI's named flags and ``--opt key=value`` validation,
``optkit methods``, and the test matrix.  Adding an optimizer built from
existing parts is one :class:`MethodEntry`; a new option is one
:class:`~optkit.methods.options.OptionSpec` in :data:`OPTIONS` (``options.py``); a new
line search is one entry of :data:`optkit.methods.searches.SEARCHES`; a named variant is
one :class:`Preset`.

A method object has ``needs`` (a subset of {"grad", "hess", "hvp"}),
``monotone`` (accepted steps never increase f), ``columns`` (the ``Step.data`` keys
its trace shows, in order; the :class:`~optkit.run.results.Result` records them),
``prepare(problem, ctx)`` (which makes the run's state) and
``step(k, x, f, g, oracle) -> Step``; it never prints and never loops over
iterations (the driver does).  A :class:`Method` holds the settings and makes a fresh
object for every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from optkit.errors import OptkitError
from optkit.methods.options import COMMON, OPTIONS, OptionSpec, check_conditions, check_relations, option_record
from optkit.run.results import Step

__all__ = ["CATALOGUE", "COMMON", "METHODS", "OPTIONS", "PRESETS", "Method", "MethodEntry", "OptionSpec", "Preset",
           "UnknownMethod", "build", "catalogue_records", "make_method", "method_options", "resolve", "split_spec"]

# ---------------------------------------------------------------- composition


class LineSearchMethod:
    """A descent composed with a search: p from the descent, α from the search, x ← x + αp.

    Records α, the number of trials, the descent's data (damping, fallback),
    the first-order prediction −α gᵀp (= α‖g‖² for steepest descent,
    course exercise E5) which the driver puts beside the actual decrease, and,
    when the descent knows the curvature pᵀHp along p (Newton, saddle-free
    Newton), the quadratic (second-order Taylor) prediction −α gᵀp − ½α² pᵀHp.
    """

    def __init__(self, name: str, descent, search):
        self.name, self.descent, self.search = name, descent, search
        self.needs = frozenset(descent.needs | search.needs)
        self.monotone = search.monotone

    def prepare(self, problem, ctx) -> None:
        self.descent.prepare(problem, ctx)
        self.search.prepare(problem)

    @property
    def columns(self) -> tuple:
        """α, the search's own columns (trials), predicted and actual decrease, the descent's (damping)."""
        # pred_quadratic only where the descent knows the curvature pᵀHp (Newton, saddle-free Newton)
        quadratic = ("pred_quadratic",) if getattr(self.descent, "models_curvature", False) else ()
        return ("alpha", *self.search.columns, "pred_linear", *quadratic, "actual",
                *getattr(self.descent, "columns", ()))

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
        curvature = data.pop("curvature", None)
        data["pred_linear"] = float(-s.alpha * (g @ d.p))
        if curvature is not None:
            data["pred_quadratic"] = data["pred_linear"] - 0.5 * s.alpha**2 * curvature
        f_new = s.f if s.f is not None or not hasattr(self.descent, "feedback") else oracle.f(s.x)
        data.update(getattr(self.descent, "feedback", lambda *a: {})(s.alpha, f, f_new))  # sfn's damping
        return Step(s.x, f=f_new, g=s.g, data=data, note=d.note, direction=d.p)

    def _escape(self, oracle, x, f, d) -> Step:
        """A step along negative curvature at a stationary point: full length, or halved until f drops."""
        alpha, f_new = 1.0, None
        if self.monotone:
            for _ in range(40):
                f_new = oracle.f(x + alpha * d.p)
                if f_new < f:
                    break
                alpha *= 0.5
        data = {key: value for key, value in d.data.items() if key != "curvature"}
        return Step(x + alpha * d.p, f=f_new if self.monotone else None, data={**data, "alpha": alpha},
                    note=d.note)


def _gd(o: dict, given: set):
    from optkit.methods.descents import MomentumGD, Steepest
    from optkit.methods.searches import make_search

    if o["momentum"] != "none":
        from optkit.methods.schedules import make_schedule

        schedule = make_schedule(o["schedule"], o["lr"], lr_given="lr" in given)
        return MomentumGD(schedule, beta=o["beta"], nesterov=o["momentum"] == "nesterov")
    return LineSearchMethod("gd", Steepest(), make_search(o, given))


def _newton(o: dict, given: set):
    from optkit.methods.descents import Newton
    from optkit.methods.searches import make_search

    fallback = o["fallback"]
    if fallback == "auto":
        fallback = "none" if o["line_search"] == "none" else "shift"
    return LineSearchMethod("newton", Newton(fallback=fallback), make_search(o, given))


def _trust_region(o: dict, given: set):
    from optkit.methods.trust_region import TrustRegion

    return TrustRegion(o["subproblem"], o["delta0"], o["delta_max"], o["eta"], o["delta_min"], o["radius_scale"],
                       o["initial_radius"], o["shrink"], o["grow"], o["scaling"], o["nonmonotone"])


def _arc(o: dict, given: set):
    from optkit.methods.arc import AdaptiveCubic

    return AdaptiveCubic(o["sigma0"])


def _sfn(o: dict, given: set):
    from optkit.methods.descents import SaddleFreeNewton
    from optkit.methods.searches import make_search

    descent = SaddleFreeNewton(o["damping"], o["krylov_dim"], o["escape"], o["escape_step"], o["adaptive"])
    return LineSearchMethod("sfn", descent, make_search(o, given))


def _adam(o: dict, given: set):
    from optkit.methods.adam import Adam
    from optkit.methods.schedules import make_schedule

    schedule = make_schedule(o["schedule"], o["lr"], lr_given="lr" in given)
    return Adam(schedule, o["beta1"], o["beta2"], o["eps"], o["bias_correction"], o["amsgrad"], o["weight_decay"])


@dataclass(frozen=True)
class MethodEntry:
    """One catalogue entry.

    ``defaults`` override an option's general default for this method; ``choices`` narrow
    a choice option to the values this method takes (sfn: ``line_search`` none or armijo).
    """

    name: str
    summary: str
    factory: Callable[[dict, set], Any]
    options: tuple[str, ...]
    needs: str  # human summary; the built method object declares the exact set
    reference: str
    aliases: tuple[str, ...] = ()
    defaults: dict = field(default_factory=dict)
    choices: dict = field(default_factory=dict)
    exact: bool = False  # --exact supported

    def option_default(self, key: str):
        return self.defaults.get(key, OPTIONS[key].default)

    def option_values(self, key: str) -> tuple:
        """The enumerated values this method accepts for ``key`` (a choice or a switch), else ()."""
        return tuple(self.choices.get(key, OPTIONS[key].values))

    def applies_when(self, key: str) -> dict:
        """``OPTIONS[key].when`` for this method: only its own options, only values it accepts."""
        return {other: tuple(v for v in needed if v in self.option_values(other))
                for other, needed in OPTIONS[key].when.items() if other in self.options}


_LINE_SEARCH = ("line_search", "alpha0", "c1", "c2", "backtrack")

CATALOGUE: dict[str, MethodEntry] = {e.name: e for e in [
    MethodEntry("gd", "gradient descent: fixed or scheduled step, a line search, or momentum", _gd,
                ("lr", "schedule", *_LINE_SEARCH, "momentum", "beta", "batch_size"),
                "∇f", "N&W §2.2, §3.1; Polyak 1964; Nesterov 1983", exact=True),
    MethodEntry("newton", "Newton–Raphson: pure unit step (default) or damped with a line search", _newton,
                (*_LINE_SEARCH, "fallback"), "∇f, ∇²f", "N&W §3.3, Algorithm 3.3",
                choices={"line_search": ("none", "armijo", "wolfe")}, exact=True),
    MethodEntry("trust-region", "trust region (N&W Alg. 4.1) with a Cauchy, dogleg, Steihaug CG or exact subproblem",
                _trust_region, ("subproblem", "delta0", "delta_max", "eta", "delta_min", "radius_scale",
                                "initial_radius", "shrink", "grow", "scaling", "nonmonotone"),
                "∇f, and ∇²f (dogleg, exact) or Hessian-vector products (cg, cauchy)",
                "N&W Algorithms 4.1, 4.3, 7.2; Toint 1997 (nonmonotone)", aliases=("tr",),
                # measured on the classic set (benchmarks/classic_set.py): 0.87× SciPy's f-evaluations
                defaults={"delta0": 10.0, "eta": 0.01, "nonmonotone": 10}),
    MethodEntry("arc", "adaptive cubic regularisation: exact global minimiser of the cubic model, σ adapted",
                _arc, ("sigma0",), "∇f, ∇²f", "Cartis, Gould & Toint 2011, Algorithm 2.1"),
    MethodEntry("sfn", "saddle-free Newton: −(|H| + λI)⁻¹g, exact or Krylov (Lanczos) from Hessian-vector products",
                _sfn, ("line_search", "alpha0", "c1", "backtrack", "damping", "adaptive", "krylov_dim", "escape",
                       "escape_step"),
                "∇f, and ∇²f (exact) or Hessian-vector products (krylov_dim > 0)",
                "Dauphin et al. 2014, Algorithm 1", defaults={"line_search": "armijo"},
                choices={"line_search": ("none", "armijo")}),
    MethodEntry("adam", "Adam with bias correction (switchable), AMSGrad and AdamW", _adam,
                ("lr", "schedule", "beta1", "beta2", "eps", "bias_correction", "amsgrad", "weight_decay",
                 "batch_size"),
                "∇f", "Kingma & Ba 2015, Algorithm 1; Loshchilov & Hutter 2019; Reddi et al. 2018",
                defaults={"lr": 1e-3}),
]}

METHODS = CATALOGUE  # the public name (optkit.METHODS)


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
    """Validated option values (defaults filled in) and the set of keys the user gave.

    Checks, all read from :data:`OPTIONS` and the entry: the option belongs to the method;
    its type and numeric range; the method's own choices; that it applies with the other
    values (``when``); bounds naming another option (c₁ < c₂, Δ₀ ≤ Δ_max).
    """
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
        allowed = entry.choices.get(key)
        if allowed is not None and values[key] not in allowed:
            raise OptkitError(f"{entry.name} takes {OPTIONS[key].flag} {', '.join(allowed)}; "
                              f"{values[key]!r} does not apply to it")
        given.add(key)
    check_conditions(OPTIONS, values, given, entry.name, entry.applies_when)
    check_relations(OPTIONS, values, given, entry.name)
    return values, given


class Method:
    """A method with its settings, ready to run any number of problems (``minimize(problem, method)``).

    It holds the catalogue name and the validated options only; every run builds its own
    step rule from them (:meth:`fresh`), so per-run state (a trust radius, Adam's moments)
    never leaks from one run into the next, and a method pickles as (name, options) to
    worker processes.
    """

    def __init__(self, name: str, options: dict, given: frozenset):
        self.name, self.options, self.given = name, dict(options), frozenset(given)
        self.settings = self.fresh()  # built once up front, so a bad combination fails here

    @property
    def entry(self) -> MethodEntry:
        return CATALOGUE[self.name]

    @property
    def needs(self) -> frozenset:
        return self.settings.needs

    @property
    def canonical(self) -> dict:
        """``{"method": ..., "options": {...}}``, as :attr:`optkit.methods.specs.MethodSpec.canonical`."""
        return {"method": self.name, "options": dict(sorted(self.options.items()))}

    def fresh(self):
        """A new step-rule object (settings, no state yet: ``prepare`` makes the run's state)."""
        return self.entry.factory(dict(self.options), set(self.given))

    def __reduce__(self):
        return (Method, (self.name, self.options, self.given))

    def __eq__(self, other) -> bool:
        return isinstance(other, Method) and self.canonical == other.canonical

    def __hash__(self) -> int:
        return hash(repr(self.canonical))

    def __repr__(self) -> str:
        given = ", ".join(f"{k}={self.options[k]!r}" for k in sorted(self.given))
        return f"Method({self.name!r}{', ' + given if given else ''})"


def split_spec(text: str) -> tuple[str, dict]:
    """``NAME(:key=value)*`` → (catalogue method name, raw options), a preset's options first.

    NAME is a method, an alias or a preset; an unknown name raises :class:`UnknownMethod`
    with the closest names.  SciPy references are :mod:`optkit.methods.specs`' business.
    """
    if not isinstance(text, str) or not text.strip():
        raise OptkitError("empty method spec; write one such as newton, tr-cg or gd:lr=0.01")
    text = text.strip()
    name, *parts = text.split(":")
    name = name.strip().lower()
    raw = {}
    for part in parts:
        key, sep, value = part.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key or not value.strip():
            raise OptkitError(f"method spec {text!r}: {part!r} is not key=value, e.g. tr:subproblem=cg")
        if key in raw:
            raise OptkitError(f"method spec {text!r}: option {key} given twice")
        raw[key] = value.strip()
    if name in PRESETS:
        return PRESETS[name].method, {**PRESETS[name].options, **raw}
    try:
        return resolve(name).name, raw
    except OptkitError:
        import difflib

        names = list(CATALOGUE) + [a for e in CATALOGUE.values() for a in e.aliases] + list(PRESETS)
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        methods = ", ".join(e.name + (f" ({', '.join(e.aliases)})" if e.aliases else "") for e in CATALOGUE.values())
        raise UnknownMethod(f"unknown method {name!r}{hint} (methods: {methods}; presets: {', '.join(PRESETS)}")


class UnknownMethod(OptkitError):
    """A spec names no method, alias or preset (the message is completed with ")" or the SciPy references)."""

    def __str__(self) -> str:
        return self.args[0] + ")"


def make_method(spec, **options) -> Method:
    """A :class:`Method` from a name, alias, preset, spec (``"tr:subproblem=cg"``) or parsed
    :class:`~optkit.methods.specs.MethodSpec`, and keyword options (which override the spec's)."""
    if isinstance(spec, Method):
        if not options:
            return spec
        return make_method(spec.name, **{**{k: spec.options[k] for k in spec.given}, **options})
    if hasattr(spec, "is_scipy") and hasattr(spec, "given"):  # a parsed specs.MethodSpec
        spec, options = spec.method, {**spec.given, **options}
    if isinstance(spec, str) and spec.strip().lower().startswith("scipy:"):
        raise OptkitError(f"{spec.strip()} is a SciPy reference: use it in optkit compare, not as an optkit method")
    name, raw = split_spec(spec)
    values, given = method_options(CATALOGUE[name], {**raw, **options})
    return Method(name, values, frozenset(given))


def build(name, raw_options: dict | None = None):
    """(entry, a fresh method object, validated options, given keys) for the run of one problem.

    ``name`` is a :class:`Method`, a method, an alias, a preset or a spec with options
    (``tr:subproblem=cg``); ``raw_options`` add to (and override) what it sets.  The object
    is new at every call, so its per-run state starts afresh.
    """
    method = make_method(name, **(raw_options or {}))
    return method.entry, method.fresh(), dict(method.options), set(method.given)


def catalogue_records() -> dict:
    """Plain records for ``optkit methods``: methods with their options, presets, and the run's common options."""
    methods = []
    for e in CATALOGUE.values():
        methods.append({
            "name": e.name, "aliases": list(e.aliases), "summary": e.summary, "needs": e.needs,
            "reference": e.reference, "exact": e.exact,
            "options": [option_record(OPTIONS[k], e.option_default(k), e.choices.get(k), e.applies_when(k))
                        for k in e.options],
        })
    presets = [{"name": p.name, "method": p.method, "options": dict(p.options), "spec": p.spec, "summary": p.summary}
               for p in PRESETS.values()]
    common = [option_record(spec, spec.default) for spec in COMMON.values()]
    return {"methods": methods, "presets": presets, "common": common}


@dataclass(frozen=True)
class Preset:
    """A named method with options: the one definition used by ``run``, the test matrix and ``compare``."""

    name: str
    method: str
    options: dict
    summary: str

    @property
    def spec(self) -> str:
        """The same run written as a spec: ``trust-region:subproblem=cg``."""
        return self.method + "".join(f":{k}={v:g}" if isinstance(v, float) else f":{k}={v}"
                                     for k, v in self.options.items())


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
    Preset("scipy-tr", "trust-region", {"subproblem": "exact", "delta0": 1.0, "delta_max": 1000.0, "eta": 0.15,
                                        "radius_scale": "absolute", "initial_radius": "fixed", "shrink": "quarter",
                                        "grow": 2.0, "scaling": "none", "nonmonotone": 0},
           "optkit's trust region with SciPy's trust-exact rules (Δ₀ = 1, absolute Δ_max = 1000, η = 0.15, "
           "Δ/4 and 2Δ, a ball, monotone)"),
]}
