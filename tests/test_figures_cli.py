"""`optkit plot` and `optkit run --plot*`: files written whole, bad input in one line with nothing left behind."""

import builtins
import sys

import pytest
from typer.testing import CliRunner

from optkit.cli.app import app

pytest.importorskip("matplotlib")


def invoke(*args):
    return CliRunner().invoke(app, list(args))


def one_line_error(result, *words):
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for word in words:
        assert word in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_plot_e10_showcase(tmp_path):
    out = tmp_path / "e10.png"
    result = invoke("plot", "--fn", "saddle", "--methods", "newton,sfn", "--x0", "1,0.001", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["e10.png"]


@pytest.mark.slow
@pytest.mark.parametrize("flag", ["--convergence", "--spectrum"])
def test_plot_convergence_and_spectrum(tmp_path, flag):
    out = tmp_path / "f.svg"
    result = invoke("plot", "--fn", "himmelblau", "--methods", "newton,gd", "--x0", "0.5,1.5", flag, "--output", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text().lstrip().startswith("<?xml")


@pytest.mark.slow
def test_plot_slice_of_a_4d_problem(tmp_path):
    out = tmp_path / "slice.png"
    result = invoke("plot", "--fn", "rosenbrock", "--n", "4", "--methods", "newton", "--slice-at", "1,1,1,1",
                    "--dims", "0,1", "--box", "-2,2 -1,3", "--levels", "12", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.exists()


@pytest.mark.slow
def test_run_plot_flags(tmp_path):
    files = [tmp_path / "l.png", tmp_path / "c.svg", tmp_path / "s.pdf"]
    result = invoke("run", "newton", "--fn", "himmelblau", "--x0", "0.5,1.5", "--format", "json",
                    "--plot", str(files[0]), "--plot-convergence", str(files[1]), "--plot-spectrum", str(files[2]))
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().startswith("{")  # stdout still carries the JSON alone
    assert all(f.exists() and f.stat().st_size > 1000 for f in files)


def test_contours_of_n_not_2_explain(tmp_path):
    out = tmp_path / "x.png"
    result = invoke("plot", "--fn", "rosenbrock", "--n", "4", "--out", str(out))
    one_line_error(result, "--slice-at", "--convergence")
    assert not out.exists()


@pytest.mark.parametrize("args, words", [
    (["--out", "{tmp}/figure.gif"], [".png, .svg or .pdf"]),
    (["--out", "{tmp}/missing/figure.png"], ["does not exist"]),
    (["--out", "{tmp}/a-file/figure.png"], ["does not exist"]),
    (["--out", "{tmp}/figure.png", "--box", "-1,1 -1,1 -1,1"], ["3 pair(s)"]),
    (["--out", "{tmp}/figure.png", "--box", "1,-1 -1,1"], ["lo < hi"]),
    (["--out", "{tmp}/figure.png", "--levels", "1"], ["--levels"]),
    (["--out", "{tmp}/figure.png", "--methods", "scipy:BFGS"], ["SciPy"]),
    (["--out", "{tmp}/figure.png", "--convergence", "--spectrum"], ["choose one"]),
    (["--out", "{tmp}/figure.png", "--convergence", "--levels", "5"], ["landscape"]),
    ([], ["--output"]),
])
def test_bad_input_one_line_nothing_written(tmp_path, args, words):
    (tmp_path / "a-file").write_text("not a folder")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = invoke("plot", "--fn", "saddle", "--methods", "newton", *args)
    one_line_error(result, *words)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_run_plot_bad_path_fails_before_the_run(tmp_path):
    result = invoke("run", "newton", "--fn", "himmelblau", "--plot", str(tmp_path / "f.jpeg"))
    one_line_error(result, ".png, .svg or .pdf")
    assert result.stdout == ""  # nothing ran


def test_matplotlib_missing_says_how_to_install(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    for key in [k for k in sys.modules if k == "matplotlib" or k.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, key)
    result = invoke("plot", "--fn", "saddle", "--out", str(tmp_path / "f.png"))
    one_line_error(result, 'pip install "optkit[plot]"')
    result = invoke("run", "newton", "--fn", "saddle", "--plot", str(tmp_path / "f.png"))
    one_line_error(result, 'pip install "optkit[plot]"')
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_the_readme_figures_python_block_runs(tmp_path, monkeypatch):
    import re
    from pathlib import Path

    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "optkit.figures" in b)
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(block, "README.md (figures block)", "exec"), namespace)  # the README's own example code
    record = namespace["record"]
    assert [(m.x, m.y, m.kind) for m in record.points] == [(0.0, 0.0, "saddle")]  # x² − y²: by hand
    assert (tmp_path / "e10.svg").exists()


@pytest.mark.slow  # a real process that waits out part of its time limit
def test_plot_timeout_draws_the_runs_as_far_as_they_got(tmp_path):
    """plot --timeout (the conventions: any command): a run that cannot finish is drawn as far as it got,
    methods not reached are named, and the command ends near its limit (60 s is only a hang detector)."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).with_name("optkit")
    if not script.exists():
        pytest.skip("the optkit script is not installed beside this Python")
    figure = tmp_path / "cut.png"
    done = subprocess.run([str(script), "plot", "--fn", "rosenbrock", "-m", "gd:lr=1e-6,newton", "--max-iter",
                           "100000000", "--timeout", "6", "-o", str(figure)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert "cut short by the time limit (--timeout 6 s): gd:lr=1e-6 stopped at iteration" in done.stdout
    assert figure.stat().st_size > 0
