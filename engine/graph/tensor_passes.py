"""Forward and backward passes over a graph that holds vectors or matrices (chosen by Graph when any node does).

Values and adjoints are 2-D float64 arrays in the node's shape (a scalar 1×1). A tensor formula node runs
:func:`engine.matrix.forward` over its shaped expression (whose variables are its parents) and, going back,
:func:`engine.matrix.backward` seeded with the node's adjoint: vector-Jacobian products from the one rule table, never
a dense Jacobian. A scalar formula node (its parents all 1×1) uses its scalar expression and gradient.

The local "partial" on an edge is a :class:`Jacobian`: its shape always, its entries on request for small shapes
(built row by row from vector-Jacobian products of unit vectors).
"""
from __future__ import annotations

import math
from typing import Iterator, Mapping, NamedTuple

import numpy as np

from engine.expr.evaluation import evaluate_many as scalar_evaluate_many
from engine.graph.nodes import GraphError
from engine.graph.tensor import as_array, check_input_value
from engine.matrix.grad import backward as matrix_backward
from engine.matrix.node import forward as matrix_forward
from engine.matrix.shapes import SCALAR, describe, shape_text

MAX_DENSE_ENTRIES = 4096   # a Jacobian with more entries is described by its shape only


class Contribution(NamedTuple):
    child: str
    child_adjoint: np.ndarray    # the child's adjoint, in the child's shape
    local_partial: "Jacobian"    # ∂child/∂node
    product: np.ndarray          # the vector-Jacobian product: this child's share of the node's adjoint


class BackwardStep(NamedTuple):
    node: str
    contributions: list
    total: np.ndarray            # the node's adjoint, in its shape


class Jacobian:
    """∂child/∂parent at the current values: (child entries) × (parent entries), entries in row-major order."""

    def __init__(self, parent: str, child: str, child_shape, parent_shape, vjp):
        self.parent, self.child = parent, child
        self.child_shape, self.parent_shape = tuple(child_shape), tuple(parent_shape)
        self.shape = (math.prod(child_shape), math.prod(parent_shape))
        self._vjp = vjp
        self._dense = None

    @property
    def is_small(self) -> bool:
        return self.shape[0] * self.shape[1] <= MAX_DENSE_ENTRIES

    def describe(self) -> str:
        return (f"∂{self.child}/∂{self.parent}: {shape_text(self.shape)} "
                f"({shape_text(self.child_shape)} ← {shape_text(self.parent_shape)})")

    def dense(self) -> np.ndarray:
        """The Jacobian's entries, one row per entry of the child (by VJPs of unit vectors); small ones only."""
        if not self.is_small:
            raise GraphError(f"{self.describe()} has {self.shape[0] * self.shape[1]:,} entries; only Jacobians of "
                             f"up to {MAX_DENSE_ENTRIES:,} are written out")
        if self._dense is None:
            rows = np.zeros(self.shape)
            for k in range(self.shape[0]):
                seed = np.zeros(self.shape[0])
                seed[k] = 1.0
                rows[k] = self._vjp(seed.reshape(self.child_shape)).ravel()
            self._dense = rows
        return self._dense

    def __repr__(self) -> str:
        return f"Jacobian({self.describe()})"


# --- forward ---------------------------------------------------------------------------------------------------
def _run(graph, inputs: Mapping | None):
    """(values by node name, each tensor formula's inner values) at the graph's inputs, ``inputs`` overriding."""
    key = ("tensor",)
    if inputs is None and key in graph._cache:
        return graph._cache[key]
    nodes = graph.nodes
    overrides = _overrides(graph, inputs or {})
    values: dict[str, np.ndarray] = {}
    inner: dict[str, dict] = {}
    with np.errstate(all="ignore"):
        for name in graph.topological_order():
            node = nodes[name]
            if node.is_input:
                values[name] = overrides[name] if name in overrides else as_array(node)
            elif node.is_tensor:
                computed = matrix_forward([node.expression], {p: values[p] for p in node.parents})
                inner[name] = computed
                values[name] = computed[node.expression]
            else:
                found = scalar_evaluate_many([node.expression], {p: float(values[p][0, 0]) for p in node.parents})
                values[name] = np.full((1, 1), float(found[0]))
    result = (values, inner)
    if inputs is None:
        graph._cache[key] = result
    return result


def _overrides(graph, inputs: Mapping) -> dict[str, np.ndarray]:
    nodes, found = graph.nodes, {}
    for name, value in inputs.items():
        node = nodes.get(name)
        if node is None or not node.is_input:
            raise GraphError(f"'{name}' is not an input of the graph" if node is not None
                             else f"no node named {name!r}")
        if isinstance(value, np.ndarray) and value.shape == node.value_shape:
            array = value.astype(np.float64, copy=False)
        else:
            stored, shape = check_input_value(value, f"the value of {name}")
            array = np.full((1, 1), stored) if shape is None else np.array(stored, dtype=np.float64)
        if array.shape != node.value_shape:
            raise GraphError(f"{name} is {describe(node.value_shape)}; the value given is {describe(array.shape)}")
        found[name] = array
    return found


def forward(graph, inputs=None) -> dict[str, np.ndarray]:
    """Every node's value, a 2-D array in its shape."""
    return dict(_run(graph, inputs)[0])


