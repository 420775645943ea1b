"""Performance and data profiles on hand-made run sets (every expected value worked by hand)."""

import math

import pytest

from optkit.compare.profiles import data_profile, performance_profile, profile_summary, run_cost


def run(problem, method, solved, f=1, g=1, h=0, start=0, n=2):
    return {"problem": problem, "method": method, "solved": solved, "start_index": start, "n": n,
            "params": {}, "evaluations": {"f": f, "grad": g, "hess": h, "hvp": 0}, "iterations": f, "time": 0.1}


def test_dolan_more_by_hand():
    # Instance A: m1 costs 10, m2 costs 20 -> ratios 1, 2.  Instance B: m1 fails, m2 costs 5 -> ∞, 1.
    # Instance C: nobody solves (kept in |P| = 3).
    runs = [run("A", "m1", True, f=5, g=5), run("A", "m2", True, f=10, g=10),
            run("B", "m1", False, f=3), run("B", "m2", True, f=2, g=3),
            run("C", "m1", False), run("C", "m2", False)]
    curves = performance_profile(runs, "evals")
    assert profile_summary(curves["m1"]) == {"1": pytest.approx(1 / 3), "2": pytest.approx(1 / 3),
                                            "4": pytest.approx(1 / 3), "8": pytest.approx(1 / 3),
                                            "16": pytest.approx(1 / 3)}
    assert curves["m2"].at(1) == pytest.approx(1 / 3)  # cheapest on B only
    assert curves["m2"].at(2) == pytest.approx(2 / 3)  # and within 2x on A
    assert curves["m2"].at(1.99) == pytest.approx(1 / 3)
    assert curves["m2"].solved == 2 and curves["m2"].instances == 3


def test_ties_both_count_as_best():
    runs = [run("A", "m1", True, f=4), run("A", "m2", True, f=4)]
    curves = performance_profile(runs)
    assert curves["m1"].at(1) == 1.0 and curves["m2"].at(1) == 1.0


def test_starts_are_separate_instances():
    runs = [run("A", "m1", True, f=1, start=0), run("A", "m1", False, start=1),
            run("A", "m2", False, start=0), run("A", "m2", True, f=1, start=1)]
    curves = performance_profile(runs)
    assert curves["m1"].at(1) == 0.5 and curves["m2"].at(1) == 0.5


def test_data_profile_counts_simplex_gradients():
    # n = 2: one simplex gradient is n + 1 = 3 evaluations; m1 solves A with 6 (κ = 2), B with 30 (κ = 10).
    runs = [run("A", "m1", True, f=3, g=3), run("B", "m1", True, f=15, g=15)]
    d = data_profile(runs)["m1"]
    assert d.tau == [2.0, 10.0] and d.rho == [0.5, 1.0]
    assert d.at(1) == 0 and d.at(2) == 0.5 and d.at(100) == 1.0


def test_costs():
    r = run("A", "m", True, f=3, g=2, h=1)
    assert run_cost(r, "evals") == 6 and run_cost(r, "iterations") == 3 and run_cost(r, "time") == 0.1
    with pytest.raises(ValueError):
        run_cost(r, "money")


def test_zero_cost_solved_run_keeps_ratios_finite():
    runs = [run("A", "m1", True, f=0, g=0), run("A", "m2", True, f=2, g=2)]
    curves = performance_profile(runs)
    assert all(math.isfinite(t) for c in curves.values() for t in c.tau)
    assert curves["m1"].at(1) == 1.0
