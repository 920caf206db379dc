"""Shaped expressions: immutable, hash-consed DAG nodes with a shape, evaluated with numpy.

A :class:`ShapedExpression` is a leaf (``var``, ``const``, ``ones``, ``zeros``, ``eye``) or an operation of the rule
table (:mod:`engine.matrix.rules`) applied to argument nodes. Nodes are interned, so structurally equal
subexpressions are one object (equality is identity) and a gradient shares its function's nodes. Build nodes with
:func:`engine.matrix.parse_matrix` or the builders of :mod:`engine.matrix.build`, never with the constructor.

Evaluation walks the DAG once in topological order (iterative), each rule's numpy function on whole arrays (BLAS for
products); :func:`forward` returns every node's value, for callers that need them all (a backward pass, a graph).
"""
from __future__ import annotations

import threading
import weakref
from typing import Iterable, Mapping

import numpy as np

from engine.expr.node import topological_order   # generic over nodes with .args: one iterative walk for both
from engine.matrix.rules import RULES
from engine.matrix.shapes import SCALAR, Shape, describe

_LOCK = threading.Lock()
_INTERNED: "weakref.WeakValueDictionary[tuple, ShapedExpression]" = weakref.WeakValueDictionary()


class ShapedExpression:
    """A node of a shaped expression DAG. ``op`` is a key of ``RULES``; ``args`` the argument nodes; ``attr`` the
    leaf's data: ``(name, shape)`` for a variable, the float for a constant, the shape for ones/zeros/eye.

    ``grad``, ``hessian``, ``str`` and ``repr`` come from :mod:`engine.matrix.methods` (attached by the package, so
    that this module imports none of the modules that build on it)."""

    __slots__ = ("op", "args", "attr", "shape", "_order", "_variables", "_grads", "__weakref__")

    def __init__(self, op: str, args: tuple, attr, shape: Shape):
        self.op = op
        self.args = args
        self.attr = attr
        self.shape = shape
        self._order = None
        self._variables = None
        self._grads: dict = {}

    # --- structure -------------------------------------------------------------------------------------------
    @property
    def rule(self):
        return RULES[self.op]

    @property
    def name(self) -> str | None:
        return self.attr[0] if self.op == "var" else None

    @property
    def value(self) -> float | None:
        return self.attr if self.op == "const" else None

    @property
    def is_scalar(self) -> bool:
        return self.shape == SCALAR

    @property
    def variables(self) -> dict[str, Shape]:
        """``{name: shape}`` of the variables used, sorted by name."""
        if self._variables is None:
            found = {n.attr[0]: n.attr[1] for n in self.nodes() if n.op == "var"}
            self._variables = {name: found[name] for name in sorted(found)}
        return dict(self._variables)

    def nodes(self) -> list["ShapedExpression"]:
        """Every node once, arguments before their users."""
        if self._order is None:
            self._order = topological_order([self])
        return self._order

    # --- evaluation, derivatives, text --------------------------------------------------------------------------
    def evaluate(self, values: Mapping[str, object] | None = None, **kwargs):
        """Value for the given variables (numbers, nested lists or arrays of the variable's shape; a vector may be
        given flat). A float for a scalar expression, else an array of ``self.shape``. Extra names are ignored."""
        result = evaluate_many([self], values, **kwargs)[0]
        return float(result[0, 0]) if self.shape == SCALAR else result


def make(op: str, args: tuple = (), attr=None, shape: Shape | None = None) -> ShapedExpression:
    """The interned node; ``shape`` defaults to the rule's shape of the arguments (which must fit)."""
    if shape is None:
        shape = RULES[op].shape(*(a.shape for a in args))
    key = (op, tuple(id(a) for a in args), _attr_key(op, attr), shape)
    with _LOCK:
        node = _INTERNED.get(key)
        if node is None:
            node = ShapedExpression(op, tuple(args), attr, shape)
            _INTERNED[key] = node
    return node


def _attr_key(op: str, attr):
    if op == "const":
        return repr(float(attr))    # tells 0.0 from -0.0 and lets nan equal itself
    return attr


def as_value(value, shape: Shape, name: str) -> np.ndarray:
    """A variable's value as a float64 array of ``shape``; ValueError naming the variable otherwise."""
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 1 and shape[1] == 1:
        array = array.reshape(-1, 1)
    elif array.ndim == 1 and shape[0] == 1:
        array = array.reshape(1, -1)
    elif array.ndim == 0:
        array = array.reshape(1, 1)
    if array.shape != shape:
        raise ValueError(f"{name} is {describe(shape)}, but its value has shape "
                         f"{'×'.join(map(str, array.shape)) or 'scalar'}")
    return array


def leaf_value(node: ShapedExpression, values: Mapping[str, object]) -> np.ndarray:
    op = node.op
    if op == "var":
        name, shape = node.attr
        if name not in values:
            raise ValueError(f"no value for {name}")
        return as_value(values[name], shape, name)
    if op == "const":
        return np.full((1, 1), node.attr)
    if op == "ones":
        return np.ones(node.shape)
    if op == "zeros":
        return np.zeros(node.shape)
    return np.eye(node.shape[0])


def forward(roots: Iterable[ShapedExpression], values: Mapping[str, object] | None = None,
            **kwargs) -> dict[ShapedExpression, np.ndarray]:
    """Every node's value (a 2-D array) for the given variable values; shared nodes are computed once."""
    values = {**(values or {}), **kwargs}
    roots = list(roots)
    order = roots[0].nodes() if len(roots) == 1 else topological_order(roots)
    result: dict[ShapedExpression, np.ndarray] = {}
    with np.errstate(all="ignore"):
        for node in order:
            if not node.args:
                result[node] = leaf_value(node, values)
            else:
                result[node] = RULES[node.op].evaluate(*(result[a] for a in node.args))
    return result


def evaluate_many(roots, values: Mapping[str, object] | None = None, **kwargs) -> list[np.ndarray]:
    """The 2-D value of each root (scalars as 1×1 arrays); nodes shared between roots are computed once."""
    roots = list(roots)
    computed = forward(roots, values, **kwargs)
    return [computed[r] for r in roots]
