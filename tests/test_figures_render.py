"""The renderer draws the records as they are; the files are valid images of the promised size."""

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import optkit  # noqa: E402
from optkit.figures.convergence import convergence  # noqa: E402
from optkit.figures.landscape import landscape  # noqa: E402
from optkit.figures.profiles import profiles  # noqa: E402
from optkit.figures.report import build_report  # noqa: E402
from optkit.figures.runs import counted_minimize, from_result  # noqa: E402
from optkit.figures.spectrum import spectrum  # noqa: E402
from optkit.render import plots  # noqa: E402
from optkit.render.html_report import report_html  # noqa: E402

from test_figures import compare_runs  # noqa: E402


def run(problem, method, x0, **kw):
    result, counts = counted_minimize(problem, method, x0, **kw)
    return from_result(method, result, counts)


@pytest.fixture(scope="module")
def records():
    saddle = optkit.get_problem("saddle")
    himmelblau = optkit.get_problem("himmelblau")
    runs = [run(himmelblau, m, [0.5, 1.5]) for m in ("newton", "sfn", "gd")]
    return {
        "landscape": landscape(saddle, [run(saddle, "newton", [1, 0.001]), run(saddle, "sfn", [1, 0.001])]),
        "convergence": convergence("himmelblau", runs, himmelblau.fstar, "(0.5, 1.5)"),
        "spectrum": spectrum(himmelblau, runs, "(0.5, 1.5)"),
        "profiles": profiles(compare_runs()),
    }


def all_text(fig):
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def test_landscape_draws_the_paths_and_points_as_recorded(records):
    rec = records["landscape"]
    with plots._style():
        fig = plots.build_figure(rec)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    for path in rec.paths:
        drawn = next(line for label, line in lines.items() if label.startswith(path.label + ":"))
        assert list(drawn.get_xdata()) == path.x and list(drawn.get_ydata()) == path.y
        assert drawn.get_marker() not in (None, "None", "")  # a marker per iterate
    saddle = lines["saddle"]
    assert list(saddle.get_xdata()) == [p.x for p in rec.points] and saddle.get_marker() == "X"
    assert list(lines["start x₀"].get_xdata()) == [rec.start[0]]
    assert ax.get_xlim() == tuple(rec.box[0]) and ax.get_ylim() == tuple(rec.box[1])
    assert ax.get_xlabel() == "x" and ax.get_title() == rec.title
    legend = fig.legends[0]  # outside the axes: below them
    fig.canvas.draw()
    assert legend.get_window_extent().y1 <= ax.get_window_extent().y0


def test_kinds_have_distinct_marker_shapes():
    assert len(set(plots.KIND_MARKERS.values())) == 4
    assert len(set(plots.PATH_MARKERS)) == len(plots.PATH_MARKERS)


def test_convergence_axes_are_logarithmic(records):
    rec = records["convergence"]
    with plots._style():
        fig = plots.build_figure(rec)
    f_iter, f_eval, g_iter, g_eval = fig.axes[:4]
    assert f_iter.get_yscale() == "log" and g_iter.get_yscale() == "log"
    assert f_eval.get_xscale() == "log" and g_eval.get_xscale() == "log"
    first = f_iter.get_lines()[0]
    assert list(first.get_xdata()) == rec.series[0].k and list(first.get_ydata()) == rec.series[0].f
    on_evals = f_eval.get_lines()[0]
    assert list(on_evals.get_xdata()) == rec.series[0].evaluations
    assert "f − f*" in f_iter.get_ylabel() and "‖g‖₂" in g_iter.get_ylabel()


def test_spectrum_and_profile_axes(records):
    with plots._style():
        spec = plots.build_figure(records["spectrum"])
        prof = plots.build_figure(records["profiles"])
    eig_ax, index_ax = spec.axes[:2]
    assert eig_ax.get_yscale() == "symlog" and index_ax.get_xscale() == "log"
    offsets = eig_ax.collections[0].get_offsets()
    s = records["spectrum"].series[0]
    assert np.allclose(np.asarray(offsets)[:, 1], [v for e in s.eigenvalues for v in e])
    perf_ax = prof.axes[0]
    assert perf_ax.get_xscale() == "log" and perf_ax.xaxis.get_transform().base == 2
    labels = [line.get_label() for line in perf_ax.get_lines()]
    assert labels == [line.legend for line in records["profiles"].panels[0].lines]


