"""From expressions to graphs: expand an Expression into an editable, laid-out chain-rule graph."""
from __future__ import annotations

from typing import Mapping

from engine.expr import build as E
from engine.graph.compile import layered_layout
from engine.graph.model import Graph


def graph_from_expression(expression: E.Expression, values: Mapping[str, float] | None = None):
    """A graph with one node per operation of ``expression`` (constants stay inside formulas).

    Inputs keep their variable names (values from ``values``, else 0); operation nodes are named by the operation
    and a counter (mul1, exp1, …); the root is the output. Positions come from :func:`layered_layout`.
    """
    graph = Graph()
    values = values or {}
    taken = set(expression.variables)
    counters: dict[str, int] = {}
    names: dict[int, str] = {}
    for node in E.topological_order([expression]):
        if node.op == "var":
            names[id(node)] = node.name
            graph.add_input(node.name, values.get(node.name, 0.0))
        elif node.op != "const" or node is expression:
            name = _fresh_name(node.op, counters, taken)
            names[id(node)] = name
            graph.add_formula(name, _formula_text(node, names))
    graph.set_output(names[id(expression)])
    graph.move_many(layered_layout(graph))
    return graph


def _fresh_name(op: str, counters: dict[str, int], taken: set[str]) -> str:
    while True:
        counters[op] = counters.get(op, 0) + 1
        name = f"{op}{counters[op]}"
        if name not in taken:
            taken.add(name)
            return name


def _formula_text(node: E.Expression, names: dict[int, str]) -> str:
    if node.op == "const":
        return str(node)
    args = [a if a.op == "const" else E.var(names[id(a)]) for a in node.args]
    return str(E.apply(node.op, *args))
