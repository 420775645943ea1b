"""compare: sweep definition, reproducible starts, spec files, the solved rule, SciPy references, skipped runs."""

import json

import numpy as np
import pytest
import scipy.optimize
from hypothesis import given, strategies as st

from optkit import get_problem
from optkit.compare.problems import select_problems
from optkit.compare.runner import execute, thin_path
from optkit.compare.solved import solved_verdict
from optkit.compare.specfile import load_spec_file
from optkit.compare.starts import random_start
from optkit.compare.sweep import RunSpec, Sweep, Tolerances
from optkit.errors import OptkitError
from optkit.methods.specs import parse_spec, parse_specs


def sweep(methods, fn, starts=1, **kw):
    return Sweep(parse_specs(methods), select_problems(fn=fn, **kw), starts=starts)


def one_run(method, fn, x0=None, **tol):
    ref = select_problems(fn=[fn])[0]
    problem = get_problem(fn)
    spec = parse_spec(method)
    start = tuple(problem.x0 if x0 is None else x0)
    return execute(RunSpec(ref, spec.text, spec.canonical_text, 0, start, 0, Tolerances(**tol), 10.0))


# ---------------------------------------------------------------- starts


@given(st.integers(0, 2 ** 31), st.integers(1, 20))
def test_a_start_depends_only_on_seed_problem_n_params_index(seed, index):
    box = [[-5.0, 10.0]] * 4
    a = random_start(box, seed, "rosenbrock", 4, {}, index)
    assert a == random_start(box, seed, "rosenbrock", 4, {}, index)
    assert all(-5 <= v <= 10 for v in a)
    assert a != random_start(box, seed, "rosenbrock", 4, {}, index + 1)
    assert a != random_start(box, seed + 1, "rosenbrock", 4, {}, index)
    assert a != random_start(box, seed, "rosenbrock", 4, {"cond": 2}, index)


def test_adding_a_method_or_a_problem_changes_no_other_start():
    small = {(r.problem.name, r.start_index): r.x0 for r in sweep("newton", ["himmelblau"], starts=3).runs()}
    big = {(r.problem.name, r.start_index): r.x0 for r in sweep("sfn,newton", ["beale", "himmelblau"], starts=3).runs()}
    assert all(big[key] == x0 for key, x0 in small.items())
    assert small[("himmelblau", 0)] == (2.0, 2.0)  # start 0 is the problem's own x0 (himmelblau.toml)


def test_same_run_spelled_twice_has_one_key():
    a = sweep("tr-cg", ["booth"]).runs()
    b = sweep("tr:subproblem=cg", ["booth"]).runs()
    assert [r.key() for r in a] == [r.key() for r in b]
    c = Sweep(parse_specs("tr-cg"), select_problems(fn=["booth"]), starts=1, tolerances=Tolerances(gtol=1e-6)).runs()
    assert a[0].key() != c[0].key()  # tolerances are part of the key


# ---------------------------------------------------------------- problem selection


def test_n_applies_to_scalable_problems_only():
    refs = select_problems(fn=["rosenbrock", "booth"], n_values=[2, 4])
    assert [(r.name, r.n) for r in refs] == [("rosenbrock", 2), ("rosenbrock", 4), ("booth", 2)]


@pytest.mark.parametrize("kwargs, message", [
    ({"fn": ["rosenbrok"]}, "did you mean rosenbrock"),
    ({"tag": ["clasic"]}, "did you mean classic"),
    ({"fn": ["booth"], "n_values": [3]}, "--n applies to scalable problems"),
    ({"fn": ["rosenbrock"], "n_values": [3]}, "even n"),
    ({"fn": ["booth"], "params": {"cond": "2"}}, "no selected problem has a parameter 'cond'"),
])
def test_bad_selection_is_one_clear_error(kwargs, message):
    with pytest.raises(OptkitError, match=message):
        select_problems(**kwargs)


# ---------------------------------------------------------------- spec files


