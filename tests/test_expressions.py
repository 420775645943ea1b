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


# ---------------------------------------------------------------- hostile literals and nesting (issue 8)

HOSTILE_LITERALS = ["1e-100000000", "1e100000000", "9" * 400, "0." + "0" * 3000 + "1", "1e-400", "1e308",
                    "4.9e-324", "0x10", "1_000", "1e+0000000000000000000005", "2.5e-3", "0e-100000000"]
_leaf = st.sampled_from(["x", "y", "e", "pi", "0", "1", "2.5", *HOSTILE_LITERALS])


def _combine(children):
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children).map(
        lambda t: f"({t[0]}){t[1]}({t[2]})")
    call = st.tuples(st.sampled_from(["sin", "exp", "log", "sqrt", "abs", "sigmoid"]), children).map(
        lambda t: f"{t[0]}({t[1]})")
    return binary | call | children.map(lambda c: f"-({c})")


def _deep(depth: int, kind: str) -> str:
    if kind == "power":
        return "**".join(["x"] * depth)
    if kind == "sum":
        return "+".join(["x"] * depth)
    opener, closer = {"call": ("sin(", ")"), "paren": ("(", ")"), "neg": ("-", "")}[kind]
    return opener * depth + "x" + closer * depth


@pytest.mark.slow
@given(st.recursive(_leaf, _combine, max_leaves=12) | st.builds(
    _deep, st.integers(1, 1500), st.sampled_from(["power", "sum", "call", "paren", "neg"])))
def test_fuzz_huge_exponents_and_deep_nesting_parse_or_fail_cleanly(text):
    """Only ExpressionError, promptly; whatever parses evaluates without raising (values may be nan/inf)."""
    try:
        node = parse(text, None)
    except ExpressionError:
        return
    with np.errstate(all="ignore"):
        value = compile_expression(node, sorted({"x", "y"} | _names(node)))((0.5,) * 8)
    assert isinstance(float(value), float)


@pytest.mark.parametrize("text", ["1e-100000000", "1e100000000", "9" * 400, "1e-400", "0x10", "1_000",
                                  "1e308*1e308", "1/0", "1j", "nan", "inf"])
def test_numbers_outside_doubles_or_decimal_are_refused(text):
    with pytest.raises(OptkitError):
        parse_number(text)


@pytest.mark.parametrize("text, value", [
    ("1e308", 1e308), ("4.9e-324", 5e-324), ("2.5e-3", 0.0025), ("0e-100000000", 0.0), ("-1.5", -1.5),
    ("1.7976931348623157e308", 1.7976931348623157e308),  # the largest double, by its IEEE definition
])
def test_numbers_at_the_edges_of_doubles_are_accepted(text, value):
    assert parse_number(text) == value


def test_a_declared_variable_wins_over_a_constant():
    assert parse("e*x", ["e", "x"]).left.name == "e"
    assert type(parse("e*x", ["e", "x"]).left).__name__ == "Var"
    assert type(parse("e*x", None).left).__name__ == "Const"
