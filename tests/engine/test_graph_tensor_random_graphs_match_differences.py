"""Random well-shaped tensor graphs (hypothesis): every node's adjoint from the VJP backward pass agrees with central
differences of the output, has the node's shape, and the step-by-step pass gives the same adjoints."""
import numpy as np
from hypothesis import given, settings, strategies as st

from engine.graph import Graph
from tests.engine.tensor_graph_helpers import central_differences

DIMS = (1, 2, 3)


@st.composite
def tensor_graphs(draw):
    graph = Graph()
    shapes: dict[str, tuple[int, int]] = {}
    # generic values (a seeded draw, not hypothesis's favourite 0 and ±0.5): norm2's rule divides by the norm, so
    # at an exact zero its VJP is 0/0, a point where norm2 itself has no derivative
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    for i in range(draw(st.integers(2, 4))):
        shape = (draw(st.sampled_from(DIMS)), draw(st.sampled_from(DIMS)))
        graph.add_input(f"x{i}", rng.uniform(-1, 1, size=shape).tolist())
        shapes[f"x{i}"] = shape
    for i in range(draw(st.integers(1, 6))):
        a = draw(st.sampled_from(sorted(shapes)))
        sa = shapes[a]
        same = [n for n, s in shapes.items() if s == sa]
        products = [n for n, s in shapes.items() if s[0] == sa[1]]
        options = [f"tanh({a})", f"sin({a})", f"sigmoid({a})", f"{a}'", f"0.5*{a}", f"exp(0.3*{a})"]
        options += [f"{a} + {b}" for b in same] + [f"{a} .* {b}" for b in same] + [f"{a} - 2*{b}" for b in same]
        options += [f"{a}*{b}" for b in products] + [f"dot({a}, {b})*{a}" for b in same]
        options += [f"sum({a})", f"norm2({a})^2"]
        formula = draw(st.sampled_from(options))
        graph.add_formula(f"n{i}", formula)
        shapes[f"n{i}"] = graph.shape(f"n{i}")
    last = sorted(n for n in shapes if n.startswith("n"))[-1]
    graph.add_formula("out", f"sum(tanh({last})) + norm2({last})^2/4")
    graph.set_output("out")
    return graph


@settings(max_examples=40, deadline=None)
@given(tensor_graphs())
def test_backward_agrees_with_central_differences(graph):
    adjoints = graph.backward()
    stepped = {s.node: s.total for s in graph.backward_steps()}
    for name, node in graph.nodes.items():
        assert adjoints[name].shape == node.value_shape
        expected = central_differences(graph, name)
        np.testing.assert_allclose(adjoints[name], expected, atol=1e-6, rtol=1e-6, err_msg=name)
        if name in stepped:
            np.testing.assert_allclose(stepped[name], adjoints[name], atol=1e-12)