def test_spec_file_round_trip(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text('methods = ["newton", "scipy:BFGS"]\nstarts = 2\n[problems]\nfn = ["booth"]\n'
                    '[tolerances]\ngtol = 1e-6\n')
    spec = load_spec_file(str(path))
    assert spec == {"methods": "newton,scipy:BFGS", "starts": 2, "fn": ["booth"], "tolerances": {"gtol": 1e-6}}


@pytest.mark.parametrize("text, field", [
    ('methods = ["newton", "newtn"]', "methods[1]"),
    ("starts = -1", "starts"),
    ("stars = 2", "stars"),
    ("[problems]\nfn = 3", "problems.fn"),
    ("[problems]\nfnn = ['booth']", "problems.fnn"),
    ("[tolerances]\ngtol = -1", "tolerances"),
    ("[tolerances]\ngtl = 1e-6", "tolerances"),
    ("methods = [", "not valid TOML"),
])
def test_spec_file_errors_name_the_field(tmp_path, text, field):
    path = tmp_path / "sweep.toml"
    path.write_text(text)
    with pytest.raises(OptkitError, match=field.replace("[", r"\[").replace("]", r"\]")):
        load_spec_file(str(path))


# ---------------------------------------------------------------- the solved rule (values by hand)


def test_solved_rule_global_local_and_missed():
    p = get_problem("six-hump-camel")  # records 2 global minima (f = -1.0316) and 4 local ones
    local = [pt for pt in p.stationary_points if pt.kind == "minimum" and p.f(pt.x) > -1.0]
    assert local, "six-hump-camel records local minima"
    x = local[0].x
    verdict = solved_verdict(p, "minimum", x, p.f(x), p.f(p.x0), 1e-6)
    assert verdict["solved"] and verdict["minimum"] == "local"
    g = [pt.x for pt in p.stationary_points if pt.kind == "minimum" and p.f(pt.x) < -1.03][0]
    assert solved_verdict(p, "minimum", g, p.f(g), p.f(p.x0), 1e-6)["minimum"] == "global"
    # 1e-3 above the local minimum's value, at |f(x0) - f*| <= 1: 1e-3 > 1e-6 * 1 -> not solved
    assert not solved_verdict(p, "minimum", x, p.f(x) + 1e-3, p.f(x) + 0.5, 1e-6)["solved"]
    assert not solved_verdict(p, "saddle", x, p.f(x), p.f(p.x0), 1e-6)["solved"]


def test_unrecorded_problem_minimum_is_solved_unknown():
    p = select_problems(expr="(x - 1)**2 + y**2")[0]
    from optkit.compare.instances import build_problem

    verdict = solved_verdict(build_problem(p), "minimum", [1, 0], 0.0, 1.0, 1e-6)
    assert verdict == {"solved": True, "minimum": "unknown", "f_minus_fstar": None, "f_local": None}


# ---------------------------------------------------------------- runs


def test_scipy_success_at_a_saddle_is_outcome_saddle():
    # f = x² − y² from (1, 0): y stays 0, BFGS walks to the saddle (0, 0); SciPy itself calls it success.
    reference = scipy.optimize.minimize(lambda v: v[0] ** 2 - v[1] ** 2, [1.0, 0.0],
                                        jac=lambda v: np.array([2 * v[0], -2 * v[1]]), method="BFGS",
                                        options={"gtol": 1e-8, "norm": 2})
    assert reference.success
    run = one_run("scipy:BFGS", "saddle", x0=(1.0, 0.0))
    assert run["outcome"] == "saddle" and not run["success"] and not run["solved"] and run["converged"]
    assert run["classification"]["index"] == 1
    # counted through our wrappers: the same numbers SciPy reports itself
    assert run["evaluations"]["f"] == reference.nfev and run["evaluations"]["grad"] == reference.njev


def test_reference_counts_match_scipy_on_rosenbrock():
    p = get_problem("rosenbrock")
    reference = scipy.optimize.minimize(p.f, p.x0, jac=p.grad, hess=p.hess, method="trust-exact",
                                        options={"gtol": 1e-8})
    run = one_run("scipy:trust-exact", "rosenbrock")
    assert run["outcome"] == "minimum" and run["solved"] and run["solved_minimum"] == "global"
    assert run["iterations"] == reference.nit and run["evaluations"]["hess"] == reference.nhev
    assert run["f_minus_fstar"] == pytest.approx(reference.fun, abs=1e-12)  # f* = 0 (rosenbrock.py)


def test_optkit_run_record_shape_and_newton_saddle():
    run = one_run("newton", "saddle")  # pure Newton jumps into the saddle of x² − y² (course exercise E10)
    for key in ("problem", "n", "params", "method", "canonical", "start_index", "x0", "seed", "outcome", "solved",
                "success", "converged", "status", "iterations", "evaluations", "time", "f", "grad_norm",
                "classification", "f_minus_fstar"):
        assert key in run
    assert run["outcome"] == "saddle" and run["status"] == "converged" and run["iterations"] == 1
    assert json.loads(json.dumps(run["canonical"])) == parse_spec("newton").canonical
    assert run["path"][0] == [1.0, 0.001] and run["path"][-1] == pytest.approx([0.0, 0.0], abs=1e-12)


def test_a_method_that_needs_what_the_problem_lacks_is_skipped(tmp_path):
    (tmp_path / "nohess.py").write_text(
        "import numpy as np\nfrom optkit.problems.problem import Functions, ProblemDefinition\n"
        "def build(n):\n    return Functions(f=lambda x: float(x @ x), grad=lambda x: 2 * x, hess=None, x0=[1.0, 1.0],"
        " box=[[-2, 2], [-2, 2]], fstar=0.0)\n"
        "PROBLEM = ProblemDefinition(name='nohess', build=build, dimension=2)\n")
    refs = select_problems(fn=["nohess"], problems_dirs=[str(tmp_path)])
    runs = Sweep(parse_specs("newton,scipy:trust-exact,gd+armijo"), refs, starts=0).runs()
    records = [execute(r) for r in runs]
    assert [r["outcome"] for r in records] == ["skipped", "skipped", "minimum"]
    assert "needs hess" in records[0]["reason"] and "needs hess" in records[1]["reason"]


def test_time_limit_makes_a_timeout_outcome():
    ref = select_problems(fn=["rosenbrock"])[0]
    spec = parse_spec("gd:lr=1e-6")
    run = execute(RunSpec(ref, spec.text, spec.canonical_text, 0, (-1.2, 1.0), 0, Tolerances(max_iter=10 ** 8), 0.05))
    assert run["outcome"] == "timeout" and run["status"] == "timeout" and not run["solved"]


def test_path_thinning_keeps_first_and_last_thousand():
    points = [[float(i)] for i in range(5000)]
    kept, thinning = thin_path(points)
    assert kept[:1000] == points[:1000] and kept[-1000:] == points[-1000:]
    # by hand: the 3,000 middle iterates (k = 1000..3999) exceed 2,000, so every 2nd (k even) is kept: 1,500
    assert thinning == {"kept": 3500, "every": 2} and len(kept) == 3500
    assert kept[1000:2500] == points[1000:4000:2]
    assert thin_path(points[:2000]) == (points[:2000], None)


def test_a_minimum_the_problem_does_not_record_is_solved_local():
    p = get_problem("rastrigin")  # records only its global minimizer, the origin (rastrigin.py), f* = 0
    x = [0.9949586, 0.0]  # a local minimum of 20 + Σ x² − 10 cos 2πx: x = 0.99496 solves x + 10π sin 2πx = 0 (by hand)
    verdict = solved_verdict(p, "minimum", x, p.f(x), p.f(p.x0), 1e-6)
    assert verdict["solved"] and verdict["minimum"] == "local" and verdict["f_minus_fstar"] == pytest.approx(p.f(x))


@pytest.mark.parametrize("name, kwargs", [
    ("BFGS", {"options": {"gtol": 1e-8, "norm": 2, "maxiter": 1000}}),
    ("L-BFGS-B", {"options": {"gtol": 1e-8, "ftol": 0.0, "maxiter": 1000, "maxfun": 10 ** 9}}),
    ("Newton-CG", {"hessp": True, "options": {"xtol": 1e-8, "maxiter": 1000}}),
    ("trust-ncg", {"hessp": True, "options": {"gtol": 1e-8, "maxiter": 1000}}),
    ("trust-krylov", {"hessp": True, "options": {"gtol": 1e-8, "maxiter": 1000}}),
    ("trust-exact", {"hess": True, "options": {"gtol": 1e-8, "maxiter": 1000}}),
])
def test_every_reference_counts_what_scipy_reports(name, kwargs):
    p = get_problem("rosenbrock")
    extra = {"hessp": p.hvp} if kwargs.get("hessp") else {"hess": p.hess} if kwargs.get("hess") else {}
    reference = scipy.optimize.minimize(p.f, p.x0, jac=p.grad, method=name, options=kwargs["options"], **extra)
    run = one_run(f"scipy:{name}", "rosenbrock")
    assert run["evaluations"]["f"] == reference.nfev and run["evaluations"]["grad"] == reference.njev
    assert run["x"] == pytest.approx(reference.x.tolist(), abs=0)  # the same run, step for step
    g = np.linalg.norm(p.grad(reference.x))
    assert run["converged"] == bool(g <= 1e-8) and run["grad_norm"] == pytest.approx(g)
    assert run["outcome"] == ("minimum" if g <= 1e-8 else "not-converged")
