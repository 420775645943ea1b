"""Diagnostics of a run: Hessian eigenvalues per iterate, the end point's classification, gradient-flat regions.

None of this is the method's work: every evaluation here runs inside
``problem.counts.paused()`` and is not in ``Result.evaluations``.  The
cut-offs below bound the cost of the diagnostics, each with its reason.
"""

from __future__ import annotations

import numpy as np

from optkit.errors import OptkitError
from optkit.problems.problem import provides  # noqa: F401 (the loop and compare read it here)
from optkit.stationary.point import DEFAULT_EIG_TOL, classify_by_ritz, classify_point
from optkit.stationary.ritz import RitzExtremes, extreme_ritz_values

#: Eigenvalues in the trace by default up to this n: a column of n numbers per row stays readable.
EIG_MAX_N = 10
#: A dense n×n Hessian (from the problem, or n products) is formed up to this n: 2000² doubles are 32 MB
#: and one eigendecomposition takes about a second; beyond it only the extreme eigenvalues are estimated.
DENSE_CLASSIFY_MAX_N = 2000
#: Without a Hessian, n Hessian-vector products build H column by column up to this n (n products per point).
HVP_COLUMNS_MAX_N = 200
#: Without any second derivative, central differences of ∇f (2n gradients) classify the end point up to this n.
DIFFERENCE_CLASSIFY_MAX_N = 100
#: Gradient-flat test (Frye et al. 2021): g is "nearly in the null space of H" when ‖Hg‖₂ ≤ this·‖H‖₂·‖g‖₂.
GRADIENT_FLAT_RATIO = 1e-3


def hessian(problem, x: np.ndarray) -> np.ndarray | None:
    """∇²f at x, uncounted: the problem's own, or from n Hessian-vector products (cut-offs above)."""
    n = x.size
    with problem.counts.paused():
        try:
            if problem.has_hessian and n <= DENSE_CLASSIFY_MAX_N:
                return problem.hess(x)
            if provides(problem, "hvp") and n <= HVP_COLUMNS_MAX_N:
                return np.column_stack([problem.hvp(x, e) for e in np.eye(n)])
        except OptkitError:
            return None
    return None


def eigenvalues(H: np.ndarray | None) -> list[float] | None:
    """The spectrum of the symmetrised H, or None when H is missing or not finite."""
    if H is None or not np.all(np.isfinite(H)):
        return None
    return np.linalg.eigvalsh(0.5 * (H + H.T)).tolist()


def curvature_along(problem):
    """u ↦ uᵀ∇²f(x)u (uncounted) for the trend test, or None when the problem has no second derivative."""
    if not provides(problem, "hvp"):
        return None

    def curvature(x, u):
        with problem.counts.paused():
            try:
                return float(u @ problem.hvp(x, u))
            except OptkitError:
                return None

    return curvature


def classify_end(problem, x: np.ndarray, g: np.ndarray, gtol: float):
    """Classification of the end point (``optkit.stationary.point.classify_point``), uncounted."""
    H = hessian(problem, x) if provides(problem, "hvp") else None
    if H is not None:
        from optkit.stationary.point import hessian_source

        # eigenvalue signs with the error bound of how H was computed (a formula, or exact Hv columns)
        source = hessian_source(problem) if problem.has_hessian else "formula"
        return classify_point(g, H, gtol=gtol, source=source)
    if provides(problem, "hvp") and x.size > DENSE_CLASSIFY_MAX_N:
        extremes = extreme_eigenvalues(problem, x)
        if extremes is not None:
            return classify_by_ritz(g, extremes, gtol, DEFAULT_EIG_TOL)
    if provides(problem, "grad") and x.size <= DIFFERENCE_CLASSIFY_MAX_N:
        from optkit.stationary.point import difference_hessian

        with problem.counts.paused():
            H = difference_hessian(problem.grad, x)
        cl = classify_point(g, H, gtol=gtol, source="finite-differences")
        cl.notes.append("no Hessian: classified with central differences of the gradient")
        return cl
    return classify_point(g, None, gtol=gtol)


def gradient_flat(problem, x: np.ndarray, g: np.ndarray) -> str:
    """'' or a note when g lies nearly in the null space of H: ‖Hg‖₂ ≤ 1e-3·‖H‖₂·‖g‖₂.

    A run stalling there has not found a critical point; Frye et al. (2021),
    "Critical point-finding methods reveal gradient-flat regions of deep
    network losses", call such places gradient-flat regions.
    """
    gnorm = float(np.linalg.norm(g))
    if gnorm == 0 or not provides(problem, "hvp") or x.size > DENSE_CLASSIFY_MAX_N:
        return ""
    H = hessian(problem, x)
    spectrum = eigenvalues(H)
    if spectrum is None:
        return ""
    scale = float(np.max(np.abs(spectrum)))
    ratio = float(np.linalg.norm(H @ g)) / gnorm
    if scale > 0 and ratio <= GRADIENT_FLAT_RATIO * scale:
        return (f"gradient-flat region (Frye et al. 2021): ‖Hg‖₂/‖g‖₂ = {ratio:.3g} ≤ 1e-3·‖H‖₂ = "
                f"{GRADIENT_FLAT_RATIO * scale:.3g} — the gradient lies nearly in the null space of H; "
                "not a critical point")
    return ""


def extreme_eigenvalues(problem, x: np.ndarray) -> RitzExtremes | None:
    """Extreme Ritz values of ∇²f(x) from at most ``RITZ_PRODUCTS`` Hessian-vector products, uncounted.

    Bounded Lanczos (``stationary.ritz``): O(n·k) memory and k products, where
    ARPACK's restarted iteration cost more than the run it classified at n = 10⁵.
    """
    with problem.counts.paused():
        try:
            return extreme_ritz_values(lambda v: problem.hvp(x, v), x.size)
        except OptkitError:
            return None
