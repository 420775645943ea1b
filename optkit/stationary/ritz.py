"""Extreme Hessian eigenvalues at large n from a few Hessian-vector products (Lanczos), with what they prove.

k steps of Lanczos from a seeded random start give the tridiagonal T = QHQᵀ;
its eigenvalues are the Ritz values θ₁ ≤ … ≤ θ_k.  For the extremes alone the
three-term recurrence suffices (O(n) memory, nothing stored); saddle-free
Newton, which needs the basis Q, uses :func:`lanczos` (full
reorthogonalisation, Q is k×n).  For a Ritz pair (θ, y = Qᵀs) the residual is

    ‖Hy − θy‖₂ = β_k·|s_k|      (Parlett, *The Symmetric Eigenvalue Problem*, §13.2)

so some eigenvalue of H lies within that distance of θ.  What this proves and
what it does not:

* θ₁ is a Rayleigh quotient, so λ_min ≤ θ₁ and θ_k ≤ λ_max: a negative θ₁ is a
  direction of negative curvature found — the point is certainly not a
  minimum — and a positive θ_k certainly not a maximum.
* A positive θ₁ does not prove λ_min > 0: an eigenvalue whose eigenvector is
  nearly orthogonal to the Krylov space can be missed.  A minimum found this
  way is *probable*, and the classification says so ("not certified").
* Except on breakdown: a random start has a component along every
  eigenvector with probability 1, so when its Krylov space becomes invariant
  (m products, H has m distinct eigenvalues) the Ritz values are the whole
  spectrum.  Extended Rosenbrock's minimum, n/2 identical 2×2 blocks, is one.

Lanczos stops after ``RITZ_PRODUCTS`` products, or earlier once both
extreme residuals are below ``RITZ_RTOL``·max|θ| (converged Ritz values), or
on breakdown (an invariant subspace: its Ritz values are eigenvalues).
The k products cost k·(one Hv) + O(n·k) and three vectors of memory —
bounded, unlike ARPACK's implicitly restarted iteration with 20 vectors, whose
own work at n = 10⁵ exceeded the whole optimisation's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Hessian-vector products at most: well-separated extreme eigenvalues settle in far fewer (Kaniel–Paige
#: bounds); a dense spectrum does not settle in any small number, and the note then says "probable".
RITZ_PRODUCTS = 20
#: Stop earlier once both extreme residuals are ≤ this·max|θ|: the extreme Ritz values have converged.
RITZ_RTOL = 1e-6
#: Seed of the random start vector: the same point always gets the same estimate.
RITZ_SEED = 0


def lanczos_steps(matvec, v0: np.ndarray, k: int):
    """k-step Lanczos with full reorthogonalisation, as a generator: after each step yields
    (Q as m×n, α₁..α_m, β₁..β_{m−1}, β_m).

    β_m is the norm of the new residual vector (0 on breakdown), which the Ritz
    residual bound needs.  Stops early on breakdown: ‖w‖ ≤ 1e-10·scale.
    """
    n = v0.size
    k = min(k, n)
    Q = np.empty((k, n))
    alphas, betas = [], []
    q = v0 / np.linalg.norm(v0)
    scale = 0.0
    for j in range(k):
        Q[j] = q
        m = j + 1
        w = np.asarray(matvec(q), dtype=float)
        a = float(q @ w)
        alphas.append(a)
        w = w - a * q - (betas[-1] * Q[j - 1] if j > 0 else 0.0)
        w -= (Q[:m] @ w) @ Q[:m]  # full reorthogonalisation (k is small; keeps T honest), row-major products
        b = float(np.linalg.norm(w))
        scale = max(scale, abs(a), b)
        breakdown = not math.isfinite(b) or b <= 1e-10 * max(scale, 1e-300)
        last = (0.0 if math.isfinite(b) else b) if breakdown else b
        yield Q[:m], np.array(alphas), np.array(betas), last
        if breakdown:
            return
        betas.append(b)
        q = w / b


def lanczos(matvec, v0: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """k-step Lanczos with full reorthogonalisation: rows of Q orthonormal, T = QHQᵀ tridiagonal.

    Stops early on breakdown (an invariant subspace), so T may be smaller than
    k×k.  Returns (Q as an m×n array, T as m×m).
    """
    for Q, alphas, betas, _ in lanczos_steps(matvec, v0, k):
        pass
    T = np.diag(alphas)
    if alphas.size > 1:
        T += np.diag(betas, 1) + np.diag(betas, -1)
    return Q, T


@dataclass
class RitzExtremes:
    """The smallest and largest Ritz values, their residual bounds, and the products spent."""

    smallest: float
    largest: float
    residual_smallest: float  # some eigenvalue of H lies within this of ``smallest``
    residual_largest: float
    products: int
    exhausted: bool  # breakdown: the Krylov space is invariant, the Ritz values are eigenvalues of H

    def describe(self) -> str:
        """One phrase with the figures: what was computed and how far it can be trusted."""
        if self.exhausted:
            return (f"smallest eigenvalue {self.smallest:.3g}, largest {self.largest:.3g}: the Krylov space "
                    f"of a random start became invariant after {self.products} Hessian-vector products, so "
                    f"H has {self.products} distinct eigenvalues (to 1e-10 relative) and all were found")
        return (f"smallest Ritz value {self.smallest:.3g} (residual {self.residual_smallest:.1e}), largest "
                f"{self.largest:.3g} (residual {self.residual_largest:.1e}) after {self.products} "
                "Hessian-vector products")


def lanczos_three_term(matvec, v0: np.ndarray, k: int):
    """Plain Lanczos (no reorthogonalisation, nothing stored but three vectors), as a generator:
    after each step yields (α₁..α_m, β₁..β_{m−1}, β_m).

    Without reorthogonalisation the Lanczos vectors lose orthogonality as Ritz
    values converge, which adds copies of converged Ritz values but leaves the
    extreme ones accurate and inside [λ_min − O(ε‖H‖), λ_max + O(ε‖H‖)]
    (Paige 1980; Parlett §13.6).  Only the extremes are wanted here, so O(n)
    memory and O(n) work per product are enough.
    """
    q = v0 / np.linalg.norm(v0)
    q_prev = np.zeros_like(q)
    alphas, betas = [], []
    beta, scale = 0.0, 0.0
    for _ in range(min(k, v0.size)):
        w = np.asarray(matvec(q), dtype=float)
        a = float(q @ w)
        alphas.append(a)
        w -= a * q
        w -= beta * q_prev
        b = float(np.linalg.norm(w))
        scale = max(scale, abs(a), b)
        breakdown = not math.isfinite(b) or b <= 1e-10 * max(scale, 1e-300)
        last = (0.0 if math.isfinite(b) else b) if breakdown else b
        yield np.array(alphas), np.array(betas), last
        if breakdown:
            return
        betas.append(b)
        beta = b
        q_prev, q = q, w / b


def extreme_ritz_values(matvec, n: int, products: int = RITZ_PRODUCTS, rtol: float = RITZ_RTOL,
                        seed: int = RITZ_SEED) -> RitzExtremes | None:
    """Lanczos from a seeded random start until the extreme Ritz pairs converge or ``products`` are spent.

    The Ritz values are checked every 4 products, so a quickly converging
    spectrum stops early.  Returns None when a product is not finite.
    """
    from scipy.linalg import eigh_tridiagonal  # deferred: scipy.linalg costs 0.2 s of start-up

    v0 = np.random.default_rng(seed).standard_normal(n)
    extremes = None
    for alphas, betas, last in lanczos_three_term(matvec, v0, min(products, n)):
        m = alphas.size
        if not (np.all(np.isfinite(alphas)) and np.all(np.isfinite(betas)) and math.isfinite(last)):
            return None
        if m % 4 and m < min(products, n) and last != 0.0:
            continue  # the Ritz values are checked every 4 products (a tridiagonal eigenproblem each)
        theta, S = eigh_tridiagonal(alphas, betas) if m > 1 else (alphas.copy(), np.ones((1, 1)))
        residuals = abs(last) * np.abs(S[-1])
        extremes = RitzExtremes(float(theta[0]), float(theta[-1]), float(residuals[0]), float(residuals[-1]),
                                m, exhausted=last == 0.0)
        big = max(abs(extremes.smallest), abs(extremes.largest))
        if max(extremes.residual_smallest, extremes.residual_largest) <= rtol * big:
            break
    return extremes
