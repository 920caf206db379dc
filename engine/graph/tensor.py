"""Tensor nodes: an input may hold a vector or a matrix, a formula may use the matrix syntax of :mod:`engine.matrix`.

A scalar node is what it always was (``Node.shape`` is None, a float value or a scalar ``Expression``). A tensor node
has ``Node.shape`` = (rows, cols): an input holds a tuple of rows, a formula a :class:`ShapedExpression` parsed by
:func:`engine.matrix.parse_matrix` with its parents' shapes (the one parser and rule table; nothing is duplicated
here). A formula is a scalar node when the scalar grammar reads it and every node it mentions is 1×1; otherwise it is
parsed as a matrix formula, and a shape that does not fit is refused naming both shapes.

This module holds the values and the parsing; the passes over a graph with tensor nodes are in
:mod:`engine.graph.tensor_passes`, chosen by :class:`engine.graph.model.Graph` when any node is a tensor node.
"""
from __future__ import annotations

import numbers
from typing import Mapping

import numpy as np

from engine.expr.parser import ParseError
from engine.expr.parser import tokenize as scalar_tokenize
from engine.graph.nodes import GraphError, Node, check_value, parse_formula, replace_node
from engine.graph.nodes import renamed_node as scalar_renamed_node
from engine.matrix.parser import parse_matrix, tokenize as matrix_tokenize, variable_names
from engine.matrix.shapes import MAX_DIMENSION, SCALAR, ShapeError, describe, shape_text

MAX_TENSOR_ENTRIES = 1_000_000   # one input's entries; a typo such as a 10⁹-entry matrix is refused, not allocated


def check_input_value(value: object, what: str = "value") -> tuple[object, tuple[int, int] | None]:
    """(stored value, shape): a number stays a float (shape None, a scalar node as ever); a list (a column vector),
    a list of rows (a matrix) or a 1-D/2-D array becomes a tuple of rows of floats with its shape."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return check_value(value, what), None
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        rows = _rows(value, what)
        return rows, (len(rows), len(rows[0]))
    raise GraphError(f"{what} must be a number, a list (a vector) or a list of rows (a matrix), not {value!r}")


def _rows(value, what: str) -> tuple[tuple[float, ...], ...]:
    if not value:
        raise GraphError(f"{what} is an empty list; a vector or matrix needs at least one entry")
    nested = [isinstance(v, (list, tuple)) for v in value]
    if any(nested) and not all(nested):
        raise GraphError(f"{what} mixes numbers and lists; give a list of numbers (a vector) or a list of rows")
    rows = [list(v) for v in value] if all(nested) else [[v] for v in value]
    width = len(rows[0])
    if width == 0 or any(len(r) != width for r in rows):
        raise GraphError(f"{what}: every row of a matrix needs the same number of entries "
                         f"(rows of {', '.join(str(len(r)) for r in rows[:6])})")
    if len(rows) > MAX_DIMENSION or width > MAX_DIMENSION or len(rows) * width > MAX_TENSOR_ENTRIES:
        raise GraphError(f"{what} is too large ({len(rows)}×{width}; the limit is {MAX_TENSOR_ENTRIES:,} entries)")
    return tuple(tuple(check_value(v, f"{what} [{i + 1},{j + 1}]") for j, v in enumerate(r))
                 for i, r in enumerate(rows))


def as_array(node) -> np.ndarray:
    """An input node's value as a 2-D float64 array (a scalar as 1×1)."""
    if node.shape is None:
        return np.full((1, 1), node.value)
    return np.array(node.value, dtype=np.float64)


def value_text(value) -> str:
    """Words for a label: "1.5" or "3×2"."""
    return f"{value:g}" if isinstance(value, float) else shape_text((len(value), len(value[0])))


