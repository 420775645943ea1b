"""Exact forms of the worked quantities, computed in sympy rather than guessed from floats.

For a problem with a formula, each worked step is redone in exact arithmetic
when x_k is exactly known, which it is (first match wins):

- the exact x_{k+1} of the previous worked step, when it is the run's x_{k+1}
  to rounding (so a surd iterate stays exact: 1 − √2/8);
- the exact iterate of an ``--exact`` run (the trace's ``exact`` texts);
- the start as typed (``--x0 1/3,sqrt(2)``), for k = 0;
- a float that is a small fraction (p/q, q ≤ 1000): a start from a problem file.

Then, with the formula's exact literals (0.2 is 1/5) and the step's own
parameters (α, Δ, the SFN damping; recorded as floats, read back as the short
fractions they were set to):

    g = ∇f(x_k), H = ∇²f(x_k), f(x_k)
    gd      p = −g
    newton  H⁻¹ (n ≤ 4), p = −H⁻¹g
    sfn     H = Σ λᵢPᵢ with Pᵢ = Πⱼ≠ᵢ (H − λⱼI)/(λᵢ − λⱼ) (the spectral projectors; no
            normalised eigenvector, whose square roots would nest): |H| + δI = Σ (|λᵢ| + δ)Pᵢ,
            p = −Σ Pᵢg/(|λᵢ| + δ); only when det(H − λI) splits over Q into factors of degree ≤ 2
    tr      ‖g‖ = √(gᵀg), τ = min(1, ‖g‖³/(Δ gᵀHg)) (1 if gᵀHg ≤ 0), p_C = −τΔ g/‖g‖
            (N&W 4.11–4.12); the step s is p_C or the Newton step −H⁻¹g when the run's step is
            that one; m(0) − m(s) = −gᵀs − ½sᵀHs, ρ = (f(x_k) − f(x_k + s))/(m(0) − m(s))
    adam    m, v and their bias corrections (E9), while the recurrence is exact from k = 0
    then    x_{k+1} = x_k + αp, f(x_{k+1}), the decrease, −αgᵀp and the quadratic model's prediction.

A form is shown only when (a) it is the number the run used: it agrees with the
float to ``REL_TOL`` (rounding: a float H⁻¹ or p is off by about cond(H)·ε), and
(b) it is short and plain: a rational of at most ``DIGIT_CAP`` digits, or a
radical expression in rationals whose radicands are rationals (3 − √5; no
nested radical, no π, no cos(17π/75)) of at most ``DIGIT_CAP`` characters.
Otherwise the decimal is shown.  All sympy work of one step runs under
``--exact-budget`` (``exact_steps.time_budget``); past it the step is in
decimals with a note saying so.
"""

from __future__ import annotations

import numpy as np

from optkit.explain.small_fractions import EXACT_TOL, MAX_DENOMINATOR, fraction_near, parameter_fraction
from optkit.methods.exact_steps import DIGIT_CAP, BudgetExpired, exact_text, time_budget

MAX_N = 10  # beyond this many variables, sympy on the Hessian costs more than a worked solution is worth: decimals
REL_TOL = 1e-9  # |exact − float| ≤ REL_TOL·max(1, |quantity|): rounding of a solve with cond(H) up to ~1e6

#: where the float of an exact quantity lives in a worked step, when not under its own key
FLOAT_PATHS = {"cauchy_tau": ("cauchy", "tau"), "cauchy_point": ("cauchy", "point"), "gHg": ("cauchy", "gHg"),
               "model_gs": ("model", "gs"), "model_sHs": ("model", "sHs")}


def fraction_of(value: float, max_denominator: int = MAX_DENOMINATOR, tol: float = EXACT_TOL):
    """The sympy Rational p/q (q ≤ max_denominator) equal to ``value`` to ``tol`` (relative), or None."""
    import sympy as sp

    frac = fraction_near(value, max_denominator, tol)
    return None if frac is None else sp.Rational(frac.numerator, frac.denominator)


def plain_radical(value) -> bool:
    """True for rationals, and sums and products of them and of their (non-nested) radicals."""
    import sympy as sp

    for node in sp.preorder_traversal(value):
        if node.is_Atom:
            if not node.is_Rational:  # π, E, I, a symbol
                return False
        elif node.is_Pow:
            base, exponent = node.args
            if not exponent.is_Rational or (not exponent.is_Integer and not base.is_Rational):
                return False  # x**y, or a radical of a sum: sqrt(5/8 − sqrt(5)/8) (nested)
        elif not (node.is_Add or node.is_Mul):
            return False  # a function: cos(17π/75), Abs(...), CRootOf(...)
    return True


