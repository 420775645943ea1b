"""Extreme Ritz values and the end-point diagnosis at large n (``stationary.ritz``, issue 9 §1 and §6).

Spectra are chosen here (so known exactly); the comparisons are against them or
against numpy's ``eigvalsh`` of the same matrix, never against optkit.
What must hold: a Ritz value is a Rayleigh quotient (θ_min ≥ λ_min, θ_max ≤
λ_max); some eigenvalue lies within the stated residual of each extreme Ritz
value; at most ``RITZ_PRODUCTS`` products are spent and O(n·k) memory; a
negative θ_min proves a saddle, a positive one makes a minimum only probable.
"""

import tracemalloc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import optkit
from optkit.run.driver import minimize
from optkit.run.results import outcome_of, Status
from optkit.stationary.point import classify_by_ritz
from optkit.stationary.ritz import RITZ_PRODUCTS, extreme_ritz_values


def counting(matvec):
    calls = []

    def counted(v):
        calls.append(1)
        return matvec(v)

    return counted, calls


@given(seed=st.integers(0, 10_000), n=st.integers(30, 400))
def test_ritz_extremes_lie_inside_the_spectrum_and_within_their_residual_of_an_eigenvalue(seed, n):
    rng = np.random.default_rng(seed)
    lam = np.sort(rng.uniform(-5, 20, n))
    matvec, calls = counting(lambda v: lam * v)  # diagonal: the spectrum is lam, exactly
    r = extreme_ritz_values(matvec, n)
    assert len(calls) == r.products <= RITZ_PRODUCTS
    assert lam[0] - 1e-9 <= r.smallest and r.largest <= lam[-1] + 1e-9  # Rayleigh quotients
    assert np.min(np.abs(lam - r.smallest)) <= r.residual_smallest * (1 + 1e-6) + 1e-9
    assert np.min(np.abs(lam - r.largest)) <= r.residual_largest * (1 + 1e-6) + 1e-9


def test_well_separated_extremes_are_found_to_high_accuracy():
    n = 5000
    lam = np.concatenate([[-2.0], np.linspace(1.0, 3.0, n - 2), [50.0]])
    r = extreme_ritz_values(lambda v: lam * v, n)
    assert r.smallest == pytest.approx(-2.0, abs=1e-6) and r.largest == pytest.approx(50.0, abs=1e-6)
    assert r.residual_smallest < 1e-4 and not r.exhausted


def test_a_hessian_with_three_distinct_eigenvalues_is_exhausted_after_three_products():
    n = 3000
    lam = np.repeat([0.5, 2.0, 7.0], n // 3)  # block-structured like extended Rosenbrock at its minimum
    matvec, calls = counting(lambda v: lam * v)
    r = extreme_ritz_values(matvec, n)
    assert r.exhausted and r.products == len(calls) == 3
    assert (r.smallest, r.largest) == (pytest.approx(0.5, abs=1e-12), pytest.approx(7.0, abs=1e-12))


def test_a_negative_ritz_value_proves_a_saddle_of_unknown_index():
    n = 4000
    lam = np.concatenate([[-1.0], np.linspace(1.0, 10.0, n - 1)])
    r = extreme_ritz_values(lambda v: lam * v, n)
    cl = classify_by_ritz(np.zeros(n), r, gtol=1e-8, eig_tol=1.5e-8)
    assert cl.kind == "saddle" and cl.index is None and cl.certified
    assert cl.description == "saddle point (index ≥ 1)"
    assert outcome_of(Status.CONVERGED, cl.to_dict()) == "saddle"


def test_positive_ritz_values_make_a_minimum_probable_not_certified():
    n = 4000
    lam = np.geomspace(1.0, 100.0, n)  # dense spectrum: 20 products do not resolve λ_min = 1
    r = extreme_ritz_values(lambda v: lam * v, n)
    assert not r.exhausted and r.smallest > 1.0
    cl = classify_by_ritz(np.zeros(n), r, gtol=1e-8, eig_tol=1.5e-8)
    assert cl.kind == "minimum" and not cl.certified and cl.spectrum == "extreme"
    assert cl.description == "probable local minimum (not certified)"
    assert "not certified" in cl.notes[0] and f"after {r.products} Hessian-vector products" in cl.notes[0]


def test_a_non_finite_product_gives_no_estimate():
    assert extreme_ritz_values(lambda v: v * np.nan, 100) is None


def test_the_diagnosis_at_n_100000_stays_within_order_n_times_k_memory():
    """Peak memory of the end-point diagnosis ≤ 8 vectors of n doubles: the three-term recurrence stores three."""
    n = 100_000
    lam = np.geomspace(1.0, 100.0, n)
    extreme_ritz_values(lambda v: lam * v, n)  # warm-up: imports are not the diagnosis's memory
    tracemalloc.start()
    extreme_ritz_values(lambda v: lam * v, n)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak <= 8 * n * 8


def test_a_large_run_reports_its_end_point_from_ritz_values():
    """n = 5000 quadratic (A = diag(geomspace(1, 10, n))): Newton's one step ends at the minimum; the
    end point is classified from at most 20 products, and the message says the minimum is probable."""
    p = optkit.get_problem("quadratic", n=5000)
    r = minimize(p, "tr-cg")
    c = r.classification
    assert c["spectrum"] == "extreme" and c["kind"] == "minimum" and c["certified"] is False
    assert "probable local minimum (not certified)" in r.message
    assert r.outcome == "minimum"
    assert 1.0 <= c["eigenvalues"][0] and c["eigenvalues"][1] <= 10.0 + 1e-9


def test_a_saddle_at_large_n_is_reported_as_a_saddle():
    """Styblinski–Tang, n = 3000, started exactly at a saddle: x_i = 2.7468 (a local minimum of the 1-D
    term) except x_1 at the 1-D maximum −0.0929 (golden: roots of 4x³ − 32x + 5, numpy.roots)."""
    p = optkit.get_problem("styblinski-tang", n=3000)
    roots = np.sort(np.roots([4.0, 0.0, -32.0, 5.0]).real)
    x0 = np.full(3000, roots[2])
    x0[0] = roots[1]
    r = minimize(p, "newton", x0=x0, max_iter=2)
    c = r.classification
    assert c["kind"] == "saddle" and c["index"] is None and c["spectrum"] == "extreme"
    assert r.outcome == "saddle" and not r.success


def test_eval_beyond_2000_variables_estimates_the_extremes_instead_of_an_o_n3_spectrum():
    """Before: eval --fn quadratic --n 4000 ran past 20 s (a full eigendecomposition); now ≤ 20 products."""
    from optkit.stationary.point import evaluate_at

    p = optkit.get_problem("quadratic", n=5000)
    at_min = evaluate_at(p, np.zeros(5000)).to_dict()
    assert at_min["hessian"] is None and at_min["eigenvectors"] is None and len(at_min["eigenvalues"]) == 2
    c = at_min["classification"]
    assert c["kind"] == "minimum" and c["spectrum"] == "extreme" and c["certified"] is False
    assert 1.0 <= at_min["eigenvalues"][0] <= at_min["eigenvalues"][1] <= 10.0 + 1e-9  # inside [1, cond]

    st = optkit.get_problem("styblinski-tang", n=3000)
    roots = np.sort(np.roots([4.0, 0.0, -32.0, 5.0]).real)  # stationary points of the 1-D term (numpy.roots)
    x = np.full(3000, roots[2])
    x[0] = roots[1]
    assert evaluate_at(st, x).classification.kind == "saddle"