def parse_node_formula(name: str, text: object, shapes: Mapping[str, tuple[int, int]]):
    """(expression, parents, shape) of a formula over nodes of the given shapes (a missing name counts as a scalar;
    the caller refuses unknown names). ``shape`` is None for a scalar node. GraphError for a bad formula, naming
    both shapes when they do not fit."""
    if not isinstance(text, str):
        raise GraphError(f"the formula of '{name}' must be text, not {text!r}")
    scalar_error = None
    try:
        expression, parents = parse_formula(name, text)
    except GraphError as err:
        scalar_error, parents = err, tuple(variable_names(text))
    if scalar_error is None and all(shapes.get(p, SCALAR) == SCALAR for p in parents):
        return expression, parents, None
    known = {p: shapes.get(p, SCALAR) for p in parents}
    try:
        expression = parse_matrix(text, known)
    except ShapeError as err:
        raise GraphError(f"shapes do not fit in '{name}': {err}", err.position) from None
    except (ParseError, ValueError) as err:
        if scalar_error is not None and all(s == SCALAR for s in known.values()):
            raise scalar_error from None
        position = getattr(err, "position", None)
        raise GraphError(f"bad formula for '{name}': {err}", position) from None
    return expression, tuple(variable_names(text)), expression.shape


def rename_in_formula(text: str, old: str, new: str) -> str:
    """Like :func:`engine.graph.nodes.rename_in_formula`, for text in the matrix syntax (``'``, ``.*``, …)."""
    try:
        tokens = scalar_tokenize(text)
    except ParseError:
        tokens = matrix_tokenize(text)
    pieces, last = [], 0
    for t in tokens:
        if t.kind == "name" and t.text == old:
            pieces += [text[last:t.pos], new]
            last = t.pos + len(old)
    return "".join(pieces) + text[last:]


class NodeShapes:
    """Each node's shape, ``updates`` overriding the graph's nodes: what parse_node_formula asks for by ``get``."""

    __slots__ = ("nodes", "updates")

    def __init__(self, nodes, updates):
        self.nodes = nodes
        self.updates = updates

    def get(self, name, default=None):
        node = self.updates.get(name) or self.nodes.get(name)
        return default if node is None else node.value_shape


def reshaped(graph, updates: dict) -> dict:
    """``updates`` (name → new node) and, when they change a node's shape, every node using it parsed again with the
    new shapes. GraphError (nothing changed) naming the node that no longer fits and both shapes."""
    nodes = graph.nodes
    changed = {n for n, node in updates.items() if n in nodes and node is not None
               and nodes[n].value_shape != node.value_shape}
    if not changed:
        return updates
    shapes = NodeShapes(nodes, updates)
    below = set().union(*(graph.descendants(n) for n in changed))
    for child in (n for n in graph.topological_order() if n in below and n not in updates):
        node = nodes[child]
        if not any(p in changed for p in node.parents):
            continue
        try:
            expression, parents, shape = parse_node_formula(child, node.formula, shapes)
        except GraphError as err:
            moved = next(p for p in node.parents if p in changed)
            raise GraphError(f"'{moved}' would be {describe(shapes.get(moved))} (it is "
                             f"{describe(nodes[moved].value_shape)}), and then {err.message}") from None
        updates[child] = replace_node(node, expression=expression, parents=parents, shape=shape)
        if updates[child].value_shape != node.value_shape:
            changed.add(child)
    return updates


def renamed_node(node: Node, old: str, new: str, shapes: Mapping[str, tuple]) -> Node:
    """A node with ``old`` renamed to ``new``; a tensor formula is re-read with its parents' shapes."""
    if node.is_input or not node.is_tensor:
        return scalar_renamed_node(node, old, new)
    name = new if node.name == old else node.name
    formula = rename_in_formula(node.formula, old, new)
    shapes = {new if n == old else n: s for n, s in shapes.items()}
    expression, parents, shape = parse_node_formula(name, formula, shapes)
    return replace_node(node, name=name, formula=formula, parents=parents, expression=expression, shape=shape)
