"""The figures' data records: what each picture shows equals what the library computed.

Golden values are worked by hand beside each assertion (x² − y² has Hessian diag(2, −2)
everywhere and its one stationary point at the origin; gradient descent with a fixed step
evaluates f and ∇f once per iterate; pure Newton f, ∇f and ∇²f once per iterate).
"""

import math

import numpy as np
import pytest

import optkit
from optkit.errors import OptkitError
from optkit.figures.convergence import convergence
from optkit.figures.landscape import choose_levels, grid, landscape, plane_box, plane_of
from optkit.figures.points import recorded_points
from optkit.figures.profiles import profiles
from optkit.figures.runs import counted_minimize, from_result, from_run_dict, replayed_counts
from optkit.figures.spectrum import index_of, spectrum
from optkit.stationary.finder import classify_stationary_points


def figure_run(problem, method, x0, **kw):
    result, counts = counted_minimize(problem, method, x0, **kw)
    return result, from_result(method, result, counts)


# ---------------------------------------------------------------- per-iterate evaluations


def test_counts_gd_fixed_step_two_per_iterate():
    p = optkit.get_problem("booth")
    result, counts = counted_minimize(p, "gd", [0.0, 0.0], max_iter=5)
    # By hand: f and ∇f at x0, then f and ∇f at each new iterate (fixed step, no line search).
    assert counts == [2, 4, 6, 8, 10, 12]
    assert counts[-1] == sum(result.evaluations.values())


def test_counts_pure_newton_three_per_step():
    p = optkit.get_problem("himmelblau")
    result, counts = counted_minimize(p, "newton", [0.5, 1.5])
    # f, ∇f at x0; each step: ∇²f at x_k, then f and ∇f at x_{k+1}.
    assert counts == [2 + 3 * k for k in range(len(result.trace))]
    assert counts[-1] == sum(result.evaluations.values())


@pytest.mark.parametrize("method", ["gd+armijo", "tr-cg", "sfn", "adam", "newton+armijo"])
def test_counts_are_the_results_counts(method):
    p = optkit.get_problem("rosenbrock")
    result, counts = counted_minimize(p, method, [-1.2, 1.0], max_iter=60)
    assert counts is not None and len(counts) == len(result.trace)
    assert counts[-1] == sum(result.evaluations.values())
    assert all(a <= b for a, b in zip(counts, counts[1:]))


def test_replayed_counts_match_the_counted_run():
    p = optkit.get_problem("himmelblau")
    result = optkit.minimize(p, "gd+armijo", [0.5, 1.5])
    _, counts = counted_minimize(p, "gd+armijo", [0.5, 1.5])
    assert replayed_counts(p, result, "gd+armijo", [0.5, 1.5], {}) == counts


def test_replay_that_differs_gives_no_counts():
    p = optkit.get_problem("himmelblau")
    result = optkit.minimize(p, "gd+armijo", [0.5, 1.5])
    assert replayed_counts(p, result, "gd+armijo", [0.5, 1.6], {}) is None


# ---------------------------------------------------------------- landscape


def test_e10_paths_equal_the_traces_and_the_saddle_is_marked():
    p = optkit.get_problem("saddle")
    newton, run_n = figure_run(p, "newton", [1.0, 0.001])
    sfn, run_s = figure_run(p, "sfn", [1.0, 0.001])
    rec = landscape(p, [run_n, run_s])
    assert [path.label for path in rec.paths] == ["newton", "sfn"]
    for path, result in zip(rec.paths, (newton, sfn)):
        assert path.x == [r.x[0] for r in result.trace] and path.y == [r.x[1] for r in result.trace]
        assert path.outcome == result.outcome
    assert rec.paths[0].outcome == "saddle" and rec.paths[1].outcome != "saddle"
    # By hand: ∇(x² − y²) = (2x, −2y) vanishes only at the origin, a saddle of index 1.
    assert [(m.x, m.y, m.kind, m.index) for m in rec.points] == [(0.0, 0.0, "saddle", 1)]
    assert rec.start == (1.0, 0.001)
    assert rec.box == [[-2.0, 2.0], [-2.0, 2.0]]
    assert "saddle" in rec.title and "newton" in rec.title and "(1, 0.001)" in rec.title
    # f = x² − y² on [−2, 2]²: −4 … 4, no decades: evenly spaced levels.
    assert not rec.log_levels and rec.levels[0] == pytest.approx(-4) and rec.levels[-1] == pytest.approx(4)


def test_markers_equal_the_classified_points():
    p = optkit.get_problem("himmelblau")
    found = classify_stationary_points(p)
    rec = landscape(p, [], stationary=found)
    want = sorted((float(q.x[0]), float(q.x[1]), q.classification.kind) for q in found.points)
    assert sorted((m.x, m.y, m.kind) for m in rec.points) == want
    kinds = [m.kind for m in rec.points]
    assert kinds.count("minimum") == 4 and kinds.count("saddle") == 4 and kinds.count("maximum") == 1


