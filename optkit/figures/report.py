"""The comparison report page's content, from stored compare runs (nothing is rerun).

Input: run dicts in the conventions' compare-run shape (problem, n, params, method,
start_index, x0, outcome, solved, iterations, evaluations, f, grad_norm, and ``path``,
the stored iterates).  Output: a :class:`ReportPage` of plain tables and figure records —
the summary per method, one table per problem instance, the performance and data
profiles, and for each 2-D problem a landscape with every method's path from x0 (start
index 0).  :mod:`optkit.render.html_report` turns it into one self-contained HTML file.

Evaluating f on the landscape's grid is the only computation; no optimizer runs, and the
stationary points marked are those the problem file records.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from optkit.compare.profiles import instance_key, performance_profile, profile_summary, run_cost
from optkit.figures.profiles import Profiles, outcome_counts, profiles
from optkit.run.results import fmt_number

REPORT_RESOLUTION = 101  # grid points per axis of the page's landscapes (SVG size and drawing time)
COUNT_COLUMNS = ("saddle", "maximum", "degenerate", "diverging", "not-converged", "failed", "timeout", "skipped")


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class ProblemSection:
    title: str
    table: Table
    landscape: object | None = None  # a Landscape record, for 2-D problems
    note: str = ""


@dataclass
class ReportPage:
    title: str
    source: str
    summary: Table
    profiles: Profiles | None
    problems: list[ProblemSection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)



def number(value) -> str:
    """Numbers as the tables print them: 4 significant digits, nan/inf as words, never cut."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    return fmt_number(value, 4)


def summary_table(runs: list[dict], cost: str = "evals") -> Table:
    counts = outcome_counts(runs)
    curves = performance_profile(runs, cost) if runs else {}
    header = ["method", "runs", "solved", *COUNT_COLUMNS, "median evals (solved)", "ρ(1)", "ρ(2)", "ρ(16)"]
    rows = []
    for method, c in counts.items():
        mine = [r for r in runs if r["method"] == method]
        solved_costs = [run_cost(r, "evals") for r in mine if r.get("solved")]
        rho = profile_summary(curves[method]) if method in curves else {}
        rows.append([method, str(len(mine)), str(c["solved"])] + [str(c.get(o, 0)) for o in COUNT_COLUMNS]
                    + [number(statistics.median(solved_costs)) if solved_costs else "—",
                       number(rho.get("1")), number(rho.get("2")), number(rho.get("16"))])
    return Table(header, rows)


def problem_table(runs: list[dict]) -> Table:
    header = ["method", "start", "outcome", "solved", "iterations", "evaluations", "f", "‖g‖₂", "end point"]
    rows = []
    for r in sorted(runs, key=lambda r: (r.get("start_index") or 0, str(r["method"]))):
        cls = r.get("classification") or {}
        kind = cls.get("kind") or "—"
        if kind == "saddle" and cls.get("index") is not None:
            kind += f" (index {cls['index']})"
        rows.append([str(r["method"]), str(r.get("start_index")), str(r.get("outcome")), number(bool(r.get("solved"))),
                     number(r.get("iterations")), number(int(run_cost(r, "evals"))), number(r.get("f")),
                     number(r.get("grad_norm")), kind])
    return Table(header, rows)


def _instance_title(key) -> str:
    problem, n, params, _ = key
    extra = ", ".join(f"{k}={v}" for k, v in params)
    return f"{problem} (n = {n}{', ' + extra if extra else ''})"


def build_report(runs: list[dict], source: str, *, cost: str = "evals", landscapes: bool = True,
                 problem_for=None) -> ReportPage:
    """The report page of ``runs``.

    ``problem_for(name, n, params, expr)`` returns the problem object for a landscape (default: the
    registry); a problem it cannot provide gets no landscape, and the page says so.
    """
    notes = []
    groups: dict[tuple, list[dict]] = {}
    for run in runs:
        groups.setdefault(instance_key(run)[:3], []).append(run)
    sections = []
    for key, members in groups.items():
        title = _instance_title(key + (None,))
        fig, note = None, ""
        if landscapes and int(key[1] or 0) == 2:
            fig, note = _landscape(key, members, problem_for or _registry_problem)
        sections.append(ProblemSection(title, problem_table(members), fig, note))
    profile = profiles(runs, cost, title=f"Profiles over {len(groups)} problems") if runs else None
    if not runs:
        notes.append("the database holds no runs")
    notes.append("solved: as optkit compare defines it (the run ends at a minimum, with f within solved_ftol of "
                 f"it); ρ(τ) on the cost {cost!r} (evals = f + ∇f + ∇²f + Hv evaluations)")
    return ReportPage(f"optkit comparison report: {len(runs)} runs", source, summary_table(runs, cost), profile,
                      sections, notes)


def _registry_problem(name: str, n, params: dict, expr: str | None = None):
    """The problem of a stored run: a formula's text when the run stored one, else the registry's name."""
    if expr:
        from optkit.problems.registry import expression_definition

        return expression_definition(expr).instantiate(int(n) if n else None)
    import optkit

    return optkit.get_problem(name, int(n) if n else None, **params)


def _landscape(key, members, problem_for):
    from optkit.errors import OptkitError
    from optkit.figures.landscape import landscape, start_text
    from optkit.figures.points import recorded_points
    from optkit.figures.runs import from_run_dict

    name, n, params = key
    from_x0 = [r for r in members if (r.get("start_index") or 0) == 0 and r.get("path")]
    if not from_x0:
        return None, "no stored path from x0: no landscape"
    try:
        problem = problem_for(name, n, dict(params), from_x0[0].get("expr"))
    except OptkitError as exc:
        return None, f"no landscape: {exc}"
    drawn = [from_run_dict(r) for r in from_x0]
    title = f"{name}: every method from x0 = {start_text(drawn[0].x0)}"
    # The problem file's verified list, not a fresh classify: the page must be quick to build
    # (issue 13: the default comparison's page within 20 s); `optkit classify` gives the full list.
    return landscape(problem, drawn, stationary=recorded_points(problem), title=title,
                     resolution=REPORT_RESOLUTION), ""
