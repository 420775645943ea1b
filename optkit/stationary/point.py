"""Second-order classification of a point from its gradient and Hessian.

Rule (see ``shared/algorithms.md``): a point is stationary when ‖∇f‖₂ ≤ gtol.
The Hessian is symmetrised and its eigenvalues λᵢ computed.  All positive:
minimum; all negative: maximum; both signs and none zero: saddle, whose index
is the number of negative eigenvalues; any zero: degenerate (the second-order
test is inconclusive).  ``run``, ``eval`` and ``classify`` all use
:func:`classify_point`.

**When is λᵢ zero?**  When |λᵢ| ≤ max(eig_tol, Eᵢ), where eig_tol (default
√ε) is the absolute size below which curvature counts as nil at an only
approximately stationary point, and Eᵢ bounds the error of the *computed*
eigenvalue, which depends on how the Hessian was computed (``source``):

* ``"formula"`` — an exact formula (or the user's code) evaluated in floats,
  or its Hessian-vector products column by column: each entry carries a few
  rounding errors on the scale of ‖H‖, and ``eigh`` is backward stable, so by
  Weyl's theorem |λ̂ᵢ − λᵢ| ≤ ‖E‖₂ ≤ 16·n·ε·‖H‖_F (Golub & Van Loan §8.1;
  the factor 16 covers the few operations per entry, an assumption stated
  here).  At Brown badly scaled's minimum (eigenvalues 2 and 2·10¹²) that is
  0.014, so 2 is positive — a relative √ε·max|λ| ≈ 3·10⁴ swallowed it.
* ``"finite-differences"`` and ``"unknown"`` — the relative rule
  Eᵢ = eig_tol·max|λ| (truncation and cancellation errors of differences are
  not known better than that).
* ``"certified"`` — eigenvalues of the Hessian evaluated exactly at the
  floating-point x (sympy, rational arithmetic) and computed by mpmath with
  60 digits: Eᵢ = 10⁻⁴⁰·‖H‖.  :func:`evaluate_at` uses this for closed-form
  problems (n ≤ 10) when a float eigenvalue falls between eig_tol and its
  float bound, i.e. exactly where the float answer could be wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DEFAULT_GTOL = 1e-8
_EPS = float(np.finfo(float).eps)
DEFAULT_EIG_TOL = float(np.sqrt(_EPS))  # ≈ 1.5e-8


@dataclass
class Classification:
    kind: str  # minimum | maximum | saddle | degenerate | not-stationary | stationary (type unknown: no Hessian)
    index: int | None  # number of negative eigenvalues (None without a Hessian)
    eigenvalues: list[float]
    grad_norm: float
    gtol: float
    eig_threshold: float  # the absolute |λ| below which an eigenvalue counted as zero
    n_zero: int = 0
    degenerate_behaviour: str | None = None  # minimum | maximum | saddle | undecided (set by a higher-order test)
    notes: list[str] = field(default_factory=list)
    # False when the kind rests on estimated extreme eigenvalues (Ritz values at large n, ``stationary.ritz``):
    # a minimum or maximum is then only probable; a saddle's negative curvature is still proven
    certified: bool = True
    spectrum: str = "all"  # "all" eigenvalues, or the "extreme" Ritz values θ_min, θ_max only

    @property
    def description(self) -> str:
        """Human phrase: 'saddle point (index 1)', 'degenerate — behaves as a minimum', ..."""
        if self.kind == "saddle":
            return f"saddle point (index {'≥ 1' if self.index is None else self.index})"
        if not self.certified and self.kind in ("minimum", "maximum"):
            return f"probable local {self.kind} (not certified)"
        if self.kind == "degenerate":
            behaviour = self.degenerate_behaviour
            if behaviour in ("minimum", "maximum", "saddle"):
                return f"degenerate — behaves as a {behaviour}"
            return "degenerate (second-order test inconclusive)" if behaviour is None else "degenerate — undecided"
        if self.kind == "not-stationary":
            return "not a stationary point"
        if self.kind == "stationary":
            return "stationary point of unknown type (no usable Hessian)"
        return f"local {self.kind}"

    def __repr__(self) -> str:
        from optkit.render.notebook import point_repr

        return point_repr(self.to_dict())

    def _repr_html_(self) -> str:
        from optkit.render.notebook import point_html

        return point_html(self.to_dict())

    def to_dict(self) -> dict:
        return {"kind": self.kind, "index": self.index, "description": self.description,
                "eigenvalues": self.eigenvalues, "grad_norm": self.grad_norm, "gtol": self.gtol,
                "eig_threshold": self.eig_threshold, "n_zero_eigenvalues": self.n_zero,
                "degenerate_behaviour": self.degenerate_behaviour, "notes": self.notes,
                "certified": self.certified, "spectrum": self.spectrum}


def hessian_spectrum(hessian: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and eigenvectors (columns) of the symmetrised Hessian."""
    h = np.asarray(hessian, dtype=float)
    return np.linalg.eigh(0.5 * (h + h.T))


