"""The one primitive table.

Each primitive is declared once, with its float64 numpy evaluation, its local derivatives (built as Expressions, so
they can be differentiated again) and how it prints. Evaluation, differentiation, printing and parsing all read this
table; nothing else in the engine knows what an individual operation does.

A derivative rule is ``deriv(i, args, out, b)``: the partial of the node ``out = op(*args)`` with respect to its
``i``-th argument, built with the expression builders ``b`` (the module :mod:`engine.expr.build`, passed in to keep
this table free of import cycles).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

# Printing precedence: higher binds tighter.
PREC_ADD = 1
PREC_MUL = 2
PREC_NEG = 3
PREC_POW = 4
PREC_ATOM = 5


@dataclass(frozen=True)
class Primitive:
    name: str
    arity: int
    impl: Callable
    deriv: Callable
    symbol: str | None = None  # infix symbol for operators; None for functions written name(args)
    precedence: int = PREC_ATOM
    description: str = ""


def _sigmoid(x, out=None):
    # 1/(1+exp(-|x|)) and its complement never overflow, and keep relative accuracy far into the lower tail
    # (0.5*(1+tanh(x/2)) rounds to 0 there, which log(sigmoid(x)) would turn into -inf).
    decay = np.exp(-np.abs(x))
    upper = 1.0 / (1.0 + decay)
    result = np.where(x >= 0, upper, decay * upper)
    if out is None:
        return result
    out[...] = result
    return out


def _relu(x, out=None):
    return np.maximum(x, 0.0, out=out)


def _step(x, out=None):
    return np.heaviside(x, 0.0, out=out)


def _softplus(x, out=None):
    return np.logaddexp(0.0, x, out=out)


_OPERATORS = [
    Primitive("add", 2, np.add, lambda i, a, out, b: b.const(1.0),
              "+", PREC_ADD, "sum"),
    Primitive("sub", 2, np.subtract, lambda i, a, out, b: b.const(1.0 if i == 0 else -1.0),
              "-", PREC_ADD, "difference"),
    Primitive("mul", 2, np.multiply, lambda i, a, out, b: a[1 - i],
              "*", PREC_MUL, "product"),
    Primitive("div", 2, np.divide,
              lambda i, a, out, b: b.div(b.const(1.0), a[1]) if i == 0 else b.neg(b.div(out, a[1])),
              "/", PREC_MUL, "quotient"),
    Primitive("pow", 2, np.power,
              lambda i, a, out, b: (b.mul(a[1], b.pow(a[0], b.sub(a[1], b.const(1.0)))) if i == 0
                                    else b.mul(out, b.log(a[0]))),
              "^", PREC_POW, "power"),
    Primitive("neg", 1, np.negative, lambda i, a, out, b: b.const(-1.0),
              "-", PREC_NEG, "negation"),
]

_FUNCTIONS = [
    Primitive("exp", 1, np.exp, lambda i, a, out, b: out, description="exponential"),
    Primitive("log", 1, np.log, lambda i, a, out, b: b.div(b.const(1.0), a[0]), description="natural logarithm"),
    Primitive("sqrt", 1, np.sqrt, lambda i, a, out, b: b.div(b.const(0.5), out), description="square root"),
    Primitive("sin", 1, np.sin, lambda i, a, out, b: b.apply("cos", a[0]), description="sine"),
    Primitive("cos", 1, np.cos, lambda i, a, out, b: b.neg(b.apply("sin", a[0])), description="cosine"),
    Primitive("tan", 1, np.tan, lambda i, a, out, b: b.add(b.const(1.0), b.pow(out, b.const(2.0))),
              description="tangent"),
    Primitive("sinh", 1, np.sinh, lambda i, a, out, b: b.apply("cosh", a[0]), description="hyperbolic sine"),
    Primitive("cosh", 1, np.cosh, lambda i, a, out, b: b.apply("sinh", a[0]), description="hyperbolic cosine"),
    Primitive("tanh", 1, np.tanh, lambda i, a, out, b: b.sub(b.const(1.0), b.pow(out, b.const(2.0))),
              description="hyperbolic tangent"),
    Primitive("sigmoid", 1, _sigmoid, lambda i, a, out, b: b.mul(out, b.sub(b.const(1.0), out)),
              description="logistic sigmoid 1/(1+exp(-x))"),
    Primitive("softplus", 1, _softplus, lambda i, a, out, b: b.apply("sigmoid", a[0]),
              description="log(1+exp(x))"),
    Primitive("relu", 1, _relu, lambda i, a, out, b: b.apply("step", a[0]), description="max(x, 0)"),
    Primitive("abs", 1, np.abs, lambda i, a, out, b: b.apply("sign", a[0]), description="absolute value"),
    Primitive("step", 1, _step, lambda i, a, out, b: b.const(0.0),
              description="Heaviside step: 1 for x>0, else 0 (derivative of relu)"),
    Primitive("sign", 1, np.sign, lambda i, a, out, b: b.const(0.0), description="sign of x (derivative of abs)"),
]

PRIMITIVES: dict[str, Primitive] = {p.name: p for p in _OPERATORS + _FUNCTIONS}
FUNCTIONS: dict[str, Primitive] = {p.name: p for p in _FUNCTIONS}
BINARY_SYMBOLS: dict[str, str] = {p.symbol: p.name for p in _OPERATORS if p.arity == 2}
