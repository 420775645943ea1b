"""Where a run ended, judged by optkit's rule whoever ran it (optkit's driver or SciPy).

The classification is the driver's own (:func:`optkit.run.diagnostics.classify_end`: the
second-order test of :func:`optkit.stationary.point.classify_point` on the Hessian at the end
point, from Hessian-vector products when there is no matrix, else on central differences of
the gradient); the outcome word is :func:`optkit.run.results.outcome_of`.  Diagnostics are
never counted as the method's work.
"""

from __future__ import annotations

import math

import numpy as np

from optkit.problems.problem import provides  # noqa: F401 (the driver's own test, read here by compare)
from optkit.run import diagnostics
from optkit.run.results import Status, outcome_of



def classify_end(problem, x, g, gtol: float) -> dict | None:
    """The classification dict of the end point (the driver's own rule), or None where x or ∇f is not finite."""
    x, g = np.asarray(x, dtype=float), np.asarray(g, dtype=float)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(g))):
        return None
    return diagnostics.classify_end(problem, x, g, gtol).to_dict()


def reference_status(end: dict, problem, tol) -> tuple[str, str, dict | None, float, float]:
    """(status, message, classification, f, ‖g‖₂) of a SciPy run's end point under the sweep's tolerances.

    converged when ‖g‖₂ ≤ gtol (whatever SciPy said); diverging when ‖x‖₂ > x_bound; failed
    when f or ∇f is not finite or SciPy raised; timeout at the time limit; max_iter or
    max_evals at a budget; otherwise ``stopped`` (SciPy's own stop, short of a stationary point).
    """
    with np.errstate(all="ignore"):
        return _reference_status(end, problem, tol)


def _reference_status(end: dict, problem, tol):
    x = np.asarray(end["x"], dtype=float)
    f = float(problem.f(x)) if np.all(np.isfinite(x)) else math.nan
    g = problem.grad(x) if np.all(np.isfinite(x)) else np.full(x.size, math.nan)
    gnorm = float(np.linalg.norm(g))
    said = f"SciPy: {end['scipy_message']}" if end["scipy_message"] else ""
    classification = classify_end(problem, x, g, tol.gtol)
    if end["crashed"]:
        return "failed", said, classification, f, gnorm
    if not (math.isfinite(f) and math.isfinite(gnorm)):
        return "non_finite", f"non-finite value at the end point; {said}", None, f, gnorm
    if gnorm <= tol.gtol:
        return "converged", f"‖g‖₂ = {gnorm:.3g} ≤ gtol {tol.gtol:g}; {said}", classification, f, gnorm
    xnorm = float(np.linalg.norm(x))
    above = f"‖g‖₂ = {gnorm:.3g} > gtol {tol.gtol:g}"
    if xnorm > tol.x_bound:
        return "diverging", f"iterates diverging: ‖x‖₂ = {xnorm:.3g} > {tol.x_bound:g}; {said}", classification, f, gnorm
    if end["timed_out"]:
        return "timeout", f"stopped by the per-run time limit; {above}", classification, f, gnorm
    total = sum(end["evaluations"].values())
    if tol.max_evals is not None and total >= tol.max_evals:
        return "max_evals", f"maximum evaluations reached ({total}); {above}; {said}", classification, f, gnorm
    if end["iterations"] >= tol.max_iter:
        return "max_iter", f"maximum iterations reached ({end['iterations']}); {above}; {said}", classification, f, gnorm
    return "stopped", f"SciPy stopped short of a stationary point: {above}; {said}", classification, f, gnorm


_STATUS_OUTCOME = {"converged": None, "diverging": "diverging", "failed": "failed", "non_finite": "failed",
                   "timeout": "timeout", "max_iter": "not-converged", "max_evals": "not-converged",
                   "stopped": "not-converged"}


def reference_outcome(status: str, classification: dict | None) -> str:
    """The conventions' outcome of a SciPy run (a converged end takes its kind, exactly as optkit's own)."""
    if status == "converged":
        return outcome_of(Status.CONVERGED, classification)
    return _STATUS_OUTCOME[status]
