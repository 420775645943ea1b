"""The stopping rules and heuristics of run/stopping.py on synthetic histories (no optimizer involved)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from optkit.run import stopping
from optkit.run.results import Status
from optkit.run.trace import Trace
from optkit.run.results import Record


def history(xs, fs, gs, n=2):
    """Checkpoints from sequences indexed by k (x as vectors)."""
    h = stopping.Checkpoints(n)
    for k, (x, f, g) in enumerate(zip(xs, fs, gs)):
        x = np.asarray(x, dtype=float)
        h.add(k, f, g, float(np.linalg.norm(x)), x)
    return h


def escaping(K):
    """The E8 picture: x_k = log(1 + k)·u runs off, f and ‖g‖ fall like 1/(1 + k) (gd on a log-sigmoid)."""
    u = np.array([0.6, 0.8])
    ks = np.arange(K + 1)
    return [math.log1p(k) * u + np.array([1.0, 0.0]) for k in ks], [1 / (1 + k) for k in ks], [1 / (1 + k) for k in ks]


def converging(K):
    """Linear convergence to the minimum 0 of x²: x_k = 2·0.5^k (‖x‖ shrinks)."""
    xs = [np.array([2 * 0.5**k, 0.0]) for k in range(K + 1)]
    return xs, [float(x @ x) for x in xs], [2 * float(np.linalg.norm(x)) for x in xs]


def test_trend_flags_iterates_running_off_with_a_vanishing_gradient():
    h = history(*escaping(64))
    text = stopping.trend(h, 64, strict=True)
    assert text.startswith("over iterations 4–64")


def test_trend_ignores_convergence_to_a_point():
    h = history(*converging(64))
    assert stopping.trend(h, 64, strict=True) == ""
    assert stopping.trend(h, 64, strict=False) == ""


def test_trend_needs_falling_curvature_where_it_can_be_measured():
    h = history(*escaping(64))
    assert stopping.trend(h, 64, strict=True, curvature=lambda x, u: 1.0) == ""  # a bowl ahead: not running off
    falling = stopping.trend(h, 64, strict=True, curvature=lambda x, u: math.exp(-np.linalg.norm(x)))
    assert falling != ""  # curvature e^{−‖x‖} falls like the gradient: a flattening valley
    assert stopping.trend(h, 64, strict=True, curvature=lambda x, u: None) != ""  # unmeasurable: no evidence


def test_trend_needs_at_least_eight_iterations():
    h = history(*escaping(7))
    assert stopping.trend(h, 7, strict=False) == ""


def test_stalled_and_limits():
    assert stopping.stalled(1e-12, 1.0, f=2.0, xnorm=1.0, ftol=1e-9, xtol=0.0) == (Status.FTOL, 1e-12, 2e-9)
    assert stopping.stalled(1.0, 0.0, f=1.0, xnorm=3.0, ftol=0.0, xtol=0.0) == (Status.XTOL, 0.0, 0.0)
    assert stopping.stalled(1.0, 1.0, f=1.0, xnorm=3.0, ftol=0.0, xtol=1e-9) is None
    assert stopping.limits(10, 5, 10, None) == (Status.MAX_ITER, 10, 10)
    assert stopping.limits(3, 50, 10, 50) == (Status.MAX_EVALS, 50, 50)
    assert stopping.limits(3, 49, 10, 50) is None


def test_non_finite_names_what():
    assert stopping.non_finite(3, float("nan"), np.zeros(2)).startswith("f = nan at iteration 3")
    assert stopping.non_finite(3, 1.0, np.array([np.inf, 0])).startswith("∇f = non-finite")
    assert stopping.non_finite(3, 1.0, np.zeros(2)) == ""


def test_checkpoints_are_at_16_32_64():
    assert [k for k in range(200) if stopping.is_checkpoint(k)] == [16, 32, 64, 128]


def test_checkpoint_memory_is_bounded_whatever_the_run_length():
    h = stopping.Checkpoints(3)
    for k in range(300_000):
        h.add(k, 0.0, 0.0, 0.0, np.zeros(3))
    # every k < 64, then at most 32 per doubling: 64 + 32·(19 − 6) = 480 vectors below 2^19
    assert 400 < len(h.kept) <= 64 + 32 * ((300_000).bit_length() - 6)


@given(st.integers(0, 10**9))
def test_anchor_keeps_every_halving(k):
    h = stopping.Checkpoints(2)
    a = h.anchor(k)
    assert a <= k and (k < 64 or a > k - k / 32)
    assert all(h.anchor(a >> s) == a >> s for s in range(5))  # the trend test's points are all kept


def test_large_n_keeps_powers_of_two_only():
    h = stopping.Checkpoints(5000)
    assert [k for k in range(70) if h.anchor(k) == k] == [0, 1, 2, 4, 8, 16, 32, 64]


def test_trace_thinning_keeps_head_tail_and_a_doubling_grid():
    trace = Trace(head=10, tail=10, middle=8)
    for k in range(1000):
        trace.append(Record(k, [0.0], 0.0, 0.0, 0.0))
    ks = [r.k for r in trace.records()]
    assert ks[:10] == list(range(10)) and ks[-10:] == list(range(990, 1000))
    middle = ks[10:-10]
    every = trace.thinning()["every"]
    assert len(middle) <= 8 and all(k % every == 0 for k in middle) and every & (every - 1) == 0
    assert trace.thinning()["kept"] == len(ks)
    assert ks == sorted(ks)


def test_short_traces_are_not_thinned():
    trace = Trace(head=10, tail=10, middle=8)
    for k in range(25):
        trace.append(Record(k, [0.0], 0.0, 0.0, 0.0))
    assert [r.k for r in trace.records()] == list(range(25)) and trace.thinning() is None
