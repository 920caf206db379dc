"""Expand to scalars: the MLP presets and random tensor graphs, expanded into one scalar node per entry, compute the
same output, and every scalar adjoint is the matching entry of the tensor adjoint (to 1e-10)."""
import numpy as np
import pytest
from hypothesis import given, settings

from engine.graph import Graph, GraphError
from engine.graph.samples import mlp, mlp_batch
from engine.graph.scalarize import entry_names, expand_to_scalars
from tests.engine.tensor_graph_helpers import tensor_graphs


def assert_same_computation(graph):
    scalar = expand_to_scalars(graph)
    assert not scalar.is_tensor and scalar.output == graph.output
    values, adjoints = graph.forward(), graph.backward()
    scalar_values, scalar_adjoints = scalar.forward(), scalar.backward()
    for name in graph.nodes:
        for (i, j), entry in np.ndenumerate(entry_names(name, graph.shape(name))):
            assert scalar_values[entry] == pytest.approx(values[name][i, j], rel=1e-12, abs=1e-12)
            assert scalar_adjoints[entry] == pytest.approx(adjoints[name][i, j], rel=1e-10, abs=1e-10), entry


@pytest.mark.parametrize("build", [mlp, mlp_batch])
def test_the_mlp_presets_expand_to_the_same_computation(build):
    graph = build()
    assert_same_computation(graph)
    scalar = expand_to_scalars(graph)
    assert "W1_3_2" in scalar.nodes and len(scalar) == sum(int(np.prod(graph.shape(n))) for n in graph.nodes)


@settings(max_examples=25, deadline=None)
@given(tensor_graphs())
def test_random_tensor_graphs_expand_to_the_same_computation(graph):
    assert_same_computation(graph)


def test_a_taken_entry_name_or_an_operation_without_entries_is_refused():
    g = Graph()
    g.add_input("v", [1.0, 2.0])
    g.add_input("v_1", 3.0)
    g.add_formula("f", "sum(v) + v_1")
    with pytest.raises(GraphError, match="v_1"):
        expand_to_scalars(g)
    h = Graph()
    h.add_input("A", [[1.0, 2.0], [3.0, 4.0]])
    h.add_formula("f", "det(A)")
    with pytest.raises(GraphError, match="det"):
        expand_to_scalars(h)
