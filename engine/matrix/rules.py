"""The one rule table of matrix operations: each operation declared once.

A :class:`Rule` holds, for one operation, its shape rule, its numpy evaluation, its vector-Jacobian products and how
it prints (symbol, kind, precedence). Everything else interprets this table: the parser checks shapes with it,
:mod:`engine.matrix.node` evaluates with it, :mod:`engine.matrix.grad` differentiates with it (symbolically *and*
numerically, see below) and :mod:`engine.matrix.printing` writes text with it.

Vector-Jacobian products are written once against an ``ops`` namespace (``add sub neg mul div pow mm T fn const
ones eye``). Given symbolic builders (:mod:`engine.matrix.build`) a rule returns a shaped expression — the gradient
formula; given numpy (:data:`engine.matrix.grad.NUMERIC_OPS`) the same rule returns arrays — a numeric backward pass.
A VJP gets ``(ops, g, out, *args)``: the adjoint of the output ``g`` (output's shape), the output ``out`` and the
arguments, and returns the adjoint contribution for its argument (or None for zero). Scalar factors are combined
before they meet a large array (``(g/out).*a``, not ``g.*(a/out)``): one pass over the array instead of two when
the rule runs numerically. A contribution to a scalar
argument that was broadcast may come in the output's shape; the caller sums it (:func:`unbroadcast`).

Values are always 2-D float64 arrays; a scalar is a (1, 1) array.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.matrix.shapes import SCALAR, ShapeMismatch, describe

PREC_SUM, PREC_PRODUCT, PREC_NEG, PREC_POW, PREC_POSTFIX, PREC_ATOM = 1, 2, 3, 4, 5, 6


@dataclass(frozen=True)
class Rule:
    name: str
    arity: int
    shape: Callable | None          # (*argument shapes) -> output shape; raises ShapeMismatch
    evaluate: Callable | None       # (*argument arrays) -> output array
    vjp: tuple                      # one (ops, g, out, *args) -> contribution | None per argument
    kind: str                       # "leaf", "infix", "prefix", "postfix" or "function"
    symbol: str | Callable = ""     # text; for infix operators maybe (shape_a, shape_b) -> text
    precedence: int = PREC_ATOM
    description: str = ""


def _mismatch(template: str, operation: str):
    def raise_for(*shapes):
        raise ShapeMismatch(template.format(*map(describe, shapes)), operation, shapes)
    return raise_for


def _broadcast(template: str, operation: str):
    """Elementwise: equal shapes, or one side a scalar (it is used for every entry)."""
    fail = _mismatch(template, operation)

    def shape(a, b):
        if a == b or b == SCALAR:
            return a
        if a == SCALAR:
            return b
        fail(a, b)
    return shape


def _same(a):
    return a


def _reduce(a):
    return SCALAR


def _square(name: str, keep: bool):
    def shape(a):
        if a[0] != a[1]:
            raise ShapeMismatch(f"{name} needs a square matrix, not {describe(a)}", name, (a,))
        return a if keep else SCALAR
    return shape


def _matmul_shape(a, b):
    if a[1] != b[0]:
        raise ShapeMismatch(f"cannot multiply {describe(a)} by {describe(b)}: {a[1]} columns against {b[0]} rows",
                            "multiply", (a, b))
    return (a[0], b[1])


def _dot_shape(a, b):
    if a != b:
        raise ShapeMismatch(f"dot needs two operands of one shape, not {describe(a)} and {describe(b)}", "dot",
                            (a, b))
    return SCALAR


def _either_scalar(sym_scalar: str, sym_elementwise: str):
    return lambda a, b: sym_scalar if SCALAR in (a, b) else sym_elementwise


def _scalar_right(sym_scalar: str, sym_elementwise: str):
    return lambda a, b: sym_scalar if b == SCALAR else sym_elementwise


def _both_scalar(sym_scalar: str, sym_elementwise: str):
    return lambda a, b: sym_scalar if a == SCALAR and b == SCALAR else sym_elementwise


# --- numpy evaluations (2-D in, 2-D out; no Python loops over entries) -----------------------------------------
def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _scalar(v) -> np.ndarray:
    return np.full((1, 1), v, dtype=np.float64)


def _norm2(x):
    flat = x.ravel()
    return _scalar(np.sqrt(np.dot(flat, flat)))


def _logdet(x):
    sign, logabs = np.linalg.slogdet(x)
    return _scalar(logabs if sign > 0 else np.nan)


def _inv(x):
    try:
        return np.linalg.inv(x)
    except np.linalg.LinAlgError:
        return np.full(x.shape, np.nan)


def _power(a, b):
    return np.power(a, b)


# --- vector-Jacobian products ----------------------------------------------------------------------------------
def _elementwise(derivative: Callable | None):
    """VJP of an elementwise function: ``g .* f'(a)`` with ``derivative(ops, out, a)`` giving f'(a)."""
    if derivative is None:
        return (lambda o, g, out, a: None,)
    return (lambda o, g, out, a: o.mul(g, derivative(o, out, a)),)


def _one_minus(o, x):
    return o.sub(o.const(1.0), x)


_FUNCTION_DERIVATIVES = {
    "exp": (np.exp, lambda o, out, a: out, "e to the power, entrywise"),
    "log": (np.log, lambda o, out, a: o.div(o.const(1.0), a), "natural logarithm, entrywise"),
    "sqrt": (np.sqrt, lambda o, out, a: o.div(o.const(0.5), out), "square root, entrywise"),
    "sin": (np.sin, lambda o, out, a: o.fn("cos", a), "sine, entrywise"),
    "cos": (np.cos, lambda o, out, a: o.neg(o.fn("sin", a)), "cosine, entrywise"),
    "tanh": (np.tanh, lambda o, out, a: _one_minus(o, o.pow(out, o.const(2.0))), "hyperbolic tangent, entrywise"),
    "sigmoid": (_sigmoid, lambda o, out, a: o.mul(out, _one_minus(o, out)), "1/(1+exp(-x)), entrywise"),
    "relu": (lambda x: np.maximum(x, 0.0), lambda o, out, a: o.fn("step", a), "max(x, 0), entrywise"),
    "abs": (np.abs, lambda o, out, a: o.fn("sign", a), "absolute value, entrywise"),
    "softplus": (lambda x: np.logaddexp(0.0, x), lambda o, out, a: o.fn("sigmoid", a), "log(1+exp(x)), entrywise"),
    "step": (lambda x: (x > 0).astype(np.float64), None, "1 where x > 0, else 0 (derivative of relu)"),
    "sign": (np.sign, None, "-1, 0 or 1 entrywise (derivative of abs)"),
}


def _table() -> dict[str, Rule]:
    rules = [
        Rule("var", 0, None, None, (), "leaf", description="a variable"),
        Rule("const", 0, None, None, (), "leaf", description="a number"),
        Rule("ones", 0, None, None, (), "leaf", "ones", description="ones(r,c): the r×c matrix of ones"),
        Rule("zeros", 0, None, None, (), "leaf", "zeros", description="zeros(r,c): the r×c zero matrix"),
        Rule("eye", 0, None, None, (), "leaf", "eye", description="eye(n): the n×n identity"),
        Rule("add", 2, _broadcast("cannot add {} and {}", "add"), np.add,
             (lambda o, g, out, a, b: g, lambda o, g, out, a, b: g), "infix", "+", PREC_SUM),
        Rule("sub", 2, _broadcast("cannot subtract {} and {}", "subtract"), np.subtract,
             (lambda o, g, out, a, b: g, lambda o, g, out, a, b: o.neg(g)), "infix", "-", PREC_SUM),
        Rule("neg", 1, _same, np.negative, (lambda o, g, out, a: o.neg(g),), "prefix", "-", PREC_NEG),
        Rule("mul", 2, _broadcast("cannot multiply elementwise {} and {}", "multiply elementwise"), np.multiply,
             (lambda o, g, out, a, b: o.mul(g, b), lambda o, g, out, a, b: o.mul(g, a)),
             "infix", _either_scalar("*", ".*"), PREC_PRODUCT, "product entrywise (scaling when one is a scalar)"),
        Rule("div", 2, _broadcast("cannot divide elementwise {} by {}", "divide elementwise"), np.divide,
             (lambda o, g, out, a, b: o.div(g, b), lambda o, g, out, a, b: o.neg(o.div(o.mul(g, out), b))),
             "infix", _scalar_right("/", "./"), PREC_PRODUCT, "quotient entrywise"),
        Rule("pow", 2, _broadcast("cannot raise {} elementwise to the power {}", "raise elementwise"), _power,
             (lambda o, g, out, a, b: o.mul(g, o.mul(b, o.pow(a, o.sub(b, o.const(1.0))))),
              lambda o, g, out, a, b: o.mul(g, o.mul(out, o.fn("log", a)))),
             "infix", _both_scalar("^", ".^"), PREC_POW, "power entrywise"),
        Rule("matmul", 2, _matmul_shape, np.matmul,
             (lambda o, g, out, a, b: o.mm(g, o.T(b)), lambda o, g, out, a, b: o.mm(o.T(a), g)),
             "infix", "*", PREC_PRODUCT, "matrix product"),
        Rule("transpose", 1, lambda a: (a[1], a[0]), np.transpose, (lambda o, g, out, a: o.T(g),),
             "postfix", "'", PREC_POSTFIX, "transpose"),
        Rule("sum", 1, _reduce, lambda a: _scalar(np.sum(a)), (lambda o, g, out, a: o.mul(g, o.ones(a.shape)),),
             "function", "sum", description="sum of all entries"),
        Rule("norm1", 1, _reduce, lambda a: _scalar(np.sum(np.abs(a))),
             (lambda o, g, out, a: o.mul(g, o.fn("sign", a)),), "function", "norm1",
             description="sum of absolute values"),
        Rule("norm2", 1, _reduce, _norm2, (lambda o, g, out, a: o.mul(o.div(g, out), a),), "function", "norm2",
             description="Euclidean (vector) or Frobenius (matrix) norm"),
        Rule("tr", 1, _square("tr", False), lambda a: _scalar(np.trace(a)),
             (lambda o, g, out, a: o.mul(g, o.eye(a.shape[0])),), "function", "tr", description="trace"),
        Rule("det", 1, _square("det", False), lambda a: _scalar(np.linalg.det(a)),
             (lambda o, g, out, a: o.mul(o.mul(g, out), o.T(o.fn("inv", a))),), "function", "det",
             description="determinant"),
        Rule("logdet", 1, _square("logdet", False), _logdet, (lambda o, g, out, a: o.mul(g, o.T(o.fn("inv", a))),),
             "function", "logdet", description="log of a positive determinant"),
        Rule("inv", 1, _square("inv", True), _inv,
             (lambda o, g, out, a: o.neg(o.mm(o.T(out), o.mm(g, o.T(out)))),), "function", "inv",
             description="matrix inverse"),
        Rule("dot", 2, _dot_shape, lambda a, b: _scalar(np.vdot(a, b)),
             (lambda o, g, out, a, b: o.mul(g, b), lambda o, g, out, a, b: o.mul(g, a)), "function", "dot",
             description="sum of the entrywise product"),
    ]
    for name, (evaluate, derivative, description) in _FUNCTION_DERIVATIVES.items():
        rules.append(Rule(name, 1, _same, evaluate, _elementwise(derivative), "function", name,
                          description=description))
    return {rule.name: rule for rule in rules}


RULES: dict[str, Rule] = _table()
ELEMENTWISE_FUNCTIONS = tuple(_FUNCTION_DERIVATIVES)
FUNCTIONS = tuple(name for name, rule in RULES.items() if rule.kind == "function")   # names the parser accepts
CONSTANT_FUNCTIONS = ("ones", "zeros", "eye")                                       # take whole-number sizes


def symbol(rule: Rule, arg_shapes) -> str:
    return rule.symbol(*arg_shapes) if callable(rule.symbol) else rule.symbol
