"""In a notebook: a short repr, an HTML table, the trace as arrays and (pandas optional) a DataFrame."""

from __future__ import annotations

import builtins

import numpy as np
import pytest

import optkit
from optkit.errors import OptkitError


@pytest.fixture(scope="module")
def e2():
    return optkit.minimize(optkit.get_problem("course-2.2"), "newton", [0, 0])


def test_result_repr_is_one_short_line(e2):
    text = repr(e2)
    assert "\n" not in text and len(text) < 120
    assert text.startswith("Result(newton on course-2.2: minimum") and "-36.403498" in text  # E2's f*


def test_result_html_shows_summary_and_trace(e2):
    html = e2._repr_html_()
    assert html.count("<table>") == 2 and "minimum" in html
    assert "1.1333333" in html  # x₁ = 17/15 (E2, by hand) in the trace table
    assert "<script" not in html


def test_trace_arrays_and_frame(e2):
    arrays = e2.trace_arrays()
    assert arrays["x"].shape == (len(e2.trace), 2)
    np.testing.assert_allclose(arrays["x"][1], [17 / 15, 68 / 15])  # E2 by hand
    pytest.importorskip("pandas", reason="pandas is optional for users (the test extra installs it for CI)")
    frame = e2.trace_frame()
    assert list(frame.columns[:3]) == ["x", "y", "f"] and frame.index.name == "k"
    assert frame.loc[1, "x"] == pytest.approx(17 / 15)


def test_trace_frame_without_pandas_says_how(e2, monkeypatch):
    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(OptkitError, match="needs pandas"):
        e2.trace_frame()
    assert e2.trace_arrays()["f"].size == len(e2.trace)  # arrays need numpy only


def test_classification_displays():
    result = optkit.classify_stationary_points(optkit.get_problem("quartic"))
    assert repr(result).startswith("ClassifyResult(quartic, exact path: 3 stationary points")
    html = result._repr_html_()
    assert html.count("<tr>") == 4 and "saddle point (index 1)" in html  # header + E1's three points
    point = optkit.classify_point([0.0, 0.0], [[1.0, 0.0], [0.0, -1.0]])
    assert repr(point) == "Classification(saddle point (index 1), eigenvalues (-1, 1))"
    assert "saddle" in point._repr_html_()
