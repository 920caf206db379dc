"""Expand to scalars: a (small) graph of tensor nodes as the equivalent graph of scalar nodes, one node per entry.

So a student sees that the matrix view is the same computation: ``h1 = W1*x + b1`` (3×1) becomes h1_1, h1_2, h1_3,
each ``W1_1_1*x_1 + W1_1_2*x_2 + b1_1``-like, and the scalar graph's adjoints are the tensor adjoints entry by entry.

Entry names: a 1×1 node keeps its name, a column vector's entries are ``name_i``, a row vector's ``name_j`` and a
matrix's ``name_i_j`` (1-based). The entry formulas are written from each node's shaped expression, operation by
operation, following the rule table's meaning (``*`` a matrix product or a scaling, ``'`` a transpose, …).
"""
from __future__ import annotations

import numpy as np

from engine.expr.primitives import FUNCTIONS as SCALAR_FUNCTIONS
from engine.graph.model import Graph
from engine.graph.nodes import GraphError

MAX_ENTRIES = 2000     # nodes of the expanded graph; a bigger network is not readable as scalars anyway
_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^"}


def entry_names(name: str, shape: tuple[int, int]) -> np.ndarray:
    rows, cols = shape
    if shape == (1, 1):
        return np.array([[name]], dtype=object)
    if cols == 1:
        return np.array([[f"{name}_{i + 1}"] for i in range(rows)], dtype=object)
    if rows == 1:
        return np.array([[f"{name}_{j + 1}" for j in range(cols)]], dtype=object)
    return np.array([[f"{name}_{i + 1}_{j + 1}" for j in range(cols)] for i in range(rows)], dtype=object)


def expand_to_scalars(graph: Graph) -> Graph:
    """The equivalent scalar graph (a scalar graph is copied). GraphError when it would be too large, a name it
    needs is taken, or a node uses an operation with no entrywise form here (det, logdet, inv)."""
    if not graph.is_tensor:
        return graph.copy()
    total = sum(int(np.prod(graph.shape(n))) for n in graph.nodes)
    if total > MAX_ENTRIES:
        raise GraphError(f"expanding gives {total:,} scalar nodes; the limit is {MAX_ENTRIES:,} (use a smaller "
                         f"network or batch)")
    names = {n: entry_names(n, graph.shape(n)) for n in graph.nodes}
    taken = [e for n, grid in names.items() for e in grid.ravel() if e != n and e in graph.nodes]
    if taken:
        raise GraphError(f"cannot expand: the entry name {taken[0]} is already a node's name")
    result = Graph()
    for name in graph.topological_order():
        node = graph.nodes[name]
        if node.is_input:
            values = np.array(node.value, dtype=float).reshape(node.value_shape)
            for (i, j), entry in np.ndenumerate(names[name]):
                result.add_input(entry, float(values[i, j]))
        elif not node.is_tensor:
            result.add_formula(name, node.formula)
        else:
            texts = _entry_texts(node.expression, names)
            for (i, j), entry in np.ndenumerate(names[name]):
                result.add_formula(entry, _bare(texts[i, j]))
    result.set_output(graph.output)
    result.tidy()
    return result


def _bare(text: str) -> str:
    """The text without the parentheses around all of it (``(a + b)`` → ``a + b``; ``(a) + (b)`` stays)."""
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for k, c in enumerate(text):
            depth += (c == "(") - (c == ")")
            if depth == 0 and k < len(text) - 1:
                return text
        text = text[1:-1]
    return text


def _entry_texts(expression, names) -> np.ndarray:
    """The text of every entry of ``expression``, over the parents' entry names."""
    texts: dict = {}
    for node in expression.nodes():
        texts[node] = _texts_of(node, [texts[a] for a in node.args], names)
    return texts[expression]


def _texts_of(node, args: list[np.ndarray], names) -> np.ndarray:
    op = node.op
    if op == "var":
        return names[node.attr[0]]
    if op == "const":
        return np.array([[f"({float(node.attr)!r})"]], dtype=object)
    if op in ("ones", "zeros", "eye"):
        grid = np.ones(node.shape) if op == "ones" else np.zeros(node.shape) if op == "zeros" else np.eye(node.shape[0])
        return np.vectorize(lambda v: "1" if v else "0", otypes=[object])(grid)
    if op in _INFIX or (op == "matmul" and (args[0].shape == (1, 1) or args[1].shape == (1, 1))):
        symbol = _INFIX.get(op, "*")
        a, b = np.broadcast_arrays(*args)
        return np.vectorize(lambda x, y: f"({x} {symbol} {y})", otypes=[object])(a, b)
    if op == "neg":
        return np.vectorize(lambda x: f"(-{x})", otypes=[object])(args[0])
    if op == "matmul":
        a, b = args
        return np.array([[f"({' + '.join(f'{a[i, k]}*{b[k, j]}' for k in range(a.shape[1]))})"
                          for j in range(b.shape[1])] for i in range(a.shape[0])], dtype=object)
    if op == "transpose":
        return args[0].T
    if op in ("sum", "norm1", "norm2", "tr", "dot"):
        return np.array([[_reduction(op, args)]], dtype=object)
    if op in SCALAR_FUNCTIONS:
        return np.vectorize(lambda x: f"{op}({x})", otypes=[object])(args[0])
    raise GraphError(f"'{op}' has no entrywise form for Expand to scalars")


def _reduction(op: str, args) -> str:
    a = args[0]
    if op == "sum":
        return f"({' + '.join(a.ravel())})"
    if op == "norm1":
        return f"({' + '.join(f'abs({x})' for x in a.ravel())})"
    if op == "norm2":
        return f"sqrt({' + '.join(f'({x})^2' for x in a.ravel())})"
    if op == "tr":
        return f"({' + '.join(a[i, i] for i in range(a.shape[0]))})"
    return f"({' + '.join(f'{x}*{y}' for x, y in zip(a.ravel(), args[1].ravel()))})"
