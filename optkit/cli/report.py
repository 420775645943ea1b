"""The ``optkit report`` command: redraw a comparison from its database, or compare two databases.

``optkit report runs.db`` prints the tables of ``optkit compare`` from the stored runs
(nothing is rerun; ``--method``, ``--fn``, ``--sweep`` filter); ``optkit report A.db B.db``
compares two databases run by run (:mod:`optkit.compare.diff`).
"""

from __future__ import annotations

from typing import List, Optional

import typer

from optkit.errors import OptkitError


def report_command(databases: list[str], method, fn, sweep, cost, fmt, data_profile, no_color) -> None:
    from optkit.cli.compare import FORMATS, emit
    from optkit.compare.database import check_readable, load_runs, load_sweeps
    from optkit.compare.profiles import COSTS
    from optkit.compare.solved import RULE
    from optkit.compare.sweep import parse_names

    if fmt not in FORMATS:
        raise OptkitError(f"unknown --format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if cost not in COSTS:
        raise OptkitError(f"unknown --cost {cost!r}; choose one of {', '.join(COSTS)}")
    if not 1 <= len(databases) <= 2:
        raise OptkitError("give one database to redraw, or two (A.db B.db) to compare run by run")
    for path in databases:
        check_readable(path)
    methods = parse_names(method) or None
    problems = parse_names(fn) or None
    sweeps = [int(s) for s in parse_names(sweep)] if sweep else None
    runs = [load_runs(path, methods, problems, sweeps) for path in databases]
    kw = {"no_color": no_color, "data_profile": data_profile}
    if len(databases) == 1:
        tols = {r["tolerances"]["solved_ftol"] for r in runs[0]}
        rule = RULE.format(tol=tols.pop()) if len(tols) == 1 else RULE.replace("{tol:g}", "solved_ftol")
        info = {"database": databases[0], "sweeps": [{k: s[k] for k in ("id", "started", "finished", "state",
                                                                          "command", "runs_planned", "runs_done")}
                                                     for s in load_sweeps(databases[0])]}
        emit(runs[0], cost, fmt, kw, rule, extra=info)
        return
    _diff(databases, runs, cost, fmt, no_color)


def _diff(databases, runs, cost, fmt, no_color) -> None:
    from optkit.compare.diff import compare_runs
    from optkit.render.output import csv_text, json_text, make_console, write_stdout

    diff = compare_runs(runs[0], runs[1], cost, *databases)
    if fmt == "json":
        write_stdout(json_text(diff))
        return
    if fmt == "csv":
        columns = ("problem", "n", "method", "start_index", "a", "b", "cost_a", "cost_b")
        write_stdout(csv_text(columns, [[c[k] for k in columns] for c in diff["changes"]]))
        return
    from optkit.compare.tables import diff_tables

    console = make_console(no_color)
    for table in diff_tables(diff, console.width):
        console.print(table)
    console.print(f"{diff['paired']} runs paired; {diff['only_a']} only in {databases[0]}, {diff['only_b']} only in "
                  f"{databases[1]}. better = solved in B, not in A; worse = the reverse; cost B/A = median ratio of "
                  f"{cost} over runs both solved.")


def register(app: typer.Typer) -> None:
    from optkit.cli.common import NoColorOption, one_line_errors

    def report(
        databases: List[str] = typer.Argument(..., help="runs.db to redraw, or A.db B.db to compare run by run."),
        method: Optional[str] = typer.Option(None, "--method", help="Only these methods (specs as given), e.g. tr-cg,sfn."),
        fn: Optional[str] = typer.Option(None, "--fn", help="Only these problems."),
        sweep: Optional[str] = typer.Option(None, "--sweep", help="Only these sweep ids (see --format json)."),
        cost: str = typer.Option("evals", "--cost", help="evals (default), iterations or time."),
        format: str = typer.Option("table", "--format", "-f", help="Output: table, json or csv."),
        data_profile: bool = typer.Option(False, "--data-profile", help="Add Moré–Wild data profiles."),
        no_color: bool = NoColorOption,
    ) -> None:
        """Redraw a comparison's tables from its database (nothing is rerun), or compare two databases."""
        try:
            report_command(databases, method, fn, sweep, cost, format, data_profile, no_color)
        except ValueError as exc:
            raise OptkitError(f"--sweep takes sweep ids (whole numbers): {exc}") from None
        # The figures helper's --plot and --html draw here, from load_runs(...).

    app.command("report")(one_line_errors(report))
