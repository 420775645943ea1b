"""The ``optkit compare`` command: methods × problems × starts, honest outcomes, profiles, a database.

``register(app)`` adds it to the Typer app.  The command only gathers options into a
:class:`optkit.compare.sweep.Sweep`, hands it to :func:`optkit.compare.session.run_sweep` and
prints; the output functions here are shared with ``optkit report``.
"""

from __future__ import annotations

import shlex
import sys
from typing import List, Optional

import typer

from optkit.errors import OptkitError

FORMATS = ("table", "json", "csv")
CSV_COLUMNS = ("problem", "n", "params", "expr", "method", "canonical", "start_index", "seed", "x0", "outcome",
               "solved", "solved_minimum", "success", "converged", "status", "iterations", "evals_f", "evals_grad",
               "evals_hess", "evals_hvp", "evaluations", "time", "f", "f_minus_fstar", "grad_norm", "kind", "index",
               "reason")


#: Text options that must not be empty when given (an empty --fn must not silently mean "the default").
_TEXT_OPTIONS = {"methods": "--methods newton,tr-cg", "spec": "--spec sweep.toml", "fn": "--fn himmelblau",
                 "tag": "--tag classic", "expr": "--expr 'x**2 - y**2'", "vars_": "--vars x,y", "x0": "--x0 0,0",
                 "n": "--n 2,10", "save": "--save runs.db", "executor": "--executor local",
                 "scheduler": "--scheduler tcp://127.0.0.1:8786"}

#: Upper bounds of the whole-number and seconds options: past them the value is a typo, not a sweep.
_LIMITS = {"starts": ("--starts", 100_000), "seed": ("--seed", 2**63 - 1), "jobs": ("--jobs", 1024),
           "run_timeout": ("--run-timeout", 86_400.0)}


def _check_values(kw: dict) -> None:
    """Empty text and out-of-range sizes are one clear error, before anything runs."""
    for key, example in _TEXT_OPTIONS.items():
        value = kw.get(key)
        if value is not None and not str(value).strip():
            flag = example.split()[0]
            raise OptkitError(f"{flag} is empty; give a value, e.g. {example}")
    if kw.get("save") is not None and kw["save"].strip() == "-":
        raise OptkitError("--save takes the path of an SQLite file; '-' (standard output) cannot hold a database")
    for key, (flag, limit) in _LIMITS.items():
        value = kw.get(key)
        if value is not None and not value <= limit:
            raise OptkitError(f"{flag} = {value} is too large; the limit is {limit:g}")


