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
from typing import Iterable, Mapping, Sequence

import numpy as np

from engine.primitives import PRIMITIVES

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

    def substitute(self, mapping: Mapping[str, "Expression"]) -> "Expression":
        """Replace variables by expressions, keeping sharing (each node is rebuilt once)."""
        return substitute_many([self], mapping)[0]

    # --- evaluation -------------------------------------------------------------------------------------------
    def evaluate(self, values: Mapping[str, object] | None = None, **kwargs) -> np.ndarray:
        """Evaluate with numpy broadcasting in float64. NaN and inf propagate quietly."""
        return evaluate_many([self], values, **kwargs)[0]

    def evaluate_at(self, point: Sequence[float], variables: Sequence[str] | None = None) -> float:
        """Value at a point given as numbers in ``variables`` order (default: this expression's variables)."""
        names = self.variables if variables is None else variables
        return float(self.evaluate(dict(zip(names, map(float, point)))))

    # --- derivatives (see engine.autodiff) ------------------------------------------------------------------
    def grad(self, variables: Sequence[str] | None = None) -> tuple["Expression", ...]:
        """Partial derivatives, one per variable, in ``self.variables`` order (or the given order)."""
        from engine.autodiff import gradient
        if variables is not None:
            return gradient(self, tuple(variables))
        if self._grad is None:
            self._grad = gradient(self, self.variables)
        return self._grad

    def hessian(self, variables: Sequence[str] | None = None) -> tuple[tuple["Expression", ...], ...]:
        """Matrix of second partials (the gradient of the gradient), in ``self.variables`` order."""
        from engine.autodiff import hessian
        if variables is not None:
            return hessian(self, tuple(variables))
        if self._hessian is None:
            self._hessian = hessian(self, self.variables)
        return self._hessian

    # --- printing ---------------------------------------------------------------------------------------------
    def __str__(self) -> str:
        # Text repeats shared nodes, so a small DAG (a compiled 60-layer graph) can stand for more text than any
        # machine holds; past TEXT_LIMIT str() describes the expression instead of writing it out.
        from engine.printing import TextTooLong, to_text
        try:
            return to_text(self, limit=TEXT_LIMIT)
        except TextTooLong as exc:
            return (f"<expression of {self.node_count()} nodes in {', '.join(self.variables) or 'no variables'}: "
                    f"about {exc.estimate:.3g} characters, too long to write out>")

    def __repr__(self) -> str:
        from engine.printing import text_length_estimate
        if text_length_estimate(self) > REPR_LIMIT:  # tracebacks and debuggers must not print megabytes
            return f"<Expression {self.op}: {self.node_count()} nodes, {len(self.variables)} variables>"
        return f"Expression({str(self)!r})"

    def __reduce__(self):
        raise TypeError("Expressions are not pickled; save str(expr) and parse it back")


def _structure_hash(op: str, args: tuple, value: float | None, name: str | None) -> int:
    if op == "const":
        return hash((-1, 0.0 if math.isnan(value) else value, math.copysign(1.0, value)))
    if op == "var":
        return hash((-2, zlib.crc32(name.encode("utf-8"))))
    return hash((_OP_CODES[op],) + tuple(a.structure_hash for a in args))


def _intern(op: str, args: tuple = (), value: float | None = None, name: str | None = None) -> Expression:
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


# --- builders ---------------------------------------------------------------------------------------------------
def const(value: float) -> Expression:
    return _intern("const", value=float(np.float64(value)))


def var(name: str) -> Expression:
    return _intern("var", name=str(name))


def _fold(op: str, args: Sequence[Expression]) -> Expression:
    with np.errstate(all="ignore"):
        result = PRIMITIVES[op].impl(*(np.float64(a.value) for a in args))
    return const(float(result))


def apply(op: str, *args: Expression) -> Expression:
    """Apply a primitive (by table name), folding constants and simplifying."""
    prim = PRIMITIVES.get(op)
    if prim is None:
        raise KeyError(f"unknown primitive {op!r}")
    if len(args) != prim.arity:
        raise ValueError(f"{op} takes {prim.arity} argument(s), got {len(args)}")
    if all(a.op == "const" for a in args):
        return _fold(op, args)
    simplify = RULES.get(op)
    if simplify is not None:
        result = simplify(*args)
        if result is not None:
            return result
    return _intern(op, tuple(args))


def add(a, b): return apply("add", a, b)
def sub(a, b): return apply("sub", a, b)
def mul(a, b): return apply("mul", a, b)
def div(a, b): return apply("div", a, b)
def pow(a, b): return apply("pow", a, b)  # noqa: A001 - mirrors the primitive's name
def neg(a): return apply("neg", a)
def exp(a): return apply("exp", a)
def log(a): return apply("log", a)


def sum_of(terms: Iterable[Expression]) -> Expression:
    total = const(0.0)
    for t in terms:
        total = add(total, t)
    return total


# Module constants keep the most common nodes alive in the weak intern table.
ZERO = const(0.0)
ONE = const(1.0)


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


def substitute_many(exprs: Sequence[Expression], mapping: Mapping[str, Expression]) -> list[Expression]:
    """Rebuild expressions with variables replaced; each shared node is rebuilt once."""
    built: dict[int, Expression] = {}
    for node in topological_order(exprs):
        if node.op == "var":
            built[id(node)] = mapping.get(node.name, node)
        elif node.op == "const":
            built[id(node)] = node
        else:
            built[id(node)] = apply(node.op, *(built[id(a)] for a in node.args))
    return [built[id(e)] for e in exprs]


# Imported last: both modules build on the definitions above.
from engine.simplify import RULES  # noqa: E402
from engine.evaluation import clear_plan_cache, evaluate_many  # noqa: E402,F401
