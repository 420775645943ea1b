"""`optkit compare --plot`, `optkit report runs.db --plot/--html`: profiles and the report page from stored runs."""

import pytest
from typer.testing import CliRunner

from optkit.cli.app import app

pytest.importorskip("matplotlib")


def invoke(*args):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare")
    db, png = folder / "runs.db", folder / "profiles.png"
    result = invoke("compare", "--fn", "himmelblau,saddle", "--methods", "newton,sfn", "--starts", "1", "--jobs", "1",
                    "--save", str(db), "--plot", str(png))
    assert result.exit_code == 0, result.output
    return db, png


@pytest.mark.slow
def test_compare_plot_writes_the_profiles(database):
    _, png = database
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_report_plot_and_html_from_the_database(database, tmp_path):
    from optkit.compare.database import load_runs
    from optkit.figures.report import build_report

    db, _ = database
    page, svg = tmp_path / "report.html", tmp_path / "profiles.svg"
    result = invoke("report", str(db), "--plot", str(svg), "--html", str(page))
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 1 + 2  # the profiles and both 2-D problems' landscapes
    assert svg.read_text().lstrip().startswith("<?xml")
    runs = load_runs(str(db))
    built = build_report(runs, str(db))
    saddle = next(s for s in built.problems if s.title.startswith("saddle"))
    newton = next(r for r in runs if r["problem"] == "saddle" and r["method"] == "newton" and r["start_index"] == 0)
    drawn = next(p for p in saddle.landscape.paths if p.label == "newton")
    assert drawn.x == [x[0] for x in newton["path"]] and drawn.y == [x[1] for x in newton["path"]]


def test_report_html_bad_input_one_line(tmp_path):
    db = tmp_path / "none.db"
    for args, words in ((["--html", str(tmp_path / "page.txt")], ".html"),
                        (["--plot", str(tmp_path / "p.gif")], ".png, .svg or .pdf")):
        result = invoke("report", str(db), *args)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1 and words in result.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_report_of_two_databases_draws_nothing(database, tmp_path):
    db, _ = database
    result = invoke("report", str(db), str(db), "--html", str(tmp_path / "r.html"))
    assert result.exit_code == 2 and "one database" in result.stderr
    assert not list(tmp_path.iterdir())
