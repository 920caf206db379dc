"""Forward, backward and forward-mode passes over a chain-rule graph, on plain Python floats.

Each formula is compiled once into a small straight-line program over its own expression DAG (and, for the partials,
the DAG of its gradient). The programs of all nodes are then laid end to end into one :class:`Plan` for the whole
graph: one list of registers (constants pre-filled; a formula reads its parents' registers directly, nothing is
copied between nodes) and one list of steps. A plan lives until the graph's structure changes (a new input value only
refills that input's register), so a pass costs a few Python steps per operation, and the backward pass is a single
loop over the edges the output depends on, in a precomputed order.
Scalar arithmetic is each primitive's ``scalar`` field in the one primitive table (math speed, numpy's IEEE answers
where math refuses), so results match ``Expression.evaluate``.
"""
from __future__ import annotations

import math
from itertools import chain, repeat
from typing import Iterator, Mapping, NamedTuple

from engine.expr.build import Expression, topological_order
from engine.graph.nodes import GraphError, check_value
from engine.expr.parser import CONSTANTS, tokenize
from engine.expr.primitives import FUNCTIONS, PRIMITIVES


class Contribution(NamedTuple):
    child: str
    child_adjoint: float
    local_partial: float
    product: float


class BackwardStep(NamedTuple):
    node: str
    contributions: list      # list[Contribution]: one per child the output depends on
    total: float             # the node's adjoint: the sum of the products (1 for the output itself)


class Program:
    """Straight-line code for an expression (and optionally its gradient) over its sorted variables."""

    __slots__ = ("variables", "template", "var_slots", "outs", "functions", "lefts", "rights", "value_slot",
                 "partial_slots")

    def __init__(self, expression: Expression, with_partials: bool):
        self.variables = expression.variables
        roots = [expression, *expression.grad()] if with_partials else [expression]
        order = topological_order(roots)
        slot = {id(node): i for i, node in enumerate(order)}
        self.template = [node.value if node.op == "const" else 0.0 for node in order]
        by_name = {node.name: slot[id(node)] for node in order if node.op == "var"}
        self.var_slots = tuple(by_name[v] for v in self.variables)
        # step k: register outs[k] = functions[k](lefts[k], rights[k]); a one-argument step's right is one past the
        # last register, which Layout maps to -1 (columns, so that relocating a program is a few C-level maps)
        ops = [n for n in order if n.op not in ("const", "var")]
        self.outs = tuple(slot[id(n)] for n in ops)
        self.functions = tuple(PRIMITIVES[n.op].scalar for n in ops)
        self.lefts = tuple(slot[id(n.args[0])] for n in ops)
        self.rights = tuple(slot[id(n.args[1])] if len(n.args) > 1 else len(order) for n in ops)
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


ZERO = 0   # the register that always holds 0.0: the partial on an edge whose parent the formula simplified away


class Block(NamedTuple):
    """One node's share of a Layout: the registers it owns and its steps, in whole-graph registers."""
    expression: Expression | None   # None for an input
    parents: tuple[str, ...]
    arg_slots: tuple[int, ...]      # the registers its formula's variables were read from when it was placed
    program: Program | None
    value_slot: int
    steps: tuple
    partial_slots: tuple[int, ...]  # the registers of ∂node/∂parent, in parent order (with partials only)
    size: int                       # how many registers it owns


class Layout:
    """Every node's registers and steps, kept across edits: a structural change places again only the nodes whose
    formula changed or whose parents now live in other registers (in fresh registers; the old ones stay unused, until
    there are more unused than used and the graph is laid out afresh)."""

    def __init__(self, with_partials: bool):
        self.with_partials = with_partials
        self.template = [0.0]   # register ZERO
        self.blocks: dict[str, Block] = {}
        self.used = 0

    def place(self, name: str, node, slot_of: Mapping[str, int]) -> Block:
        old = self.blocks.get(name)
        if node.is_input:
            if old is not None and old.expression is None:
                return old
            self.template.append(0.0)
            return Block(None, (), (), None, len(self.template) - 1, (), (), 1)
        expression = node.expression
        arg_slots = tuple(map(slot_of.__getitem__, expression.variables))
        same = old is not None and old.expression is expression
        if same and old.arg_slots == arg_slots and old.parents == node.parents:
            return old
        program = old.program if same else _program(node, self.with_partials)
        return self._compile(node, program, arg_slots)

    def _compile(self, node, program: Program, arg_slots: tuple[int, ...]) -> Block:
        base = len(self.template)
        self.template += program.template
        local = list(range(base, len(self.template)))
        local.append(-1)   # the absent right argument of one-argument steps
        for s, parent_slot in zip(program.var_slots, arg_slots):
            local[s] = parent_slot   # a formula reads its parents' registers: nothing is copied
        at = local.__getitem__
        steps = tuple(zip(map(at, program.outs), program.functions, map(at, program.lefts), map(at, program.rights)))
        partial_slots = ()
        if self.with_partials:
            # a shared program's variables are this node's sorted variables, positionally (see _shape)
            by_var = dict(zip(node.expression.variables, program.partial_slots))
            partial_slots = tuple(local[by_var[p]] if p in by_var else ZERO for p in node.parents)
        return Block(node.expression, node.parents, arg_slots, program, local[program.value_slot], steps,
                     partial_slots, len(program.template))

    def keep(self, blocks: dict[str, Block]) -> None:
        self.blocks = blocks
        self.used = sum(b.size for b in blocks.values())


