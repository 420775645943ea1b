"""Exact step rules (``--exact``): gradient descent and pure Newton in exact arithmetic.

The problem's formula is read by the safe parser into sympy with exact
literals (0.2 is 1/5), and each iterate is computed exactly:

    gd:      x_{k+1} = x_k − α_k ∇f(x_k)        α_k from the schedule, exactly (1/(k+2) stays a fraction;
                                                 --lr 1/3 is 1/3, read from the text as written)
    newton:  H(x_k) p = −∇f(x_k) (solved exactly, LU), x_{k+1} = x_k + p

These are ordinary step rules run by the one loop (``run/driver.py``): the
rule keeps the exact iterate in its state (:class:`ExactState`) and hands the
loop its float value, so the measures, the stopping rules and the counters are
those of the floating-point run of the same method (the exact Hessian counts
as the ∇²f evaluation the float step would have made).  The exact coordinates
go to the trace (``Record.exact``); f at the last exact iterate, exactly where it
has a closed form, goes to ``Result.exact["f"]`` (the summary shows it beside
the exact x).

Exactness is lost — said in a note on the trace, after which the same
catalogue entry continues in floating point — when a value has no closed form
in radicals (cos(17π/75)), when a fraction exceeds ``MAX_EXACT_DIGITS``
digits (exact Newton roughly doubles them per step, gd on x⁴ triples them),
or when one step's sympy work exceeds the budget (``--exact-budget`` seconds;
simplifying nested radicals can run for hours).

The budget interrupts sympy with SIGALRM in the main thread: sympy is pure
Python, so the signal's exception lands between two bytecodes of whatever it
is doing, and nothing is left behind (a forked child would also work, but must
pickle every exact iterate back and forth and cannot be forked safely from a
process with threads).  Off the main thread (no signals there), the budget is
checked after each step instead of interrupting it.

Denominators grow fast: past ``DIGIT_CAP`` digits a coordinate is printed as
its decimal value with the fraction's size, ``0.1308746600… (fraction of
512/514 digits)``.  Digits are counted from the bit length, so numbers past
Python's 4,300-digit int-to-text limit never need converting to text.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from contextlib import contextmanager

import numpy as np

from optkit.errors import OptkitError
from optkit.run.results import Status, Step

DIGIT_CAP = 40  # numerator + denominator digits beyond which a fraction is printed as a decimal
MAX_EXACT_DIGITS = 20000  # beyond this, continuing exactly is pointless and slow: switch to floating point
START_F_BUDGET = 1.0  # seconds for f(x_0) exactly before the run starts (the --exact-budget is per step)
_LOG10_2 = math.log10(2)


class ExactnessLost(Exception):
    """The next value has no exact form we keep (or took too long); the message says why."""


def exact_text(value, cap: int = DIGIT_CAP) -> str:
    """'17/15', 'sqrt(2)/2', or past the cap '1.133333333333333… (fraction of 52/51 digits)'."""
    import sympy as sp

    if value.is_Rational:
        dp, dq = _int_digits(int(value.p)), _int_digits(int(value.q))
        if dp + dq <= cap:
            return str(value)
        return f"{_decimal(value)}… (fraction of {dp}/{dq} digits)"
    text = sp.sstr(value)
    if len(text) <= 3 * cap:
        return text
    return f"{_decimal(value)}… (exact form of {len(text)} characters)"


def _int_digits(n: int) -> int:
    """Decimal digits of |n|, exact below 10¹⁰⁰ and from the bit length above (no int-to-text conversion)."""
    n = abs(n)
    if n < 10**100:
        return len(str(n))
    return int(n.bit_length() * _LOG10_2) + 1


def _decimal(value) -> str:
    import sympy as sp

    return str(sp.N(value, 16)).replace("E", "e")


def _digits(value) -> int:
    if value.is_Rational:
        return _int_digits(int(value.p)) + _int_digits(int(value.q))
    return len(str(value))


def _lost(value) -> str:
    """'' if value is exact (rational or surd), else what makes it inexact (an unevaluated function, ∞)."""
    import sympy as sp

    if value.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        return sp.sstr(value)
    functions = list(value.atoms(sp.Function))
    return sp.sstr(functions[0]) if functions else ""


def _simplify(value):
    """Rationals stay as they are; surds are expanded with rationalised denominators (a + b·sqrt(2))."""
    import sympy as sp

    if value.is_Rational:
        return value
    return sp.expand(sp.radsimp(sp.expand(value)))


def _exact_number(v):
    import sympy as sp

    if isinstance(v, str):
        from optkit.symbolic.grammar import parse_exact_number

        return parse_exact_number(v)
    return sp.Rational(repr(float(v)))


class _BudgetExpired(Exception):
    pass


BudgetExpired = _BudgetExpired  # the public name, for other sympy work under time_budget (the worked solution)


@contextmanager
def time_budget(seconds: float | None):
    """Interrupt the block after ``seconds`` (SIGALRM, main thread; module docstring) with _BudgetExpired."""
    if seconds is None or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise _BudgetExpired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class ExactState:
    """The exact side of a run: the start, the last exact iterate, where exactness was lost and why."""

    def __init__(self, start: list[str]):
        self.start = start
        self.x = start
        self.f: str | None = None  # f at self.x, exactly (exact_text), once computed
        self.k = 0
        self.lost_at: int | None = None
        self.notes: list[str] = []
        self.gradient_zero = False
        self.deadline: float | None = None  # the run's time limit, which also bounds each exact step

    def to_dict(self) -> dict:
        out = {"x": list(self.x), "k": self.k, "lost_at": self.lost_at, "notes": list(self.notes)}
        if self.f is not None:
            out["f"] = self.f  # f at the same iterate as "x" (the last exact one)
        return out


class ExactRule:
    """gd with a fixed or scheduled step, or pure Newton, in exact arithmetic (module docstring).

    ``float_method`` is the same catalogue entry built for floating point: it takes
    over from the iterate where exactness is lost.
    """

    def __init__(self, name: str, float_method, schedule, lr, x0, budget: float | None):
        self.name, self.float_method, self.schedule = name, float_method, schedule
        self.lr, self.x0, self.budget = lr, x0, budget
        self.needs = float_method.needs
        self.monotone = float_method.monotone
        self.columns = float_method.columns  # the same trace columns as the float run (α shown as a fraction)

    def prepare(self, problem, ctx) -> None:
        import sympy as sp

        from optkit.symbolic.derivatives import sympy_expression

        if not getattr(problem, "closed_form", False) or problem.formula is None:
            raise OptkitError(f"--exact needs a closed-form problem (a formula); {problem.name} is written in numpy")
        self.float_method.prepare(problem, ctx)
        self.gtol = ctx.gtol
        self.expr, self.symbols = sympy_expression(problem.formula, problem.variables)
        self.grad = [sp.diff(self.expr, s) for s in self.symbols]
        self.hess = (sp.Matrix([[sp.diff(gi, s) for s in self.symbols] for gi in self.grad])
                     if self.name == "newton" else None)
        given = self.x0 if self.x0 is not None else problem.x0
        self.x = [_exact_number(v) for v in given]
        if len(self.x) != problem.n:
            raise OptkitError(f"x0 has {len(self.x)} components, expected n = {problem.n}")
        self.g = None  # exact ∇f at self.x, computed by the step that reached it
        self.pending = ""  # why the next step cannot be exact
        self.exact = ExactState([exact_text(v) for v in self.x])
        try:  # f(x_0), for a run that ends where it starts; a nicety, so it may not delay the run past 1 s
            with time_budget(min(self.budget or START_F_BUDGET, START_F_BUDGET)):
                self.exact.f = self._exact_f()
        except (ExactnessLost, _BudgetExpired):
            pass  # the summary then shows f as the float it is

    def step(self, k, x, f, g, oracle) -> Step:
        if self.exact.lost_at is not None:
            return self.float_method.step(k, x, f, g, oracle)
        budget = self.budget
        if self.exact.deadline is not None:
            budget = max(1e-3, min(budget or math.inf, self.exact.deadline - time.perf_counter()))
        started = time.perf_counter()
        try:
            if self.pending:
                raise ExactnessLost(self.pending)
            with time_budget(budget):
                outcome = self._exact_step(k)
            if budget is not None and time.perf_counter() - started > budget:  # off the main thread
                raise _BudgetExpired
        except _BudgetExpired:
            return self._lose(k, x, f, g, oracle, f"one exact step took more than the budget of {budget:.3g} s "
                                                  "(--exact-budget) in sympy")
        except ExactnessLost as lost:
            return self._lose(k, x, f, g, oracle, str(lost))
        # The step is exact: commit it (outside the budget, so an alarm cannot leave it half done).
        if self.name == "newton" and not (isinstance(outcome, Step) and outcome.status is Status.CONVERGED):
            oracle.count("hess")  # the ∇²f evaluation the float step makes
        if isinstance(outcome, Step):
            return outcome
        x_new, data = outcome
        self.x, self.g = x_new, None
        texts = [exact_text(v) for v in x_new]
        self.exact.x, self.exact.k = texts, k + 1
        self._prepare_next(k + 1, budget - (time.perf_counter() - started) if budget is not None else None)
        return Step(np.array([float(v) for v in x_new]), data=data, exact=texts)

    def _lose(self, k, x, f, g, oracle, why: str) -> Step:
        """Exactness is lost at x_k: say so, and let the float method of the same entry take this step."""
        self.exact.lost_at = k
        note = f"exactness lost at k = {k}: {why}; continuing in floating point"
        self.exact.notes.append(note)
        step = self.float_method.step(k, x, f, g, oracle)
        step.note = "; ".join(filter(None, [note, step.note]))
        return step

    def _prepare_next(self, k: int, budget: float | None) -> None:
        """f and ∇f at the new iterate x_k, exactly (∇f for the next step and to know whether it is exactly
        zero; f for the summary, beside the exact x)."""
        self.exact.f = None  # f of the previous iterate no longer belongs to self.x
        if max(_digits(v) for v in self.x) > MAX_EXACT_DIGITS:
            self.pending = f"exact fractions exceed {MAX_EXACT_DIGITS} digits"
            return
        started = time.perf_counter()
        try:  # f first: it may stay exact where ∇f does not, and it is cheap beside ∇f
            with time_budget(max(budget, 1e-3) if budget is not None else None):
                self.exact.f = self._exact_f()
        except (ExactnessLost, _BudgetExpired):
            pass  # the summary then shows f as the float it is
        if budget is not None:
            budget -= time.perf_counter() - started
        try:
            with time_budget(max(budget, 1e-3) if budget is not None else None):
                g = self._exact_values(self.grad, "∇f", k)
        except ExactnessLost as lost:
            self.pending = str(lost)
            return
        except _BudgetExpired:
            self.pending = f"∇f at x_{k} was not found exactly within the budget (--exact-budget)"
            return
        self.g = g
        self.exact.gradient_zero = all(v == 0 for v in g)

    def _exact_step(self, k):
        """(x_{k+1}, step data) in exact arithmetic, or a Step that ends the run; changes no state."""
        import sympy as sp

        g_k = self.g if self.g is not None else self._exact_values(self.grad, "∇f", k)
        if all(v == 0 for v in g_k):  # the float gradient was above gtol: say what exact arithmetic knows
            self.exact.gradient_zero = True
            return Step(np.array([float(v) for v in self.x]), status=Status.CONVERGED, measure=0.0,
                        tol=self.gtol, detail="∇f = 0 exactly")
        if self.name == "gd":
            self.schedule(k)  # the float schedule's validation: a zero, negative or infinite step is refused
            alpha = self.schedule.exact(k, lr=self.lr)
            if _lost(alpha):
                raise ExactnessLost(f"α_{k} = {sp.sstr(alpha)}")
            x_new = [_simplify(xi - alpha * gi) for xi, gi in zip(self.x, g_k)]
            return x_new, {"alpha": float(alpha), "alpha_exact": exact_text(alpha), "trials": 0,
                           "pred_linear": float(alpha * sum(gi * gi for gi in g_k))}
        H = self.hess.xreplace(dict(zip(self.symbols, self.x)))
        inexact = next((w for w in map(_lost, H) if w), "")
        if inexact:
            raise ExactnessLost(f"the Hessian involves {inexact}, which has no closed form in radicals")
        if H.det() == 0:
            return Step(np.array([float(v) for v in self.x]), status=Status.SINGULAR_HESSIAN, measure=0.0,
                        tol=0.0, data={"alpha": 1.0})
        p = H.LUsolve(sp.Matrix([-gi for gi in g_k]))
        x_new = [_simplify(xi + pi) for xi, pi in zip(self.x, p)]
        slope = float(sum(gi * pi for gi, pi in zip(g_k, p)))
        # Hp = −g, so the quadratic model's decrease −gᵀp − ½pᵀHp is −½gᵀp for the Newton step
        return x_new, {"alpha": 1.0, "trials": 0, "pred_linear": -slope, "pred_quadratic": -0.5 * slope}

    def _exact_f(self) -> str:
        """f at the exact iterate as exact_text ('-12', '3/32 - sqrt(2)/4'); ExactnessLost without a closed form."""
        return exact_text(self._exact_values([self.expr], "f", self.exact.k)[0])

    def _exact_values(self, expressions, what: str, k: int) -> list:
        values = [_simplify(e.xreplace(dict(zip(self.symbols, self.x)))) for e in expressions]
        inexact = next((w for w in map(_lost, values) if w), "")
        if inexact:
            raise ExactnessLost(f"{what} at x_{k} involves {inexact}, which has no closed form in radicals")
        return values


def exact_method(entry, float_method, values: dict, given: set, lr_text, x0, budget: float | None) -> ExactRule:
    """The exact step rule for a catalogue entry and its validated options (or a one-line refusal)."""
    if not entry.exact:
        raise OptkitError(f"--exact supports gd and newton; {entry.name} has no exact mode")
    if entry.name == "gd" and (values["line_search"] != "none" or values["momentum"] != "none"
                               or values["batch_size"] is not None):
        raise OptkitError("--exact supports gd with a fixed or scheduled step only (no line search, momentum "
                          "or mini-batches)")
    if entry.name == "newton" and (values["line_search"] != "none" or values["fallback"] not in ("auto", "none")):
        raise OptkitError("--exact supports pure Newton only (unit step, no line search or fallback)")
    schedule, lr = None, None
    if entry.name == "gd":
        from optkit.methods.schedules import make_schedule

        schedule = make_schedule(values["schedule"], values["lr"], lr_given="lr" in given)
        lr = _exact_number(lr_text) if isinstance(lr_text, str) else None
    return ExactRule(entry.name, float_method, schedule, lr, x0, budget)
