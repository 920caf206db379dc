"""Reverse mode over shaped expressions, from the rule table's vector-Jacobian products.

* :func:`gradients` — symbolic: one backward sweep builds each adjoint as a shaped expression with the symbolic
  builders, so a gradient can be printed, evaluated and differentiated again (:func:`hessian`).
* :func:`backward` — numeric: the same VJP rules run on numpy arrays (:data:`NUMERIC_OPS`), giving every node's
  adjoint at given values without building a formula (for graphs of tensor nodes, optimizers, checks).
* :func:`vjp` — one node's numeric vector-Jacobian products, for callers that run their own sweep.

Gradients are in denominator layout: d f / d X has X's shape. Contributions to a node are added in the order its
users were built (reading order), so ``x'*A*x`` gives ``(A + A')*x``.
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Iterable, Mapping

import numpy as np

from engine.matrix import build as SYMBOLIC_OPS
from engine.matrix.node import ShapedExpression, forward
from engine.matrix.normal import Product, rebuild, terms_of
from engine.matrix.rules import RULES
from engine.matrix.shapes import SCALAR, describe

_PROBE = "u·"   # a name no formula can spell: the direction of a Hessian-vector product


def _mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a * b if a.shape == SCALAR or b.shape == SCALAR else a @ b


NUMERIC_OPS = SimpleNamespace(
    add=np.add, sub=np.subtract, neg=np.negative, mul=np.multiply, div=np.divide, pow=np.power, mm=_mm,
    T=np.transpose, fn=lambda name, *args: RULES[name].evaluate(*args), const=lambda c: np.full((1, 1), c),
    ones=np.ones, eye=np.eye)
"""The rule table's ``ops`` namespace over 2-D float64 arrays."""


def _unbroadcast(ops, contribution, shape):
    """A contribution to a scalar that was used for every entry is the sum over those entries."""
    if shape == SCALAR and contribution.shape != SCALAR:
        return ops.fn("sum", contribution)
    return contribution


def _depends(order: list[ShapedExpression], sources: set[int]) -> set[int]:
    """ids of the nodes that depend on any node in ``sources`` (themselves included)."""
    needs = set(sources)
    for node in order:
        if any(id(a) in needs for a in node.args):
            needs.add(id(node))
    return needs


def gradients(expr: ShapedExpression, names: Iterable[str]) -> dict[str, ShapedExpression]:
    """``{name: d expr / d name}`` as shaped expressions in each variable's shape, from one backward sweep."""
    if not expr.is_scalar:
        raise ValueError(f"a gradient needs a scalar expression; this one is {describe(expr.shape)}")
    names = list(names)
    variables = expr.variables
    for name in names:
        if name not in variables:
            raise ValueError(f"{name} is not a variable of this expression "
                             f"(it uses {', '.join(variables) or 'none'})")
    order = expr.nodes()
    targets = {id(n): n for n in order if n.op == "var" and n.attr[0] in names}
    needs = _depends(order, set(targets))
    index = {id(n): i for i, n in enumerate(order)}
    parts: dict[int, list] = {id(expr): [(len(order), SYMBOLIC_OPS.const(1.0))]}
    adjoint: dict[int, ShapedExpression] = {}
    for node in reversed(order):
        received = parts.pop(id(node), None)
        if not received or id(node) not in needs:
            continue
        received.sort(key=lambda p: p[0])
        g = received[0][1]
        for _, more in received[1:]:
            g = SYMBOLIC_OPS.add(g, more)
        adjoint[id(node)] = g
        for i, arg in enumerate(node.args):
            if id(arg) in needs:
                c = RULES[node.op].vjp[i](SYMBOLIC_OPS, g, node, *node.args)
                if c is not None:
                    parts.setdefault(id(arg), []).append((index[id(node)], _unbroadcast(SYMBOLIC_OPS, c, arg.shape)))
    return {name: next((adjoint[i] for i, n in targets.items() if n.attr[0] == name and i in adjoint),
                       SYMBOLIC_OPS.zeros(variables[name])) for name in names}


def vjp(node: ShapedExpression, g: np.ndarray, values: Mapping[ShapedExpression, np.ndarray],
        which: Iterable[int] | None = None) -> list[np.ndarray | None]:
    """Numeric adjoint contributions of ``node``'s arguments (each in its argument's shape; None for zero) from the
    output adjoint ``g`` (node's shape) and ``values`` (at least the node's and its arguments' values)."""
    rule = RULES[node.op]
    args = [values[a] for a in node.args]
    wanted = range(len(node.args)) if which is None else which
    result: list[np.ndarray | None] = [None] * len(node.args)
    with np.errstate(all="ignore"):
        for i in wanted:
            c = rule.vjp[i](NUMERIC_OPS, g, values[node], *args)
            if c is not None:
                result[i] = _unbroadcast(NUMERIC_OPS, np.asarray(c, dtype=np.float64), node.args[i].shape)
    return result


