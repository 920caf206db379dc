"""Forward mode over tensor nodes: pushing the tangent of one entry of an input through the graph (Jacobian-vector
products) gives every node's d node / d entry — equal to central differences — and the output's tangent for each
entry of each input equals that entry of the input's adjoint (the transposed reading of one backward pass)."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from engine.graph import GraphError
from engine.graph.samples import mlp, mlp_batch
from tests.engine.tensor_graph_helpers import tensor_graphs

STEP = 1e-6


def differences(graph, source, entry):
    """d node / d source[entry] for every node by central differences (independent of the engine's derivatives)."""
    base = np.array(graph.forward()[source])
    plus, minus = base.copy(), base.copy()
    plus[entry] += STEP
    minus[entry] -= STEP
    up, down = graph.forward({source: plus}), graph.forward({source: minus})
    return {n: (up[n] - down[n]) / (2 * STEP) for n in graph.nodes}


def assert_modes_agree(graph, tolerance=1e-10):
    adjoints = graph.backward()
    for source in graph.inputs:
        for entry in np.ndindex(*graph.shape(source)):
            tangents = graph.forward_mode(source, entry=entry)
            assert tangents[graph.output].shape == (1, 1)
            assert tangents[graph.output][0, 0] == pytest.approx(adjoints[source][entry], abs=tolerance, rel=1e-9)
            for name, t in tangents.items():
                assert t.shape == graph.shape(name)


@pytest.mark.parametrize("build", [mlp, mlp_batch])
def test_every_entry_of_every_input_agrees_between_the_two_modes(build):
    assert_modes_agree(build())


def test_every_node_tangent_matches_central_differences():
    graph = mlp()
    for source, entry in (("W1", (2, 1)), ("x", (0, 0)), ("b1", (1, 0)), ("W2", (0, 2))):
        tangents = graph.forward_mode(source, entry=entry)
        expected = differences(graph, source, entry)
        for name in graph.nodes:
            np.testing.assert_allclose(tangents[name], expected[name], atol=1e-7, err_msg=f"{name} by {source}")
    assert not np.any(graph.forward_mode("W2")["h1"])   # h1 does not depend on W2


def test_an_entry_outside_the_input_and_a_formula_source_are_refused():
    graph = mlp()
    with pytest.raises(GraphError, match="3×2"):
        graph.forward_mode("W1", entry=(3, 0))
    with pytest.raises(GraphError, match="not an input"):
        graph.forward_mode("h1")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tensor_graphs())
def test_random_tensor_graphs_agree_between_forward_and_reverse_mode(graph):
    assert_modes_agree(graph, tolerance=1e-9)