def difference_hessian(grad, x, h: float = 1e-5) -> np.ndarray:
    """Central differences of the gradient, symmetrised: column i = (∇f(x + hᵢeᵢ) − ∇f(x − hᵢeᵢ)) / 2hᵢ."""
    x = np.asarray(x, dtype=float)
    columns = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h * max(1.0, abs(x[i]))
        columns.append((np.asarray(grad(x + e)) - np.asarray(grad(x - e))) / (2 * e[i]))
    m = np.array(columns).T
    return 0.5 * (m + m.T)


SOURCES = ("formula", "finite-differences", "unknown", "certified")


def eigenvalue_error_bound(eigenvalues: np.ndarray, source: str = "unknown", eig_tol: float = DEFAULT_EIG_TOL,
                           frobenius: float | None = None) -> float:
    """Eᵢ of the module docstring: a bound on the error of each computed eigenvalue (one number for all)."""
    if source not in SOURCES:
        raise ValueError(f"unknown Hessian source {source!r}; one of {', '.join(SOURCES)}")
    big = float(np.max(np.abs(eigenvalues))) if eigenvalues.size else 0.0
    fro = float(np.sqrt(np.sum(np.square(eigenvalues)))) if frobenius is None else frobenius
    if source == "formula":
        return 16 * max(1, eigenvalues.size) * _EPS * fro
    if source == "certified":
        return 1e-40 * fro
    return eig_tol * big


def zero_threshold(eigenvalues: np.ndarray, eig_tol: float = DEFAULT_EIG_TOL, source: str = "unknown") -> float:
    """|λ| at or below this counts as zero: max(eig_tol, Eᵢ); "unknown" gives eig_tol·max(1, max|λ|)."""
    return max(eig_tol, eigenvalue_error_bound(np.asarray(eigenvalues, dtype=float), source, eig_tol))


def classify_point(grad: np.ndarray, hessian: np.ndarray | None, *, gtol: float = DEFAULT_GTOL,
                   eig_tol: float = DEFAULT_EIG_TOL, eigenvalues: np.ndarray | None = None,
                   source: str = "unknown") -> Classification:
    """Classify a point from ∇f and ∇²f (or precomputed eigenvalues); ``source``: how H was computed."""
    grad_norm = float(np.linalg.norm(grad))
    if eigenvalues is None and hessian is not None:
        h = np.asarray(hessian, dtype=float)
        # LAPACK fails on NaN/inf ("Eigenvalues did not converge"): a non-finite Hessian has no spectrum.
        eigenvalues = hessian_spectrum(h)[0] if np.all(np.isfinite(h)) else np.full(h.shape[0], np.nan)
    if eigenvalues is None or not np.all(np.isfinite(eigenvalues)):
        # Without a usable Hessian a stationary point cannot be typed: say so rather than guess.
        kind = "not-stationary" if not grad_norm <= gtol else "stationary"
        note = ("no Hessian available: the second-order type is unknown" if eigenvalues is None
                else "Hessian is not finite: the second-order type is unknown")
        return Classification(kind, None, [] if eigenvalues is None else eigenvalues.tolist(),
                              grad_norm, gtol, float("nan"), notes=[note])
    eigenvalues = np.sort(np.asarray(eigenvalues, dtype=float))
    threshold = zero_threshold(eigenvalues, eig_tol, source)
    negative = int(np.sum(eigenvalues < -threshold))
    zero = int(np.sum(np.abs(eigenvalues) <= threshold))
    positive = eigenvalues.size - negative - zero
    if not grad_norm <= gtol:  # also catches a NaN gradient
        kind = "not-stationary"
    elif zero:
        kind = "degenerate"
    elif negative == 0:
        kind = "minimum"
    elif positive == 0:
        kind = "maximum"
    else:
        kind = "saddle"
    return Classification(kind, negative, eigenvalues.tolist(), grad_norm, gtol, threshold, n_zero=zero)


