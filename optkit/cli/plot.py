"""The ``optkit plot`` command: a landscape with paths, a convergence figure or the spectrum along runs.

The command runs each method from the same start, builds the figure's data record
(:mod:`optkit.figures`) and hands it to the renderer (:mod:`optkit.render.plots`).  The
output path, its format and matplotlib's presence are checked before anything is
computed, and the file appears whole or not at all.
"""

from __future__ import annotations

import time
from typing import List, Optional

import typer

from optkit.errors import OptkitError


#: Seconds of --timeout kept for drawing: importing matplotlib, contours and writing the file took 2-4 s
#: on a loaded 2-core machine; a limit below that cannot be met and the figure is still drawn.
DRAWING_MARGIN = 4.0


def plot_command(*, fn, expr, vars_, n, param, problems, methods, x0, output, out, slice_at, dims, box, levels,
                 convergence, spectrum, max_iter, seed, timeout=None) -> None:
    from optkit.cli.common import command_deadline
    from optkit.render.plots import check_output, require_matplotlib

    deadline = command_deadline(timeout, keep=DRAWING_MARGIN)
    path = _output_path(output, out)
    require_matplotlib()
    check_output(path)
    if convergence and spectrum:
        raise OptkitError("choose one figure: --convergence or --spectrum (or neither, for the landscape)")
    from optkit.cli.common import _problem
    from optkit.symbolic.grammar import parse_vector

    problem = _problem(fn, expr, vars_, n, param, problems)
    start = problem.x0 if x0 is None else parse_vector(x0, problem.n, "--x0 start")
    kind = "convergence" if convergence else "spectrum" if spectrum else "landscape"
    if kind != "landscape" and any(v is not None for v in (slice_at, dims, box, levels)):
        raise OptkitError("--slice-at, --dims, --box and --levels shape the landscape; the "
                          f"{kind} figure takes none of them")
    plane = _plane_options(problem, slice_at, dims, box) if kind == "landscape" else None
    cut = []
    record = build_record(kind, problem, _specs(methods), start, plane, levels, max_iter, seed, deadline, cut)
    from optkit.render.plots import write_figure

    write_figure(record, path)
    drawn = ", ".join(s.label for s in getattr(record, "series", []) or getattr(record, "paths", []))
    typer.echo(f"wrote {path}: {kind} of {problem.name} ({drawn})"
               + (f"; cut short by the time limit (--timeout {timeout:g} s): {'; '.join(cut)}" if cut else ""))


def check_figure_path(value: Optional[str]) -> Optional[str]:
    """Option callback for a figure's FILE: checked while the command line is read, so a bad
    path (or a missing matplotlib) fails in one line before anything runs."""
    if value is not None:
        _check_early(value, html=False)
    return value


def check_html_path(value: Optional[str]) -> Optional[str]:
    """Option callback for the report page's FILE (.html)."""
    if value is not None:
        _check_early(value, html=True)
    return value


def _check_early(path: str, html: bool) -> None:
    from optkit.cli.common import fail
    from optkit.render.plots import check_output, require_matplotlib

    try:
        require_matplotlib()
        if html:
            check_html(path)
        else:
            check_output(path)
    except OptkitError as exc:
        fail(str(exc))


def _output_path(output: Optional[str], out: Optional[str]) -> str:
    if output and out and output != out:
        raise OptkitError("give the figure's file once: --output FILE (or --out FILE)")
    path = output or out
    if not path:
        raise OptkitError("name the figure's file: --output FILE.png (or .svg, .pdf)")
    return path


def _specs(text: str):
    from optkit.methods.specs import parse_specs

    specs = parse_specs(text)
    for spec in specs:
        if spec.is_scipy:
            raise OptkitError(f"{spec.method} is a SciPy reference for optkit compare; optkit plot draws optkit's "
                              "methods and presets (see `optkit methods`)")
    return specs