def build_sweep(kw: dict):
    """Options (and ``--spec`` file) → (Sweep, cost); every bad value is one OptkitError."""
    from optkit.compare.problems import select_problems
    from optkit.compare.profiles import COSTS
    from optkit.compare.sweep import (DEFAULT_METHODS, DEFAULT_RUN_TIMEOUT, DEFAULT_STARTS, Sweep, Tolerances,
                                      parse_int_list, parse_names)
    from optkit.cli.common import key_value_pairs
    from optkit.methods.specs import parse_specs

    _check_values(kw)
    spec = {}
    if kw.get("spec"):
        from optkit.compare.specfile import load_spec_file

        spec = load_spec_file(kw["spec"])

    def pick(name, default=None):
        return kw[name] if kw.get(name) is not None else spec.get(name, default)

    methods = parse_specs(pick("methods") or ",".join(DEFAULT_METHODS))
    methods = _distinct(methods)
    for method in methods:  # a bad option combination is an error now, not 600 failed runs later
        if not method.is_scipy:
            from optkit.methods.catalogue import build

            build(method.text)
    starts = pick("starts", DEFAULT_STARTS)
    if starts < 0:
        raise OptkitError(f"--starts must be 0 or more (random starts besides x0), got {starts}")
    seed = pick("seed", 0)
    if seed < 0:
        raise OptkitError(f"--seed must be 0 or more, got {seed}")
    cost = pick("cost", "evals")
    if cost not in COSTS:
        raise OptkitError(f"unknown --cost {cost!r}; choose one of {', '.join(COSTS)}")
    timeout = pick("run_timeout", DEFAULT_RUN_TIMEOUT)
    if not timeout > 0:
        raise OptkitError(f"--run-timeout must be a number of seconds > 0, got {timeout}")
    tolerances = {**spec.get("tolerances", {}),
                  **{k: kw[k] for k in ("gtol", "ftol", "xtol", "max_iter", "max_evals", "solved_ftol")
                     if kw.get(k) is not None}}
    tol = Tolerances.from_values(tolerances, where="tolerances")
    n_values = parse_int_list(kw["n"], "--n") if kw.get("n") else spec.get("n")
    params = key_value_pairs(kw.get("param"), "--param", "cond=100") or spec.get("params")
    fn = parse_names(kw.get("fn")) or spec.get("fn")
    tag = parse_names(kw.get("tag")) or spec.get("tag")
    expr = kw.get("expr") or spec.get("expr")
    variables = parse_names(kw.get("vars_")) or spec.get("vars")
    problems = select_problems(fn, tag, expr, variables, n_values, params, kw.get("problems") or ())
    x0_text = kw.get("x0") or spec.get("x0")
    x0 = None
    if x0_text is not None:
        if len(problems) != 1:
            raise OptkitError("--x0 sets the start of one problem; give it with --expr or a single --fn")
        from optkit.symbolic.grammar import parse_vector

        x0 = tuple(float(v) for v in parse_vector(x0_text, problems[0].n, "--x0 start"))
    return Sweep(methods, problems, starts, seed, tol, float(timeout), x0), cost


def _distinct(methods: list) -> list:
    """Specs that reduce to the same canonical run are one method (the first spelling is kept)."""
    seen, out = {}, []
    for m in methods:
        if m.canonical_text in seen:
            typer.echo(f"Warning: {m.text} is the same run as {seen[m.canonical_text]}; it runs once", err=True)
            continue
        seen[m.canonical_text] = m.text
        out.append(m)
    return out


def make_executor(kw: dict):
    from optkit.compare.executors import DaskExecutor, LocalExecutor

    executor = kw.get("executor") or "local"
    if executor == "dask":
        return DaskExecutor(kw.get("scheduler"))
    if executor != "local":
        raise OptkitError(f"unknown --executor {executor!r}; choose local or dask")
    if kw.get("scheduler"):
        raise OptkitError("--scheduler applies to --executor dask")
    jobs = kw.get("jobs")
    if jobs is not None and jobs < 1:
        raise OptkitError(f"--jobs must be at least 1, got {jobs}")
    return LocalExecutor(jobs)


def compare_command(**kw) -> None:
    from optkit.cli.common import command_deadline
    from optkit.compare.session import Progress, run_sweep
    from optkit.compare.solved import RULE

    fmt = kw["format"]
    if fmt not in FORMATS:
        raise OptkitError(f"unknown --format {fmt!r}; choose one of {', '.join(FORMATS)}")
    sweep, cost = build_sweep(kw)
    deadline = command_deadline(kw.get("timeout"))
    try:
        specs = sweep.runs()
    except KeyboardInterrupt:
        typer.echo("Interrupted before any run started", err=True)
        raise typer.Exit(130) from None
    database = None
    if kw.get("save"):
        from optkit.compare.database import Database

        database = Database(kw["save"])
    executor = make_executor(kw)
    try:
        result = run_sweep(specs, executor, database, sweep.to_dict(), _command_line(), Progress(),
                           deadline=deadline)
    finally:
        if database is not None:
            database.close()
    emit(result.records, cost, fmt, kw, RULE.format(tol=sweep.tolerances.solved_ftol),
         extra={"sweep": sweep.to_dict(), "planned": result.planned, "resumed": result.resumed,
                "interrupted": result.interrupted and not result.cut_short, "cut_short": result.cut_short,
                "executor": result.executor})
    if kw.get("plot") and result.records:
        from optkit.cli.plot import write_profile_figure

        write_profile_figure(result.records, kw["plot"], cost)
    if result.cut_short:
        return  # emit marked it; what finished is the answer, as for classify --timeout
    if result.interrupted:
        typer.echo(f"Interrupted: {len(result.records)} of {result.planned} runs finished"
                   + (f" and are stored in {kw['save']}; rerun the same command to resume" if kw.get("save") else ""),
                   err=True)
        raise typer.Exit(130)


