"""Builders of shaped expressions: check the shape with the rule table, simplify, intern.

These functions are also the *symbolic* ``ops`` namespace the rule table's vector-Jacobian products are written
against (``add sub neg mul div pow mm T fn const ones eye``), so a gradient is built from them.

Simplifications are the ones a person makes: x'' = x, (AB)' = B'A', 1*A = A, A + A = 2*A, 0*A = 0, I*A = A,
scalar factors gathered in front (``2*norm2(R)*R/norm2(R)`` is ``2*R``), common scalar factors and common matrix
factors of a sum taken out (``A*x + A'*x`` is ``(A + A')*x``), ``exp(z)./(1 + exp(z))`` is ``sigmoid(z)``.
Each keeps the function and the shape.
"""
from __future__ import annotations

import math

import numpy as np

from engine.matrix.node import ShapedExpression, make
from engine.matrix.normal import (Product, Term, build_sum, const, inverse, is_const, is_zero, like_terms, merge,
                                  power, product_of, rebuild, terms_of, zeros)
from engine.matrix.rules import RULES
from engine.matrix.shapes import SCALAR, Shape, ShapeError, ShapeMismatch

__all__ = ["var", "const", "zeros", "ones", "eye", "add", "sub", "neg", "mul", "div", "pow", "mm", "matmul", "T",
           "fn"]


def _shape(op: str, args, pos: int | None) -> Shape:
    try:
        return RULES[op].shape(*(a.shape for a in args))
    except ShapeMismatch as m:
        raise ShapeError(m.message, pos or 0, m.operation, m.shapes) from None


def var(name: str, shape: Shape) -> ShapedExpression:
    return make("var", (), (name, tuple(shape)), tuple(shape))


def ones(shape: Shape) -> ShapedExpression:
    shape = tuple(shape)
    return const(1.0) if shape == SCALAR else make("ones", (), shape, shape)


def eye(n: int) -> ShapedExpression:
    return const(1.0) if n == 1 else make("eye", (), (n, n), (n, n))


def _size(node: ShapedExpression) -> int:
    return len(node.nodes())


# --- sums ------------------------------------------------------------------------------------------------------
def add(a, b, pos: int | None = None) -> ShapedExpression:
    return _sum(terms_of(a) + terms_of(b), _shape("add", (a, b), pos))


def sub(a, b, pos: int | None = None) -> ShapedExpression:
    return _sum(terms_of(a) + terms_of(b, -1.0), _shape("sub", (a, b), pos))


def neg(a, pos: int | None = None) -> ShapedExpression:
    if is_zero(a):
        return a
    if a.op in ("add", "sub"):
        return _sum(terms_of(a, -1.0), a.shape)
    return rebuild(product_of(a).scaled(-1.0), a.shape)


def _sum(terms: list[Term], shape: Shape) -> ShapedExpression:
    terms = like_terms(terms)
    if not terms:
        return zeros(shape)
    if len(terms) == 1:
        node = rebuild(terms[0].product, terms[0].shape)
        return node if node.shape == shape else mul(node, ones(shape))
    factored = _common_matrix_factor(terms, shape)
    if factored is None:
        factored = _common_scalar_factor(terms) or build_sum(terms)
    # the terms left may all be scalars where a matrix term cancelled (a + (P - P)): keep the sum's broadcast shape
    return factored if factored.shape == shape else mul(factored, ones(shape))


def _common_matrix_factor(terms: list[Term], shape: Shape) -> ShapedExpression | None:
    """``P*z + Q*z`` → ``(P + Q)*z`` and ``z*P + z*Q`` → ``z*(P + Q)`` when every term has that form."""
    cores = [t.product.core for t in terms]
    if any(t.shape != shape for t in terms) or any(c is None or c.op != "matmul" for c in cores):
        return None
    for side in (1, 0):
        shared = cores[0].args[side]
        if all(c.args[side] is shared for c in cores):
            rest = [rebuild(Product(t.product.coef, t.product.factors, c.args[1 - side]), c.args[1 - side].shape)
                    for t, c in zip(terms, cores)]
            inner = rest[0]
            for r in rest[1:]:
                inner = add(inner, r)
            return mm(inner, shared) if side == 1 else mm(shared, inner)
    return None


