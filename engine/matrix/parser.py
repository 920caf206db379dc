"""Matrix formula text → shaped expression, by a small hand-written grammar (user text never reaches eval/exec).

Grammar (``'`` transposes and binds tightest; ``^``/``.^`` bind tighter than unary minus: ``-x.^2`` is
``-(x.^2)``)::

    sum     := term (('+' | '-') term)*
    term    := unary (('*' | '.*' | '/' | './') unary)*
    unary   := ('-' | '+') unary | power
    power   := postfix (('^' | '.^') unary)?
    postfix := atom ("'")*
    atom    := NUMBER | NAME | FUNCTION '(' sum (',' sum)* ')' | ('ones'|'zeros') '(' INT ',' INT ')'
             | 'eye' '(' INT ')' | '(' sum ')'

``*`` is the matrix product (scaling when one side is a scalar); ``.* ./ .^`` are entrywise; ``/`` and ``^`` take a
scalar right side (``^`` a scalar base too: a matrix power is not offered). A shape error is a
:class:`~engine.matrix.shapes.ShapeError` at the operator's position; any other error a ``ParseError``.
"""
from __future__ import annotations

from typing import Callable, Mapping

from engine.expr.parser import MAX_DEPTH, MAX_LENGTH, ParseError, Token, typed_text  # noqa: F401
from engine.expr.parser import _Parser as _ScalarGrammar
# (the same caps as scalar formulas: MAX_DEPTH is enforced by the inherited ``enter``)
from engine.expr.tokens import OperatorTable
from engine.expr.tokens import tokenize as tokenize_with
from engine.matrix import build as B
from engine.matrix.node import ShapedExpression
from engine.matrix.rules import CONSTANT_FUNCTIONS, FUNCTIONS, RULES
from engine.matrix.shapes import MAX_DIMENSION, ShapeError, default_shape, describe, normalize_shapes

MATRIX_OPERATORS = OperatorTable(operators=(".*", "./", ".^", "+", "-", "*", "/", "^"), spellings={"**": "^"},
                                 transposes=("'", "ᵀ", "’"))


def tokenize(text: str) -> list[Token]:
    """The tokens of a matrix formula (the shared tokenizer with the matrix operators and transposes)."""
    return tokenize_with(text, MATRIX_OPERATORS)


def _divide(left: ShapedExpression, right: ShapedExpression, pos: int) -> ShapedExpression:
    if not right.is_scalar:
        raise ShapeError(f"cannot divide by {describe(right.shape)} with /; use ./ to divide entrywise",
                         pos, "divide", (left.shape, right.shape))
    return B.div(left, right, pos)


def _power(base: ShapedExpression, exponent: ShapedExpression, pos: int) -> ShapedExpression:
    if not (base.is_scalar and exponent.is_scalar):
        raise ShapeError(f"^ raises a scalar to a scalar power, not {describe(base.shape)} to "
                         f"{describe(exponent.shape)}; use .^ for entrywise powers (and A*A for a matrix "
                         f"square)", pos, "raise", (base.shape, exponent.shape))
    return B.pow(base, exponent, pos)


class _Parser(_ScalarGrammar):
    """The scalar grammar (token handling, the levels, ``parse``, ``close``, operand checks) with the matrix
    operators, builders, transposes and constant matrices."""
    OPERATORS = MATRIX_OPERATORS
    LEVELS = ({"+": B.add, "-": B.sub}, {"*": B.mm, ".*": B.mul, "/": _divide, "./": B.div})
    POWERS = {"^": _power, ".^": B.pow}

    def __init__(self, text: str, shapes: Mapping[str, tuple[int, int]]):
        super().__init__(text)
        self.shapes = shapes

    def build(self, builder: Callable, left: ShapedExpression, right: ShapedExpression,
              op: Token) -> ShapedExpression:
        return builder(left, right, op.pos)

    def negative(self, operand: ShapedExpression) -> ShapedExpression:
        return B.neg(operand)

    def atom(self) -> ShapedExpression:
        """Numbers and transposes here; names (self.name), parentheses and the error messages from the scalar
        grammar."""
        t = self.tok
        if t.kind == "num":
            self.advance()
            node = B.const(float(t.text))
        else:
            node = super().atom()
        while self.tok.kind == "'":
            node = B.T(node, self.advance().pos)
        return node

    def name(self) -> ShapedExpression:
        t = self.advance()
        is_call = self.tok.kind == "("
        if t.text in FUNCTIONS or t.text in CONSTANT_FUNCTIONS:
            if not is_call:
                raise ParseError(f"function '{t.text}' needs an argument in parentheses: {t.text}(…)", t.pos)
            opener = self.tok
            args = self.arguments()
            return self.constant_call(t, args, opener.pos) if t.text in CONSTANT_FUNCTIONS else self.call(t, args)
        if is_call:
            raise ParseError(f"unknown function '{t.text}'", t.pos)
        return B.var(t.text, self.shapes.get(t.text) or default_shape(t.text))

    def call(self, fn: Token, args: list) -> ShapedExpression:
        self.check_arity(fn, RULES[fn.text].arity, args)
        return B.fn(fn.text, *args, pos=fn.pos)

    def constant_call(self, fn: Token, args: list, opener: int) -> ShapedExpression:
        sizes = [a.value for a in args if a.op == "const"]
        wanted = 1 if fn.text == "eye" else 2
        if (len(args) != wanted or len(sizes) != wanted
                or not all(float(s).is_integer() and 1 <= s <= MAX_DIMENSION for s in sizes)):
            example = "eye(3)" if fn.text == "eye" else f"{fn.text}(3,1)"
            raise ParseError(f"{fn.text} takes {wanted} whole number{'s' if wanted > 1 else ''} from 1 to "
                             f"{MAX_DIMENSION}, e.g. {example}", opener)
        dims = tuple(int(s) for s in sizes)
        return B.eye(dims[0]) if fn.text == "eye" else (B.ones if fn.text == "ones" else B.zeros)(dims)


def variable_names(text: str) -> list[str]:
    """The variable names a formula uses, in order of first appearance, read from its tokens alone (so a formula with
    a shape error, or a syntax error after them, still names its variables)."""
    names: list[str] = []
    try:
        tokens = tokenize(text[:MAX_LENGTH]) if isinstance(text, str) else []
    except ParseError as error:
        tokens = tokenize(text[:error.position]) if error.position < len(text) else []
    for i, t in enumerate(tokens):
        called = i + 1 < len(tokens) and tokens[i + 1].kind == "("
        if t.kind == "name" and not called and t.text not in FUNCTIONS and t.text not in CONSTANT_FUNCTIONS \
                and t.text not in names:
            names.append(t.text)
    return names


def parse_matrix(text: str, shapes: Mapping[str, object] | None = None) -> ShapedExpression:
    """Parse a matrix formula such as ``norm2(X - U*V)^2``. ``shapes`` overrides the default convention per name
    (``(rows, cols)``, or ``n`` for an n-vector). Raises ``ParseError`` (``ShapeError`` for shapes) with a position."""
    return _Parser(typed_text(text), normalize_shapes(shapes)).parse()
