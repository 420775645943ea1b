"""What ``optkit methods`` prints is exactly what ``optkit run`` accepts.

The cases are read from ``optkit methods --format json`` itself, so a new
method, option, choice or bound is covered without touching this file:

* every method × every value it lists for a choice or switch: accepted, and the
  run goes a few iterations on a small problem; every other value of that option
  (``--line-search wolfe`` for sfn): one ``Error:`` line, exit 2;
* every bound of every numeric range, just inside (accepted, runs) and just
  outside (one line, exit 2) — a bound that names another option (c1 < c2,
  delta0 ≤ delta_max) is taken at that option's default;
* every option listed as applying only with some value of another option, given
  with another value of it: one line, exit 2.

The problem is xor-linear (n = 3, four samples): a quadratic with data, so every
method, every line search (also ``exact``) and ``--batch-size`` apply to it.
"""

import json
import pickle

import pytest
from typer.testing import CliRunner

import optkit
from optkit.cli.app import app
from optkit.methods.catalogue import CATALOGUE, OPTIONS, PRESETS, Method, make_method
from optkit.methods.specs import parse_spec

runner = CliRunner()
PROBLEM = ("--fn", "xor-linear", "--max-iter", "3", "--format", "json")
RECORDS = json.loads(runner.invoke(app, ["methods", "--format", "json"]).stdout)


def _say(option: dict, value) -> list[str]:
    """The command-line words for ``value`` of ``option`` (``--no-escape`` for a switch turned off)."""
    if option["kind"] == "bool":
        return [option["flag"] if value else "--no-" + option["flag"][2:]]
    return [option["flag"], value if isinstance(value, str) else repr(value)]


def _context(method: dict, option: dict) -> list[str]:
    """Flags that make ``option`` apply (its ``when``): the first value each other option needs."""
    by_name = {o["name"]: o for o in method["options"]}
    words = []
    for other, needed in option["when"].items():
        words += _context(method, by_name[other]) + _say(by_name[other], needed[0])
    return words


def _bound_value(method: dict, bound):
    if isinstance(bound, str):  # another option's name: at its default
        return next(o["default"] for o in method["options"] + RECORDS["common"] if o["name"] == bound)
    return bound


def _near(option: dict, bound, side: str, inside: bool):
    """A value just inside or just outside ``bound`` (side "low" or "high"): a closed bound is itself
    inside, an open one outside; the neighbour is one step away (1 for whole numbers, 1e-6 relative)."""
    step = 1 if option["kind"] == "int" else 1e-6 * max(1.0, abs(bound))
    inwards = step if side == "low" else -step
    if option[f"{side}_open"]:
        return bound + inwards if inside else bound
    return bound if inside else bound - inwards


def _cases():
    common = {"name": "gd", "options": RECORDS["common"]}
    for method in RECORDS["methods"] + [dict(common, common=True)]:
        name = method["name"]
        universe = {o["name"]: o for o in method["options"]}
        for option in method["options"]:
            base = [name, *PROBLEM, *_context(method, option)]
            label = f"{name}-{option['name']}" if not method.get("common") else f"common-{option['name']}"
            if option["kind"] in ("choice", "bool"):
                for value in option["choices"]:
                    yield pytest.param(base + _say(option, value), True, id=f"{label}={value}")
                for value in OPTIONS[option["name"]].values if not method.get("common") else ():
                    if value not in option["choices"]:
                        yield pytest.param(base + _say(option, value), False, id=f"{label}={value}-refused")
            for side in ("low", "high"):
                if option[side] is None:
                    continue
                bound = _bound_value(method, option[side])
                for inside in (True, False):
                    value = _near(option, bound, side, inside)
                    yield pytest.param(base + _say(option, value), inside,
                                       id=f"{label}-{side}-{'inside' if inside else 'outside'}={value!r}")
            for other, needed in option["when"].items():
                for value in universe[other]["choices"]:
                    if value not in needed:
                        words = [name, *PROBLEM, *_say(universe[other], value), *_say(option, option["default"])]
                        yield pytest.param(words, False, id=f"{label}-without-{other}={value}")


def test_the_catalogue_json_carries_every_method_preset_and_common_option():
    assert [m["name"] for m in RECORDS["methods"]] == list(CATALOGUE)
    assert [p["name"] for p in RECORDS["presets"]] == list(PRESETS)
    for method in RECORDS["methods"]:
        assert [o["name"] for o in method["options"]] == list(CATALOGUE[method["name"]].options)


def test_sfn_lists_only_the_searches_it_takes():
    sfn = next(m for m in RECORDS["methods"] if m["name"] == "sfn")
    line_search = next(o for o in sfn["options"] if o["name"] == "line_search")
    assert line_search["choices"] == ["none", "armijo"] and line_search["allowed"] == "none, armijo"


