"""Shared checks for the chain-rule graph tests: structural invariants and an event-driven mirror of the nodes."""
from hypothesis import strategies as st

from engine.graph import Graph
from engine.graph.nodes import parse_formula


def assert_invariants(g: Graph) -> None:
    """Everything a view or a pass relies on, recomputed from scratch and compared with what the graph says."""
    nodes = g.nodes
    for name, node in nodes.items():
        assert node.name == name
        if node.is_input:
            assert node.parents == () and node.expression is None and isinstance(node.value, float)
        else:
            expression, parents = parse_formula(name, node.formula)
            assert parents == node.parents and expression is node.expression and node.value is None
            assert all(p in nodes for p in parents)
    for name in nodes:
        expected = tuple(c for c in nodes if name in nodes[c].parents)
        assert g.children(name) == expected
    order = g.topological_order()
    assert sorted(order) == sorted(nodes)
    position = {n: i for i, n in enumerate(order)}
    assert all(position[p] < position[c] for p, c in g.edges())
    assert g.output is None or g.output in nodes
    assert set(g.inputs) == {n for n, node in nodes.items() if node.is_input}


class Mirror:
    """What a view knows if it follows only the events: the node names and the output."""

    def __init__(self, g: Graph):
        self.graph = g
        self.names = list(g.nodes)
        self.output = g.output
        self.events = []
        g.subscribe(self.on_event)

    def on_event(self, event) -> None:
        self.events.append(event)
        if event.kind == "node_added":
            assert event.name not in self.names
            self.names.append(event.name)
        elif event.kind == "node_removed":
            self.names.remove(event.name)
        elif event.kind == "node_renamed":
            self.names[self.names.index(event.old_name)] = event.name
        elif event.kind == "output_changed":
            self.output = event.name
        elif event.kind == "reset":
            self.names = list(self.graph.nodes)
            self.output = self.graph.output
        else:
            assert event.name in self.graph.nodes

    def agrees(self) -> bool:
        return sorted(self.names) == sorted(self.graph.nodes) and self.output == self.graph.output


UNARY = ["sin({a})", "cos({a})", "tanh({a})", "sigmoid({a})", "exp(0.3*{a})", "log(1 + {a}^2)", "{a}^2",
         "sqrt(1 + {a}^2)"]
BINARY = ["{a} + {b}", "{a} - {b}", "{a}*{b}", "{a}/(1 + {b}^2)", "sin({a}*{b})", "({a} - {b})^2"]


@st.composite
def random_dags(draw):
    """A random DAG: 1-3 inputs, 1-7 formula nodes each using one or two earlier nodes, the last one the output."""
    g = Graph()
    names = []
    for i in range(draw(st.integers(1, 3))):
        names.append(f"x{i}")
        g.add_input(names[-1], draw(st.floats(-1.5, 1.5)))
    for i in range(draw(st.integers(1, 7))):
        a = draw(st.sampled_from(names))
        b = draw(st.sampled_from(names))
        template = draw(st.sampled_from(BINARY if a != b else UNARY))
        names.append(f"n{i}")
        g.add_formula(names[-1], template.format(a=a, b=b))
    g.set_output(names[-1])
    return g
