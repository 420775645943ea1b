"""Safe parsing of user formulas.

User text (``--expr "x**2 - y**2"``, a problem file's formula, a schedule
``"1/(k+2)"``, a vector component ``"1/2"``) is parsed with Python's ``ast``
and checked against a whitelist: numbers, names, ``+ - * / **`` (``^`` is read
as ``**``), unary minus and a fixed set of functions.  Nothing is ever passed
to ``eval``; sympy's own parser is never used on user text because it
evaluates code.  The checked tree is a small immutable AST of our own, which
can be

* compiled to a numpy evaluator (:func:`compile_program`), with no sympy import
  -- this keeps start-up fast;
* converted to sympy (:func:`to_sympy`) for exact derivatives, Taylor
  polynomials and exact arithmetic.

Number literals are kept exactly (``0.68`` is the fraction 17/25), so exact
modes see the formula the user wrote; :mod:`optkit.symbolic.literals` decides
which literals are numbers (decimal finite doubles, judged before any arithmetic).

What is accepted is bounded whatever its source (the user, a problem file or
the derivative cache): text length, nesting depth (:data:`MAX_DEPTH`), constant
exponents (:data:`MAX_EXPONENT`) and every constant subexpression must be a
finite double.

Kept as one piece (over 400 lines) on purpose: this file is the whole trust boundary between user
text and code -- the whitelist, the node types it admits and the two compilers that consume them --
so that one file can be audited for what user text can reach.
"""

from __future__ import annotations

import ast
import math
import warnings
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Sequence, Union

import numpy as np

from optkit.errors import OptkitError
from optkit.symbolic.literals import LiteralError, exact_literal

MAX_TEXT_LENGTH = 4000  # user text; derivative programs are parsed with a larger limit
MAX_EXPONENT = 1000  # a constant exponent beyond this is refused: sympy would hang on 9**9**9
MAX_DEPTH = 200  # nesting levels (a chain a+b+c+... counts one level per operator): recursion stays bounded
MAX_DEPTH_INTERNAL = 400  # derivative programs printed by sympy may nest deeper than what a user types


class ExpressionError(OptkitError):
    """A formula outside the restricted grammar."""


# ---------------------------------------------------------------- the tree


@dataclass(frozen=True)
class Num:
    value: Fraction | float  # Fraction when the literal is exact


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class Const:
    name: str  # "pi" or "e"


@dataclass(frozen=True)
class Neg:
    operand: "Node"


@dataclass(frozen=True)
class Bin:
    op: str  # one of + - * / **
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class Call:
    fn: str
    args: tuple["Node", ...]


Node = Union[Num, Var, Const, Neg, Bin, Call]

# name -> (arity, numpy implementation).  Canonical names follow sympy's
# printer so that derivative programs printed by sympy parse back.
FUNCTIONS: dict[str, tuple[int, Callable]] = {
    "sin": (1, np.sin),
    "cos": (1, np.cos),
    "tan": (1, np.tan),
    "exp": (1, np.exp),
    "log": (1, np.log),
    "sqrt": (1, np.sqrt),
    "tanh": (1, np.tanh),
    "sinh": (1, np.sinh),
    "cosh": (1, np.cosh),
    "atan": (1, np.arctan),
    "asin": (1, np.arcsin),
    "acos": (1, np.arccos),
    "Abs": (1, np.abs),
    "sign": (1, np.sign),
}
ALIASES = {"abs": "Abs", "arctan": "atan", "arcsin": "asin", "arccos": "acos", "ln": "log"}
CONSTANTS = {"pi": math.pi, "e": math.e, "E": math.e}
_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


def allowed_functions() -> list[str]:
    return sorted(set(FUNCTIONS) | set(ALIASES) | {"sigmoid"})


# ---------------------------------------------------------------- parsing


def parse(text: str, variables: Sequence[str] | None = None, *, max_length: int = MAX_TEXT_LENGTH,
          max_depth: int = MAX_DEPTH) -> Node:
    """Parse ``text`` into a checked tree.

    ``variables``: the names allowed as variables; ``None`` allows any plain
    identifier (used to discover the variables of ``--expr``).  A declared
    variable wins over a constant of the same name (``--vars e,x`` makes ``e``
    a variable); undeclared, ``e``, ``E`` and ``pi`` are the constants.
    """
    if not isinstance(text, str):
        raise ExpressionError("a formula must be text")
    if len(text) > max_length:
        raise ExpressionError(f"formula is {len(text)} characters long; at most {max_length} are accepted")
    if not text.strip():
        raise ExpressionError("empty formula; write one such as 'x**2 - y**2'")
    source = text.replace("^", "**").strip()
    try:
        with warnings.catch_warnings():  # "'int' object is not callable; perhaps you missed a comma?"
            warnings.simplefilter("ignore")
            tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse formula {text!r}: {exc.msg}") from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError(f"cannot parse formula {_short(text)}: it is malformed or nested too deeply") from None
    depth = _depth(tree.body)
    if depth > max_depth:
        raise ExpressionError(f"formula {_short(text)} is nested {depth} levels deep; at most {max_depth} are "
                              "accepted (each operator of a long sum or product counts one level)")
    try:
        node = _Checker(source, variables).visit(tree.body)
        _audit(node)
    except RecursionError:  # bounded by max_depth; kept as a last guard for a small recursion limit
        raise ExpressionError(f"formula {_short(text)} is nested too deeply") from None
    return node


