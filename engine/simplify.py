"""Local simplification rules the expression builders apply, so formulas and derivatives read well.

Each rule sees a primitive's (already simplified) arguments and returns a simpler equivalent node, or None to build
the node as is. The rules keep a light canonical form: a constant factor stands first in a product (``2*x``, pulled
out of nested products and quotient numerators), like terms combine (``2*x + x`` is ``3*x``), constant offsets fold
(``y - 1 - 1`` is ``y - 2``), products of a base's integer powers merge (``x*x^2`` is ``x^3``).

They are algebraic identities, exact except where the expression is undefined: ``0*x``, ``x - x`` and ``x/x`` become
0, 0 and 1 even where x is infinite or NaN (as a computer algebra system does), and a rearranged product or sum may
differ from the typed order in the last bit.
"""
from __future__ import annotations

import math

from engine import expression as E


def _combined(result: float, *parts: float) -> E.Expression | None:
    """The constant ``result`` folded from ``parts``, or None where folding ordinary numbers overflows or
    underflows: in a long product (the adjoint chain of a deep function) the folded constants would reach inf
    while the rest reaches 0, and inf*0 is NaN where the unfolded product is an ordinary number."""
    inputs_ordinary = all(math.isfinite(p) and p != 0 for p in parts)
    result_ordinary = math.isfinite(result) and abs(result) >= 1e-290
    if inputs_ordinary and not result_ordinary:
        return None
    return E.const(result)


def _is(a, v: float) -> bool:
    return a.op == "const" and a.value == v


def _is_const(a) -> bool:
    return a.op == "const"


def _positive_integer(a) -> bool:
    return a.op == "const" and a.value.is_integer() and a.value > 0


def negated(x):
    """-x when it is available without a new negation (a negative constant or leading factor), else None.

    Only the top node is inspected: the builders keep a product's constant factor in front, and a walk down a long
    product would recurse as deep as the product is long.
    """
    if x.op == "const" and x.value < 0:
        return E.const(-x.value)
    if x.op in ("mul", "div") and _is_const(x.args[0]) and x.args[0].value < 0:
        return E.apply(x.op, E.const(-x.args[0].value), x.args[1])
    return None


def _coefficient(x):
    """(c, r) with x = c*r for a constant c (1 when there is none)."""
    if x.op == "mul" and _is_const(x.args[0]):
        return x.args[0].value, x.args[1]
    if x.op == "neg":
        return -1.0, x.args[0]
    return 1.0, x


def _like_terms(a, b, sign: float):
    """c1*r + sign*c2*r as (c1 + sign*c2)*r, or None when the terms differ."""
    if _is_const(a) or _is_const(b):
        return None
    ca, ra = _coefficient(a)
    cb, rb = _coefficient(b)
    if ra is not rb:
        return None
    coefficient = _combined(ca + sign * cb, ca, cb) if ca + sign * cb != 0 else E.ZERO
    return None if coefficient is None else E.mul(coefficient, ra)


def _common_factor(a, b, op: str):
    """c*r + c*s as c*(r + s) (and likewise for -): one multiplication instead of two."""
    if a.op == "mul" and b.op == "mul" and _is_const(a.args[0]) and a.args[0] is b.args[0]:
        return E.mul(a.args[0], E.apply(op, a.args[1], b.args[1]))
    return None


def _constant_offset(x):
    """(r, c) with x = r + c for a constant c, or None."""
    if x.op in ("add", "sub") and _is_const(x.args[1]) and not _is_const(x.args[0]):
        return x.args[0], x.args[1].value * (1.0 if x.op == "add" else -1.0)
    if x.op == "add" and _is_const(x.args[0]) and not _is_const(x.args[1]):
        return x.args[1], x.args[0].value
    return None


def _fold_offsets(a, b, sign: float):
    """(r + c1) + sign*c2 as r + (c1 + sign*c2), or None."""
    split = _constant_offset(a)
    if split is None or not _is_const(b):
        return None
    rest, c = split
    offset = _combined(c + sign * b.value, c, b.value) if c + sign * b.value != 0 else E.ZERO
    return None if offset is None else E.add(rest, offset)


def _first_rewrite(*rules):
    """The first rule's result that is not None; later rules are not tried (each may build nodes)."""
    for rule in rules:
        result = rule()
        if result is not None:
            return result
    return None


def simplify_add(a, b):
    if _is(a, 0.0):
        return b
    if _is(b, 0.0):
        return a
    result = _first_rewrite(lambda: _like_terms(a, b, 1.0), lambda: _common_factor(a, b, "add"),
                            lambda: _fold_offsets(a, b, 1.0), lambda: _fold_offsets(b, a, 1.0))
    if result is not None:
        return result
    if b.op == "neg":
        return E.sub(a, b.args[0])
    if a.op == "neg":
        return E.sub(b, a.args[0])
    if negated(b) is not None:
        return E.sub(a, negated(b))
    if negated(a) is not None and not _is_const(b):
        return E.sub(b, negated(a))
    return None


