"""Forward, backward and forward-mode passes over a chain-rule graph, on plain Python floats.

Each formula is compiled once into a small straight-line program over its own expression DAG (and, for the partials,
the DAG of its gradient). The programs of all nodes are then laid end to end into one :class:`Plan` for the whole
graph: one list of registers (constants pre-filled; a formula reads its parents' registers directly, nothing is
copied between nodes) and one list of steps. A plan lives until the graph's structure changes (a new input value only
refills that input's register), so a pass costs a few Python steps per operation, and the backward pass is a single
loop over the edges the output depends on, in a precomputed order.
Scalar arithmetic uses :mod:`math`; where math refuses (log of 0, overflow, division by zero) the primitive table's
numpy rule gives the IEEE answer (inf, nan) instead, so results match ``Expression.evaluate``.
"""
from __future__ import annotations

import math
import operator
from typing import Iterator, Mapping, NamedTuple

import numpy as np

from engine.expression import Expression, topological_order
from engine.graph_nodes import GraphError, check_value
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

    # one signature per arity: *args would build a tuple on every call of the commonest guarded steps (pow, log)
    if PRIMITIVES[op].arity == 1:
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


ZERO = 0   # the register that always holds 0.0: the partial on an edge whose parent the formula simplified away


class Plan:
    """The whole graph as one straight-line program, valid while the graph's structure is unchanged.

    ``names`` are the nodes in node order and ``value_slots`` their registers (a formula that is a bare name or a
    constant shares that register). ``partial_slots[node]`` holds the registers of ∂node/∂parent, in parent order.
    """

    __slots__ = ("names", "value_slots", "input_slots", "template", "steps", "partial_slots", "edge_keys",
                 "edge_slots")

    def __init__(self, graph, with_partials: bool):
        nodes = graph.nodes
        self.template, self.steps = [0.0], []
        self.input_slots: dict[str, int] = {}
        self.partial_slots: dict[str, tuple[int, ...]] = {}
        slot_of: dict[str, int] = {}
        for name in graph.topological_order():
            node = nodes[name]
            if node.is_input:
                slot_of[name] = self.input_slots[name] = len(self.template)
                self.template.append(0.0)
                continue
            program = _node_program(graph, node, with_partials)
            variables = node.expression.variables   # a shared program's inputs, positionally (see _shape)
            local = self._place(program, [slot_of[v] for v in variables])
            slot_of[name] = local[program.value_slot]
            if with_partials:
                by_var = dict(zip(variables, program.partial_slots))
                self.partial_slots[name] = tuple(local[by_var[p]] if p in by_var else ZERO for p in node.parents)
        self.names = tuple(nodes)
        self.value_slots = tuple(slot_of[n] for n in self.names)
        # the edges in node order, as Graph.edges() lists them
        edges = [(p, c, s) for c in self.names if c in self.partial_slots
                 for p, s in zip(nodes[c].parents, self.partial_slots[c])]
        self.edge_keys = tuple((p, c) for p, c, _ in edges)
        self.edge_slots = tuple(s for _, _, s in edges)

    def _place(self, program: Program, argument_slots: list[int]) -> list[int]:
        """Append the program's registers and steps; returns the plan register of each of its local registers."""
        base = len(self.template)
        self.template += program.template
        local = list(range(base, base + len(program.template)))
        for s, parent_slot in zip(program.var_slots, argument_slots):
            local[s] = parent_slot   # read the parent's register: no copy
        self.steps += [(local[s], fn, local[a], local[b] if b >= 0 else -1) for s, fn, a, b in program.steps]
        return local

    def run(self, graph, inputs: Mapping[str, float] | None) -> list:
        """The registers after one pass at the graph's input values, ``inputs`` overriding some of them."""
        r = self.template.copy()
        nodes = graph.nodes
        for name, s in self.input_slots.items():
            r[s] = nodes[name].value
        for name, v in (inputs or {}).items():
            s = self.input_slots.get(name)
            if s is None:
                raise GraphError(f"'{name}' is not an input of the graph" if name in nodes
                                 else f"no node named {name!r}")
            r[s] = check_value(v, f"the value of {name}")
        for s, fn, a, b in self.steps:
            r[s] = fn(r[a]) if b < 0 else fn(r[a], r[b])
        return r


def _plan(graph, with_partials: bool) -> Plan:
    key = ("plan", with_partials)
    plan = graph._plans.get(key)
    if plan is None:
        plan = graph._plans[key] = Plan(graph, with_partials)
    return plan


def _registers(graph, inputs, with_partials: bool) -> tuple[Plan, list]:
    """The plan and its registers after a pass; at the graph's own values the registers are kept until a change."""
    plan = _plan(graph, with_partials)
    key = ("registers", with_partials)
    if inputs is None and key in graph._cache:
        return plan, graph._cache[key]
    registers = plan.run(graph, inputs)
    if inputs is None:
        graph._cache[key] = registers
    return plan, registers


def _values(plan: Plan, registers: list) -> dict[str, float]:
    return dict(zip(plan.names, map(registers.__getitem__, plan.value_slots)))


def _edge_partials(graph, inputs) -> dict[tuple[str, str], float]:
    plan, registers = _registers(graph, inputs, True)
    return dict(zip(plan.edge_keys, map(registers.__getitem__, plan.edge_slots)))


def forward(graph, inputs=None) -> dict[str, float]:
    return _values(*_registers(graph, inputs, False))


def local_partials(graph, inputs=None) -> dict[tuple[str, str], float]:
    """∂child/∂parent for every edge, keyed (parent, child), in edge order."""
    return _edge_partials(graph, inputs)


def values_and_partials(graph, inputs=None):
    """(values, {(parent, child): ∂child/∂parent})."""
    plan, registers = _registers(graph, inputs, True)
    return _values(plan, registers), dict(zip(plan.edge_keys, map(registers.__getitem__, plan.edge_slots)))


def _backward_edges(graph, plan: Plan, output: str) -> tuple[tuple, int]:
    """(child index, parent index, partial register) for every edge into a node the output depends on, children
    before parents (reverse topological order, then parent order: the order the adjoints are summed in); and the
    output's index. Kept with the plan, per output."""
    key = ("backward", output)
    found = graph._plans.get(key)
    if found is None:
        index = {n: i for i, n in enumerate(plan.names)}
        relevant = relevant_nodes(graph, output)   # a node the output ignores contributes nothing, not 0·inf = nan
        nodes, partial_slots = graph.nodes, plan.partial_slots
        edges = tuple((index[c], index[p], d) for c in reversed(graph.topological_order())
                      if c in relevant and c in partial_slots
                      for p, d in zip(nodes[c].parents, partial_slots[c]))
        found = graph._plans[key] = (edges, index[output])
    return found


def backward(graph, inputs=None) -> dict[str, float]:
    output = graph.require_output()
    plan, r = _registers(graph, inputs, True)
    edges, out = _backward_edges(graph, plan, output)
    adjoint = [0.0] * len(plan.names)
    adjoint[out] = 1.0
    for c, p, d in edges:
        adjoint[p] += adjoint[c] * r[d]
    return dict(zip(plan.names, adjoint))


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
