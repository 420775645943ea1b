"""The Hessian along a run: its eigenvalues at each iterate, and the index against f.

The index is the fraction of negative eigenvalues, λ < −tol with tol = 1e-8 · max(1, max|λ|)
(so rounding around a zero eigenvalue does not count).  Plotted against f it is the picture
of Dauphin et al. (2014), "Identifying and attacking the saddle point problem in
high-dimensional non-convex optimization", Figure 1: critical points with a larger index
lie higher, and the index falls as the error falls.

Eigenvalues come from the trace when it has them; otherwise they are computed here from
∇²f at each recorded iterate (a diagnostic, not counted as the method's work), for
n ≤ :data:`MAX_N`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optkit.errors import OptkitError
from optkit.figures.runs import FigureRun

MAX_N = 200  # a dense eigendecomposition per iterate stays cheap up to here
ZERO_RTOL = 1e-8


@dataclass
class SpectrumSeries:
    label: str
    k: list[int]
    f: list[float]
    eigenvalues: list[list[float]]  # eigenvalues[i]: ascending, at iterate k[i]
    index: list[float]  # fraction of negative eigenvalues at iterate k[i]
    outcome: str = ""


@dataclass
class Spectrum:
    title: str
    n: int
    series: list[SpectrumSeries] = field(default_factory=list)
    linthresh: float = 1e-3  # the eigenvalue axis is symmetric-log, linear within ±linthresh
    caption: str = ""


def index_of(eigenvalues) -> float:
    lam = np.asarray(eigenvalues, dtype=float)
    tol = ZERO_RTOL * max(1.0, float(np.max(np.abs(lam)))) if lam.size else 0.0
    return float(np.count_nonzero(lam < -tol)) / max(lam.size, 1)


def hessian_eigenvalues(problem, x) -> list[float]:
    """Ascending eigenvalues of ∇²f(x) (from Hessian-vector products when no Hessian is given)."""
    x = np.asarray(x, dtype=float)
    if problem.has_hessian:
        H = problem.hess(x)
    else:
        H = np.column_stack([problem.hvp(x, e) for e in np.eye(x.size)])
    return np.linalg.eigvalsh(0.5 * (H + H.T)).tolist()


def spectrum(problem, runs: list[FigureRun], start: str = "") -> Spectrum:
    if problem.n > MAX_N:
        raise OptkitError(f"the spectrum figure needs a dense Hessian per iterate; {problem.name} has n = "
                          f"{problem.n} > {MAX_N}: draw --convergence instead")
    series = []
    computed = False
    for run in runs:
        eigs = []
        for x, known in zip(run.xs, run.eigenvalues or [None] * len(run.xs)):
            if known is None:
                known = hessian_eigenvalues(problem, x)
                computed = True
            eigs.append(sorted(float(v) for v in known))
        series.append(SpectrumSeries(run.label, list(run.ks), list(run.f), eigs, [index_of(e) for e in eigs],
                                     run.outcome))
    magnitudes = [abs(v) for s in series for e in s.eigenvalues for v in e if v != 0 and np.isfinite(v)]
    linthresh = max(min(magnitudes), 1e-6) if magnitudes else 1e-3
    title = f"{problem.name} (n = {problem.n}): {', '.join(r.label for r in runs)}" + (f" from {start}" if start else "")
    notes = [f"index = fraction of eigenvalues below −1e-8·max(1, max|λ|); eigenvalue axis linear within "
             f"±{linthresh:.2g}"]
    if computed:
        notes.append("eigenvalues computed from ∇²f at each recorded iterate")
    if any(r.thinning for r in runs):
        notes.append("traces thinned (first and last 1,000 iterates, every m-th between)")
    return Spectrum(title, problem.n, series, linthresh, "; ".join(notes))
