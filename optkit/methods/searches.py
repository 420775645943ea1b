"""Searches: how the scalar α along a direction p is chosen (N&W chapter 3).

A search gets the current x, f = f(x), g = ∇f(x) and a direction p and returns
a :class:`SearchResult` (α, the new point and what it cost).  The descent
(``descents.py``) chose p; the driver (``driver.py``) iterates.  Searches
never print.

* :class:`FixedStep` — α_k from a schedule (constant, decaying, a formula in k).
* :class:`Armijo` — backtracking from α₀ until f(x + αp) ≤ f + c₁α gᵀp,
  α ← ρα (N&W Algorithm 3.1, c₁ = 1e-4, ρ = ½).

Near a minimum the predicted decrease α|gᵀp| falls below the rounding
resolution of f (≈ ε·|f|): f can no longer tell a good step from a bad one,
and the plain test accepts overshooting steps and ping-pongs with ‖g‖ stuck
near √(ε|f|).  When |f(x + αp) − f(x)| is within 100 ulps of max(1, |f|), both
Armijo and Wolfe therefore use the derivative form of sufficient decrease,
∇f(x + αp)ᵀp ≤ (2c₁ − 1) gᵀp (Hager & Zhang 2005, "approximate Wolfe"; exactly
equivalent to Armijo on a quadratic), which needs ∇f at the trial point.
* :class:`StrongWolfe` — bracketing and zoom, N&W Algorithms 3.5 and 3.6
  (c₁ = 1e-4, c₂ = 0.9; cubic interpolation in zoom, safeguarded).
* :class:`ExactQuadratic` — α = −gᵀp / pᵀHp, exact on a quadratic
  ½xᵀAx − bᵀx; refused on any other problem.

Armijo and Wolfe need a descent direction (gᵀp < 0): a non-descent direction
is reported as a status, never looped on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optkit.errors import OptkitError
from optkit.run.results import Status


@dataclass
class SearchResult:
    alpha: float
    x: np.ndarray
    f: float | None = None
    g: np.ndarray | None = None
    trials: int = 0
    status: Status | None = None
    measure: float | None = None
    tol: float | None = None
    detail: str = ""
    data: dict = field(default_factory=dict)


def _resolution(f: float) -> float:
    """Changes of f below this are rounding noise (100 ulps of max(1, |f|))."""
    return 100 * np.finfo(float).eps * max(1.0, abs(f))


def _non_descent(slope: float, x: np.ndarray) -> SearchResult:
    return SearchResult(0.0, x, status=Status.NON_DESCENT, measure=slope)


class FixedStep:
    """α_k = schedule(k); no function evaluation (the driver evaluates the new point)."""

    name = "fixed"
    needs: frozenset = frozenset()
    monotone = False  # f may increase
    columns: tuple = ()  # trace columns this search adds (Step.data keys)

    def __init__(self, schedule):
        self.schedule = schedule

    def prepare(self, problem) -> None:
        pass

    def search(self, oracle, k, x, f, g, p) -> SearchResult:
        alpha = self.schedule(k)
        return SearchResult(alpha, x + alpha * p, trials=0)


class Armijo:
    """Backtracking line search, N&W Algorithm 3.1.

    Trials α₀, ρα₀, ρ²α₀, … until f(x + αp) ≤ f(x) + c₁ α gᵀp (a non-finite
    trial value counts as a failure).  Fails with a status when α drops below
    ``alpha_min`` or after ``max_trials`` trials.
    """

    name = "armijo"
    needs: frozenset = frozenset()
    monotone = True
    columns: tuple = ("trials",)  # trace columns this search adds (Step.data keys)

    def __init__(self, alpha0: float = 1.0, c1: float = 1e-4, rho: float = 0.5, max_trials: int = 60,
                 alpha_min: float = 1e-16):
        self.alpha0, self.c1, self.rho, self.max_trials, self.alpha_min = alpha0, c1, rho, max_trials, alpha_min

    def prepare(self, problem) -> None:
        pass

    def search(self, oracle, k, x, f, g, p) -> SearchResult:
        slope = float(g @ p)
        if not slope < 0:
            return _non_descent(slope, x)
        alpha = self.alpha0
        resolution = _resolution(f)
        for trial in range(1, self.max_trials + 1):
            x_new = x + alpha * p
            if np.array_equal(x_new, x):
                return SearchResult(alpha, x, trials=trial, status=Status.LINE_SEARCH_FAILED,
                                    detail=f"the step α = {alpha:.3g} no longer changes x in floating point")
            f_new = oracle.f(x_new)
            if math.isfinite(f_new) and abs(f_new - f) <= resolution:
                # the change in f is rounding noise: decide with the derivative form instead
                g_new = oracle.grad(x_new)
                if float(g_new @ p) <= (2 * self.c1 - 1) * slope:
                    return SearchResult(alpha, x_new, f=f_new, g=g_new, trials=trial,
                                        data={"approximate": True})
            elif math.isfinite(f_new) and f_new <= f + self.c1 * alpha * slope:
                return SearchResult(alpha, x_new, f=f_new, trials=trial)
            alpha *= self.rho
            if alpha < self.alpha_min:
                return SearchResult(alpha, x, trials=trial, status=Status.STEP_FLOOR, measure=alpha,
                                    tol=self.alpha_min)
        return SearchResult(alpha, x, trials=self.max_trials, status=Status.LINE_SEARCH_FAILED,
                            detail=f"no sufficient decrease after {self.max_trials} Armijo trials (α = {alpha:.3g})")


class StrongWolfe:
    """Strong Wolfe line search, N&W Algorithm 3.5 (bracketing) with 3.6 (zoom).

    Finds α with f(x + αp) ≤ f + c₁α gᵀp and |∇f(x + αp)ᵀp| ≤ c₂|gᵀp|.
    Bracketing doubles α up to ``alpha_max``; zoom picks the minimiser of the
    cubic interpolating φ and φ′ at the bracket ends (N&W eq. 3.59),
    safeguarded to the middle 80 % of the bracket, else bisects.
    """

    name = "wolfe"
    needs: frozenset = frozenset()
    monotone = True
    columns: tuple = ("trials",)  # trace columns this search adds (Step.data keys)

    def __init__(self, alpha0: float = 1.0, c1: float = 1e-4, c2: float = 0.9, alpha_max: float = 1e10,
                 max_trials: int = 50):
        self.alpha0, self.c1, self.c2, self.alpha_max, self.max_trials = alpha0, c1, c2, alpha_max, max_trials

    def prepare(self, problem) -> None:
        pass

    def search(self, oracle, k, x, f, g, p) -> SearchResult:
        dphi0 = float(g @ p)
        if not dphi0 < 0:
            return _non_descent(dphi0, x)
        self._trials = 0

        def phi(alpha):
            self._trials += 1
            x_new = x + alpha * p
            f_new = oracle.f(x_new)
            g_new = oracle.grad(x_new) if math.isfinite(f_new) else None
            d = float(g_new @ p) if g_new is not None else math.nan
            if not math.isfinite(d):
                f_new = math.inf  # a non-finite trial is treated as too long a step
            return f_new, g_new, d

        resolution = _resolution(f)

        def armijo_fails(alpha, value, d=math.nan):
            if math.isfinite(value) and abs(value - f) <= resolution:
                return not d <= (2 * self.c1 - 1) * dphi0  # change in f is rounding noise: derivative form
            return not value <= f + self.c1 * alpha * dphi0

        self._armijo_fails = armijo_fails

        def curvature_holds(d):
            return abs(d) <= -self.c2 * dphi0

        a_prev, f_prev, d_prev = 0.0, f, dphi0
        alpha = self.alpha0
        for i in range(self.max_trials):
            f_a, g_a, d_a = phi(alpha)
            if armijo_fails(alpha, f_a, d_a) or (i > 0 and f_a >= f_prev and abs(f_a - f_prev) > resolution):
                return self._zoom(phi, a_prev, f_prev, d_prev, alpha, f_a, d_a, x, p, f, dphi0)
            if curvature_holds(d_a):
                return SearchResult(alpha, x + alpha * p, f_a, g_a, self._trials)
            if d_a >= 0:
                return self._zoom(phi, alpha, f_a, d_a, a_prev, f_prev, d_prev, x, p, f, dphi0)
            if alpha >= self.alpha_max:
                break
            a_prev, f_prev, d_prev = alpha, f_a, d_a
            alpha = min(2.0 * alpha, self.alpha_max)
        return SearchResult(alpha, x, trials=self._trials, status=Status.LINE_SEARCH_FAILED,
                            detail=f"strong Wolfe bracketing reached α = {alpha:.3g} without a bracket "
                                   "(f may be unbounded below along p)")

    def _zoom(self, phi, lo, f_lo, d_lo, hi, f_hi, d_hi, x, p, f0, dphi0) -> SearchResult:
        for _ in range(self.max_trials):
            alpha = _cubic_min(lo, f_lo, d_lo, hi, f_hi, d_hi)
            a, b = min(lo, hi), max(lo, hi)
            if alpha is None or not (a + 0.1 * (b - a) <= alpha <= b - 0.1 * (b - a)):
                alpha = 0.5 * (lo + hi)
            if abs(hi - lo) < 1e-16 * max(1.0, abs(lo)):
                break
            f_a, g_a, d_a = phi(alpha)
            lo_better = f_a >= f_lo and abs(f_a - f_lo) > _resolution(f_lo)
            if self._armijo_fails(alpha, f_a, d_a) or lo_better:
                hi, f_hi, d_hi = alpha, f_a, d_a
            else:
                if abs(d_a) <= -self.c2 * dphi0:
                    return SearchResult(alpha, x + alpha * p, f_a, g_a, self._trials)
                if d_a * (hi - lo) >= 0:
                    hi, f_hi, d_hi = lo, f_lo, d_lo
                lo, f_lo, d_lo = alpha, f_a, d_a
        return SearchResult(lo, x, trials=self._trials, status=Status.LINE_SEARCH_FAILED,
                            detail=f"strong Wolfe zoom did not meet the curvature condition "
                                   f"(bracket [{min(lo, hi):.3g}, {max(lo, hi):.3g}])")


def _cubic_min(a, fa, da, b, fb, db):
    """Minimiser of the cubic through (a, fa, da) and (b, fb, db), N&W eq. 3.59; None if undefined."""
    if not all(math.isfinite(v) for v in (fa, da, fb, db)) or a == b:
        return None
    d1 = da + db - 3 * (fa - fb) / (a - b)
    disc = d1 * d1 - da * db
    if disc < 0:
        return None
    d2 = math.copysign(math.sqrt(disc), b - a)
    denom = db - da + 2 * d2
    if denom == 0:
        return None
    return b - (b - a) * (db + d2 - d1) / denom


class ExactQuadratic:
    """Exact line search on a quadratic: α = −gᵀp / pᵀHp (one Hessian-vector product).

    Exact only when f is quadratic (H constant), so other problems are refused
    when the run is set up (:meth:`prepare`).  On A = diag(1, 10) from (10, 1)
    steepest descent with it contracts f − f* by exactly (9/11)² per step
    (N&W Theorem 3.3).
    """

    name = "exact"
    needs: frozenset = frozenset({"hvp"})
    monotone = True
    columns: tuple = ()  # trace columns this search adds (Step.data keys)

    def prepare(self, problem) -> None:
        reason = quadratic_refusal(problem)
        if reason:
            raise OptkitError(f"exact line search needs a quadratic problem: {reason}; "
                              "use --line-search armijo or wolfe")

    def search(self, oracle, k, x, f, g, p) -> SearchResult:
        slope = float(g @ p)
        if not slope < 0:
            return _non_descent(slope, x)
        curvature = float(p @ oracle.hvp(x, p))
        if not (math.isfinite(curvature) and curvature > 0):
            return SearchResult(0.0, x, status=Status.LINE_SEARCH_FAILED,
                                detail=f"exact line search: pᵀHp = {curvature:.3g} ≤ 0, f is unbounded below along p")
        alpha = -slope / curvature
        return SearchResult(alpha, x + alpha * p, trials=1, data={"pHp": curvature})


def quadratic_refusal(problem) -> str:
    """'' when ``problem`` is quadratic, else the reason it is not (or cannot be shown to be).

    A formula is checked exactly (sympy: a polynomial of total degree ≤ 2).  A
    problem written in numpy is accepted when its Hessian is the same, to
    1e-12 relative, at its start and at three seeded random points of its box
    (a quadratic's Hessian is constant; any other smooth f shows it varying).
    """
    name = getattr(problem, "name", "this problem")
    formula = getattr(problem, "formula", None)
    if formula is not None:
        import sympy as sp

        from optkit.symbolic.derivatives import sympy_expression

        expr, symbols = sympy_expression(formula, problem.variables)
        try:
            degree = sp.Poly(sp.expand(expr), *symbols).total_degree()
        except sp.PolynomialError:
            return f"{name} is not a polynomial"
        if degree > 2:
            return f"{name} is a polynomial of degree {degree}"
        return ""
    box = getattr(problem, "box", None)
    if box is None or not getattr(problem, "has_hessian", False):
        return f"{name} has no formula and no Hessian to check that it is quadratic"
    rng = np.random.default_rng(0)
    points = [np.asarray(problem.x0, dtype=float)] + [rng.uniform(box[:, 0], box[:, 1]) for _ in range(3)]
    hessians = [np.asarray(problem.hess(x), dtype=float) for x in points]
    scale = max(1.0, float(np.max(np.abs(hessians[0]))))
    if any(not np.allclose(h, hessians[0], rtol=0, atol=1e-12 * scale) for h in hessians[1:]):
        return f"the Hessian of {name} is not constant"
    return ""


# ---------------------------------------------------------------- the registry


@dataclass(frozen=True)
class SearchKind:
    """One value of ``--line-search``: the options it reads and how it is built from validated options."""

    name: str
    summary: str
    options: tuple[str, ...]
    build: Any  # (options: dict, given: set) -> search object


def _fixed_or_unit(o: dict, given: set):
    """``none``: α_k from ``lr`` and ``schedule`` where the method has them (gd), else the unit step (Newton)."""
    from optkit.methods.schedules import Schedule, make_schedule

    if "lr" in o:
        return FixedStep(make_schedule(o["schedule"], o["lr"], lr_given="lr" in given))
    return FixedStep(Schedule("constant", 1.0, {}, "1"))


SEARCHES: dict[str, SearchKind] = {s.name: s for s in [
    SearchKind("none", "fixed or scheduled step (unit step for Newton-type descents)", ("lr", "schedule"),
               _fixed_or_unit),
    SearchKind("armijo", "backtracking, N&W Algorithm 3.1", ("alpha0", "c1", "backtrack"),
               lambda o, given: Armijo(alpha0=o["alpha0"], c1=o["c1"], rho=o["backtrack"])),
    SearchKind("wolfe", "strong Wolfe, N&W Algorithms 3.5 and 3.6", ("alpha0", "c1", "c2"),
               lambda o, given: StrongWolfe(alpha0=o["alpha0"], c1=o["c1"], c2=o["c2"])),
    SearchKind("exact", "α = −gᵀp / pᵀHp on a quadratic", (), lambda o, given: ExactQuadratic()),
]}


def make_search(o: dict, given: set):
    """The search named by ``o["line_search"]`` (validated by the catalogue before it gets here)."""
    return SEARCHES[o["line_search"]].build(o, given)
