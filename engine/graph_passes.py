"""Forward, backward and forward-mode passes over a chain-rule graph, on plain Python floats.

Each formula is compiled once into a small straight-line program over its own expression DAG (and, for the partials,
the DAG of its gradient), so a pass costs a few Python steps per operation rather than a numpy dispatch per node.
Scalar arithmetic uses :mod:`math`; where math refuses (log of 0, overflow, division by zero) the primitive table's
numpy rule gives the IEEE answer (inf, nan) instead, so results match ``Expression.evaluate``.
"""
from __future__ import annotations

import math
import operator
from typing import Iterator, Mapping, NamedTuple

import numpy as np

from engine.expression import Expression, topological_order
from engine.parser import CONSTANTS, tokenize
from engine.primitives import FUNCTIONS, PRIMITIVES


class Contribution(NamedTuple):
    child: str
    child_adjoint: float
    local_partial: float
    product: float


class BackwardStep(NamedTuple):
    node: str
    contributions: list      # list[Contribution]: one per child the output depends on
    total: float             # the node's adjoint: the sum of the products (1 for the output itself)


def _softplus(x):
    return x + math.log1p(math.exp(-x)) if x > 0 else math.log1p(math.exp(x))


def _step(x):
    return 1.0 if x > 0 else (0.0 if x <= 0 else math.nan)


def _sign(x):
    return 1.0 if x > 0 else (-1.0 if x < 0 else (0.0 if x == 0 else math.nan))


_FAST = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "neg": operator.neg,
    "div": operator.truediv, "pow": math.pow, "exp": math.exp, "log": math.log, "sqrt": math.sqrt,
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh,
    "sigmoid": lambda x: 0.5 * (1.0 + math.tanh(0.5 * x)), "softplus": _softplus, "relu": lambda x: max(x, 0.0),
    "abs": abs, "step": _step, "sign": _sign,
}
_NEVER_RAISE = {"add", "sub", "mul", "neg", "tanh", "sigmoid", "relu", "abs", "step", "sign"}


def _scalar(op: str):
    slow = PRIMITIVES[op].impl

    def by_numpy(*args):
        with np.errstate(all="ignore"):
            return float(slow(*args))

    fast = _FAST.get(op)
    if fast is None:
        return by_numpy
    if op in _NEVER_RAISE:
        return fast

    def guarded(*args):
        try:
            return fast(*args)
        except (ValueError, OverflowError, ZeroDivisionError):
            return by_numpy(*args)
    return guarded


_SCALAR = {op: _scalar(op) for op in PRIMITIVES}


class Program:
    """Straight-line code for an expression (and optionally its gradient) over its sorted variables."""

    __slots__ = ("variables", "template", "var_slots", "steps", "value_slot", "partial_slots")

    def __init__(self, expression: Expression, with_partials: bool):
        self.variables = expression.variables
        roots = [expression, *expression.grad()] if with_partials else [expression]
        order = topological_order(roots)
        slot = {id(node): i for i, node in enumerate(order)}
        self.template = [node.value if node.op == "const" else 0.0 for node in order]
        by_name = {node.name: slot[id(node)] for node in order if node.op == "var"}
        self.var_slots = tuple(by_name[v] for v in self.variables)
        self.steps = tuple((slot[id(n)], _SCALAR[n.op], slot[id(n.args[0])],
                            slot[id(n.args[1])] if len(n.args) > 1 else -1)
                           for n in order if n.op not in ("const", "var"))
        self.value_slot = slot[id(expression)]
        self.partial_slots = tuple(slot[id(r)] for r in roots[1:])

    def run(self, args) -> list:
        r = self.template.copy()
        for s, a in zip(self.var_slots, args):
            r[s] = a
        for s, fn, a, b in self.steps:
            r[s] = fn(r[a]) if b < 0 else fn(r[a], r[b])
        return r


MAX_CACHED_PROGRAMS = 4096
_PROGRAMS: dict[tuple, Program] = {}


def _shape(formula: str) -> tuple:
    """The formula's tokens with node names replaced by their rank among the names it mentions: formulas with one
    shape parse to the same structure, so ``0.9*a + b`` on a thousand nodes shares one program (and one gradient)."""
    tokens = [t for t in tokenize(formula) if t.kind != "end"]
    names = sorted({t.text for t in tokens if t.kind == "name" and t.text not in FUNCTIONS and t.text not in CONSTANTS})
    rank = {n: i for i, n in enumerate(names)}
    return tuple(rank[t.text] if t.text in rank else t.text for t in tokens)


def _program(node, with_partials: bool) -> Program:
    """The node's program; its variables are the node's sorted formula variables (renaming keeps their order)."""
    key = (_shape(node.formula), with_partials)
    program = _PROGRAMS.get(key)
    if program is None:
        if len(_PROGRAMS) >= MAX_CACHED_PROGRAMS:
            _PROGRAMS.clear()
        program = _PROGRAMS[key] = Program(node.expression, with_partials)
    return program


def _node_program(graph, node, with_partials: bool) -> Program:
    """Programs are remembered per node object, so after an edit only the changed nodes are looked up again."""
    memo = graph._programs
    if len(memo) > 2 * len(graph.nodes) + 64:
        memo.clear()
    entry = memo.get((node.name, with_partials))
    if entry is None or entry[0] is not node:
        entry = memo[node.name, with_partials] = (node, _program(node, with_partials))
    return entry[1]


