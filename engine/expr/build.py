"""Expression builders and the local simplification rules they apply, so formulas and derivatives read well.

Builders (:func:`const`, :func:`var`, :func:`apply`, :func:`add`, :func:`mul`, …) fold constants in float64 and call
the rule of their primitive. Each rule sees a primitive's (already simplified) arguments and returns a simpler
equivalent node, or None to build the node as is. The rules keep a light canonical form: a constant factor stands
first in a product (``2*x``, pulled out of nested products and quotient numerators), like terms combine (``2*x + x``
is ``3*x``), constant offsets fold (``y - 1 - 1`` is ``y - 2``), products of a base's integer powers merge (``x*x^2``
is ``x^3``).

They are algebraic identities, exact except where the expression is undefined: ``0*x``, ``x - x`` and ``x/x`` become
0, 0 and 1 even where x is infinite or NaN (as a computer algebra system does), and a rearranged product or sum may
differ from the typed order in the last bit. Builders and rules share one module because each needs the other.
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping, Sequence

import numpy as np

from engine.expr.evaluation import evaluate_many  # noqa: F401  (re-exported: modules use ``E.`` for the whole core)
from engine.expr.node import Expression, intern_node, topological_order  # noqa: F401
from engine.expr.primitives import PRIMITIVES

# --- builders ---------------------------------------------------------------------------------------------------
def const(value: float) -> Expression:
    return intern_node("const", value=float(np.float64(value)))


def var(name: str) -> Expression:
    return intern_node("var", name=str(name))


def _fold(op: str, args: Sequence[Expression]) -> Expression:
    with np.errstate(all="ignore"):
        result = PRIMITIVES[op].impl(*(np.float64(a.value) for a in args))
    return const(float(result))


def apply(op: str, *args: Expression) -> Expression:
    """Apply a primitive (by table name), folding constants and simplifying."""
    prim = PRIMITIVES.get(op)
    if prim is None:
        raise KeyError(f"unknown primitive {op!r}")
    if len(args) != prim.arity:
        raise ValueError(f"{op} takes {prim.arity} argument(s), got {len(args)}")
    if all(a.op == "const" for a in args):
        return _fold(op, args)
    simplify = RULES.get(op)
    if simplify is not None:
        result = simplify(*args)
        if result is not None:
            return result
    return intern_node(op, tuple(args))


def add(a, b): return apply("add", a, b)
def sub(a, b): return apply("sub", a, b)
def mul(a, b): return apply("mul", a, b)
def div(a, b): return apply("div", a, b)
def pow(a, b): return apply("pow", a, b)  # noqa: A001 - mirrors the primitive's name
def neg(a): return apply("neg", a)
def exp(a): return apply("exp", a)
def log(a): return apply("log", a)


def sum_of(terms: Iterable[Expression]) -> Expression:
    total = const(0.0)
    for t in terms:
        total = add(total, t)
    return total


# Module constants keep the most common nodes alive in the weak intern table.
ZERO = const(0.0)
ONE = const(1.0)


def substitute_many(exprs: Sequence[Expression], mapping: Mapping[str, Expression]) -> list[Expression]:
    """Rebuild expressions with variables replaced; each shared node is rebuilt once."""
    built: dict[int, Expression] = {}
    for node in topological_order(exprs):
        if node.op == "var":
            built[id(node)] = mapping.get(node.name, node)
        elif node.op == "const":
            built[id(node)] = node
        else:
            built[id(node)] = apply(node.op, *(built[id(a)] for a in node.args))
    return [built[id(e)] for e in exprs]




def _combined(result: float, *parts: float) -> Expression | None:
    """The constant ``result`` folded from ``parts``, or None where folding ordinary numbers overflows or
    underflows: in a long product (the adjoint chain of a deep function) the folded constants would reach inf
    while the rest reaches 0, and inf*0 is NaN where the unfolded product is an ordinary number."""
    inputs_ordinary = all(math.isfinite(p) and p != 0 for p in parts)
    result_ordinary = math.isfinite(result) and abs(result) >= 1e-290
    if inputs_ordinary and not result_ordinary:
        return None
    return const(result)


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
        return const(-x.value)
    if x.op in ("mul", "div") and _is_const(x.args[0]) and x.args[0].value < 0:
        return apply(x.op, const(-x.args[0].value), x.args[1])
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
    coefficient = _combined(ca + sign * cb, ca, cb) if ca + sign * cb != 0 else ZERO
    return None if coefficient is None else mul(coefficient, ra)


def _common_factor(a, b, op: str):
    """c*r + c*s as c*(r + s) (and likewise for -): one multiplication instead of two."""
    if a.op == "mul" and b.op == "mul" and _is_const(a.args[0]) and a.args[0] is b.args[0]:
        return mul(a.args[0], apply(op, a.args[1], b.args[1]))
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
    offset = _combined(c + sign * b.value, c, b.value) if c + sign * b.value != 0 else ZERO
    return None if offset is None else add(rest, offset)


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
        return sub(a, b.args[0])
    if a.op == "neg":
        return sub(b, a.args[0])
    if negated(b) is not None:
        return sub(a, negated(b))
    if negated(a) is not None and not _is_const(b):
        return sub(b, negated(a))
    return None


def simplify_sub(a, b):
    if _is(b, 0.0):
        return a
    if _is(a, 0.0):
        return neg(b)
    result = _first_rewrite(lambda: _like_terms(a, b, -1.0), lambda: _common_factor(a, b, "sub"),
                            lambda: _fold_offsets(a, b, -1.0))
    if result is not None:
        return result
    if b.op == "neg":
        return add(a, b.args[0])
    if negated(b) is not None:
        return add(a, negated(b))
    return None


def _merge_powers(a, b):
    """x^n * x^m as x^(n+m) for positive integer exponents (x counts as x^1), or None."""
    base_a, n = (a.args[0], a.args[1]) if a.op == "pow" and _positive_integer(a.args[1]) else (a, ONE)
    base_b, m = (b.args[0], b.args[1]) if b.op == "pow" and _positive_integer(b.args[1]) else (b, ONE)
    if base_a is not base_b or _is_const(base_a):
        return None
    return pow(base_a, const(n.value + m.value))


def _mul_by_constant(c: float, b):
    if c == 0.0:
        return ZERO
    if c == 1.0:
        return b
    if c == -1.0:
        return neg(b)
    if b.op in ("mul", "div") and _is_const(b.args[0]):
        folded = _combined(c * b.args[0].value, c, b.args[0].value)
        return None if folded is None else apply(b.op, folded, b.args[1])
    if b.op == "neg":
        return mul(const(-c), b.args[0])
    return None


def _pull_constant(a, b):
    """A constant factor inside either operand moves to the front: (2*x)*y is 2*(x*y), (2/y)*x is 2*(x/y)."""
    for inner, other, first in ((a, b, True), (b, a, False)):
        if inner.op in ("mul", "div") and _is_const(inner.args[0]) and not _is_const(inner.args[1]):
            c, rest = inner.args
            if inner.op == "div":
                return mul(c, div(other, rest))
            return mul(c, mul(rest, other) if first else mul(other, rest))
    return None


def simplify_mul(a, b):
    if _is_const(b) and not _is_const(a):
        return mul(b, a)
    if _is_const(a):
        return _mul_by_constant(a.value, b)
    if a.op == "var" and b.op == "var" and b.name < a.name:
        return mul(b, a)  # one node for x*y and y*x
    if a.op == "neg" and b.op == "neg":
        return mul(a.args[0], b.args[0])
    if a.op == "div" and _is(a.args[0], 1.0):
        return div(b, a.args[1])
    if b.op == "div" and _is(b.args[0], 1.0):
        return div(a, b.args[1])
    if a.op == "neg":
        return neg(mul(a.args[0], b))
    if b.op == "neg":
        return neg(mul(a, b.args[0]))
    return _first_rewrite(lambda: _pull_constant(a, b), lambda: _merge_powers(a, b))


def simplify_div(a, b):
    if _is(b, 1.0):
        return a
    if _is(b, -1.0):
        return neg(a)
    if _is(a, 0.0):
        return ZERO
    if a is b:
        return ONE
    if a.op == "neg":
        return neg(div(a.args[0], b))
    if b.op == "neg":
        return neg(div(a, b.args[0]))
    if a.op == "mul" and _is_const(a.args[0]):
        return mul(a.args[0], div(a.args[1], b))
    # (a/c)/b stays as it is: rewriting it as a/(c*b) overflows where c*b does (log-sum-exp's Hessian at y = 360)
    return None


def simplify_pow(a, b):
    if _is(b, 1.0):
        return a
    if _is(b, 0.0) or _is(a, 1.0):
        return ONE
    if a.op == "pow" and _is_const(b) and _is_const(a.args[1]) and b.value.is_integer() \
            and a.args[1].value.is_integer():
        return pow(a.args[0], const(a.args[1].value * b.value))
    return None


def simplify_neg(a):
    if a.op == "neg":
        return a.args[0]
    if a.op == "sub":
        return sub(a.args[1], a.args[0])
    if a.op in ("mul", "div"):
        lead = a.args[0]
        if _is_const(lead) or negated(lead) is not None:
            return apply(a.op, neg(lead), a.args[1])
    return None


RULES = {"add": simplify_add, "sub": simplify_sub, "mul": simplify_mul, "div": simplify_div,
         "pow": simplify_pow, "neg": simplify_neg}