def _plane_options(problem, slice_at, dims, box):
    from optkit.figures.landscape import plane_of
    from optkit.stationary.finder import parse_box
    from optkit.symbolic.grammar import parse_vector

    point = None if slice_at is None else parse_vector(slice_at, problem.n, "--slice-at point")
    pair = None
    if dims is not None:
        try:
            pair = tuple(int(d) for d in dims.split(","))
        except ValueError:
            raise OptkitError(f"--dims {dims!r} must be two coordinate numbers, e.g. 0,1") from None
    plane, point = plane_of(problem, pair, point)
    rect = None if box is None else parse_box(box, 2)
    return plane, point, rect


def build_record(kind, problem, specs, start, plane, levels, max_iter, seed, deadline=None, cut=None):
    """Run every method from ``start`` and build the figure's record.

    With a ``deadline`` (``--timeout``), each run gets what time is left: a run cut short is
    drawn as far as it got, and methods not started are left out; ``cut`` collects what was."""
    from optkit.figures import runs as figure_runs
    from optkit.figures.landscape import start_text

    options = {}
    if max_iter is not None:
        options["max_iter"] = max_iter
    if seed is not None:
        options["seed"] = seed
    extra = {"eig": True, "eig_max_n": 200} if kind == "spectrum" else {}
    if kind == "spectrum" and problem.n > 200:
        raise OptkitError(f"the spectrum figure is for n ≤ 200; {problem.name} has n = {problem.n}: draw "
                          "--convergence instead")
    drawn = []
    cut = [] if cut is None else cut
    for spec in specs:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                cut.append(f"{spec.text} not run")
                continue
            extra["timeout"] = left
        result, counts = figure_runs.counted_minimize(problem, spec.text, start, options=dict(options), **extra)
        if result.status.name == "TIMEOUT":
            cut.append(f"{spec.text} stopped at iteration {result.iterations}")
        drawn.append(figure_runs.from_result(spec.text, result, counts))
    if not drawn:
        raise OptkitError("the time limit (--timeout) was reached before any run: no figure written")
    where = start_text(start)
    if kind == "convergence":
        from optkit.figures.convergence import convergence

        return convergence(problem.name, drawn, problem.fstar, where)
    if kind == "spectrum":
        from optkit.figures.spectrum import spectrum

        return spectrum(problem, drawn, where)
    from optkit.figures.landscape import landscape

    dims, point, rect = plane
    return landscape(problem, drawn, box=rect, levels=levels, dims=dims if problem.n != 2 else None,
                     slice_at=point if problem.n != 2 else None)


def run_figures(problem, result, kw: dict, x0, options: dict, replay: bool = True) -> None:
    """The figures ``optkit run --plot/--plot-convergence/--plot-spectrum`` asked for, of one finished run."""
    from optkit.figures import runs as figure_runs
    from optkit.figures.landscape import landscape, start_text
    from optkit.render.plots import write_figure

    label = kw["method"]
    where = start_text(result.x0)
    if kw.get("plot"):
        plane = _plane_options(problem, None, None, None) if problem.n == 2 else None
        if plane is None:
            raise OptkitError(f"--plot draws contours of a 2-D problem; {problem.name} has n = {problem.n}: use "
                              "optkit plot --slice-at X --dims i,j for a slice, or --plot-convergence / "
                              "--plot-spectrum")
        write_figure(landscape(problem, [figure_runs.from_result(label, result)]), kw["plot"])
        typer.echo(f"wrote {kw['plot']}", err=True)
    if kw.get("plot_convergence"):
        from optkit.figures.convergence import convergence

        counts = figure_runs.replayed_counts(problem, result, label, x0, options, eig=kw.get("eig")) if replay else None
        write_figure(convergence(problem.name, [figure_runs.from_result(label, result, counts)], problem.fstar, where),
                     kw["plot_convergence"])
        typer.echo(f"wrote {kw['plot_convergence']}", err=True)
    if kw.get("plot_spectrum"):
        from optkit.figures.spectrum import spectrum

        write_figure(spectrum(problem, [figure_runs.from_result(label, result)], where), kw["plot_spectrum"])
        typer.echo(f"wrote {kw['plot_spectrum']}", err=True)