# --- vector-Jacobian products ------------------------------------------------------------------------------------
def node_vjps(node, g: np.ndarray, values: Mapping[str, np.ndarray], inner: Mapping) -> dict[str, np.ndarray]:
    """``{parent: g·∂node/∂parent}`` in each parent's shape, for the node's adjoint ``g``."""
    if node.is_tensor:
        adjoint = matrix_backward(node.expression, inner[node.name], seed=g)
        found = {n.attr[0]: adjoint[n] for n in node.expression.nodes() if n.op == "var" and n in adjoint}
        return {p: found[p] if p in found else np.zeros(values[p].shape) for p in node.parents}
    return {p: g * d for p, d in zip(node.parents, _scalar_partials(node, values))}


def _scalar_partials(node, values) -> list[float]:
    expression = node.expression
    by_name = dict(zip(expression.variables, expression.grad()))
    roots = [by_name[p] for p in node.parents if p in by_name]
    found = iter(scalar_evaluate_many(roots, {p: float(values[p][0, 0]) for p in node.parents}) if roots else [])
    return [float(next(found)) if p in by_name else 0.0 for p in node.parents]


def _scalar_output(graph, output: str, values) -> None:
    if values[output].shape != SCALAR:
        raise GraphError(f"the output '{output}' is {describe(values[output].shape)}; backward needs a scalar output "
                         f"(e.g. a loss: sum(…) or norm2(…)^2)")


def backward(graph, inputs=None, output: str | None = None) -> dict[str, np.ndarray]:
    """d output / d node for every node, in the node's shape (zeros where the output does not depend on it)."""
    output = output or graph.require_output()
    values, inner = _run(graph, inputs)
    _scalar_output(graph, output, values)
    nodes = graph.nodes
    relevant = graph.ancestors(output) | {output}
    adjoint = {output: np.ones((1, 1))}
    for name in reversed(graph.topological_order()):
        node, g = nodes[name], adjoint.get(name)
        if g is None or node.is_input or name not in relevant:
            continue
        for parent, c in node_vjps(node, g, values, inner).items():
            adjoint[parent] = adjoint[parent] + c if parent in adjoint else c
    return {n: adjoint[n] if n in adjoint else np.zeros(values[n].shape) for n in nodes}


def _jacobian(graph, parent: str, child: str, values, inner) -> Jacobian:
    node = graph.nodes[child]
    return Jacobian(parent, child, values[child].shape, values[parent].shape,
                    lambda seed: node_vjps(node, seed, values, inner)[parent])


def local_partials(graph, inputs=None) -> dict[tuple[str, str], Jacobian]:
    """∂child/∂parent on every edge as a :class:`Jacobian`, keyed (parent, child), in edge order."""
    values, inner = _run(graph, inputs)
    return {(p, c): _jacobian(graph, p, c, values, inner) for p, c in graph.edges()}


def backward_steps(graph, inputs=None) -> Iterator[BackwardStep]:
    """The backward pass one node at a time from the output back; each step sums its children's VJPs."""
    output = graph.require_output()
    values, inner = _run(graph, inputs)
    _scalar_output(graph, output, values)
    relevant = graph.ancestors(output) | {output}
    order = [n for n in reversed(graph.topological_order()) if n in relevant]
    return _steps(graph, output, order, relevant, values, inner)


def _steps(graph, output, order, relevant, values, inner) -> Iterator[BackwardStep]:
    nodes = graph.nodes
    adjoint = {output: np.ones((1, 1))}
    given: dict[str, dict[str, np.ndarray]] = {}
    for name in order:
        contributions = []
        if name != output:
            for child in graph.children(name):
                if child in relevant:
                    contributions.append(Contribution(child, adjoint[child],
                                                      _jacobian(graph, name, child, values, inner),
                                                      given[child][name]))
            total = np.zeros(values[name].shape)
            for c in contributions:
                total = total + c.product
            adjoint[name] = total
        if not nodes[name].is_input:
            given[name] = node_vjps(nodes[name], adjoint[name], values, inner)
        yield BackwardStep(name, contributions, adjoint[name])


# --- paths -------------------------------------------------------------------------------------------------------
def path_sum(graph, source: str, target: str | None = None, inputs=None) -> np.ndarray:
    """d target / d source in the source's shape (a scalar target): the sum over all paths of the products of their
    Jacobians, computed as one backward pass from the target."""
    graph.node(source)
    target = target or graph.require_output()
    graph.node(target)
    return backward(graph, inputs, output=target)[source]


def paths(graph, source: str, target: str | None = None, inputs=None) -> Iterator:
    """Every path from source to target, as the scalar graph lists them; each product is the product of the edges'
    Jacobians (target entries × source entries) when all of them are small, else None."""
    from engine.graph.paths import Path, _walk, _endpoints, _between   # one walk for both kinds of graph
    source, target = _endpoints(graph, source, target)
    keep = set(_between(graph, source, target))
    partials = local_partials(graph, inputs) if keep else {}
    products = _ProductOf(partials)
    return (Path(p.nodes, products.along(p.nodes)) for p in _walk(graph, source, target, keep, _Ones()))


class _Ones:
    """Stands in for the scalar partials in the shared path walk (the products are recomputed as Jacobians)."""

    def __getitem__(self, key):
        return 1.0


class _ProductOf:
    def __init__(self, partials):
        self.partials = partials

    def along(self, trail):
        product = None
        for parent, child in zip(trail, trail[1:]):
            jacobian = self.partials[parent, child]
            if not jacobian.is_small:
                return None
            product = jacobian.dense() if product is None else jacobian.dense() @ product
        return np.ones((1, 1)) if product is None else product