def _depth(root: ast.AST) -> int:
    """Nesting depth of a Python ast, computed without recursion (the tree may be very deep)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node)
                     if not isinstance(child, (ast.operator, ast.unaryop, ast.expr_context)))
    return deepest


def _short(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


class _Checker:
    """Turns a Python ``ast`` into our tree, refusing everything not whitelisted."""

    def __init__(self, source: str, variables: Sequence[str] | None):
        self.source = source
        # A set is used as given: the derivative cache grows one set over thousands of temporaries.
        self.variables = variables if variables is None or isinstance(variables, (set, frozenset)) \
            else set(variables)

    def visit(self, node: ast.AST) -> Node:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            raise ExpressionError(f"{_describe(node)} is not allowed in a formula; use numbers, variables, "
                                  f"+ - * / ** and the functions {', '.join(allowed_functions())}")
        return method(node)

    def visit_Constant(self, node: ast.Constant) -> Node:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ExpressionError(f"{_describe(node)} is not allowed in a formula; only real numbers are")
        try:
            return Num(exact_literal(self._segment(node)))
        except LiteralError as exc:
            raise ExpressionError(str(exc)) from None

    def visit_Name(self, node: ast.Name) -> Node:
        name = node.id
        if self.variables is not None and name in self.variables:
            return Var(name)  # a declared variable wins over the constant of the same name
        if name in CONSTANTS:
            return Const("e" if name == "E" else name)
        if name.startswith("__"):
            raise ExpressionError(f"name {name!r} is not allowed in a formula")
        if name.lower() in ("nan", "inf", "infinity"):  # reads as a number, would be a variable: refuse
            raise ExpressionError(f"name {name!r} is not allowed in a formula: a formula's numbers are finite, "
                                  "and a variable so named would read as one")
        if self.variables is not None and not self.variables:
            raise ExpressionError(f"unknown name {name!r}: a number has no variables; write e.g. 0.5, 1/3, "
                                  "2.5e-3, sqrt(2) or pi/4")
        if self.variables is not None and name not in self.variables:
            known = ", ".join(sorted(self.variables)) or "none"
            raise ExpressionError(f"unknown name {name!r} in formula; the variables are: {known}")
        return Var(name)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Node:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.USub):
            return Num(-operand.value) if isinstance(operand, Num) else Neg(operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        raise ExpressionError(f"operator {_describe(node.op)} is not allowed in a formula")

    def visit_BinOp(self, node: ast.BinOp) -> Node:
        op = _OPS.get(type(node.op))
        if op is None:
            raise ExpressionError(f"operator {_describe(node.op)} is not allowed in a formula; use + - * / **")
        return Bin(op, self.visit(node.left), self.visit(node.right))

    def visit_Call(self, node: ast.Call) -> Node:
        if not isinstance(node.func, ast.Name):
            raise ExpressionError(f"{_describe(node.func)} cannot be called; call a function by name, such as sin(x)")
        if node.keywords:
            raise ExpressionError(f"keyword arguments are not allowed in a formula (in a call of {node.func.id})")
        name = ALIASES.get(node.func.id, node.func.id)
        if name not in FUNCTIONS and name != "sigmoid":
            raise ExpressionError(f"unknown function {node.func.id!r}; allowed: {', '.join(allowed_functions())}")
        args = tuple(self.visit(a) for a in node.args)
        if name == "sigmoid":  # σ(t) = 1/(1 + e^(−t)), written out so sympy differentiates it
            _arity(name, args, 1)
            return Bin("/", Num(Fraction(1)), Bin("+", Num(Fraction(1)), Call("exp", (Neg(args[0]),))))
        _arity(name, args, FUNCTIONS[name][0])
        return Call(name, args)

    def visit_Starred(self, node: ast.AST) -> Node:
        raise ExpressionError("starred arguments are not allowed in a formula")

    def _segment(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.source, node) or repr(getattr(node, "value", ""))


def _audit(root: Node) -> None:
    """Every constant subexpression is a finite double and constant exponents are bounded.

    One bottom-up pass (the tree is at most MAX_DEPTH_INTERNAL deep), so thousands of
    constants cost linear time.
    """
    def visit(node: Node) -> float | None:
        if isinstance(node, Num):
            return float(node.value)
        if isinstance(node, Const):
            return CONSTANTS[node.name]
        if isinstance(node, Var):
            return None
        if isinstance(node, Neg):
            inner = visit(node.operand)
            return None if inner is None else -inner
        if isinstance(node, Bin):
            a, b = visit(node.left), visit(node.right)
            if node.op == "**" and b is not None:
                if abs(b) > MAX_EXPONENT:
                    raise ExpressionError(f"exponent {b:g} is too large; constant exponents must lie within "
                                          f"±{MAX_EXPONENT}")
                if a is not None and a != 0 and abs(b * math.log(abs(a))) > 700:
                    raise ExpressionError("a constant power in the formula overflows double precision")
            if a is None or b is None:
                return None
            return _finite(_compile(Bin(node.op, Num(a), Num(b)), {})(()))
        if isinstance(node, Call):
            inner = [visit(arg) for arg in node.args]
            if any(v is None for v in inner):
                return None
            return _finite(_compile(Call(node.fn, tuple(Num(v) for v in inner)), {})(()))
        raise TypeError(f"not an expression node: {node!r}")

    with np.errstate(all="ignore"):  # 1/0 is reported as an error, not as a warning
        visit(root)


def _finite(value) -> float:
    with np.errstate(all="ignore"):
        value = float(value)
    if not math.isfinite(value):
        raise ExpressionError("a constant part of the formula is not a finite number (it overflows or is undefined)")
    return value


def _arity(name: str, args: tuple, expected: int) -> None:
    if len(args) != expected:
        raise ExpressionError(f"function {name} takes {expected} argument(s), got {len(args)}")


def _describe(node: ast.AST) -> str:
    names = {
        "Attribute": "attribute access", "Lambda": "lambda", "ListComp": "a comprehension",
        "SetComp": "a comprehension", "DictComp": "a comprehension", "GeneratorExp": "a comprehension",
        "Subscript": "indexing", "Compare": "a comparison", "BoolOp": "a boolean operator",
        "IfExp": "a conditional expression", "JoinedStr": "a string", "List": "a list", "Tuple": "a tuple",
        "Dict": "a dict", "Set": "a set", "NamedExpr": "an assignment", "Await": "await",
        "Yield": "yield", "BitXor": "^", "BitAnd": "&", "BitOr": "|", "MatMult": "@", "Mod": "%",
        "FloorDiv": "//", "LShift": "<<", "RShift": ">>", "Not": "not", "Invert": "~",
    }
    if isinstance(node, ast.Constant):
        return "a string" if isinstance(node.value, (str, bytes)) else f"the constant {node.value!r}"
    return names.get(type(node).__name__, type(node).__name__)


# ---------------------------------------------------------------- inspection


def free_variables(node: Node) -> set[str]:
    if isinstance(node, Var):
        return {node.name}
    if isinstance(node, Neg):
        return free_variables(node.operand)
    if isinstance(node, Bin):
        return free_variables(node.left) | free_variables(node.right)
    if isinstance(node, Call):
        return set().union(*(free_variables(a) for a in node.args)) if node.args else set()
    return set()


def is_constant(node: Node) -> bool:
    return not free_variables(node)


def constant_value(node: Node) -> float:
    """Float value of a variable-free tree (overflow is an ExpressionError)."""
    with np.errstate(all="ignore"):
        value = float(_compile(node, {})(()))
    if not math.isfinite(value):
        raise ExpressionError("the formula's constant part is not a finite number")
    return value


# ---------------------------------------------------------------- numpy evaluation


def _compile(node: Node, slots: dict[str, int]) -> Callable[[Sequence], object]:
    """Compile a tree to nested closures reading variable values from a sequence."""
    if isinstance(node, Num):
        value = float(node.value)
        return lambda env: value
    if isinstance(node, Const):
        value = CONSTANTS[node.name]
        return lambda env: value
    if isinstance(node, Var):
        slot = slots[node.name]
        return lambda env: env[slot]
    if isinstance(node, Neg):
        inner = _compile(node.operand, slots)
        return lambda env: -inner(env)
    if isinstance(node, Bin):
        a, b = _compile(node.left, slots), _compile(node.right, slots)
        if node.op == "+":
            return lambda env: a(env) + b(env)
        if node.op == "-":
            return lambda env: a(env) - b(env)
        if node.op == "*":
            return lambda env: a(env) * b(env)
        if node.op == "/":
            return lambda env: np.divide(a(env), b(env))
        if isinstance(node.right, Num) and float(node.right.value) == int(node.right.value):
            k = int(node.right.value)  # integer powers stay exact and sign-correct for negative bases
            return lambda env: np.power(a(env), k) if k >= 0 else np.divide(1.0, np.power(a(env), -k))
        return lambda env: np.power(a(env), b(env))
    if isinstance(node, Call):
        fn = FUNCTIONS[node.fn][1]
        args = [_compile(x, slots) for x in node.args]
        (arg,) = args
        return lambda env: fn(arg(env))
    raise TypeError(f"not an expression node: {node!r}")


@dataclass(frozen=True)
class Program:
    """A list of outputs sharing common subexpressions (``temps``), as sympy's cse gives them."""

    variables: tuple[str, ...]
    temps: tuple[tuple[str, Node], ...]
    outputs: tuple[Node, ...]


