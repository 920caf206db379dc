"""Formula text → Expression, by a small hand-written grammar (no eval, exec, ast-compile or sympy on user text).

Grammar (``^`` and ``**`` are power, right-associative, binding tighter than unary minus: ``-x^2`` is ``-(x^2)``)::

    sum    := term (('+' | '-') term)*
    term   := unary (('*' | '/') unary)*
    unary  := ('-' | '+') unary | power
    power  := atom (('^' | '**') unary)?
    atom   := NUMBER | NAME | FUNCTION '(' sum (',' sum)* ')' | '(' sum ')'

Every error is a :class:`ParseError` carrying the character position a window can underline.
"""
from __future__ import annotations

from functools import lru_cache

import math
from typing import Callable

from engine.expr import build as E
from engine.expr.primitives import FUNCTIONS
from engine.expr.tokens import OperatorTable, ParseError, Token
from engine.expr.tokens import tokenize as tokenize_with

MAX_LENGTH = 2000
MAX_DEPTH = 100
CONSTANTS = {"pi": math.pi, "e": math.e}
SCALAR_OPERATORS = OperatorTable(operators=("+", "-", "*", "/", "^"), spellings={"**": "^"})


def tokenize(text: str) -> list[Token]:
    """The tokens of a scalar formula (the shared tokenizer with the scalar operators)."""
    return tokenize_with(text, SCALAR_OPERATORS)


