"""Small summaries of a trace that the tables show: the Hessian index of a row, runs of repeated notes."""

from __future__ import annotations

import math

#: |λ| ≤ EIG_ZERO·max(1, max|λ|) counts as zero when counting negative eigenvalues (the
#: classification's default eig_tol, √ε, so a row's index agrees with the end point's).
EIG_ZERO = math.sqrt(2.220446049250313e-16)


def hessian_index(eigenvalues) -> int:
    """The index: how many eigenvalues are negative beyond rounding (Dauphin et al. 2014 plot it)."""
    values = [float(v) for v in eigenvalues]
    if not values:
        return 0
    threshold = EIG_ZERO * max(1.0, max(abs(v) for v in values))
    return sum(1 for v in values if v < -threshold)


def note_runs(trace: list) -> list[tuple[tuple[int, int], str]]:
    """Each note once, with the range of k over which it repeats on consecutive records."""
    runs: list[tuple[list[int], str]] = []
    for r in trace:
        note = r.get("note") or ""
        if not note:
            continue
        if runs and runs[-1][1] == note and runs[-1][0][1] == r["k"] - 1:
            runs[-1][0][1] = r["k"]
        else:
            runs.append(([r["k"], r["k"]], note))
    return [((a, b), note) for (a, b), note in runs]