def test_points_outside_the_box_are_not_marked():
    p = optkit.get_problem("himmelblau")
    rec = landscape(p, [], box=[[0, 5], [0, 5]], stationary=recorded_points(p))
    assert rec.points and all(0 <= m.x <= 5 and 0 <= m.y <= 5 for m in rec.points)
    assert len(rec.points) < len(recorded_points(p))


def test_grid_equals_f_pointwise():
    for name in ("himmelblau", "rosenbrock", "rastrigin"):  # vectorised closures and point-by-point f
        p = optkit.get_problem(name)
        xs, ys, z = grid(p, (0, 1), np.zeros(2), np.asarray(p.box), 21)
        for j, i in ((0, 0), (5, 17), (20, 20), (13, 2)):
            assert z[j, i] == pytest.approx(p.f([xs[i], ys[j]]), rel=1e-12, abs=1e-12)


def test_log_levels_when_f_spans_decades():
    p = optkit.get_problem("rosenbrock")  # 0 at (1, 1), ~1e6 at the box's corners
    rec = landscape(p, [], stationary=False)
    assert rec.log_levels
    offsets = np.diff(rec.levels[1:])
    assert np.all(offsets > 0) and offsets[-1] > 100 * offsets[0]


def test_levels_count_and_bad_count():
    levels, log = choose_levels(np.linspace(0, 1, 100).reshape(10, 10), 5)
    assert levels == pytest.approx([0, 0.25, 0.5, 0.75, 1.0]) and not log
    with pytest.raises(OptkitError, match="--levels"):
        choose_levels(np.ones((3, 3)), 1)


def test_slice_through_a_point_of_a_4d_problem():
    p = optkit.get_problem("rosenbrock", n=4)
    result, run = figure_run(p, "newton", [-1.2, 1.0, -1.2, 1.0])
    rec = landscape(p, [run], dims=(1, 2), slice_at=[1, 1, 1, 1], resolution=11)
    x = np.array([1.0, rec.xs[3], rec.ys[7], 1.0])
    assert rec.z[7, 3] == pytest.approx(p.f(x))
    assert rec.paths[0].x == [r.x[1] for r in result.trace] and rec.paths[0].y == [r.x[2] for r in result.trace]
    assert rec.xlabel == p.variables[1] and rec.ylabel == p.variables[2]
    assert "slice through" in rec.caption and rec.points == []


def test_contours_of_n_not_2_explain_what_is_possible():
    p = optkit.get_problem("rosenbrock", n=4)
    with pytest.raises(OptkitError) as err:
        plane_of(p)
    assert "--slice-at" in str(err.value) and "--convergence" in str(err.value) and "--spectrum" in str(err.value)
    with pytest.raises(OptkitError, match="n = 1"):
        plane_of(optkit.get_problem("sigmoid"))
    with pytest.raises(OptkitError, match="--dims"):
        plane_of(p, (0, 0), [0, 0, 0, 0])
    with pytest.raises(OptkitError, match="--dims"):
        plane_of(p, (0, 4), [0, 0, 0, 0])
    with pytest.raises(OptkitError, match="--slice-at has 3"):
        plane_of(p, (0, 1), [0, 0, 0])


@pytest.mark.parametrize("box", [[[0, 1]], [[0, 1], [0, 1], [0, 1]], [[1, 0], [0, 1]], [[0, math.inf], [0, 1]]])
def test_bad_box(box):
    with pytest.raises(OptkitError):
        plane_box(optkit.get_problem("saddle"), (0, 1), box)


def test_thinned_path_is_said_in_the_caption():
    p = optkit.get_problem("saddle")
    run = from_run_dict({"method": "gd", "x0": [1, 1], "path": [[1, 1], [0.5, 0.5]], "outcome": "not-converged",
                         "path_thinning": {"kept": 2000, "every": 10}})
    rec = landscape(p, [run], stationary=False)
    assert rec.paths[0].thinned and "thinned" in rec.caption


# ---------------------------------------------------------------- convergence


def test_convergence_series_equal_the_trace():
    p = optkit.get_problem("himmelblau")  # f* = 0 recorded
    result, run = figure_run(p, "newton", [0.5, 1.5])
    rec = convergence(p.name, [run], p.fstar, "(0.5, 1.5)")
    s = rec.series[0]
    assert s.k == [r.k for r in result.trace]
    assert s.f == [r.f - p.fstar for r in result.trace]
    assert s.grad_norm == [r.grad_norm for r in result.trace]
    assert s.evaluations == run.evaluations and s.evaluations[-1] == sum(result.evaluations.values())
    assert rec.f_label == "f − f*" and rec.f_scale == "log"
    assert "himmelblau" in rec.title and "newton" in rec.title and "(0.5, 1.5)" in rec.title


def test_convergence_without_fstar_and_f_changing_sign_is_symlog():
    p = optkit.get_problem("saddle")  # unbounded below: no f*; f = 1 at x0, negative later for sfn
    _, run = figure_run(p, "sfn", [1.0, 0.001])
    rec = convergence(p.name, [run], p.fstar)
    assert p.fstar is None and rec.f_label == "f" and rec.f_scale == "symlog"
    assert rec.series[0].f == run.f