def backward(root: ShapedExpression, values: Mapping[ShapedExpression, np.ndarray],
             seed: np.ndarray | None = None, wrt: Iterable[str] | None = None) -> dict[ShapedExpression, np.ndarray]:
    """Every node's adjoint (d root / d node, numeric, in the node's shape) given every node's value (see
    :func:`engine.matrix.node.forward`). ``seed`` is the root's adjoint (default 1 for a scalar root); with ``wrt``
    only nodes on a path to those variables are visited."""
    if seed is None:
        if not root.is_scalar:
            raise ValueError(f"a non-scalar root ({describe(root.shape)}) needs a seed adjoint")
        seed = np.ones((1, 1))
    order = root.nodes()
    needs = None if wrt is None else _depends(order, {id(n) for n in order if n.op == "var" and n.attr[0] in wrt})
    adjoint: dict[ShapedExpression, np.ndarray] = {root: np.asarray(seed, dtype=np.float64).reshape(root.shape)}
    for node in reversed(order):
        g = adjoint.get(node)
        if g is None or not node.args:
            continue
        which = [i for i, a in enumerate(node.args) if needs is None or id(a) in needs]
        for arg, c in zip(node.args, vjp(node, g, values, which)):
            if c is not None:
                adjoint[arg] = adjoint[arg] + c if arg in adjoint else c
    return adjoint


def gradient_values(expr: ShapedExpression, names: Iterable[str], values: Mapping[str, object]) -> dict:
    """``{name: gradient array}`` by one numeric forward and backward pass (no formula is built)."""
    names = list(names)
    computed = forward([expr], values)
    adjoint = backward(expr, computed, wrt=names)
    shapes = expr.variables
    found = {n.attr[0]: adjoint[n] for n in expr.nodes() if n.op == "var" and n in adjoint}
    return {name: found.get(name, np.zeros(shapes[name])) for name in names}


def hessian(expr: ShapedExpression, name: str) -> ShapedExpression:
    """The Hessian with respect to a scalar or vector variable as a matrix formula: the gradient of
    ``dot(u, grad)`` is ``H*u`` for a probe direction u, and H is read off. ValueError when it has no such form
    (e.g. ``diag(exp(x))`` of ``sum(exp(x))``: there is no diag in the syntax)."""
    g = gradients(expr, [name])[name]
    shape = expr.variables[name]
    if shape == SCALAR:
        return gradients(g, [name])[name] if name in g.variables else SYMBOLIC_OPS.zeros(SCALAR)
    if shape[1] != 1:
        raise ValueError(f"a Hessian formula is offered for a scalar or vector variable, not {describe(shape)}")
    if name not in g.variables:
        return SYMBOLIC_OPS.zeros((shape[0], shape[0]))
    u = SYMBOLIC_OPS.var(_PROBE, shape)
    k = gradients(SYMBOLIC_OPS.fn("dot", u, g), [name])[name]
    m = _read_off(k, u, shape[0])          # the gradient of dot(u, grad) is H'*u, and H is symmetric:
    flipped = SYMBOLIC_OPS.T(m)            # either form is H; show the one with fewer transposes
    return m if _transposes(m) < _transposes(flipped) else flipped


def _transposes(node: ShapedExpression) -> int:
    return sum(n.op == "transpose" for n in node.nodes())


def _read_off(k: ShapedExpression, u: ShapedExpression, n: int) -> ShapedExpression:
    """M from K = M*u: a sum of terms, each a scalar times u, L1*(L2*(…*u)) with the L's free of u, or such a sum."""
    result = SYMBOLIC_OPS.zeros((n, n))
    for term in terms_of(k):
        p, core = term.product, term.product.core
        if core is None or any(_PROBE in f.variables for f in p.factors):
            raise ValueError("this Hessian has no matrix formula in the syntax")
        if core.op in ("add", "sub"):
            m = _read_off(core, u, n)
        else:
            lefts = []
            while core.op == "matmul" and _PROBE not in core.args[0].variables:
                lefts.append(core.args[0])
                core = core.args[1]
            if core is not u:
                raise ValueError("this Hessian has no matrix formula in the syntax")
            m = SYMBOLIC_OPS.eye(n)
            for left in reversed(lefts):
                m = SYMBOLIC_OPS.mm(left, m)
        result = SYMBOLIC_OPS.add(result, SYMBOLIC_OPS.mul(rebuild(Product(p.coef, p.factors), SCALAR), m))
    return result