def _command_line() -> str:
    return "optkit " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def emit(records: list[dict], cost: str, fmt: str, kw: dict, solved_rule: str, extra: dict | None = None) -> None:
    """Tables, JSON (``runs`` and ``summary``) or CSV (one row per run) on stdout."""
    from optkit.compare.summary import data_profile_summary, method_summary, problem_matrix
    from optkit.render.output import csv_text, json_text, write_stdout

    summary = method_summary(records, cost)
    if fmt == "json":
        document = {**(extra or {}), "solved_rule": solved_rule, "cost": cost,
                    "runs": [{k: v for k, v in r.items() if k != "path"} for r in records], "summary": summary,
                    "problems": problem_matrix(records, cost)}
        if kw.get("data_profile"):
            document["data_profile"] = data_profile_summary(records)
        write_stdout(json_text(document))
        return
    if fmt == "csv":
        write_stdout(csv_text(CSV_COLUMNS, [_csv_row(r) for r in records]))
        return
    from optkit.compare.tables import data_profile_tables, legends, method_tables, problem_tables
    from optkit.render.output import make_console

    console = make_console(kw.get("no_color", False))
    if not records:
        console.print("no runs to show" + (" (cut short by the time limit before any run finished)"
                                           if extra and extra.get("cut_short") else ""))
        return
    width = console.width
    tables = method_tables(summary, width, cost) + problem_tables(problem_matrix(records, cost), width)
    if kw.get("data_profile"):
        tables += data_profile_tables(data_profile_summary(records), width)
    for table in tables:
        console.print(table)
    for line in legends(cost, solved_rule, bool(kw.get("data_profile"))):
        console.print(line, highlight=False)
    if extra and extra.get("resumed"):
        console.print(f"{extra['resumed']} of {extra['planned']} runs were already stored and not rerun")
    if extra and extra.get("cut_short"):
        console.print(f"cut short by the time limit (--timeout {kw['timeout']:g} s): {len(records)} of "
                      f"{extra['planned']} runs finished; the tables show those", highlight=False)


def _csv_row(r: dict) -> list:
    import json

    ev = r["evaluations"]
    cl = r.get("classification") or {}
    return [r["problem"], r["n"], json.dumps(r["params"], sort_keys=True), r.get("expr"), r["method"],
            json.dumps(r["canonical"], sort_keys=True), r["start_index"], r["seed"], json.dumps(r["x0"]),
            r["outcome"], r["solved"], r.get("solved_minimum"), r["success"], r["converged"], r["status"],
            r["iterations"], ev["f"], ev["grad"], ev["hess"], ev["hvp"], sum(ev.values()), r["time"], r["f"],
            r.get("f_minus_fstar"), r["grad_norm"], cl.get("kind"), cl.get("index"), r.get("reason")]


