"""The derivative cache is never trusted: every entry is checked against what it was derived from.

Golden values by hand: f = x²y + 3y at (1, 2) is 8, ∇f = (2xy, x² + 3) = (4, 4),
∇²f = [[2y, 2x], [2x, 0]] = [[4, 2], [2, 0]]; g = x³ − y at (1, 2) is −1, ∇g = (3x², −1) = (3, −1),
∇²g = [[6x, 0], [0, 0]] = [[6, 0], [0, 0]].
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from optkit.problems.formula import formula_functions
from optkit.symbolic import derivatives

F, G = "x**2*y + 3*y", "x**3 - y"
VARS = ("x", "y")
F_AT = (8.0, [4.0, 4.0], [[4.0, 2.0], [2.0, 0.0]])
G_AT = (-1.0, [3.0, -1.0], [[6.0, 0.0], [0.0, 0.0]])


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("OPTKIT_CACHE_DIR", str(folder))
    return folder


def values(formula):
    f, grad, hess = formula_functions(formula, VARS)
    x = np.array([1.0, 2.0])
    return f(x), grad(x).tolist(), hess(x).tolist()


def entry_of(cache: Path, formula: str) -> Path:
    before = set(cache.glob("*.json")) if cache.exists() else set()
    values(formula)
    (path,) = set(cache.glob("*.json")) - before
    return path


def test_entry_records_what_it_was_derived_from(cache):
    data = json.loads(entry_of(cache, F).read_text())
    from optkit import __version__

    assert data["formula"] == F and data["variables"] == list(VARS)
    assert data["optkit"] == __version__ and data["format"] == derivatives.CACHE_FORMAT


def test_a_foreign_entry_copied_over_another_is_ignored(cache):
    f_path, g_path = entry_of(cache, F), entry_of(cache, G)
    g_path.write_text(f_path.read_text())  # g's entry now holds f's derivatives
    assert values(G) == G_AT
    assert json.loads(g_path.read_text())["formula"] == G  # re-derived and rewritten


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],                       # truncated
    lambda text: b"\xff\xfe\x00garbage",                       # undecodable
    lambda text: "[]",                                         # wrong type
    lambda text: json.dumps({**json.loads(text), "hess": {"temps": [], "outputs": ["1"]}}),  # wrong shape
    lambda text: json.dumps({**json.loads(text), "grad": {"temps": [["_t0"]], "outputs": ["x", "y"]}}),
    lambda text: json.dumps({**json.loads(text), "optkit": "0.0.0"}),       # another version
    lambda text: json.dumps({**json.loads(text), "variables": ["y", "x"]}),  # other variable order
    lambda text: json.dumps({**json.loads(text), "f": {"temps": [], "outputs": ["__import__('os')"]}}),
    lambda text: json.dumps({**json.loads(text), "f": {"temps": [], "outputs": ["1e-100000000*_v0"]}}),
], ids=["truncated", "undecodable", "not-a-dict", "wrong-shape", "bad-temp", "version", "variables",
        "code", "huge-exponent"])
def test_a_damaged_entry_is_ignored_and_derived_again(cache, damage):
    path = entry_of(cache, F)
    damaged = damage(path.read_text())
    path.write_bytes(damaged if isinstance(damaged, bytes) else damaged.encode())
    assert values(F) == F_AT


def test_two_hundred_thousand_temporaries_are_refused_unparsed(cache):
    """A hostile entry with 200,000 temporaries (it hung the parser) is over the bound: ignored."""
    path = entry_of(cache, F)
    data = json.loads(path.read_text())
    data["f"] = {"temps": [[f"_t{i}", "1"] for i in range(200_000)], "outputs": ["_t199999"]}
    path.write_text(json.dumps(data))
    assert path.stat().st_size <= derivatives.MAX_ENTRY_BYTES  # the bound hit is the count, not the size
    assert values(F) == F_AT


def test_an_oversized_entry_is_not_read(cache):
    path = entry_of(cache, F)
    path.write_text(" " * (derivatives.MAX_ENTRY_BYTES + 1))
    assert values(F) == F_AT


def test_an_entry_that_is_a_folder_leaves_no_temporary_files(cache, monkeypatch):
    monkeypatch.setattr(derivatives, "_warned_unwritable", True)  # said once; here it is not the point
    path = entry_of(cache, F)
    path.unlink()
    path.mkdir()
    assert values(F) == F_AT
    assert list(cache.glob("*.tmp")) == []


def test_an_unwritable_cache_is_said_once(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("OPTKIT_CACHE_DIR", str(blocker / "cache"))  # under a file: never writable
    monkeypatch.setattr(derivatives, "_warned_unwritable", False)
    with pytest.warns(derivatives.CacheWarning, match="cannot be written"):
        assert values(F) == F_AT
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert values(G) == G_AT  # the second formula re-derives silently: said once


def test_variables_named_like_constants_win(cache):
    """--vars e,x: e is the variable (f = e·x at (1, 1) is 1, ∂f/∂e = x = 1), not Euler's number."""
    f, grad, hess = formula_functions("e*x + pi", ("e", "x", "pi"))
    x = np.array([1.0, 1.0, 2.0])
    assert f(x) == 3.0 and grad(x).tolist() == [1.0, 1.0, 1.0]
    assert hess(x).tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    # Undeclared, e is the constant: d/dx (e·x) = e.
    f, grad, _ = formula_functions("e*x", ("x",))
    assert grad(np.array([1.0]))[0] == pytest.approx(np.e, rel=1e-15)