def compile_program(program: Program) -> Callable[[Sequence[float]], list]:
    """Evaluator ``values -> [output values]``: temps are computed once, in order."""
    slots = {name: i for i, name in enumerate(program.variables)}
    temp_fns = []
    for name, node in program.temps:
        temp_fns.append(_compile(node, slots))
        slots[name] = len(slots)
    out_fns = [_compile(node, slots) for node in program.outputs]

    def evaluate(values: Sequence[float]) -> list:
        env = list(values)
        for fn in temp_fns:
            env.append(fn(env))
        return [fn(env) for fn in out_fns]

    return evaluate


def compile_expression(node: Node, variables: Sequence[str]) -> Callable[[Sequence[float]], object]:
    return _compile(node, {name: i for i, name in enumerate(variables)})


# ---------------------------------------------------------------- sympy


def to_sympy(node: Node, symbols: dict):
    """Exact sympy expression for a tree; ``symbols`` maps names to sympy symbols."""
    import sympy as sp

    if isinstance(node, Num):
        v = node.value
        return sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sp.Float(v)
    if isinstance(node, Const):
        return sp.pi if node.name == "pi" else sp.E
    if isinstance(node, Var):
        return symbols[node.name]
    if isinstance(node, Neg):
        return -to_sympy(node.operand, symbols)
    if isinstance(node, Bin):
        a, b = to_sympy(node.left, symbols), to_sympy(node.right, symbols)
        return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
                "/": lambda: a / b, "**": lambda: a**b}[node.op]()
    if isinstance(node, Call):
        fn = {"Abs": sp.Abs}.get(node.fn) or getattr(sp, node.fn)
        return fn(*(to_sympy(a, symbols) for a in node.args))
    raise TypeError(f"not an expression node: {node!r}")


