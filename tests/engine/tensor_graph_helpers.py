"""References for graphs of tensor nodes that share no code with the engine: central differences of the output with
respect to every entry of every node (a formula node is perturbed by adding a constant to its value, i.e. by making
it an input of the same value plus the perturbation in a copy of the graph)."""
import numpy as np

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