def _input_values(graph, inputs: Mapping[str, float] | None) -> dict[str, float]:
    from engine.graph import GraphError, check_value
    values = {n: node.value for n, node in graph.nodes.items() if node.is_input}
    for name, v in (inputs or {}).items():
        if name not in values:
            raise GraphError(f"'{name}' is not an input of the graph" if name in graph.nodes
                             else f"no node named {name!r}")
        values[name] = check_value(v, f"the value of {name}")
    return values


def _plan(graph, with_partials: bool) -> list:
    """Per formula node, in topological order: (name, argument names, program, value slot, partial slots)."""
    key = ("plan", with_partials)
    plan = graph._plans.get(key)
    if plan is None:
        plan = []
        for name in graph.topological_order():
            node = graph.nodes[name]
            if node.is_input:
                continue
            program = _node_program(graph, node, with_partials)
            variables = node.expression.variables   # a shared program's inputs, positionally (see _shape)
            by_var = dict(zip(variables, program.partial_slots))
            slots = tuple(by_var.get(p, -1) for p in node.parents) if with_partials else ()
            plan.append((name, variables, program, program.value_slot, slots))
        graph._plans[key] = plan
    return plan


def _sweep(graph, inputs, with_partials: bool):
    """Values of every node and, with_partials, each node's local partials in the order of its parents."""
    key = ("sweep", with_partials)
    if inputs is None and key in graph._cache:
        return graph._cache[key]
    values = _input_values(graph, inputs)
    partials: dict[str, tuple] = {}
    for name, variables, program, value_slot, slots in _plan(graph, with_partials):
        r = program.run([values[v] for v in variables])
        values[name] = r[value_slot]
        if with_partials:
            partials[name] = tuple(r[s] if s >= 0 else 0.0 for s in slots)
    result = ({n: values[n] for n in graph.nodes}, partials)
    if inputs is None:
        graph._cache[key] = result
    return result


def _edge_partials(graph, inputs) -> dict[tuple[str, str], float]:
    node_partials = _sweep(graph, inputs, True)[1]
    nodes = graph.nodes
    return {(p, c): d for c, ds in node_partials.items() for p, d in zip(nodes[c].parents, ds)}


def forward(graph, inputs=None) -> dict[str, float]:
    return dict(_sweep(graph, inputs, False)[0])


def local_partials(graph, inputs=None) -> dict[tuple[str, str], float]:
    """∂child/∂parent for every edge, keyed (parent, child), in edge order."""
    partials = _edge_partials(graph, inputs)
    return {edge: partials[edge] for edge in graph.edges()}


def values_and_partials(graph, inputs=None):
    """(values, {(parent, child): ∂child/∂parent})."""
    return dict(_sweep(graph, inputs, True)[0]), _edge_partials(graph, inputs)


def backward(graph, inputs=None) -> dict[str, float]:
    output = graph.require_output()
    node_partials = _sweep(graph, inputs, True)[1]
    nodes = graph.nodes
    adjoint = dict.fromkeys(nodes, 0.0)
    adjoint[output] = 1.0
    relevant = relevant_nodes(graph, output)   # a node the output ignores contributes nothing, not 0·inf = nan
    for name in reversed(graph.topological_order()):
        a = adjoint[name]
        if name not in node_partials or name not in relevant:
            continue
        for p, d in zip(nodes[name].parents, node_partials[name]):
            adjoint[p] += a * d
    return adjoint


def relevant_nodes(graph, target: str) -> set[str]:
    """The target and every node it depends on: where a backward pass from ``target`` does any work."""
    return graph.ancestors(target) | {target}


def backward_steps(graph, inputs=None) -> Iterator[BackwardStep]:
    """One step per node the output depends on, from the output back; each sums its children's contributions."""
    output = graph.require_output()
    partials = _edge_partials(graph, inputs)
    relevant = relevant_nodes(graph, output)
    order = [n for n in reversed(graph.topological_order()) if n in relevant]
    return _steps(graph, output, order, partials, relevant)


def _steps(graph, output, order, partials, relevant) -> Iterator[BackwardStep]:
    adjoint = {output: 1.0}
    yield BackwardStep(output, [], 1.0)
    for name in order[1:]:
        contributions = []
        for child in graph.children(name):
            if child in relevant:
                ca, lp = adjoint[child], partials[name, child]
                contributions.append(Contribution(child, ca, lp, ca * lp))
        adjoint[name] = math.fsum(c.product for c in contributions)
        yield BackwardStep(name, contributions, adjoint[name])


def forward_mode(graph, source: str, inputs=None) -> dict[str, float]:
    """d node / d source for every node: one sweep from ``source`` towards the outputs."""
    graph.node(source)
    partials = _edge_partials(graph, inputs)
    nodes = graph.nodes
    tangent = dict.fromkeys(nodes, 0.0)
    live = graph.descendants(source)
    tangent[source] = 1.0
    moving = live | {source}   # only parents that move with the source contribute (no 0·inf from the others)
    for name in graph.topological_order():
        if name in live:
            tangent[name] = sum(tangent[p] * partials[p, name] for p in nodes[name].parents if p in moving)
    return tangent