# ---------------------------------------------------------------- vectors


def parse_number(text: str, what: str = "number") -> float:
    """A finite real number written as a constant formula: ``-1.2``, ``1/2``, ``sqrt(2)/2``, ``pi``."""
    try:
        node = parse(text.strip(), variables=())
        value = constant_value(node)
    except ExpressionError as exc:
        raise OptkitError(f"malformed {what} {_short(text.strip())}: {_reason(exc)}") from None
    return value


def parse_exact_number(text: str):
    """The same number as sympy (exact: '0.1' is 1/10)."""
    return to_sympy(parse(text.strip(), variables=()), {})


def split_vector(text: str) -> list[str]:
    """Split '1, 2' or '(1, 2)' or '[1 2]' into component texts (commas outside parentheses)."""
    body = text.strip()
    if len(body) >= 2 and body[0] + body[-1] in ("()", "[]"):
        body = body[1:-1]
    parts, depth, current = [], 0, []
    for ch in body:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    parts = [p.strip() for p in parts]
    if len(parts) == 1 and " " in parts[0] and depth == 0:
        parts = parts[0].split()
    return parts


def parse_vector(text: str, n: int | None = None, what: str = "vector") -> np.ndarray:
    """Parse '-1.2,1' or '1/2, 3' into a float array, checking the length when ``n`` is given."""
    parts = split_vector(text)
    if any(p == "" for p in parts):
        raise OptkitError(f"malformed {what} {_short(text)}: empty component; write numbers separated by commas, "
                          "e.g. 0,0")
    values = np.array([parse_number(p, f"component of {what}") for p in parts], dtype=float)
    if n is not None and values.size != n:
        raise OptkitError(f"{what} {_short(text)} has {values.size} component(s); this problem has n = {n}")
    return values


def _reason(exc: ExpressionError) -> str:
    msg = str(exc)
    return msg[0].lower() + msg[1:] if msg else "not a number"
