"""The safe formula parser: grammar, exactness, refusals, and never a traceback."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, strategies as st

from optkit.errors import OptkitError
from optkit.symbolic.grammar import (ExpressionError, Num, compile_expression, parse, parse_number,
                                parse_vector, to_sympy)


@pytest.mark.parametrize("text, at, expected", [
    ("x**2 - y**2", (3, 2), 5.0),
    ("x^2 + 1", (2, 0), 5.0),  # ^ is read as a power, with the power's precedence
    ("2*x**2 + 2*y**2 - x*y - 17*y*cos(0.2*pi*x)", (0, 1), 2 - 17),
    ("sigmoid(x)", (0, 0), 0.5),
    ("abs(-x) + sqrt(y)", (-2, 9), 5.0),
    ("e**x", (1, 0), np.e),
    ("-x**2", (3, 0), -9.0),
])
def test_numeric_values(text, at, expected):
    node = parse(text, ["x", "y"])
    assert compile_expression(node, ["x", "y"])(at) == pytest.approx(expected, rel=1e-14)


def test_literals_are_exact():
    node = parse("0.68", ())
    assert node == Num(Fraction(17, 25))
    import sympy as sp
    assert to_sympy(parse("cos(0.2*pi*x)", ["x"]), {"x": sp.Symbol("x")}) == sp.cos(sp.pi * sp.Symbol("x") / 5)


@pytest.mark.parametrize("text, fragment", [
    ("__import__('os')", "unknown function"),
    ("x.__class__", "attribute access"),
    ("lambda: 1", "lambda"),
    ("[x for x in y]", "comprehension"),
    ("foo(x)", "unknown function 'foo'"),
    ("'abc'", "string"),
    ("x if y else 1", "conditional"),
    ("x[0]", "indexing"),
    ("9**9**9", "too large"),
    ("x @ y", "@"),
    ("sin(x, y)", "takes 1 argument"),
    ("sin(x=1)", "keyword"),
    ("1j", "only real numbers"),
    ("", "empty formula"),
    ("x +", "cannot parse"),
    ("(" * 300 + "x" + ")" * 300, "x"),
])
def test_refusals_name_the_problem(text, fragment):
    with pytest.raises(ExpressionError) as info:
        parse(text, None)
    assert fragment in str(info.value)


def test_unknown_variable_is_named():
    with pytest.raises(ExpressionError, match="unknown name 'z'.*x, y"):
        parse("x + z", ["x", "y"])


@pytest.mark.slow  # > 1 s on an idle machine (pytest --durations)
@given(st.text(max_size=200))
def test_arbitrary_text_never_escapes(text):
    try:
        node = parse(text, None)
    except ExpressionError:
        return
    assert node is not None


@given(st.text(alphabet="xy0123456789.+-*/()^ sincoexpqrtlgab,_[]'\"", max_size=80))
def test_formula_like_text_parses_or_fails_cleanly(text):
    try:
        node = parse(text, None)
    except ExpressionError:
        return
    # Whatever parsed evaluates without raising to one number (values may be nan/inf).
    with np.errstate(all="ignore"):
        try:
            value = compile_expression(node, sorted({"x", "y"} | _names(node)))((0.5,) * 8)
        except (ZeroDivisionError, OverflowError):
            return
    assert np.ndim(value) == 0 and isinstance(float(value), float)


def _names(node):
    from optkit.symbolic.grammar import free_variables
    return free_variables(node)


def test_parse_number_and_vectors():
    assert parse_number("1/2") == 0.5
    assert parse_vector("-1.2,1", 2).tolist() == [-1.2, 1.0]
    assert parse_vector("1/2, 3", 2).tolist() == [0.5, 3.0]
    assert parse_vector("(sqrt(21) - 6)/4, 0", 2)[0] == pytest.approx(-0.35435607626104)  # (√21 − 6)/4, by hand
    with pytest.raises(OptkitError, match="has 3 component.*n = 2"):
        parse_vector("1,2,3", 2)
    with pytest.raises(OptkitError, match="malformed"):
        parse_vector("1,abc", 2)
    with pytest.raises(OptkitError, match="empty component"):
        parse_vector("1,,2", 3)
    with pytest.raises(OptkitError, match="not finite|too large|overflow"):
        parse_vector("1e400, 1", 2)
