"""Expressions: immutable, hash-consed DAGs of primitive operations.

Nodes are interned, so structurally equal subexpressions are one object and equality is identity. Builders
(:func:`add`, :func:`mul`, :func:`apply`, …) fold constants in float64 and apply a few local simplifications
(x*1, x+0, -(-x), …) so that derivatives read well. Evaluation walks the DAG once in topological order with numpy
broadcasting; shared nodes are computed once.
"""
from __future__ import annotations

import math
import threading
import zlib
import weakref
from typing import Iterable


from engine.expr.primitives import PRIMITIVES

_INTERN_LOCK = threading.Lock()
REPR_LIMIT = 2000
TEXT_LIMIT = 1_000_000
_OP_CODES = {name: code for code, name in enumerate(sorted(PRIMITIVES))}
_INTERNED: "weakref.WeakValueDictionary[tuple, Expression]" = weakref.WeakValueDictionary()


class Expression:
    """A node of an expression DAG: a constant, a variable, or a primitive applied to argument nodes.

    Build them with :func:`engine.parse` or the builders in this module, never with the constructor.
    """

    __slots__ = ("op", "args", "value", "name", "structure_hash", "_variables", "_grad", "_hessian", "_size",
                 "__weakref__")

    def __init__(self, op: str, args: tuple = (), value: float | None = None, name: str | None = None):
        self.op = op            # "const", "var", or a key of PRIMITIVES
        self.args = args        # argument Expressions
        self.value = value      # float, for constants
        self.name = name        # str, for variables
        # The same for the same structure in every process (str hashes are salted per process, so names go
        # through crc32): a deterministic order for terms whose order does not matter.
        self.structure_hash = _structure_hash(op, args, value, name)
        self._variables = None
        self._grad = None
        self._hessian = None
        self._size = None

    # --- structure -------------------------------------------------------------------------------------------
    @property
    def variables(self) -> tuple[str, ...]:
        """Sorted names of the variables the expression uses."""
        if self._variables is None:
            self._variables = tuple(sorted({n.name for n in topological_order([self]) if n.op == "var"}))
        return self._variables

    @property
    def is_constant(self) -> bool:
        return self.op == "const"

    def node_count(self) -> int:
        """Number of distinct nodes in the DAG (shared subexpressions counted once)."""
        if self._size is None:
            self._size = len(topological_order([self]))
        return self._size

    def __reduce__(self):
        raise TypeError("Expressions are not pickled; save str(expr) and parse it back")


def _structure_hash(op: str, args: tuple, value: float | None, name: str | None) -> int:
    if op == "const":
        return hash((-1, 0.0 if math.isnan(value) else value, math.copysign(1.0, value)))
    if op == "var":
        return hash((-2, zlib.crc32(name.encode("utf-8"))))
    return hash((_OP_CODES[op],) + tuple(a.structure_hash for a in args))


def intern_node(op: str, args: tuple = (), value: float | None = None, name: str | None = None) -> Expression:
    if op == "const":
        key = (op, value, math.copysign(1.0, value)) if not math.isnan(value) else (op, "nan")
    elif op == "var":
        key = (op, name)
    else:
        key = (op,) + tuple(id(a) for a in args)
    with _INTERN_LOCK:  # two threads building the same node must get one object
        node = _INTERNED.get(key)
        if node is None:
            node = Expression(op, args, value, name)
            _INTERNED[key] = node
    return node


# --- traversal ----------------------------------------------------------------------------------------------------
def topological_order(roots: Iterable[Expression]) -> list[Expression]:
    """Every node reachable from ``roots``, each after its arguments. Iterative (no recursion limit)."""
    order: list[Expression] = []
    seen: set[int] = set()
    for root in roots:
        if id(root) in seen:
            continue
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            for arg in reversed(node.args):
                if id(arg) not in seen:
                    stack.append((arg, False))
    return order