@dataclass
class PointEvaluation:
    """Everything ``optkit eval`` reports at one point."""

    problem: str
    x: np.ndarray
    f: float
    grad: np.ndarray
    hessian: np.ndarray | None
    eigenvalues: np.ndarray | None
    eigenvectors: np.ndarray | None
    classification: Classification
    eig_tol: float
    source: str = "unknown"

    def to_dict(self) -> dict:
        return {
            "problem": self.problem,
            "x": self.x.tolist(),
            "f": self.f,
            "grad": self.grad.tolist(),
            "grad_norm": float(np.linalg.norm(self.grad)),
            "hessian": None if self.hessian is None else self.hessian.tolist(),
            "eigenvalues": None if self.eigenvalues is None else self.eigenvalues.tolist(),
            "eigenvectors": None if self.eigenvectors is None else self.eigenvectors.T.tolist(),
            "classification": self.classification.to_dict(),
            "tolerances": {"gtol": self.classification.gtol, "gtol_norm": "2-norm",
                           "eig_tol": self.eig_tol, "hessian_source": self.source,
                           "eig_tol_rule": "|λ| ≤ max(eig_tol, error bound of the computed eigenvalue) counts as "
                                           f"zero; here {self.classification.eig_threshold:.3g}"},
        }


def hessian_source(problem) -> str:
    """How ``problem.hess`` computes: "finite-differences" for a CallableProblem filling it in, else "formula"."""
    if getattr(problem, "fd", False) and getattr(problem, "_hess", None) is None:
        return "finite-differences"
    return "formula"


def evaluate_at(problem, x, *, gtol: float = DEFAULT_GTOL, eig_tol: float = DEFAULT_EIG_TOL) -> PointEvaluation:
    """f, ∇f, ∇²f with its spectrum, and the classification of ``problem`` at ``x``.

    Eigenvalue signs follow the module docstring; an eigenvalue the float
    bound cannot decide is certified in high precision for a closed-form
    problem with n ≤ 10 (:func:`certified_eigenvalues`).  A dense Hessian beyond a
    quarter of the machine's memory is refused before anything is allocated.
    """
    from optkit.problems.problem import check_dense_hessian, provides

    x = np.asarray(x, dtype=float)
    if problem.n > DENSE_EIGEN_MAX_N and provides(problem, "hvp"):
        return _evaluate_large(problem, x, gtol, eig_tol)
    if problem.has_hessian:
        check_dense_hessian(problem.n, problem.name)
    f, g = problem.f(x), problem.grad(x)
    h = problem.hess(x) if problem.has_hessian else None
    values, vectors = hessian_spectrum(h) if h is not None and np.all(np.isfinite(h)) else (None, None)
    source = hessian_source(problem)
    check = values
    if values is not None and source == "formula" and _undecided(values, eig_tol) and _certifiable(problem):
        check, source = certified_eigenvalues(problem.formula, problem.variables, x), "certified"
    classification = classify_point(g, h, gtol=gtol, eig_tol=eig_tol, eigenvalues=check, source=source)
    if source == "certified":
        classification.notes.append("eigenvalue signs certified: exact Hessian at x (sympy) with 60-digit "
                                    "eigenvalues (mpmath)")
    return PointEvaluation(problem.name, x, f, g, h, values, vectors, classification, eig_tol, source)


#: Beyond this n the spectrum is not computed (eigh is O(n³): about a second at 2,000, minutes at 10,000) but
#: estimated at both ends from Hessian-vector products, as ``run`` does at its end point (``stationary.ritz``).
DENSE_EIGEN_MAX_N = 2000


