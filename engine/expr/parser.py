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

import math
import re
from dataclasses import dataclass

from engine.expr import build as E
from engine.expr.primitives import FUNCTIONS

MAX_LENGTH = 2000
MAX_DEPTH = 100
CONSTANTS = {"pi": math.pi, "e": math.e}


class ParseError(ValueError):
    """A formula that is not in the language. ``position`` is a 0-based character index into the text."""

    def __init__(self, message: str, position: int):
        super().__init__(f"{message} (at character {position + 1})")
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Token:
    kind: str   # "num", "name", "op", "(", ")", ",", "end"
    text: str
    pos: int


_NUMBER = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")   # ASCII digits only: \d matches ١ and ５
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_UNKNOWN_OPERATORS = ("//", "==", "!=", "<=", ">=", "<<", ">>", "%", "&", "|", "<", ">", "=", "!", "~", "@")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
            continue
        m = _NUMBER.match(text, i)
        if m:
            tokens.append(Token("num", m.group(0), i))
            i = m.end()
            continue
        m = _NAME.match(text, i)
        if m:
            tokens.append(Token("name", m.group(0), i))
            i = m.end()
            continue
        if text.startswith("**", i):
            tokens.append(Token("op", "^", i))
            i += 2
            continue
        for op in _UNKNOWN_OPERATORS:
            if text.startswith(op, i):
                raise ParseError(f"unknown operator '{op}'", i)
        if c in "+-*/^":
            tokens.append(Token("op", c, i))
            i += 1
            continue
        if c in "(),":
            tokens.append(Token(c, c, i))
            i += 1
            continue
        if c == "[" or c == "{":
            raise ParseError(f"use parentheses, not '{c}'", i)
        raise ParseError(f"unexpected character {c!r}", i)
    tokens.append(Token("end", "", n))
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0
        self.open_parens: list[int] = []

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
        result = self.sum()
        t = self.tok
        if t.kind == ")":
            raise ParseError("unmatched ')'", t.pos)
        if t.kind != "end":
            if t.kind in ("num", "name", "("):
                raise ParseError(f"missing operator before '{t.text}'", t.pos)
            raise ParseError(f"unexpected '{t.text}'", t.pos)
        return result

    def sum(self) -> E.Expression:
        left = self.term()
        while self.tok.kind == "op" and self.tok.text in "+-":
            op = self.advance()
            right = self.term_after(op)
            left = E.add(left, right) if op.text == "+" else E.sub(left, right)
        return left

    def term(self) -> E.Expression:
        left = self.unary()
        while self.tok.kind == "op" and self.tok.text in "*/":
            op = self.advance()
            right = self.unary_after(op)
            left = E.mul(left, right) if op.text == "*" else E.div(left, right)
        return left

    def term_after(self, op: Token) -> E.Expression:
        self.expect_operand(op)
        return self.term()

    def unary_after(self, op: Token) -> E.Expression:
        self.expect_operand(op)
        return self.unary()

    def expect_operand(self, op: Token) -> None:
        t = self.tok
        if t.kind in ("end", ")", ",") or (t.kind == "op" and t.text in "*/^"):
            typed = "**" if self.text.startswith("**", op.pos) else op.text   # name what the user typed
            raise ParseError(f"missing operand after '{typed}'", t.pos if t.kind != "end" else op.pos)

    def unary(self) -> E.Expression:
        t = self.tok
        if t.kind == "op" and t.text in "+-":
            self.advance()
            self.enter(t.pos)
            self.expect_operand(t)
            operand = self.unary()
            self.depth -= 1
            return E.neg(operand) if t.text == "-" else operand
        return self.power()

    def power(self) -> E.Expression:
        base = self.atom()
        if self.tok.kind == "op" and self.tok.text == "^":
            op = self.advance()
            self.enter(op.pos)
            exponent = self.unary_after(op)
            self.depth -= 1
            return E.pow(base, exponent)
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
            inner = self.sum()
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
            return self.call(t)
        if is_call:
            raise ParseError(f"unknown function '{t.text}'", t.pos)
        if t.text in CONSTANTS:
            return E.const(CONSTANTS[t.text])
        return E.var(t.text)

    def call(self, fn: Token) -> E.Expression:
        opener = self.advance()
        self.enter(opener.pos)
        args = []
        if self.tok.kind == ")":
            raise ParseError(f"{fn.text} takes 1 argument, got 0", fn.pos)
        args.append(self.sum())
        while self.tok.kind == ",":
            self.advance()
            args.append(self.sum())
        self.close(opener)
        self.depth -= 1
        arity = FUNCTIONS[fn.text].arity
        if len(args) != arity:
            raise ParseError(f"{fn.text} takes {arity} argument{'s' if arity != 1 else ''}, got {len(args)}", fn.pos)
        return E.apply(fn.text, *args)


def parse(text: str) -> E.Expression:
    """Parse a formula such as ``x*exp(-x^2-y^2)``. Raises :class:`ParseError` with a position on bad input."""
    if not isinstance(text, str):
        raise ParseError("a formula must be text", 0)
    if len(text) > MAX_LENGTH:
        raise ParseError(f"formula too long ({len(text)} characters; the limit is {MAX_LENGTH})", MAX_LENGTH)
    return _Parser(text).parse()
