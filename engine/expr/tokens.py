"""The one tokenizer of formula text, for the scalar and the matrix grammars: each passes its operator table.

A table names the operators a grammar has (longest first wins), other spellings of them (``**`` is ``^``) and the
characters read as the postfix transpose token ``'``. Operators of other languages (``//``, ``==``, ``%``, …) that no
table has are refused by name; any other stray character as an unexpected character. Numbers are ASCII digits only
(``\\d`` would match ١ and ５), and a number's trailing dot is not taken where it starts an operator of the table
(in the matrix grammar ``2.*x`` is ``2 .* x``; ``2.'`` is refused as ``x.'`` is).

Every error is a :class:`ParseError` carrying the character position a window can underline.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping


class ParseError(ValueError):
    """A formula that is not in the language. ``position`` is a 0-based character index into the text."""

    def __init__(self, message: str, position: int):
        super().__init__(f"{message} (at character {position + 1})")
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Token:
    kind: str   # "num", "name", "op", "(", ")", ",", "'" (transpose), "end"
    text: str
    pos: int


REFUSED_OPERATORS = ("//", "==", "!=", "<=", ">=", "<<", ">>", "%", "&", "|", "<", ">", "=", "!", "~", "@")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class OperatorTable:
    """The operators one grammar reads; ``spellings`` maps another way of typing one to the token text."""
    operators: tuple[str, ...]
    spellings: Mapping[str, str] = field(default_factory=dict)
    transposes: tuple[str, ...] = ()
    _symbols: list = field(init=False, repr=False, compare=False)        # (typed, refused), longest first
    _by_first: dict = field(init=False, repr=False, compare=False)       # the same, by first character
    _number: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        typed = (*self.operators, *self.spellings)
        known = [(op, False) for op in typed] + [(op, True) for op in REFUSED_OPERATORS if op not in typed]
        object.__setattr__(self, "_symbols", sorted(known, key=lambda k: -len(k[0])))   # a stable sort
        by_first: dict[str, list] = {}
        for symbol in self._symbols:
            by_first.setdefault(symbol[0][0], []).append(symbol)
        object.__setattr__(self, "_by_first", by_first)
        # MATLAB's `.'` is no operator here: refused after a number (2.') as after a name (x.')
        after_dot = "".join(sorted({op[1] for op in typed if len(op) > 1 and op[0] == "."}
                                   | ({"'"} & set(self.transposes))))
        guard = f"(?![{re.escape(after_dot)}])" if after_dot else ""
        object.__setattr__(self, "_number", re.compile(rf"([0-9]+(?:\.{guard}[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"))

    def symbol_at(self, text: str, i: int) -> tuple[str, bool] | None:
        """(the operator typed at ``i``, whether it is refused), longest first; None where none starts."""
        return next(((op, refused) for op, refused in self._by_first.get(text[i:i + 1], ())
                     if text.startswith(op, i)), None)

    def typed(self, text: str, token: Token) -> str:
        """What the user typed for an operator token (``**`` for a ``^`` token typed so), for messages."""
        return next((s for s, t in self.spellings.items() if t == token.text and text.startswith(s, token.pos)),
                    token.text)


def tokenize(text: str, table: OperatorTable) -> list[Token]:
    """The tokens of ``text`` ending with an ``end`` token; ParseError at the first character no token takes."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
            continue
        m = table._number.match(text, i)
        kind = "num"
        if not m:
            m, kind = _NAME.match(text, i), "name"
        if m:
            tokens.append(Token(kind, m.group(0), i))
            i = m.end()
            continue
        found = table.symbol_at(text, i)
        if found is not None:
            op, refused = found
            if refused:
                raise ParseError(f"unknown operator '{op}'", i)
            tokens.append(Token("op", table.spellings.get(op, op), i))
            i += len(op)
        elif c in table.transposes:
            tokens.append(Token("'", "'", i))
            i += 1
        elif c in "(),":
            tokens.append(Token(c, c, i))
            i += 1
        elif c in "[{":
            raise ParseError(f"use parentheses, not '{c}'", i)
        else:
            raise ParseError(f"unexpected character {c!r}", i)
    tokens.append(Token("end", "", n))
    return tokens
