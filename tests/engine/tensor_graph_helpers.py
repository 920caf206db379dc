"""References for graphs of tensor nodes that share no code with the engine: central differences of the output with
respect to every entry of every node (a formula node is perturbed by adding a constant to its value, i.e. by making
it an input of the same value plus the perturbation in a copy of the graph)."""
import numpy as np
from hypothesis import strategies as st

from engine.graph import Graph

STEP = 1e-5


def output_value(graph: Graph, overrides: dict) -> float:
    return float(graph.forward(overrides)[graph.output][0, 0])


def central_differences(graph: Graph, name: str) -> np.ndarray:
    """d output / d name, by central differences over every entry (the node made an input in a copy)."""
    g = graph.copy()
    base = g.forward()[name].copy()
    if not g.node(name).is_input:
        g.set_value(name, base.tolist() if base.shape != (1, 1) else float(base[0, 0]))
    result = np.zeros(base.shape)
    for index in np.ndindex(*base.shape):
        plus, minus = base.copy(), base.copy()
        plus[index] += STEP
        minus[index] -= STEP
        result[index] = (output_value(g, {name: plus}) - output_value(g, {name: minus})) / (2 * STEP)
    return result


DIMS = (1, 2, 3)


@st.composite
def tensor_graphs(draw):
    graph = Graph()
    shapes: dict[str, tuple[int, int]] = {}
    # generic values (a seeded draw, not hypothesis's favourite 0 and ±0.5), and no formula that cancels exactly
    # (a - 0.7*b, not a - 2*b: x + (x - 2x) is 0): norm2's rule divides by the norm, so at an exact zero its VJP is
    # 0/0 (norm2 has no derivative there, though norm2(·)^2 has; see the report of the tensor-graph work)
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
        options += [f"{a} + {b}" for b in same] + [f"{a} .* {b}" for b in same] + [f"{a} - 0.7*{b}" for b in same]
        options += [f"{a}*{b}" for b in products] + [f"dot({a}, {b})*{a}" for b in same]
        options += [f"sum({a})", f"norm2({a})^2"]
        formula = draw(st.sampled_from(options))
        graph.add_formula(f"n{i}", formula)
        shapes[f"n{i}"] = graph.shape(f"n{i}")
    last = sorted(n for n in shapes if n.startswith("n"))[-1]
    graph.add_formula("out", f"sum(tanh({last})) + norm2({last})^2/4")
    graph.set_output("out")
    return graph
