"""Matrix-notation text for shaped expressions, as a textbook writes it and :func:`parse_matrix` reads it back.

``-2*U'*(X - U*V)``, ``(A + A')*x``, ``x/norm2(x)``. Parentheses only where the grammar needs them: a product
chain ``c*A*B`` needs none (scaling and matrix products associate), ``A*(B.*C)`` keeps its own. The walk is
iterative (deep sums print without recursion); text repeats shared nodes, so past :data:`TEXT_LIMIT` characters
``str()`` describes the expression instead.
"""
from __future__ import annotations

import math

from engine.expr.printing import format_number
from engine.matrix.node import ShapedExpression
from engine.matrix.rules import (PREC_ATOM, PREC_NEG, PREC_POSTFIX, PREC_POW, PREC_PRODUCT, PREC_SUM, RULES,
                                 symbol)
from engine.matrix.shapes import describe

TEXT_LIMIT = 1_000_000


def _precedence(node: ShapedExpression) -> int:
    if node.op == "const":
        return PREC_NEG if node.attr < 0 or math.isinf(node.attr) else PREC_ATOM
    return RULES[node.op].precedence


def _infix(node: ShapedExpression) -> str:
    """The operator the node prints with (``c*(1./X)`` prints as ``c./X``)."""
    if node.op == "mul" and node.args[0].is_scalar and _is_reciprocal(node.args[1]):
        return "./"
    return symbol(RULES[node.op], [a.shape for a in node.args])


def _chain(node: ShapedExpression) -> list[str]:
    """The operators of a product-level node's text, left to right along its left spine (A*B.*C: ["*", ".*"])."""
    ops = []
    while node.args and RULES[node.op].kind == "infix" and RULES[node.op].precedence == PREC_PRODUCT:
        ops.append(_infix(node))
        node = node.args[0]
    return ops


def _associates(parent: ShapedExpression, child: ShapedExpression) -> bool:
    """May ``parent``'s right operand ``child`` (same precedence) drop its parentheses? Without them the text
    ``a op t1 o1 t2 o2 …`` reads ((a op t1) o1 t2) o2 …, which equals a op (t1 o1 t2 o2 …) when scaling by a scalar
    ``a`` (it can go into the first factor of any product), when every operator is a matrix product or scaling, or
    when every operator is an entrywise product."""
    p, ops = _infix(parent), _chain(child)
    if p == "*" and parent.args[0].is_scalar:
        return True
    return p in ("*", ".*") and all(op == p for op in ops)


def text_length_estimate(root: ShapedExpression) -> int:
    length: dict[int, int] = {}
    for node in root.nodes():
        length[id(node)] = 8 + sum(length[id(a)] + 4 for a in node.args)
    return length[id(root)]


def to_text(root: ShapedExpression, limit: int | None = TEXT_LIMIT) -> str:
    if limit is not None and text_length_estimate(root) > limit:
        return f"<{describe(root.shape)} expression of {len(root.nodes())} operations, too long to print>"
    text: dict[int, str] = {}
    for node in root.nodes():
        text[id(node)] = _node_text(node, text)
    return text[id(root)]


def _wrap(child: ShapedExpression, text: dict, parens: bool) -> str:
    t = text[id(child)]
    return f"({t})" if parens else t


def _node_text(node: ShapedExpression, text: dict) -> str:
    op = node.op
    rule = RULES[op]
    if op == "var":
        return node.attr[0]
    if op == "const":
        return format_number(node.attr, grammar="matrix")
    if op in ("ones", "zeros"):
        return f"{op}({node.shape[0]},{node.shape[1]})"
    if op == "eye":
        return f"eye({node.shape[0]})"
    if rule.kind == "function":
        return f"{op}({', '.join(text[id(a)] for a in node.args)})"
    if rule.kind == "postfix":
        (a,) = node.args
        return _wrap(a, text, _precedence(a) < PREC_POSTFIX) + "'"
    if rule.kind == "prefix":
        (a,) = node.args
        return "-" + _wrap(a, text, _precedence(a) < PREC_PRODUCT)
    return _binary_text(node, text)


def _binary_text(node: ShapedExpression, text: dict) -> str:
    a, b = node.args
    prec = RULES[node.op].precedence
    sym = _infix(node)
    if node.op == "pow":
        left = _wrap(a, text, _precedence(a) <= PREC_POW)
        return f"{left}{sym}{_wrap(b, text, _precedence(b) < PREC_NEG)}"
    left = _wrap(a, text, _precedence(a) < prec)
    if node.op == "mul" and sym == "./":
        b = b.args[1]                                   # c*(1./X) reads c./X
        return f"{left}./{_wrap(b, text, _precedence(b) <= prec or text[id(b)].startswith('-'))}"
    bp = _precedence(b)
    right_parens = bp < prec or (bp == prec and not _associates(node, b)) or text[id(b)].startswith("-")
    spaced = f" {sym} " if prec == PREC_SUM else sym
    return f"{left}{spaced}{_wrap(b, text, right_parens)}"


def _is_reciprocal(node: ShapedExpression) -> bool:
    return (node.op == "div" and node.args[0].op == "const" and node.args[0].attr == 1.0
            and not node.args[1].is_scalar)
