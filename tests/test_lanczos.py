"""Lanczos with full reorthogonalisation (``stationary.ritz.lanczos``) in isolation.

On matrices whose spectrum is known by construction (H = QΛQᵀ with Λ chosen here
and Q a seeded random orthogonal matrix): the rows of Q from Lanczos are
orthonormal, T = QHQᵀ is the tridiagonal matrix it returns, its extreme
eigenvalues (Ritz values) reproduce H's well-separated extreme eigenvalues after
a few steps (Kaniel–Paige theory; Golub & Van Loan §10.1), k = n reproduces the
whole spectrum, and a start in an invariant subspace stops early (breakdown).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from optkit.stationary.ritz import lanczos


def known_matrix(eigenvalues, seed=0):
    rng = np.random.default_rng(seed)
    n = len(eigenvalues)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return Q @ np.diag(eigenvalues) @ Q.T, Q


# 100 eigenvalues: −5 and 10 far outside a cluster in [1, 2] (chosen here, so known exactly)
SPECTRUM = np.concatenate([[-5.0], np.linspace(1.0, 2.0, 98), [10.0]])


def test_extreme_ritz_values_reproduce_the_known_extreme_eigenvalues():
    H, _ = known_matrix(SPECTRUM)
    v0 = np.random.default_rng(1).standard_normal(100)
    Q, T = lanczos(lambda v: H @ v, v0, 20)
    theta = np.linalg.eigvalsh(T)
    assert T.shape == (20, 20)
    assert theta[0] == pytest.approx(-5.0, abs=1e-8) and theta[-1] == pytest.approx(10.0, abs=1e-8)
    assert np.all((theta >= -5.0 - 1e-10) & (theta <= 10.0 + 1e-10))  # Ritz values interlace: inside the spectrum


@given(seed=st.integers(0, 10_000), n=st.integers(2, 30), k=st.integers(1, 30))
def test_rows_orthonormal_and_t_tridiagonal_equal_to_qhqt(seed, n, k):
    rng = np.random.default_rng(seed)
    H, _ = known_matrix(rng.uniform(-3, 3, n), seed)
    Q, T = lanczos(lambda v: H @ v, rng.standard_normal(n), k)
    m = T.shape[0]
    assert Q.shape == (m, n) and 1 <= m <= min(k, n)
    assert Q @ Q.T == pytest.approx(np.eye(m), abs=1e-10)
    assert T == pytest.approx(Q @ H @ Q.T, abs=1e-9)
    assert np.array_equal(T, np.triu(np.tril(T, 1), -1))  # nothing outside the three diagonals
    assert np.array_equal(T, T.T)


@given(seed=st.integers(0, 10_000), n=st.integers(2, 12))
def test_k_equal_n_reproduces_the_whole_spectrum(seed, n):
    rng = np.random.default_rng(seed)
    # distinct eigenvalues at least 0.1 apart, so a random start has a component along each eigenvector
    lam = np.sort(rng.permutation(np.arange(-n, n))[:n] * 0.5 + rng.uniform(0, 0.1, n))
    H, _ = known_matrix(lam, seed)
    Q, T = lanczos(lambda v: H @ v, rng.standard_normal(n), n)
    assert T.shape == (n, n)
    assert np.linalg.eigvalsh(T) == pytest.approx(lam, abs=1e-8)


def test_a_start_in_an_invariant_subspace_stops_early():
    H, Q = known_matrix(SPECTRUM[:10], seed=3)
    v0 = Q[:, 2] + Q[:, 7]  # spans a 2-dimensional invariant subspace: breakdown after two steps
    Qk, T = lanczos(lambda v: H @ v, v0, 8)
    assert T.shape == (2, 2)
    assert np.linalg.eigvalsh(T) == pytest.approx(sorted([SPECTRUM[2], SPECTRUM[7]]), abs=1e-10)
