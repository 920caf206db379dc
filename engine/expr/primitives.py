"""The one primitive table.

Each primitive is declared once, with its float64 numpy evaluation, its local derivatives (built as Expressions, so
they can be differentiated again) and how it prints. Evaluation, differentiation, printing and parsing all read this
table; nothing else in the engine knows what an individual operation does.

Each primitive also carries its scalar interpretation, for passes over plain Python floats (the chain-rule graph's
forward and backward): ``scalar(*floats) -> float`` with :mod:`math` speed and numpy's IEEE answers where math
refuses (log 0 = −inf, exp(1000) = inf, sin(inf) = nan: never an exception), and ``scalar_deriv``, one function per
argument giving the local partial as a float, by the same rule as ``deriv``.

A derivative rule is ``deriv(i, args, out, b)``: the partial of the node ``out = op(*args)`` with respect to its
``i``-th argument, built with the expression builders ``b`` (the module :mod:`engine.expr.build`, passed in to keep
this table free of import cycles).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import math
import operator

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
    scalar: Callable = None            # float arguments -> float, IEEE answers, never raises (filled in below)
    scalar_deriv: tuple = ()           # per argument: float arguments -> the local partial (filled in below)


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

# --- scalar interpretation -------------------------------------------------------------------------------------------
def _scalar_sigmoid(x):
    decay = math.exp(-abs(x))   # as _sigmoid: never overflows, keeps the lower tail's relative accuracy
    upper = 1.0 / (1.0 + decay)
    return upper if x >= 0 else decay * upper


def _scalar_softplus(x):
    return x + math.log1p(math.exp(-x)) if x > 0 else math.log1p(math.exp(x))


def _scalar_relu(x):
    return x if x > 0 or x != x else 0.0   # NaN stays NaN, as np.maximum


def _scalar_step(x):
    return 1.0 if x > 0 else (0.0 if x <= 0 else math.nan)


def _scalar_sign(x):
    return 1.0 if x > 0 else (-1.0 if x < 0 else (0.0 if x == 0 else math.nan))


#: math's (or Python's) version of each primitive; they agree with numpy wherever they return.
_MATH = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "neg": operator.neg, "div": operator.truediv,
    "pow": math.pow, "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "sin": math.sin, "cos": math.cos,
    "tan": math.tan, "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh, "sigmoid": _scalar_sigmoid,
    "softplus": _scalar_softplus, "relu": _scalar_relu, "abs": abs, "step": _scalar_step, "sign": _scalar_sign,
}
#: These never raise on floats (inf and nan included), so they need no guard.
_NEVER_RAISE = {"add", "sub", "mul", "neg", "tanh", "sigmoid", "relu", "abs", "step", "sign"}


def _guarded(name: str, fast: Callable, array_impl: Callable, arity: int) -> Callable:
    """``fast``, falling back to the numpy rule where math raises (domain error, overflow, division by zero)."""
    if name in _NEVER_RAISE:
        return fast

    def by_numpy(*args):
        with np.errstate(all="ignore"):
            return float(array_impl(*args))

    # one signature per arity: *args would build a tuple on every call of the commonest guarded steps (pow, log)
    if arity == 1:
        def guarded(x):
            try:
                return fast(x)
            except (ValueError, OverflowError, ZeroDivisionError):
                return by_numpy(x)
        return guarded

    def guarded2(x, y):
        try:
            return fast(x, y)
        except (ValueError, OverflowError, ZeroDivisionError):
            return by_numpy(x, y)
    return guarded2


def _scalar_derivatives(s: dict) -> dict:
    """The local partials as float functions, written with the scalar primitives ``s`` in the order of each
    ``deriv`` rule above, so that they round (and give inf or nan) as the rule's expression does."""
    one = lambda *a: 1.0  # noqa: E731
    zero = lambda *a: 0.0  # noqa: E731
    return {
        "add": (one, one), "sub": (one, lambda x, y: -1.0), "mul": (lambda x, y: y, lambda x, y: x),
        "div": (lambda x, y: s["div"](1.0, y), lambda x, y: s["neg"](s["div"](s["div"](x, y), y))),
        "pow": (lambda x, y: s["mul"](y, s["pow"](x, s["sub"](y, 1.0))),
                lambda x, y: s["mul"](s["pow"](x, y), s["log"](x))),
        "neg": (lambda x: -1.0,), "exp": (s["exp"],), "log": (lambda x: s["div"](1.0, x),),
        "sqrt": (lambda x: s["div"](0.5, s["sqrt"](x)),), "sin": (s["cos"],), "cos": (lambda x: -s["sin"](x),),
        "tan": (lambda x: s["add"](1.0, s["pow"](s["tan"](x), 2.0)),), "sinh": (s["cosh"],), "cosh": (s["sinh"],),
        "tanh": (lambda x: s["sub"](1.0, s["pow"](s["tanh"](x), 2.0)),),
        "sigmoid": (lambda x: s["mul"](s["sigmoid"](x), s["sub"](1.0, s["sigmoid"](x))),),
        "softplus": (s["sigmoid"],), "relu": (s["step"],), "abs": (s["sign"],), "step": (zero,), "sign": (zero,),
    }


def _with_scalars(primitives: list[Primitive]) -> list[Primitive]:
    scalars = {p.name: _guarded(p.name, _MATH[p.name], p.impl, p.arity) for p in primitives}
    derivs = _scalar_derivatives(scalars)
    return [replace(p, scalar=scalars[p.name], scalar_deriv=derivs[p.name]) for p in primitives]


_ALL = _with_scalars(_OPERATORS + _FUNCTIONS)
_OPERATORS, _FUNCTIONS = _ALL[:len(_OPERATORS)], _ALL[len(_OPERATORS):]
PRIMITIVES: dict[str, Primitive] = {p.name: p for p in _OPERATORS + _FUNCTIONS}
FUNCTIONS: dict[str, Primitive] = {p.name: p for p in _FUNCTIONS}
BINARY_SYMBOLS: dict[str, str] = {p.symbol: p.name for p in _OPERATORS if p.arity == 2}