def shown_text(value) -> str | None:
    """exact_text of a short plain value (module docstring, (b)), simplified; else None."""
    from optkit.methods.exact_steps import _simplify

    if not plain_radical(value):
        return None  # no radsimp on these: simplifying nested radicals can run for hours
    value = _simplify(value)
    if not plain_radical(value):
        return None
    text = exact_text(value)
    if "…" in text or (not value.is_Rational and len(text) > DIGIT_CAP):
        return None  # a capped decimal, or a long radical: the decimal reads better
    return text


class ExactWorker:
    """The exact side of the worked solution of one run on a formula problem (module docstring)."""

    def __init__(self, problem, budget: float | None, x0_text: list[str] | None = None):
        import sympy as sp

        self.budget = budget
        self.x0_text = x0_text
        self.problem = problem
        self._expr = None  # (expression, symbols), read on first use: under the budget like all sympy work
        self._grad = None
        self._hess = None
        self.next_x = None  # the exact x_{k+1} of the last worked step, when it was the run's
        self.adam = None  # (m, v) exactly, while Adam's recurrence stays exact
        self.sp = sp

    # ---------------------------------------------------------------- where x_k comes from

    def start(self, k: int, x: list[float], trace_exact, chained=None) -> list | None:
        """x_k exactly, or None (module docstring: the four sources, in order; ``chained``: the first)."""
        from optkit.errors import OptkitError
        from optkit.symbolic.grammar import parse_exact_number

        candidates = []
        if chained is not None:
            candidates.append(lambda: chained)
        for texts in (trace_exact, self.x0_text if k == 0 else None):
            if texts:
                candidates.append(lambda texts=texts: [parse_exact_number(t) for t in texts])
        candidates.append(lambda: [fraction_of(v) for v in x])
        for make in candidates:
            try:
                X = make()
            except OptkitError:  # a capped decimal "0.13…(fraction of 512/514 digits)" is not a number
                continue
            if X is not None and len(X) == len(x) and all(v is not None for v in X) and _agrees(X, x):
                return list(X)
        return None

    # ---------------------------------------------------------------- one step

    def forms(self, step: dict, trace_exact, options: dict) -> dict:
        """The worked step's exact texts by key (same shapes), and the next x_k to chain; notes on ``step``."""
        chained, self.next_x = self.next_x, None
        if len(step["x"]) > MAX_N:
            return {}
        try:
            with time_budget(self.budget):  # all sympy work of the step, reading the formula included
                X = self.start(step["k"], step["x"], trace_exact, chained)
                if X is None:
                    self.adam = None  # Adam's moments are exact only from an exact start on
                    return {}
                values = self._values(step, X, options)
                texts = self._texts(step, values)
        except BudgetExpired:
            step["exact_note"] = (f"exact forms not kept at k = {step['k']}: the exact computation took more than "
                                  f"the budget of {self.budget:.3g} s (--exact-budget); decimals shown")
            self.adam = None
            return {}
        if "x_next" in texts:
            self.next_x = values["x_next"]
        return texts

    def _texts(self, step: dict, values: dict) -> dict:
        out = {}
        for key, value in values.items():
            flat_exact = list(_flatten(value))
            reference = _float_of(step, key)
            if reference is None:
                continue
            flat_float = np.asarray(reference, dtype=float).reshape(-1)
            if len(flat_exact) != flat_float.size or not _agrees(flat_exact, flat_float):
                continue  # not the number the run used (a fallback step, a shifted Hessian): decimals
            texts = [shown_text(v) for v in flat_exact]
            if all(t is not None for t in texts):
                out[key] = np.asarray(texts, dtype=object).reshape(np.shape(reference)).tolist()
        return out

    def _values(self, step: dict, X: list, options: dict) -> dict:
        sp = self.sp
        at = dict(zip(self.symbols, X))
        f = self.expr.xreplace(at)
        G = sp.Matrix([e.xreplace(at) for e in self.grad])
        v = {"x": X, "f": f, "grad": list(G)}
        method, p, H = step["method"], None, None
        if method in ("newton", "sfn", "trust-region") and "hessian" in step:
            H = self.hess.xreplace(at)
            v["hessian"] = H.tolist()
        if not all(plain_radical(g) for g in G) or (H is not None and not all(plain_radical(e) for e in H)):
            return v  # sin(17π/75) in g or H: nothing computed from them has a plain form, so stop early
        if method == "gd" and options.get("momentum") in (None, "none"):
            p = -G
        elif method == "newton" and H is not None and not step.get("note") and H.det() != 0:
            # a note means the run's fallback (a shift, −g) made the step, not −H⁻¹g
            if "hessian_inverse" in step:
                v["hessian_inverse"] = H.inv().tolist()
            p = H.LUsolve(-G)
        elif method == "sfn" and not step.get("note"):
            p = self._sfn(step, H, G, v)
        elif method == "trust-region":
            self._trust_region(step, X, f, G, H, v)
            return v
        elif method == "adam":
            self._adam(step, X, G, options, v)
        if p is not None:
            v["direction"] = list(p)
            alpha = parameter(step.get("alpha"))
            if alpha is not None:
                v["alpha"] = alpha
                self._move(X, f, alpha * p, v)
                v["pred_linear"] = -alpha * (G.T * p)[0]
                if H is not None:
                    v["pred_quadratic"] = v["pred_linear"] - alpha**2 * (p.T * H * p)[0] / 2
        return v

    def _move(self, X, f, s, v: dict) -> None:
        """x_{k+1} = x_k + s, f(x_{k+1}) and the actual decrease."""
        x_next = [self._tidy(a + b) for a, b in zip(X, s)]
        f_next = self.expr.xreplace(dict(zip(self.symbols, x_next)))
        v.update(step=list(s), x_next=x_next, f_next=f_next, actual=f - f_next)

    def _sfn(self, step: dict, H, G, v: dict):
        """Eigenvalues, |H| + δI and p through the spectral projectors (module docstring); None if not exact."""
        sp = self.sp
        if not all(e.is_Rational for e in H):
            return None  # the eigenvalues of a matrix of surds are nested radicals: not shown anyway
        damping = parameter(step.get("damping", 0.0))
        if damping is None:
            return None
        spectrum = _quadratic_spectrum(H)
        if spectrum is None:
            return None
        pairs = sorted(((self._tidy(lam), m) for lam, m in spectrum.items()), key=lambda pair: float(pair[0]))
        lams = [lam for lam, _ in pairs]  # distinct, ascending as numpy's eigh
        eye = sp.eye(H.shape[0])
        projectors = []
        for i, lam in enumerate(lams):
            P = eye
            for j, other in enumerate(lams):
                if j != i:
                    P = P * (H - other * eye) / (lam - other)
            projectors.append(P)
        v["eigenvalues"] = [lam for lam, m in pairs for _ in range(m)]
        scaled = [sp.Abs(lam) + damping for lam in lams]
        v["abs_hessian"] = [[self._tidy(e) for e in row]
                            for row in sum((c * P for c, P in zip(scaled, projectors)), sp.zeros(*H.shape)).tolist()]
        p = -sum((P * G / c for c, P in zip(scaled, projectors)), sp.zeros(*G.shape))
        return p.applyfunc(self._tidy)

    def _trust_region(self, step: dict, X, f, G, H, v: dict) -> None:
        """The Cauchy point, the step when it is the Cauchy point or the Newton step, ρ (module docstring)."""
        sp = self.sp
        delta = parameter(step.get("delta"))
        if H is None or delta is None:
            return
        gg = (G.T * G)[0]
        if gg == 0:
            return
        gnorm, gHg = sp.sqrt(gg), (G.T * H * G)[0]
        tau = sp.Integer(1) if gHg <= 0 else sp.Min(1, self._tidy(gnorm**3 / (delta * gHg)))
        cauchy = (-tau * delta / gnorm * G).applyfunc(self._tidy)
        v.update(grad_norm=gnorm, gHg=gHg, cauchy_tau=tau, cauchy_point=list(cauchy))
        candidates = [cauchy]
        if H.det() != 0:
            candidates.append(H.LUsolve(-G))
        recorded = step.get("proposed") if not step.get("accepted", True) else step.get("step")
        s = next((c for c in candidates if recorded is not None and _agrees(list(c), recorded)), None)
        if s is None:
            return  # dogleg's bend, CG's iterate, λ of a secular equation: no closed form here
        s = s.applyfunc(self._tidy)
        gs, sHs = (G.T * s)[0], (s.T * H * s)[0]
        pred = -gs - sHs / 2
        f_trial = self.expr.xreplace(dict(zip(self.symbols, [a + b for a, b in zip(X, s)])))
        v.update(model_gs=gs, model_sHs=sHs, pred_quadratic=pred, actual=f - f_trial)
        if pred != 0:
            v["rho"] = (f - f_trial) / pred
        if step.get("accepted", True):
            self._move(X, f, s, v)
        else:
            v.update(proposed=list(s), f_trial=f_trial, x_next=list(X), f_next=f)

    def _adam(self, step: dict, X, G, options: dict, v: dict) -> None:
        """m, v and their bias corrections (E9), exactly while the recurrence started exactly at k = 0."""
        b1, b2 = parameter(step.get("beta1")), parameter(step.get("beta2"))
        if b1 is None or b2 is None or (self.adam is None and step["k"] != 0):
            self.adam = None
            return
        zero = [0] * len(G)
        m_prev, v_prev = self.adam if self.adam is not None else (zero, zero)
        m = [self._tidy(b1 * a + (1 - b1) * g) for a, g in zip(m_prev, G)]
        w = [self._tidy(b2 * a + (1 - b2) * g * g) for a, g in zip(v_prev, G)]
        self.adam = (m, w)
        v.update(m=m, v=w)
        t = step["t"]
        if step.get("bias_correction"):
            v.update(m_hat=[a / (1 - b1**t) for a in m], v_hat=[a / (1 - b2**t) for a in w])

    # ---------------------------------------------------------------- helpers

    @property
    def expr(self):
        if self._expr is None:
            from optkit.symbolic.derivatives import sympy_expression

            self._expr = sympy_expression(self.problem.formula, self.problem.variables)
        return self._expr[0]

    @property
    def symbols(self):
        self.expr  # noqa: B018 - reads the formula if not yet read
        return self._expr[1]

    @property
    def grad(self):
        if self._grad is None:
            self._grad = [self.sp.diff(self.expr, s) for s in self.symbols]
        return self._grad

    @property
    def hess(self):
        if self._hess is None:
            self._hess = self.sp.Matrix([[self.sp.diff(g, s) for s in self.symbols] for g in self.grad])
        return self._hess

    def _tidy(self, value):
        """Rationals as they are; plain radicals simplified (so iterates stay short); anything else as it is."""
        from optkit.methods.exact_steps import _simplify

        return _simplify(value) if plain_radical(value) else value