def simplify_sub(a, b):
    if _is(b, 0.0):
        return a
    if _is(a, 0.0):
        return E.neg(b)
    result = _first_rewrite(lambda: _like_terms(a, b, -1.0), lambda: _common_factor(a, b, "sub"),
                            lambda: _fold_offsets(a, b, -1.0))
    if result is not None:
        return result
    if b.op == "neg":
        return E.add(a, b.args[0])
    if negated(b) is not None:
        return E.add(a, negated(b))
    return None


def _merge_powers(a, b):
    """x^n * x^m as x^(n+m) for positive integer exponents (x counts as x^1), or None."""
    base_a, n = (a.args[0], a.args[1]) if a.op == "pow" and _positive_integer(a.args[1]) else (a, E.ONE)
    base_b, m = (b.args[0], b.args[1]) if b.op == "pow" and _positive_integer(b.args[1]) else (b, E.ONE)
    if base_a is not base_b or _is_const(base_a):
        return None
    return E.pow(base_a, E.const(n.value + m.value))


def _mul_by_constant(c: float, b):
    if c == 0.0:
        return E.ZERO
    if c == 1.0:
        return b
    if c == -1.0:
        return E.neg(b)
    if b.op in ("mul", "div") and _is_const(b.args[0]):
        folded = _combined(c * b.args[0].value, c, b.args[0].value)
        return None if folded is None else E.apply(b.op, folded, b.args[1])
    if b.op == "neg":
        return E.mul(E.const(-c), b.args[0])
    return None


def _pull_constant(a, b):
    """A constant factor inside either operand moves to the front: (2*x)*y is 2*(x*y), (2/y)*x is 2*(x/y)."""
    for inner, other, first in ((a, b, True), (b, a, False)):
        if inner.op in ("mul", "div") and _is_const(inner.args[0]) and not _is_const(inner.args[1]):
            c, rest = inner.args
            if inner.op == "div":
                return E.mul(c, E.div(other, rest))
            return E.mul(c, E.mul(rest, other) if first else E.mul(other, rest))
    return None


def simplify_mul(a, b):
    if _is_const(b) and not _is_const(a):
        return E.mul(b, a)
    if _is_const(a):
        return _mul_by_constant(a.value, b)
    if a.op == "var" and b.op == "var" and b.name < a.name:
        return E.mul(b, a)  # one node for x*y and y*x
    if a.op == "neg" and b.op == "neg":
        return E.mul(a.args[0], b.args[0])
    if a.op == "div" and _is(a.args[0], 1.0):
        return E.div(b, a.args[1])
    if b.op == "div" and _is(b.args[0], 1.0):
        return E.div(a, b.args[1])
    if a.op == "neg":
        return E.neg(E.mul(a.args[0], b))
    if b.op == "neg":
        return E.neg(E.mul(a, b.args[0]))
    return _first_rewrite(lambda: _pull_constant(a, b), lambda: _merge_powers(a, b))


def simplify_div(a, b):
    if _is(b, 1.0):
        return a
    if _is(b, -1.0):
        return E.neg(a)
    if _is(a, 0.0):
        return E.ZERO
    if a is b:
        return E.ONE
    if a.op == "neg":
        return E.neg(E.div(a.args[0], b))
    if b.op == "neg":
        return E.neg(E.div(a, b.args[0]))
    if a.op == "mul" and _is_const(a.args[0]):
        return E.mul(a.args[0], E.div(a.args[1], b))
    # (a/c)/b stays as it is: rewriting it as a/(c*b) overflows where c*b does (log-sum-exp's Hessian at y = 360)
    return None


def simplify_pow(a, b):
    if _is(b, 1.0):
        return a
    if _is(b, 0.0) or _is(a, 1.0):
        return E.ONE
    if a.op == "pow" and _is_const(b) and _is_const(a.args[1]) and b.value.is_integer() \
            and a.args[1].value.is_integer():
        return E.pow(a.args[0], E.const(a.args[1].value * b.value))
    return None


def simplify_neg(a):
    if a.op == "neg":
        return a.args[0]
    if a.op == "sub":
        return E.sub(a.args[1], a.args[0])
    if a.op in ("mul", "div"):
        lead = a.args[0]
        if _is_const(lead) or negated(lead) is not None:
            return E.apply(a.op, E.neg(lead), a.args[1])
    return None


RULES = {"add": simplify_add, "sub": simplify_sub, "mul": simplify_mul, "div": simplify_div,
         "pow": simplify_pow, "neg": simplify_neg}