def register(app: typer.Typer) -> None:
    from optkit.cli.common import ExprOption, NoColorOption, ProblemsOption, VarsOption, one_line_errors
    from optkit.cli.plot import check_figure_path

    def compare(
        methods: Optional[str] = typer.Option(None, "--methods", "-m", help='Method specs, e.g. "newton,tr:subproblem=cg,'
                                              'gd:lr=0.01,scipy:BFGS" (default: gd+armijo, newton+armijo, tr-exact, '
                                              'tr-cg, sfn, adam, scipy:BFGS, scipy:trust-exact).'),
        spec: Optional[str] = typer.Option(None, "--spec", help="A TOML sweep file (methods, problems, starts, "
                                           "tolerances); options given here win."),
        fn: Optional[str] = typer.Option(None, "--fn", help="Problems by name, e.g. rosenbrock,himmelblau."),
        tag: Optional[str] = typer.Option(None, "--tag", help="Problems by tag, e.g. classic (the default)."),
        expr: Optional[str] = ExprOption,
        vars_: Optional[str] = VarsOption,
        x0: Optional[str] = typer.Option(None, "--x0", help="Start 0 of the one problem (--expr or a single --fn)."),
        n: Optional[str] = typer.Option(None, "--n", help="Dimensions of the scalable problems, e.g. 2,10,100."),
        param: Optional[List[str]] = typer.Option(None, "--param", help="Problem parameter key=value (repeatable)."),
        problems: Optional[List[str]] = ProblemsOption,
        starts: Optional[int] = typer.Option(None, "--starts", help="Random starts in each problem's box besides x0 "
                                             "(default 5)."),
        seed: Optional[int] = typer.Option(None, "--seed", help="Seed of the random starts (default 0)."),
        gtol: Optional[str] = typer.Option(None, "--gtol", help="Stationary when ‖g‖₂ ≤ gtol (default 1e-8)."),
        ftol: Optional[str] = typer.Option(None, "--ftol", help="Stop when |Δf| ≤ ftol·max(1, |f|) (default 0: off)."),
        xtol: Optional[str] = typer.Option(None, "--xtol", help="Stop when ‖Δx‖₂ ≤ xtol·max(1, ‖x‖₂) (default 0)."),
        max_iter: Optional[str] = typer.Option(None, "--max-iter", help="Iterations per run (default 1000)."),
        max_evals: Optional[str] = typer.Option(None, "--max-evals", help="Evaluations per run (default: no limit)."),
        solved_ftol: Optional[str] = typer.Option(None, "--solved-ftol", help="The solved rule's tolerance: "
                                                  "f − f_local ≤ solved_ftol·max(1, |f(x0) − f*|) (default 1e-6)."),
        run_timeout: Optional[float] = typer.Option(None, "--run-timeout", help="Seconds per run before it is "
                                                    "stopped as timeout (default 10)."),
        timeout: Optional[float] = typer.Option(None, "--timeout", metavar="SECONDS", help="Seconds for the whole "
                                                "command (default and inf: no limit); at expiry the runs that "
                                                "finished are shown, marked as cut short."),
        cost: Optional[str] = typer.Option(None, "--cost", help="Cost of the profiles and tables: evals (default), "
                                           "iterations or time."),
        data_profile: bool = typer.Option(False, "--data-profile", help="Add Moré–Wild data profiles."),
        format: str = typer.Option("table", "--format", "-f", help="Output: table, json (runs and summary) or csv "
                                   "(one row per run)."),
        save: Optional[str] = typer.Option(None, "--save", help="SQLite results database; rerunning the same command "
                                           "with it resumes (stored runs are skipped)."),
        jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="Local worker processes (default: cores)."),
        executor: str = typer.Option("local", "--executor", help="local (worker processes) or dask."),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler, tcp://HOST:PORT."),
        no_color: bool = NoColorOption,
        plot: Optional[str] = typer.Option(None, "--plot", metavar="FILE", callback=check_figure_path,
                                           help="Also draw the performance and data profiles into FILE (.png, .svg, .pdf)."),
    ) -> None:
        """Compare methods over problems and starts: outcomes (a saddle is never a success), costs,
        performance profiles; --save keeps every run in an SQLite database and resumes."""
        compare_command(**locals())

    app.command("compare")(one_line_errors(compare))
