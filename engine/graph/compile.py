"""From graphs to expressions: compile a graph's output to one Expression, lay a graph out in tidy layers, and make an optimizer's Objective whose gradient is the graph's own backward pass.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from engine.expr import build as E
from engine.graph.nodes import GraphError
from engine.optim.objective import Objective

LAYER_SPACING = 180.0   # x distance between depths, in scene units (a node box is about 120 wide)
ROW_SPACING = 90.0      # y distance between nodes of one depth


def compile_graph(graph, name: str | None = None) -> E.Expression:
    """The node ``name`` (default: the output) as an Expression in the input names.

    Each node is built once from its parents' compiled Expressions, so shared work stays shared: a 60-layer graph
    with 2⁶⁰ paths compiles to a number of Expression nodes proportional to its size. (Its *text* is not small:
    printing repeats shared parts, so show str() only for small graphs.)
    """
    target = graph.require_output() if name is None else graph.node(name).name
    if graph.is_tensor:
        raise GraphError("this graph holds vectors or matrices: it compiles to one matrix formula (Send to Matrix), "
                         "or to scalar formulas after Expand to scalars")
    key = ("compile", target)
    if key in graph._cache:
        return graph._cache[key]
    needed = graph.ancestors(target) | {target}
    built: dict[str, E.Expression] = {}
    for n in graph.topological_order():
        if n not in needed:
            continue
        node = graph.nodes[n]
        if node.is_input:
            built[n] = E.var(n)
        else:
            built[n] = node.expression.substitute({v: built[v] for v in node.expression.variables})
    graph._cache[key] = built[target]
    return built[target]


def compiled_text(graph, limit: int = 2000, name: str | None = None) -> str | None:
    """The compiled output as formula text, or None when the text would exceed ``limit`` characters.

    Text cannot share: a graph whose paths multiply (the layered presets) prints exponentially long. The length is
    bounded from above over the DAG first, so the text is only built when it is small.
    """
    expression = compile_graph(graph, name)
    bound: dict[int, int] = {}
    for node in E.topological_order([expression]):
        if node.op in ("const", "var"):
            bound[id(node)] = len(str(node)) + 2
        else:
            bound[id(node)] = sum(bound[id(a)] for a in node.args) + len(node.op) + 6
        if bound[id(node)] > 4 * limit + 64:
            return None
    text = str(expression)
    return text if len(text) <= limit else None


def layered_layout(graph) -> dict[str, tuple[float, float]]:
    """Left to right by depth (inputs first), each depth a centred column ordered to keep edges from crossing."""
    depth: dict[str, int] = {}
    for n in graph.topological_order():
        parents = graph.nodes[n].parents
        depth[n] = 1 + max(depth[p] for p in parents) if parents else 0
    layers: dict[int, list[str]] = {}
    for n in graph.nodes:
        layers.setdefault(depth[n], []).append(n)
    row: dict[str, float] = {}
    positions = {}
    for d in sorted(layers):
        column = layers[d]
        if d > 0:
            # barycentre ordering: a node sits near the mean row of its parents (stable for ties)
            column.sort(key=lambda n: sum(row[p] for p in graph.nodes[n].parents) / len(graph.nodes[n].parents))
        for i, n in enumerate(column):
            row[n] = i - (len(column) - 1) / 2.0
            positions[n] = (d * LAYER_SPACING, row[n] * ROW_SPACING)
    return positions


def graph_objective(graph, axes=None, fixed: Mapping[str, float] | None = None) -> Objective:
    """An Objective over the inputs ``axes`` (default: the inputs the output depends on), other inputs held at
    ``fixed`` (default: their current values). Values and gradients come from this graph's forward and backward
    passes; the Hessian and the expression from the compiled output. Later edits to the graph do not affect it.
    """
    snapshot = graph.copy()
    output = snapshot.require_output()
    compiled = snapshot.compile()
    inputs = snapshot.inputs
    axes = tuple(axes) if axes is not None else tuple(n for n in inputs if n in compiled.variables)
    wrong = [a for a in axes if a not in inputs]
    if wrong:
        raise GraphError(f"{', '.join(wrong)}: not input(s) of the graph")
    held = {n: snapshot.nodes[n].value for n in inputs if n not in axes}
    held.update({k: v for k, v in (fixed or {}).items() if k in held})
    label = f"graph output {output}"
    symbolic = Objective.from_expression(compiled, variables=axes, fixed=held, label=label)

    def environment(p) -> dict[str, float]:
        env = dict(held)
        env.update(zip(axes, (float(v) for v in np.asarray(p, dtype=np.float64).ravel())))
        return env

    def value(p) -> float:
        return snapshot.forward(environment(p))[output]

    def gradient(p) -> np.ndarray:
        adjoint = snapshot.backward(environment(p))
        return np.array([adjoint[a] for a in axes], dtype=np.float64)

    return Objective(axes, value, gradient, symbolic.hessian, symbolic.expression, label, symbolic.fixed)