def _quadratic_spectrum(H) -> dict | None:
    """{λ: multiplicity} of a rational symmetric H when det(H − λI) splits over Q into factors of degree ≤ 2
    (so every λ is a rational or a plain surd), else None.

    Decided from the factorisation before any root is sought, so the same problem gives the same answer on a
    busy machine: the cubic and quartic formulas give nested or complex radicals (not shown anyway) and can
    take longer than the budget.
    """
    import sympy as sp

    if not H.is_symmetric():
        return None
    lam = sp.Symbol("lambda")  # a Poly over ZZ: factor_list of the expression in a Dummy returns it unfactored
    _, factors = sp.Poly(H.charpoly(lam).as_expr(), lam).factor_list()
    if any(factor.degree() > 2 for factor, _ in factors):
        return None
    spectrum: dict = {}
    for factor, power in factors:
        for root, count in sp.roots(factor).items():
            spectrum[root] = spectrum.get(root, 0) + power * count
    return spectrum if all(plain_radical(r) for r in spectrum) else None  # (a symmetric H has no complex root)


def parameter(value):
    """A run parameter (α, Δ, δ, β₁) recorded as a float, as the sympy Rational it was set to, or None."""
    import sympy as sp

    frac = None if value is None or isinstance(value, bool) else parameter_fraction(value)
    return None if frac is None else sp.Rational(frac.numerator, frac.denominator)


def _flatten(value):
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flatten(item)
    elif hasattr(value, "tolist") and not hasattr(value, "is_Number"):  # a sympy Matrix
        yield from _flatten(value.tolist())
    else:
        yield value


def _float_of(step: dict, key: str):
    path = FLOAT_PATHS.get(key, (key,))
    value = step
    for part in path:
        if not isinstance(value, dict) or value.get(part) is None:
            return None
        value = value[part]
    return None if isinstance(value, (bool, str)) else value


def _agrees(exact, floats) -> bool:
    """Every exact value is the float beside it to rounding (REL_TOL, relative to the quantity's size)."""
    floats = np.asarray(floats, dtype=float).reshape(-1)
    exact = list(_flatten(exact))
    if len(exact) != floats.size or not np.all(np.isfinite(floats)):
        return False
    scale = max(1.0, float(np.max(np.abs(floats)))) if floats.size else 1.0
    try:
        values = [complex(e) for e in exact]
    except (TypeError, ValueError):  # a value with a free symbol or not a number
        return False
    return all(abs(c.imag) <= REL_TOL * scale and abs(c.real - b) <= REL_TOL * scale for c, b in zip(values, floats))