@pytest.mark.parametrize("args, accepted", list(_cases()))
def test_printed_options_are_the_accepted_options(args, accepted):
    result = runner.invoke(app, [str(a) for a in ["run", *args]])
    if accepted:
        assert result.exit_code == 0, result.output
        record = json.loads(result.stdout)
        assert record["iterations"] <= 3 and record["trace"]
    else:
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr


def test_the_table_prints_what_the_json_holds():
    table = runner.invoke(app, ["methods"], env={"COLUMNS": "400"}).stdout
    for method in RECORDS["methods"]:
        for option in method["options"]:
            assert option["flag"] in table
            if option["allowed"]:
                assert option["allowed"] in table, option["allowed"]
    for preset in RECORDS["presets"]:
        assert preset["name"] in table and preset["spec"] in table


# ---------------------------------------------------------------- presets and method objects


@pytest.mark.parametrize("name", list(PRESETS))
def test_a_preset_is_the_same_run_as_its_spec(name):
    preset = PRESETS[name]
    assert parse_spec(name).canonical == parse_spec(preset.spec).canonical
    assert make_method(name) == make_method(preset.spec)


def test_one_method_object_runs_many_problems_like_fresh_names():
    # tr's radius and adam's moments are per-run state: a reused object must not carry them over
    for spec in ("tr-cg", "adam:lr=0.05", "gd:momentum=nesterov"):
        method = make_method(spec)
        for problem in ("course-2.2", "himmelblau", "course-2.2"):
            p = optkit.get_problem(problem)
            again = optkit.minimize(p, method, max_iter=15, eig=False)
            fresh = optkit.minimize(p, spec, max_iter=15, eig=False)
            assert again.x == fresh.x and again.evaluations == fresh.evaluations
            assert again.options == fresh.options


def test_a_method_object_pickles_for_worker_processes():
    method = make_method("sfn-krylov", damping=0.01)
    copy = pickle.loads(pickle.dumps(method))
    assert isinstance(copy, Method) and copy == method and copy.given == method.given
    p = optkit.get_problem("rosenbrock")
    a, b = optkit.minimize(p, method, max_iter=20), optkit.minimize(p, copy, max_iter=20)
    assert a.x == b.x


def test_every_spelling_gives_the_same_method_object():
    from optkit.methods.specs import parse_spec

    spellings = ["tr-cg:delta0=0.5", "tr:subproblem=cg:delta0=0.5", parse_spec("tr-cg:delta0=0.5"),
                 make_method("tr-cg", delta0=0.5), make_method("tr-cg"), "trust-region"]
    methods = [make_method(s) for s in spellings[:4]]
    methods += [make_method(spellings[4], delta0=0.5), make_method(spellings[5], subproblem="cg", delta0="1/2")]
    assert all(m == methods[0] for m in methods)
    assert methods[0].canonical == parse_spec("tr:subproblem=cg:delta0=0.5").canonical
    with pytest.raises(optkit.OptkitError, match="SciPy reference"):
        make_method("scipy:BFGS")


def test_options_given_beside_a_method_object_override_it():
    method = make_method("tr-cg")
    result = optkit.minimize(optkit.get_problem("course-2.2"), method, delta0=0.5, max_iter=2)
    assert result.options["subproblem"] == "cg" and result.options["delta0"] == 0.5
    assert result.trace[0].data["delta"] == 0.5


# ---------------------------------------------------------------- trace columns


@pytest.mark.parametrize("spec, expected", [
    ("gd", ["alpha", "pred_linear", "actual"]),
    ("gd+armijo", ["alpha", "trials", "pred_linear", "actual"]),
    ("newton+armijo", ["alpha", "trials", "pred_linear", "pred_quadratic", "actual", "damping"]),
    ("gd:momentum=heavy-ball", ["alpha", "pred_linear", "actual", "step_norm"]),
    ("tr-exact", ["pred_quadratic", "actual", "delta", "rho", "accepted", "step_norm", "lambda"]),
    ("adam", ["alpha", "pred_linear", "actual", "step_norm", "m_hat", "v_hat", "eff_lr"]),
    ("adam:bias_correction=false", ["alpha", "pred_linear", "actual", "step_norm", "m", "v", "eff_lr"]),
])
def test_the_result_records_the_columns_the_method_declares(spec, expected):
    result = optkit.minimize(optkit.get_problem("course-2.2"), spec, max_iter=3)
    assert result.columns == expected
    record = json.loads(json.dumps(result.to_dict()))
    assert record["columns"] == expected
    assert optkit.Result.from_dict(record).columns == expected


def test_a_saved_run_redraws_identically():
    from rich.console import Console

    from optkit.render.run_report import iterations_table

    def draw(record):
        console = Console(width=200, record=True, no_color=True)
        console.print(iterations_table(record))
        return console.export_text()

    record = optkit.minimize(optkit.get_problem("course-2.2"), "tr-dogleg", max_iter=5).to_dict()
    saved = json.loads(json.dumps(record))
    assert draw(saved) == draw(record)
    assert "ρ" in draw(saved) and "α" not in draw(saved)
