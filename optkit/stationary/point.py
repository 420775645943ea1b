"""Second-order classification of a point from its gradient and Hessian.

Rule (see ``shared/algorithms.md``): a point is stationary when ‖∇f‖₂ ≤ gtol.
The Hessian is symmetrised and its eigenvalues λᵢ computed; λᵢ counts as zero
when |λᵢ| ≤ eig_tol·max(1, max|λ|).  All positive: minimum; all negative:
maximum; both signs and none zero: saddle, whose index is the number of
negative eigenvalues; any zero: degenerate (the second-order test is
inconclusive).  ``run``, ``eval`` and ``classify`` all use :func:`classify_point`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DEFAULT_GTOL = 1e-8
DEFAULT_EIG_TOL = float(np.sqrt(np.finfo(float).eps))  # ≈ 1.5e-8, relative


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

    @property
    def description(self) -> str:
        """Human phrase: 'saddle point (index 1)', 'degenerate — behaves as a minimum', ..."""
        if self.kind == "saddle":
            return f"saddle point (index {self.index})"
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
                "degenerate_behaviour": self.degenerate_behaviour, "notes": self.notes}


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


def zero_threshold(eigenvalues: np.ndarray, eig_tol: float = DEFAULT_EIG_TOL) -> float:
    scale = max(1.0, float(np.max(np.abs(eigenvalues)))) if eigenvalues.size else 1.0
    return eig_tol * scale


def classify_point(grad: np.ndarray, hessian: np.ndarray | None, *, gtol: float = DEFAULT_GTOL,
                   eig_tol: float = DEFAULT_EIG_TOL, eigenvalues: np.ndarray | None = None) -> Classification:
    """Classify a point from ∇f and ∇²f (or precomputed eigenvalues)."""
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
    threshold = zero_threshold(eigenvalues, eig_tol)
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
                           "eig_tol": self.eig_tol, "eig_tol_rule": "|λ| ≤ eig_tol·max(1, max|λ|) counts as zero"},
        }


def evaluate_at(problem, x, *, gtol: float = DEFAULT_GTOL, eig_tol: float = DEFAULT_EIG_TOL) -> PointEvaluation:
    """f, ∇f, ∇²f with its spectrum, and the classification of ``problem`` at ``x``."""
    from optkit.problems.problem import check_dense_hessian

    if problem.has_hessian:
        check_dense_hessian(problem.n, problem.name)  # before any allocation, naming the size and the limit
    x = np.asarray(x, dtype=float)
    f, g = problem.f(x), problem.grad(x)
    h = problem.hess(x) if problem.has_hessian else None
    values, vectors = hessian_spectrum(h) if h is not None and np.all(np.isfinite(h)) else (None, None)
    classification = classify_point(g, h, gtol=gtol, eig_tol=eig_tol, eigenvalues=values)
    return PointEvaluation(problem.name, x, f, g, h, values, vectors, classification, eig_tol)