class Plan:
    """The whole graph as one straight-line program over one list of registers, valid until the structure changes.

    ``names`` are the nodes in node order and ``value_slots`` their registers (a formula that is a bare name or a
    constant shares that register). ``partial_slots[node]`` holds the registers of ∂node/∂parent, in parent order.
    """

    __slots__ = ("names", "value_slots", "input_slots", "template", "steps", "partial_slots", "_edges")

    def __init__(self, graph, layout: Layout):
        nodes = graph.nodes
        blocks: dict[str, Block] = {}
        slot_of: dict[str, int] = {}
        for name in graph.topological_order():
            block = blocks[name] = layout.place(name, nodes[name], slot_of)
            slot_of[name] = block.value_slot
        layout.keep(blocks)
        self.template = layout.template.copy()   # the layout grows with later edits; this plan does not
        self.steps = list(chain.from_iterable(b.steps for b in blocks.values()))
        self.names = tuple(nodes)
        self.value_slots = tuple(map(slot_of.__getitem__, self.names))
        self.input_slots = {n: b.value_slot for n, b in blocks.items() if b.expression is None}
        self.partial_slots = {n: b.partial_slots for n, b in blocks.items() if b.expression is not None}
        self._edges = None

    def edges(self, graph) -> tuple[tuple, tuple]:
        """Every edge (parent, child) in node order, as Graph.edges() lists them, and its partial's register."""
        if self._edges is None:
            nodes = graph.nodes
            edges = [(p, c, s) for c in self.names if c in self.partial_slots
                     for p, s in zip(nodes[c].parents, self.partial_slots[c])]
            self._edges = tuple((p, c) for p, c, _ in edges), tuple(s for _, _, s in edges)
        return self._edges

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


LAYOUT_SLACK = 64   # nodes a pass may still have to compile and yet count as laid out (each takes ~0.1 ms)


def laid_out(graph) -> bool:
    """Whether both layouts (values only, and values with partials) hold all but LAYOUT_SLACK of the graph's
    nodes, so forward, partials and backward cost a run of the steps, not compiling the formulas."""
    if ("plan", False) in graph._plans and ("plan", True) in graph._plans:
        return True   # both plans of the current structure are built: every node is placed
    for with_partials in (False, True):
        layout = graph._programs.get(with_partials)
        if layout is None or len(layout.template) > 2 * layout.used + 4096:   # would be laid out afresh
            return False
        blocks, missing = layout.blocks, 0
        for name, node in graph.nodes.items():   # a node is placed if its very formula is (inputs have none)
            block = blocks.get(name)
            if block is None or block.expression is not node.expression:
                missing += 1
                if missing > LAYOUT_SLACK:
                    return False
    return True


def _plan(graph, with_partials: bool) -> Plan:
    key = ("plan", with_partials)
    plan = graph._plans.get(key)
    if plan is None:
        layout = graph._programs.get(with_partials)
        if layout is None or len(layout.template) > 2 * layout.used + 4096:
            layout = graph._programs[with_partials] = Layout(with_partials)
        plan = graph._plans[key] = Plan(graph, layout)
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


def _partials(graph, plan: Plan, registers: list) -> dict[tuple[str, str], float]:
    keys, slots = plan.edges(graph)
    return dict(zip(keys, map(registers.__getitem__, slots)))


def _edge_partials(graph, inputs) -> dict[tuple[str, str], float]:
    plan, registers = _registers(graph, inputs, True)
    return _partials(graph, plan, registers)


def forward(graph, inputs=None) -> dict[str, float]:
    return _values(*_registers(graph, inputs, False))


def local_partials(graph, inputs=None) -> dict[tuple[str, str], float]:
    """∂child/∂parent for every edge, keyed (parent, child), in edge order."""
    return _edge_partials(graph, inputs)


def values_and_partials(graph, inputs=None):
    """(values, {(parent, child): ∂child/∂parent})."""
    plan, registers = _registers(graph, inputs, True)
    return _values(plan, registers), _partials(graph, plan, registers)


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
        edges = []
        for c in reversed(graph.topological_order()):
            slots = partial_slots.get(c)
            if slots and c in relevant:
                edges += zip(repeat(index[c]), map(index.__getitem__, nodes[c].parents), slots)
        found = graph._plans[key] = (tuple(edges), index[output])
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