@pytest.mark.parametrize("kind", ["landscape", "convergence", "spectrum", "profiles"])
def test_no_text_under_9_points(records, kind):
    with plots._style():
        fig = plots.build_figure(records[kind])
        fig.canvas.draw()
    assert min(t.get_fontsize() for t in all_text(fig)) >= 9


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["landscape", "convergence", "spectrum", "profiles"])
def test_png_is_1000_px_wide_and_not_blank(records, kind, tmp_path):
    from PIL import Image

    path = tmp_path / f"{kind}.png"
    plots.write_figure(records[kind], str(path))
    image = Image.open(path)
    image.verify()
    image = Image.open(path).convert("L")
    assert image.size[0] == 1000 and 500 <= image.size[1] <= 900
    pixels = np.asarray(image, dtype=float)
    assert pixels.std() > 10  # not blank
    assert not list(tmp_path.glob(".optkit-*"))  # no temporary file left


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["landscape", "profiles"])
def test_svg_and_pdf_are_valid(records, kind, tmp_path):
    svg = tmp_path / "f.svg"
    plots.write_figure(records[kind], str(svg))
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and root.get("width") == "720pt"  # 10 in
    assert len(list(root.iter())) > 100
    pdf = tmp_path / "f.pdf"
    plots.write_figure(records[kind], str(pdf))
    assert pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.slow
def test_same_record_same_file(records):
    assert plots.figure_bytes(records["profiles"], "svg") == plots.figure_bytes(records["profiles"], "svg")


# ---------------------------------------------------------------- the HTML report


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.open, self.external = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for key, value in attrs:
            if key in ("src", "href") and value and not value.startswith("#"):
                self.external.append(value)
        if tag not in ("meta", "br", "img", "hr", "input", "link") and not tag.startswith("svg:"):
            self.open.append(tag)

    def handle_endtag(self, tag):
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)


@pytest.fixture(scope="module")
def page_html():
    runs = compare_runs()
    page = build_report(runs, "test runs")
    return runs, page, report_html(page)


def test_report_page_parses_and_holds_tables_and_figures(page_html):
    runs, page, text = page_html
    parser = _Page()
    parser.feed(text)
    parser.close()
    assert text.startswith("<!DOCTYPE html>")
    assert parser.tags.count("table") == 1 + len(page.problems)  # the summary and one per problem
    # the profiles and one landscape per 2-D problem (both problems here are 2-D)
    assert parser.tags.count("svg") == 1 + 2
    assert parser.external == []  # self-contained: nothing to fetch
    assert "<script" not in text
    for method in ("newton", "sfn", "gd+armijo"):
        assert f"<td>{method}</td>" in text


def test_report_tables_and_paths_come_from_the_runs(page_html):
    runs, page, _ = page_html
    summary = {row[0]: row for row in page.summary.rows}
    for method in ("newton", "sfn", "gd+armijo"):
        mine = [r for r in runs if r["method"] == method]
        assert summary[method][1] == str(len(mine)) and summary[method][2] == str(sum(r["solved"] for r in mine))
    saddle = next(s for s in page.problems if s.title.startswith("saddle"))
    newton = next(r for r in runs if r["problem"] == "saddle" and r["method"] == "newton")
    drawn = next(p for p in saddle.landscape.paths if p.label == "newton")
    assert drawn.x == [x[0] for x in newton["path"]] and drawn.y == [x[1] for x in newton["path"]]
    assert [(m.x, m.y, m.kind) for m in saddle.landscape.points] == [(0.0, 0.0, "saddle")]


def test_report_in_headless_chromium(page_html, tmp_path):
    browser = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome", "headless_shell")
                    if shutil.which(b)), None)
    if browser is None:
        pytest.skip("no headless Chromium on PATH (chromium, chromium-browser, google-chrome): browser check skipped")
    page = tmp_path / "report.html"
    page.write_text(page_html[2], encoding="utf-8")
    out = subprocess.run([browser, "--headless", "--disable-gpu", "--no-sandbox", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    assert out.stdout.count("<svg") == 3 and "Summary per method" in out.stdout


@pytest.mark.slow
def test_profile_and_report_writers(tmp_path):
    from optkit.cli.plot import write_profile_figure, write_report_page
    from optkit.errors import OptkitError

    runs = compare_runs()
    write_profile_figure(runs, str(tmp_path / "profiles.svg"))
    assert ET.parse(tmp_path / "profiles.svg").getroot().tag.endswith("svg")
    write_report_page(runs, "runs.db", str(tmp_path / "report.html"))
    assert (tmp_path / "report.html").read_text(encoding="utf-8").count("<svg") == 3
    with pytest.raises(OptkitError, match=r"\.html"):
        write_report_page(runs, "runs.db", str(tmp_path / "report.txt"))
    with pytest.raises(OptkitError, match="no runs"):
        write_profile_figure([], str(tmp_path / "empty.png"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["profiles.svg", "report.html"]
