"""Infix text for expressions, readable and accepted back by :func:`engine.parse`.

Shared subexpressions are printed in full wherever they occur (text has no sharing). The walk is iterative, so very
deep expressions print without hitting Python's recursion limit.
"""
from __future__ import annotations

import math

from engine.expr.node import topological_order
from engine.expr.primitives import PREC_ADD, PREC_ATOM, PREC_NEG, PREC_POW, PRIMITIVES


def format_number(v: float, grammar: str = "scalar") -> str:
    """``v`` as a literal that reads back as the same float. The scalar grammar reads ``pi`` and ``e`` and keeps the
    sign of zero; the matrix grammar (``grammar="matrix"``) takes pi and e for variables and its zeros have no sign."""
    if math.isnan(v):
        return "(0/0)"
    if math.isinf(v):
        return "1e999" if v > 0 else "-1e999"
    if grammar == "scalar" and v in (math.pi, math.e):
        return "pi" if v == math.pi else "e"
    if v == 0:
        return "-0" if grammar == "scalar" and math.copysign(1.0, v) < 0 else "0"
    if v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v)


def _precedence(node) -> int:
    if node.op == "const":
        return PREC_NEG if (math.copysign(1.0, node.value) < 0 or math.isinf(node.value)) else PREC_ATOM
    if node.op == "var":
        return PREC_ATOM
    return PRIMITIVES[node.op].precedence


def _leads_with_a_sum(node) -> bool:
    """A product or quotient whose leftmost factor prints as a sum, a difference, a negation or a number (a minus
    before a number reads back as a negative number: -1/x/x is (-1)/x/x, not -(1/x/x))."""
    if node.op not in ("mul", "div"):
        return False
    while node.op in ("mul", "div"):
        node = node.args[0]
    return node.op == "const" or _precedence(node) in (PREC_ADD, PREC_NEG)


def _divides_itself(factor, right) -> bool:
    """A quotient after a constant factor that would read back as another tree without parentheses:
    ``c*(a/(c*a))`` as (c*a)/(c*a), which is 1, and ``c*(d/x)`` as (c*d)/x."""
    if right.op != "div":
        return False
    numerator, denominator = right.args
    leading = right
    while leading.op in ("mul", "div"):
        leading = leading.args[0]
    if leading.op == "const":   # 2*(2/x/x) would read back as (2*2)/x/x = 4/x/x
        return True
    return denominator.op == "mul" and denominator.args[0] is factor and denominator.args[1] is numerator


def text_length_estimate(root) -> int:
    """About how many characters :func:`to_text` would write (text repeats shared nodes, so it can be huge)."""
    length: dict[int, int] = {}
    for node in topological_order([root]):
        length[id(node)] = 4 + sum(length[id(a)] for a in node.args) if node.args else len(_node_text(node, {}))
    return length[id(root)]


class TextTooLong(ValueError):
    """The text of an expression would exceed the limit asked for (``estimate`` characters)."""

    def __init__(self, estimate: int, limit: int):
        super().__init__(f"the text would be about {estimate:.3g} characters (limit {limit})")
        self.estimate = estimate
        self.limit = limit


def to_text(root, limit: int | None = None) -> str:
    """Infix text of ``root``; with ``limit``, raise :class:`TextTooLong` instead of writing a longer text."""

    if limit is not None:
        estimate = text_length_estimate(root)
        if estimate > limit:
            raise TextTooLong(estimate, limit)
    text: dict[int, str] = {}
    for node in topological_order([root]):
        text[id(node)] = _node_text(node, text)
    return text[id(root)]


def _wrap(child, text, parens: bool) -> str:
    s = text[id(child)]
    return f"({s})" if parens else s


def _node_text(node, text) -> str:
    if node.op == "const":
        return format_number(node.value)
    if node.op == "var":
        return node.name
    prim = PRIMITIVES[node.op]
    if prim.symbol is None:
        return f"{prim.name}({', '.join(text[id(a)] for a in node.args)})"
    if prim.arity == 1:  # unary minus
        child = node.args[0]
        # -x*y reads back as (-x)*y, which the builders turn into this same node -(x*y); but the minus binds to the
        # first factor only, so -(x - 1)/y would read back as ((1 - x))/y: a product or quotient that starts with
        # a sum or a negation keeps its own parentheses, -((x - 1)/y)
        return "-" + _wrap(child, text, _precedence(child) in (PREC_ADD, PREC_NEG) or _leads_with_a_sum(child))
    left, right = node.args
    p = prim.precedence
    lp, rp = _precedence(left), _precedence(right)
    if p == PREC_POW:
        left_parens = lp <= PREC_POW
        right_parens = rp < PREC_POW
    else:
        left_parens = lp < p
        # a right operand of equal precedence keeps its grouping (except after a constant factor: the builders
        # pull constants to the front, so 2*x*y reads back as 2*(x*y) and 2*x/y as 2*(x/y), but not 2*(x/(2*x)));
        # a negation on the right reads better in parens
        leading_factor = node.op == "mul" and left.op == "const" and not _divides_itself(left, right)
        right_parens = (rp < p if leading_factor else rp <= p) or rp == PREC_NEG
    sep = f" {prim.symbol} " if p == PREC_ADD else prim.symbol
    return _wrap(left, text, left_parens) + sep + _wrap(right, text, right_parens)