class _Parser:
    """The scalar grammar; each level's operators map to the builder of their node (the matrix grammar swaps the
    tables and the builders' signature)."""
    OPERATORS = SCALAR_OPERATORS
    LEVELS = ({"+": E.add, "-": E.sub}, {"*": E.mul, "/": E.div})   # sums, then products
    POWERS = {"^": E.pow}

    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize_with(text, self.OPERATORS)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError(f"formula nested deeper than {MAX_DEPTH} levels", pos)

    def parse(self) -> E.Expression:
        if self.tok.kind == "end":
            raise ParseError("empty formula", 0)
        result = self.binary()
        t = self.tok
        if t.kind == ")":
            raise ParseError("unmatched ')'", t.pos)
        if t.kind != "end":
            if t.kind in ("num", "name", "("):
                raise ParseError(f"missing operator before '{t.text}'", t.pos)
            raise ParseError(f"unexpected '{t.text}'", t.pos)
        return result

    def binary(self, level: int = 0) -> E.Expression:
        """``operand (op operand)*`` over the operators of ``LEVELS[level]``, grouped from the left; the operands are
        the next level's (sums of products of unary terms). The recursion is written out, not passed as a function:
        each Python frame per nesting level counts against the interpreter's recursion limit."""
        builders = self.LEVELS[level]
        deeper = level + 1 < len(self.LEVELS)
        left = self.binary(level + 1) if deeper else self.unary()
        while self.tok.kind == "op" and self.tok.text in builders:
            op = self.advance()
            self.expect_operand(op)
            right = self.binary(level + 1) if deeper else self.unary()
            left = self.build(builders[op.text], left, right, op)
        return left

    def build(self, builder: Callable, left: E.Expression, right: E.Expression, op: Token) -> E.Expression:
        return builder(left, right)

    def expect_operand(self, op: Token) -> None:
        """After an operator comes an operand: a sign may start one, any other operator or a closer may not."""
        t = self.tok
        if t.kind in ("end", ")", ",", "'") or (t.kind == "op" and t.text not in ("+", "-")):
            typed = self.OPERATORS.typed(self.text, op)   # name what the user typed: '**', not '^'
            raise ParseError(f"missing operand after '{typed}'", t.pos if t.kind != "end" else op.pos)

    def unary(self) -> E.Expression:
        t = self.tok
        if t.kind == "op" and t.text in "+-":
            self.advance()
            self.enter(t.pos)
            self.expect_operand(t)
            operand = self.unary()
            self.depth -= 1
            return self.negative(operand) if t.text == "-" else operand
        return self.power()

    def negative(self, operand: E.Expression) -> E.Expression:
        return E.neg(operand)

    def power(self) -> E.Expression:
        base = self.atom()
        if self.tok.kind == "op" and self.tok.text in self.POWERS:
            op = self.advance()
            self.enter(op.pos)
            self.expect_operand(op)
            exponent = self.unary()
            self.depth -= 1
            return self.build(self.POWERS[op.text], base, exponent, op)
        return base

    def atom(self) -> E.Expression:
        t = self.tok
        if t.kind == "num":
            self.advance()
            try:
                return E.const(float(t.text))
            except OverflowError:  # pragma: no cover - float() of a literal gives inf rather than raising
                return E.const(math.inf)
        if t.kind == "name":
            return self.name()
        if t.kind == "(":
            self.advance()
            self.enter(t.pos)
            if self.tok.kind == ")":
                raise ParseError("empty parentheses", t.pos)
            inner = self.binary()
            self.close(t)
            self.depth -= 1
            return inner
        if t.kind == "end":
            raise ParseError("missing operand at the end", t.pos)
        if t.kind == ")":
            raise ParseError("unmatched ')'" if not self.depth else "missing operand before ')'", t.pos)
        raise ParseError(f"missing operand before '{t.text}'", t.pos)

    def close(self, opener: Token) -> None:
        t = self.tok
        if t.kind == ")":
            self.advance()
            return
        if t.kind == "end":
            raise ParseError("unbalanced parenthesis: '(' is never closed", opener.pos)
        if t.kind in ("num", "name", "("):
            raise ParseError(f"missing operator before '{t.text}'", t.pos)
        raise ParseError(f"expected ')' but found '{t.text}'", t.pos)

    def name(self) -> E.Expression:
        t = self.advance()
        is_call = self.tok.kind == "("
        if t.text in FUNCTIONS:
            if not is_call:
                raise ParseError(f"function '{t.text}' needs an argument in parentheses: {t.text}(…)", t.pos)
            return self.call(t, self.arguments())
        if is_call:
            raise ParseError(f"unknown function '{t.text}'", t.pos)
        if t.text in CONSTANTS:
            return E.const(CONSTANTS[t.text])
        return E.var(t.text)

    def arguments(self) -> list:
        """The arguments of a call, from its '(' to its ')' (none in ``f()``: the caller names the count)."""
        opener = self.advance()
        self.enter(opener.pos)
        args = []
        if self.tok.kind != ")":
            args.append(self.binary())
            while self.tok.kind == ",":
                self.advance()
                args.append(self.binary())
        self.close(opener)
        self.depth -= 1
        return args

    @staticmethod
    def check_arity(fn: Token, arity: int, args: list) -> None:
        if len(args) != arity:
            raise ParseError(f"{fn.text} takes {arity} argument{'s' if arity != 1 else ''}, got {len(args)}", fn.pos)

    def call(self, fn: Token, args: list) -> E.Expression:
        self.check_arity(fn, FUNCTIONS[fn.text].arity, args)
        return E.apply(fn.text, *args)


def parse(text: str) -> E.Expression:
    """Parse a formula such as ``x*exp(-x^2-y^2)``. Raises :class:`ParseError` with a position on bad input.

    The last PARSED_KEPT formulas are remembered: the function box, the session and the file code each parse what
    the user typed, and a formula of two thousand characters takes ~10 ms to parse."""
    return _parsed(typed_text(text))


PARSED_KEPT = 64


@lru_cache(maxsize=PARSED_KEPT)
def _parsed(text: str) -> E.Expression:
    return _Parser(text).parse()


def typed_text(text) -> str:
    """``text`` when it is a string within :data:`MAX_LENGTH` (the cap on what a user types; formulas the app
    writes itself may be longer); ParseError otherwise."""
    if not isinstance(text, str):
        raise ParseError("a formula must be text", 0)
    if len(text) > MAX_LENGTH:
        raise ParseError(f"formula too long ({len(text)} characters; the limit is {MAX_LENGTH})", MAX_LENGTH)
    return text