def _common_scalar_factor(terms: list[Term]) -> ShapedExpression | None:
    """``2*a + 2*b`` → ``2*(a + b)``; ``s*a - s*b`` → ``s*(a - b)`` for a shared scalar factor s."""
    coefs = [abs(t.product.coef) for t in terms]
    common_coef = coefs[0] if coefs[0] != 1.0 and all(c == coefs[0] for c in coefs) else 1.0
    if all(t.product.coef < 0 for t in terms):
        common_coef = -common_coef
    common: dict = {}
    for f, e in terms[0].product.factors.items():
        exps = [t.product.factors.get(f, 0) for t in terms]
        if all(x > 0 for x in exps) or all(x < 0 for x in exps):
            common[f] = min(exps, key=abs)
    if common_coef == 1.0 and not common:
        return None
    reduced = []
    for t in terms:
        factors = {f: e - common.get(f, 0) for f, e in t.product.factors.items() if e != common.get(f, 0)}
        reduced.append(Term(Product(t.product.coef / common_coef, factors, t.product.core), t.shape))
    inner = build_sum(reduced)
    outer = Product(common_coef, common, None)
    return rebuild(merge(outer, product_of(inner)) if inner.is_scalar else Product(common_coef, common, inner),
                   inner.shape)


# --- products --------------------------------------------------------------------------------------------------
def mul(a, b, pos: int | None = None) -> ShapedExpression:
    """Entrywise product; a scalar times anything is scaling."""
    shape = _shape("mul", (a, b), pos)
    if is_zero(a) or is_zero(b):
        return zeros(shape)
    pa, pb = product_of(a), product_of(b)
    if a.is_scalar or b.is_scalar:
        return rebuild(merge(pa, pb), shape)
    ca, cb = pa.core, pb.core
    outer = merge(Product(pa.coef, pa.factors), Product(pb.coef, pb.factors))
    if ca.op == "ones" or cb.op == "ones":
        core = cb if ca.op == "ones" else ca
    elif _is_reciprocal(cb) or _is_reciprocal(ca):
        x, y = (ca, cb) if _is_reciprocal(cb) else (cb, ca)
        core = div(x, y.args[1])
        return rebuild(merge(outer, product_of(core)), shape)
    else:
        if _size(cb) < _size(ca):
            ca, cb = cb, ca
        core = make("mul", (ca, cb))
    return rebuild(Product(outer.coef, outer.factors, core), shape)


def _is_reciprocal(node) -> bool:
    return node.op == "div" and is_const(node.args[0], 1.0)


def div(a, b, pos: int | None = None) -> ShapedExpression:
    """Entrywise quotient; by a scalar it is scaling. A scalar over a matrix keeps ``1./B`` as its core."""
    shape = _shape("div", (a, b), pos)
    if is_zero(a):
        return zeros(shape)
    pa, pb = product_of(a), product_of(b)
    if b.is_scalar:
        inv = inverse(pb)
        return make("div", (a, b)) if inv is None else rebuild(merge(pa, inv), shape)
    inv = inverse(Product(pb.coef, pb.factors))
    if inv is None:
        return make("div", (a, b))
    outer = merge(Product(pa.coef, pa.factors), inv)
    numerator = pa.core if pa.core is not None and pa.core.op != "ones" else const(1.0)
    core = _sigmoid_ratio(numerator, pb.core) or make("div", (numerator, pb.core))
    return rebuild(Product(outer.coef, outer.factors, core), shape)


def _sigmoid_ratio(numerator, denominator) -> ShapedExpression | None:
    """exp(z)./(1 + exp(z)) is sigmoid(z)."""
    terms = like_terms(terms_of(denominator))
    if len(terms) != 2:
        return None
    ones_ = [t for t in terms if t.product.core is None and not t.product.factors and t.product.coef == 1.0]
    others = [t for t in terms if t not in ones_]
    if len(ones_) != 1 or len(others) != 1 or others[0].product.coef != 1.0 or others[0].product.factors:
        return None
    e = others[0].product.core
    if e is None or e.op != "exp":
        return None
    return fn("sigmoid", e.args[0]) if numerator is e else None


def pow(a, b, pos: int | None = None) -> ShapedExpression:   # noqa: A001 - the ops namespace's name
    """Entrywise power (``^`` for scalars, ``.^`` otherwise)."""
    shape = _shape("pow", (a, b), pos)
    if is_const(b, 1.0) and a.shape == shape:
        return a
    if is_const(b, 0.0):
        return ones(shape)
    if is_zero(a) and is_const(b) and b.attr > 0:
        return zeros(shape)
    if is_const(a) and is_const(b):
        folded = _fold("pow", a, b)
        if folded is not None:
            return folded
    if is_const(b) and a.shape == shape:
        p = product_of(a)
        if a.is_scalar:
            raised = power(p, b.attr)
            if raised is not None:
                return rebuild(raised, shape)
        elif p.core.op != "ones":
            scale = power(Product(p.coef, p.factors), b.attr)
            if scale is not None and (scale.coef != 1.0 or scale.factors):
                return rebuild(Product(scale.coef, scale.factors, make("pow", (p.core, b))), shape)
    return make("pow", (a, b))