def _evaluate_large(problem, x: np.ndarray, gtol: float, eig_tol: float) -> PointEvaluation:
    """f, ∇f and the extreme Ritz values of ∇²f (≤ 20 Hessian-vector products); H itself is not formed."""
    from optkit.stationary.ritz import extreme_ritz_values

    f, g = problem.f(x), problem.grad(x)
    extremes = extreme_ritz_values(lambda v: problem.hvp(x, v), x.size)
    if extremes is None:
        classification = classify_point(g, None, gtol=gtol, eig_tol=eig_tol)
        values = None
    else:
        classification = classify_by_ritz(g, extremes, gtol, eig_tol)
        values = np.array([extremes.smallest, extremes.largest])
    classification.notes.append(f"n = {x.size} > {DENSE_EIGEN_MAX_N}: the Hessian was not formed and its spectrum "
                                "not computed (O(n³)); only its extreme eigenvalues were estimated")
    return PointEvaluation(problem.name, x, f, g, None, values, None, classification, eig_tol,
                           hessian_source(problem))


def classify_by_ritz(grad: np.ndarray, extremes, gtol: float, eig_tol: float) -> Classification:
    """Classification from the extreme Ritz values (``stationary.ritz.RitzExtremes``): what they prove, and
    what they only suggest.

    θ₁ < 0 < θ_k proves a saddle (both are Rayleigh quotients; its index is
    unknown, ≥ 1).  θ₁ > 0 suggests a minimum (θ_k < 0 a maximum) that is not
    certified, and the note gives the figures.  |θ| ≤ max(eig_tol, eig_tol·max|θ|)
    counts as zero (the relative rule of ``point.zero_threshold``).
    """
    theta = np.array([extremes.smallest, extremes.largest])
    cl = classify_point(grad, None, gtol=gtol, eig_tol=eig_tol, eigenvalues=theta)
    cl.spectrum = "extreme"
    threshold = zero_threshold(theta, eig_tol)
    figures = extremes.describe()
    if cl.kind == "saddle":
        cl.index = None
        cl.notes.append(f"saddle: a direction of negative curvature was found — {figures}; the index is not known")
    elif cl.kind in ("minimum", "maximum") and extremes.exhausted:
        # a random start has a component along every eigenvector (with probability 1), so an invariant
        # Krylov space holds them all: the whole spectrum is known
        cl.notes.append(f"{cl.kind}: {figures}")
    elif cl.kind in ("minimum", "maximum"):
        cl.certified = False
        cl.index = None
        cl.notes.append(f"probable {cl.kind}: {figures}; not certified — an eigenvalue whose eigenvector the "
                        "Krylov space missed could have the other sign")
    elif cl.kind == "degenerate":
        cl.notes.append(f"degenerate: an extreme Ritz value is within {threshold:.1e} of zero — {figures}")
    else:
        cl.notes.append(f"only the extreme eigenvalues were estimated: {figures}")
    return cl


def _undecided(values: np.ndarray, eig_tol: float) -> bool:
    bound = eigenvalue_error_bound(values, "formula", eig_tol)
    return bool(np.any((np.abs(values) > eig_tol) & (np.abs(values) <= bound)))


def _certifiable(problem) -> bool:
    return getattr(problem, "formula", None) is not None and problem.n <= 10


def certified_eigenvalues(formula: str, variables, x: np.ndarray, digits: int = 60) -> np.ndarray:
    """Eigenvalues of the exact Hessian of ``formula`` at the floating-point ``x`` (sympy + mpmath).

    x is converted exactly (a float is a dyadic rational), the Hessian is
    evaluated to ``digits`` digits and its eigenvalues computed by
    ``mpmath.eigsy`` at that precision; the result is rounded to floats, whose
    signs and magnitudes are then right to ~10⁻⁴⁰ relative.
    """
    import mpmath
    import sympy as sp

    from optkit.symbolic.derivatives import sympy_expression

    expr, symbols = sympy_expression(formula, variables)
    at = {s: sp.Rational(float(v)) for s, v in zip(symbols, x)}
    H = sp.hessian(expr, symbols)
    with mpmath.workdps(digits):
        M = mpmath.matrix([[mpmath.mpf(sp.N(H[i, j].xreplace(at), digits)) for j in range(len(symbols))]
                           for i in range(len(symbols))])
        values = mpmath.eigsy(M, eigvals_only=True)
        return np.sort(np.array([float(v) for v in values]))