# ---------------------------------------------------------------- spectrum


def test_spectrum_of_the_saddle_by_hand():
    p = optkit.get_problem("saddle")
    _, run = figure_run(p, "sfn", [1.0, 0.001])
    rec = spectrum(p, [run])
    s = rec.series[0]
    assert all(e == pytest.approx([-2.0, 2.0]) for e in s.eigenvalues)  # ∇²f = diag(2, −2) everywhere
    assert s.index == [0.5] * len(s.k)
    assert s.f == run.f


def test_spectrum_computes_eigenvalues_missing_from_the_trace():
    p = optkit.get_problem("xor-mlp", width=3)  # n = 11 > 10: the trace has no eigenvalues by default
    result, run = figure_run(p, "gd", None, max_iter=5)
    assert all(r.eigenvalues is None for r in result.trace)
    rec = spectrum(p, [run])
    for x, eig in zip(run.xs, rec.series[0].eigenvalues):
        H = p.hess(np.asarray(x))
        assert eig == pytest.approx(np.linalg.eigvalsh(H).tolist(), abs=1e-12)
    assert "computed" in rec.caption


def test_index_threshold():
    assert index_of([-1.0, 2.0, 3.0, -4.0]) == 0.5
    assert index_of([-1e-12, 1.0]) == 0.0  # rounding around a zero eigenvalue is not negative curvature


def test_spectrum_refuses_large_n():
    p = optkit.get_problem("rosenbrock", n=202)
    with pytest.raises(OptkitError, match="n ≤ 200|> 200"):
        spectrum(p, [])


# ---------------------------------------------------------------- profiles


def compare_runs():
    """Compare-run dicts (the conventions' shape) made from real minimize runs."""
    runs = []
    for name, starts in (("himmelblau", ([0.5, 1.5], [-1.0, -1.0])), ("saddle", ([1.0, 0.001],))):
        p = optkit.get_problem(name)
        for method in ("newton", "sfn", "gd+armijo"):
            for index, x0 in enumerate(starts):
                r = optkit.minimize(p, method, x0, max_iter=200)
                runs.append({"problem": name, "n": p.n, "params": {}, "method": method, "start_index": index,
                             "x0": list(x0), "outcome": r.outcome, "solved": r.outcome == "minimum",
                             "evaluations": r.evaluations, "iterations": r.iterations, "f": r.f,
                             "grad_norm": r.grad_norm, "classification": r.classification, "time": r.wall_time,
                             "path": [rec.x for rec in r.trace], "path_thinning": None})
    return runs


def test_profile_lines_are_the_compare_curves():
    from optkit.compare.profiles import data_profile, performance_profile

    runs = compare_runs()
    rec = profiles(runs)
    perf, data = performance_profile(runs), data_profile(runs)
    assert [p.kind for p in rec.panels] == ["performance", "data"]
    for line in rec.panels[0].lines:
        assert line.tau == perf[line.method].tau and line.rho == perf[line.method].rho
    for line in rec.panels[1].lines:
        assert line.tau == data[line.method].tau and line.rho == data[line.method].rho
    newton = next(line for line in rec.panels[0].lines if line.method == "newton")
    solved = sum(r["solved"] for r in runs if r["method"] == "newton")
    saddles = sum(r["outcome"] == "saddle" for r in runs if r["method"] == "newton")
    assert saddles >= 1  # E10: Newton stops at the saddle of x² − y²
    assert f"{solved}/3 solved" in newton.legend and f"{saddles} saddle" in newton.legend
    assert rec.instances == 3


def test_classified_points_are_cached_for_closed_forms(monkeypatch):
    from optkit.figures import points
    from optkit.stationary import finder

    p = optkit.get_problem("beale")
    box = np.asarray(p.box)
    first = points.classified_in_box(p, box)
    assert {m.kind for m in first} == {"minimum", "saddle"}  # beale: one minimum, two saddles (problem file)

    def no_classify(*args, **kwargs):
        raise AssertionError("classified again although cached")

    monkeypatch.setattr(finder, "classify_stationary_points", no_classify)
    assert points.classified_in_box(p, box) == first
    from optkit.symbolic.derivatives import cache_dir

    (cache_dir() / f"{points._key(p, box)}.json").write_text('{"points": [[0, 0, "import os", 1, null]]}')
    monkeypatch.undo()
    assert points.classified_in_box(p, box) == first  # a damaged entry is ignored and rewritten
    assert points._key(p, box) != points._key(p, box + 1)  # the box is part of the key


def test_thinned_trace_keeps_the_counts_of_its_records():
    p = optkit.get_problem("booth")
    result, counts = counted_minimize(p, "gd", [0.0, 0.0], lr=1e-7, max_iter=4500)
    assert result.trace_thinning  # more records than the trace keeps (conventions: first/last 1,000)
    ks = [r.k for r in result.trace]
    assert len(ks) < 4501 and counts == [2 * (k + 1) for k in ks]  # f and ∇f once per iterate (fixed step)
    rec = landscape(p, [from_result("gd", result, counts)], stationary=False, resolution=11)
    assert "thinned" in rec.caption