def mm(a, b, pos: int | None = None) -> ShapedExpression:
    """``a*b``: the matrix product, or scaling when one side is a scalar."""
    if a.is_scalar or b.is_scalar:
        return mul(a, b, pos)
    return matmul(a, b, pos)


def matmul(a, b, pos: int | None = None) -> ShapedExpression:
    shape = _shape("matmul", (a, b), pos)
    if is_zero(a) or is_zero(b):
        return zeros(shape)
    pa, pb = product_of(a), product_of(b)
    outer = merge(Product(pa.coef, pa.factors), Product(pb.coef, pb.factors))
    ca, cb = pa.core, pb.core
    if ca.op == "eye" or cb.op == "eye":
        core = cb if ca.op == "eye" else ca
    else:
        core = make("matmul", (ca, cb))
    return rebuild(Product(outer.coef, outer.factors, core), shape)


def T(a, pos: int | None = None) -> ShapedExpression:   # noqa: N802 - reads like the maths
    """Transpose, pushed through products ((AB)' = B'A') and through sums that hold a transpose."""
    if a.is_scalar:
        return a
    op = a.op
    if op == "transpose":
        return a.args[0]
    if op == "eye":
        return a
    if op in ("ones", "zeros"):
        return make(op, (), (a.shape[1], a.shape[0]), (a.shape[1], a.shape[0]))
    if op in ("add", "sub") or (op == "neg" and a.args[0].op in ("add", "sub")):
        terms = terms_of(a)
        if any(t.product.core is not None and t.product.core.op == "transpose" for t in terms):
            flipped = [Term(Product(t.product.coef, t.product.factors,
                                    T(t.product.core) if t.product.core is not None else None),
                            (t.shape[1], t.shape[0])) for t in terms]
            return _sum(flipped, (a.shape[1], a.shape[0]))
    p = product_of(a)
    if p.coef != 1.0 or p.factors:
        return rebuild(Product(p.coef, p.factors, T(p.core)), (a.shape[1], a.shape[0]))
    if op == "matmul":
        return matmul(T(a.args[1]), T(a.args[0]))
    return make("transpose", (a,))


# --- functions -------------------------------------------------------------------------------------------------
def _fold(op: str, *args) -> ShapedExpression | None:
    with np.errstate(all="ignore"):
        value = float(RULES[op].evaluate(*(np.full((1, 1), a.attr) for a in args))[0, 0])
    return const(value) if math.isfinite(value) else None


def fn(name: str, *args, pos: int | None = None) -> ShapedExpression:
    """A function of the rule table applied to ``args``: ``exp``, ``sum``, ``tr``, ``inv``, ``dot``, …"""
    shape = _shape(name, args, pos)
    if all(is_const(a) for a in args):
        folded = _fold(name, *args)
        if folded is not None:
            return folded
    simplified = _linear(name, args) if name in ("sum", "tr", "dot") else _special(name, args[0])
    return simplified if simplified is not None else make(name, tuple(args), None, shape)


def _linear(name: str, args) -> ShapedExpression | None:
    """sum, tr and dot are linear: scalar factors come out (sum(2*R) = 2*sum(R), tr(eye(n)) = n)."""
    if name == "dot":
        if is_zero(args[0]) or is_zero(args[1]):
            return const(0.0)
        if args[0].is_scalar:
            return mul(args[0], args[1])
        pa, pb = product_of(args[0]), product_of(args[1])
        outer = merge(Product(pa.coef, pa.factors), Product(pb.coef, pb.factors))
        return rebuild(merge(outer, Product(1.0, {make("dot", (pa.core, pb.core)): 1})), SCALAR)
    arg = args[0]
    if arg.is_scalar:
        return arg
    if is_zero(arg):
        return const(0.0)
    p = product_of(arg)
    if p.core.op in ("ones", "eye"):
        rows, cols = p.core.shape
        count = rows * cols if name == "sum" and p.core.op == "ones" else rows
        return rebuild(Product(p.coef * count, p.factors), SCALAR)
    if p.coef == 1.0 and not p.factors:
        return None
    return rebuild(merge(Product(p.coef, p.factors), Product(1.0, {make(name, (p.core,)): 1})), SCALAR)


def _special(name: str, a) -> ShapedExpression | None:
    if name == "inv":
        if a.op == "inv":
            return a.args[0]
        if a.op == "eye":
            return a
        if a.is_scalar:
            return div(const(1.0), a)
    if name == "log" and a.op == "exp":
        return a.args[0]
    return None


def norm_div(a, b, pos: int | None = None) -> ShapedExpression:
    """``a/b`` where b is a norm (the norm's VJP): symbolically a plain quotient; the numeric pass guards b = 0."""
    return div(a, b, pos)
