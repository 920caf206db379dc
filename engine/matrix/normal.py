"""Normal forms the builders simplify with: a product as ``coef · scalar factors · core`` and a sum as signed terms.

``Product(coef, factors, core)``: a number, scalar factors with (integer or float) exponents in order of first
appearance, and at most one non-scalar ``core`` (None for a scalar). ``2*norm2(R)*R/norm2(R)`` is
``Product(2, {}, R)``; ``-2*U'*R`` is ``Product(-2, {}, U'*R)``. A sum is a list of such products (terms) with
their shapes (a scalar term in a matrix sum is broadcast). Builders decompose their operands, combine, and
:func:`rebuild` the node; nodes made this way are already normal, so decomposing them again is cheap.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.matrix.node import ShapedExpression, make
from engine.matrix.shapes import SCALAR, Shape


@dataclass
class Product:
    coef: float = 1.0
    factors: dict = field(default_factory=dict)    # scalar node -> exponent
    core: ShapedExpression | None = None

    def scaled(self, coef: float) -> "Product":
        return Product(self.coef * coef, dict(self.factors), self.core)


def const(value: float) -> ShapedExpression:
    return make("const", (), float(value), SCALAR)


def zeros(shape: Shape) -> ShapedExpression:
    return const(0.0) if shape == SCALAR else make("zeros", (), shape, shape)


def is_const(node: ShapedExpression, value: float | None = None) -> bool:
    return node.op == "const" and (value is None or node.attr == value)


def is_zero(node: ShapedExpression) -> bool:
    return node.op == "zeros" or is_const(node, 0.0)


def _integer(x: float) -> bool:
    return float(x).is_integer() and abs(x) < 1e6


def _clean(exponent: float):
    return int(exponent) if _integer(exponent) else exponent


def merge(a: Product, b: Product) -> Product:
    """The product of two normal forms; at most one may have a core."""
    factors = dict(a.factors)
    for f, e in b.factors.items():
        total = factors.get(f, 0) + e
        if total == 0:
            factors.pop(f, None)
        else:
            factors[f] = _clean(total)
    return Product(a.coef * b.coef, factors, a.core if a.core is not None else b.core)


def inverse(p: Product) -> Product | None:
    """1/p for a scalar p with a non-zero coefficient, else None."""
    if p.core is not None or p.coef == 0:
        return None
    return Product(1.0 / p.coef, {f: _clean(-e) for f, e in p.factors.items()}, None)


def power(p: Product, k: float) -> Product | None:
    """p^k for a scalar p and a whole k (so (ab)^k = a^k b^k holds for every sign), else None."""
    if p.core is not None or not _integer(k) or (p.coef == 0 and k < 0):
        return None
    try:
        coef = p.coef ** int(k)
    except OverflowError:   # float ** int raises where float ** float would give inf: keep the power unexpanded
        return None
    return Product(coef, {f: _clean(e * k) for f, e in p.factors.items()}, None)


def product_of(node: ShapedExpression) -> Product:
    """Decompose a node built by the builders (which keep scalar factors outside products and transposes)."""
    op, args = node.op, node.args
    if op == "const":
        return Product(node.attr, {}, None)
    if op == "neg":
        return product_of(args[0]).scaled(-1.0)
    if op == "mul" and (args[0].is_scalar or args[1].is_scalar):
        return merge(product_of(args[0]), product_of(args[1]))
    if op == "div" and args[1].is_scalar:
        inv = inverse(product_of(args[1]))
        if inv is not None:
            return merge(product_of(args[0]), inv)
    if op == "pow" and node.is_scalar and is_const(args[1]):
        raised = power(product_of(args[0]), args[1].attr)
        if raised is not None:
            return raised
    if node.is_scalar:
        return Product(1.0, {node: 1}, None)
    return Product(1.0, {}, node)


def _chain(op: str, nodes: list[ShapedExpression]) -> ShapedExpression:
    """``n0 op (n1 op (… ))``: right-nested, which prints without parentheses for * chains."""
    result = nodes[-1]
    for node in reversed(nodes[:-1]):
        result = make(op, (node, result))
    return result


def rebuild(p: Product, shape: Shape) -> ShapedExpression:
    """The node for a normal form: ``coef*f1*f2^2*core/(d1*d2)``, ``-core``, …"""
    if p.coef == 0:
        return zeros(shape)
    numerator = [f if e == 1 else make("pow", (f, const(e))) for f, e in p.factors.items() if e > 0]
    denominator = [f if e == -1 else make("pow", (f, const(-e))) for f, e in p.factors.items() if e < 0]
    body = numerator + ([p.core] if p.core is not None else [])
    negate = p.coef == -1.0 and bool(body)
    if p.coef not in (1.0, -1.0) or not body:
        body.insert(0, const(p.coef))
    result = _chain("mul", body)
    if denominator:
        result = make("div", (result, _chain("mul", denominator)))
    return make("neg", (result,)) if negate else result


@dataclass
class Term:
    product: Product
    shape: Shape


def terms_of(node: ShapedExpression, sign: float = 1.0) -> list[Term]:
    """The signed terms of a sum (add, sub and negated sums flattened); zeros drop out."""
    terms: list[Term] = []
    stack = [(node, sign)]
    while stack:
        n, s = stack.pop()
        if n.op == "add":
            stack += [(n.args[1], s), (n.args[0], s)]
        elif n.op == "sub":
            stack += [(n.args[1], -s), (n.args[0], s)]
        elif n.op == "neg" and n.args[0].op in ("add", "sub"):
            stack.append((n.args[0], -s))
        elif not is_zero(n):
            terms.append(Term(product_of(n).scaled(s), n.shape))
    return terms


def like_terms(terms: list[Term]) -> list[Term]:
    """Terms with the same factors and core added up (A + A = 2*A), in order of first appearance."""
    combined: dict[tuple, Term] = {}
    for t in terms:
        p = t.product
        key = (tuple((id(f), e) for f, e in p.factors.items()), id(p.core) if p.core is not None else None, t.shape)
        if key in combined:
            combined[key].product.coef += p.coef
        else:
            combined[key] = Term(Product(p.coef, dict(p.factors), p.core), t.shape)
    return [t for t in combined.values() if t.product.coef != 0]


def build_sum(terms: list[Term]) -> ShapedExpression:
    """``t1 ± t2 ± …`` (subtracting negative terms), starting with a positive term when there is one."""
    first = next((i for i, t in enumerate(terms) if t.product.coef > 0), 0)
    ordered = [terms[first]] + terms[:first] + terms[first + 1:]
    result = rebuild(ordered[0].product, ordered[0].shape)
    for t in ordered[1:]:
        if t.product.coef < 0:
            result = make("sub", (result, rebuild(t.product.scaled(-1.0), t.shape)))
        else:
            result = make("add", (result, rebuild(t.product, t.shape)))
    return result