def write_profile_figure(runs: list[dict], path: str, cost: str = "evals") -> None:
    """``optkit compare ... --plot FILE`` and ``optkit report runs.db --plot FILE``: the profiles of stored runs."""
    from optkit.figures.profiles import profiles
    from optkit.render.plots import check_output, require_matplotlib, write_figure

    require_matplotlib()
    check_output(path)
    if not runs:
        raise OptkitError("no runs to draw profiles of")
    write_figure(profiles(runs, cost), path)


def write_report_page(runs: list[dict], source: str, path: str, cost: str = "evals") -> None:
    """``optkit report runs.db --html report.html``: the self-contained report page (nothing is rerun)."""
    from optkit.figures.report import build_report
    from optkit.render.html_report import write_report
    from optkit.render.plots import require_matplotlib

    require_matplotlib()
    check_html(path)
    write_report(build_report(runs, source, cost=cost), path)


def check_html(path: str) -> None:
    """The report page's file: .html, in a folder that exists and is writable."""
    from optkit.render.plots import check_folder

    if not path.lower().endswith((".html", ".htm")):
        raise OptkitError(f"the report page is HTML: end the file name {path!r} in .html")
    check_folder(path)


def register(app: typer.Typer) -> None:
    """Add ``plot`` to ``app`` (``optkit.cli.app`` calls it)."""
    from optkit.cli.common import ExprOption, FnOption, NOption, ParamOption, ProblemsOption, VarsOption, \
        one_line_errors

    def plot(
        fn: Optional[str] = FnOption,
        expr: Optional[str] = ExprOption,
        vars_: Optional[str] = VarsOption,
        n: Optional[int] = NOption,
        param: Optional[List[str]] = ParamOption,
        problems: Optional[List[str]] = ProblemsOption,
        methods: str = typer.Option("newton,sfn,gd", "--methods", "-m",
                                    help="Method specs separated by commas, e.g. newton,sfn,gd or tr-cg,adam:lr=0.1."),
        x0: Optional[str] = typer.Option(None, "--x0", help="Start of every run (default: the problem's x0)."),
        output: Optional[str] = typer.Option(None, "--output", "-o", help="The figure's file: .png, .svg or .pdf."),
        out: Optional[str] = typer.Option(None, "--out", help="Same as --output."),
        slice_at: Optional[str] = typer.Option(None, "--slice-at",
                                               help="n > 2: draw the 2-D slice through this point (with --dims)."),
        dims: Optional[str] = typer.Option(None, "--dims", help="The two coordinates that vary in the slice, e.g. 0,1."),
        box: Optional[str] = typer.Option(None, "--box", help='Drawn rectangle, e.g. "-2,2 -1,3" (default: the problem\'s box).'),
        levels: Optional[int] = typer.Option(None, "--levels", help="Number of contour levels (default 24)."),
        convergence: bool = typer.Option(False, "--convergence",
                                         help="Draw f − f* (or f) and ‖g‖ against iterations and evaluations."),
        spectrum: bool = typer.Option(False, "--spectrum",
                                      help="Draw the Hessian eigenvalues along each run and the index against f (n ≤ 200)."),
        max_iter: Optional[int] = typer.Option(None, "--max-iter", help="Iteration limit of every run."),
        seed: Optional[int] = typer.Option(None, "--seed", help="Seed of every run (stochastic methods)."),
        timeout: Optional[float] = typer.Option(None, "--timeout", metavar="SECONDS", help="Seconds for the whole "
                                                "command (default and inf: no limit); runs cut short are drawn as "
                                                "far as they got."),
    ) -> None:  # noqa: B008 (typer's option objects)
        """Draw a figure: contours of f with each method's path and the stationary points (2-D problems and
        2-D slices), or --convergence, or --spectrum. Needs matplotlib: pip install "optkit[plot]"."""
        plot_command(fn=fn, expr=expr, vars_=vars_, n=n, param=param, problems=problems, methods=methods, x0=x0,
                     output=output, out=out, slice_at=slice_at, dims=dims, box=box, levels=levels,
                     convergence=convergence, spectrum=spectrum, max_iter=max_iter, seed=seed, timeout=timeout)

    app.command("plot")(one_line_errors(plot))
