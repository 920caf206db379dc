"""A tensor graph compiles to one matrix formula (the Matrix workspace's syntax): parsed back by engine.matrix with the
inputs' shapes and evaluated, it gives the graph's output, and its matrix gradients (engine.matrix's symbolic grad)
equal the graph's adjoints — for the MLP presets and for random well-shaped tensor graphs. A scalar graph compiles
as before."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from engine.graph import Graph, GraphError
from engine.graph.samples import mlp, mlp_batch
from engine.graph.tensor_compile import compiled_matrix_text
from engine.matrix import parse_matrix
from tests.engine.tensor_graph_helpers import tensor_graphs


def parsed_back(graph):
    text = compiled_matrix_text(graph)
    shapes = {n: graph.shape(n) for n in graph.inputs}
    return text, parse_matrix(text, shapes)


def values_of(graph):
    return {n: np.reshape(graph.forward()[n], graph.shape(n)) for n in graph.inputs}


def assert_agrees(graph):
    text, expression = parsed_back(graph)
    values = values_of(graph)
    assert expression.evaluate(values) == pytest.approx(float(np.reshape(graph.forward()[graph.output], -1)[0]), rel=1e-12,
                                                        abs=1e-12)
    adjoints = graph.backward()
    for name in expression.variables:
        gradient = expression.grad(name)
        found = np.asarray(gradient.evaluate(values), dtype=float).reshape(graph.shape(name))
        np.testing.assert_allclose(found, np.reshape(adjoints[name], graph.shape(name)), rtol=0, atol=1e-10, err_msg=f"{name} in {text}")
    for name in set(graph.inputs) - set(expression.variables):   # inputs the output does not use: adjoint 0
        assert not np.any(adjoints[name])
    return text


@pytest.mark.parametrize("build", [mlp, mlp_batch])
def test_the_mlp_presets_compile_to_a_formula_with_their_value_and_gradients(build):
    graph = build()
    text = assert_agrees(graph)
    assert "tanh(" in text and "W1" in text and "norm2(" in text
    assert graph.compile_shaped().shape == (1, 1)


def test_the_one_point_mlp_reads_as_the_network_written_out():
    text = compiled_matrix_text(mlp())
    assert text == "norm2(W2*tanh(W1*x + b1) + b2 - y)^2"


def test_an_inner_node_compiles_in_its_own_shape():
    graph = mlp()
    hidden = graph.compile_shaped("a1")
    assert hidden.shape == (3, 1)
    values = values_of(graph)
    np.testing.assert_allclose(hidden.evaluate(values), graph.forward()["a1"], atol=1e-15)


def test_scalar_nodes_inside_a_tensor_graph_are_carried_over_including_tan_sinh_and_cosh():
    graph = Graph()
    graph.add_input("v", [0.3, -0.2])
    graph.add_input("s", 0.4)
    graph.add_formula("q", "tan(s) + sinh(s)*cosh(s) - exp(-s)/pi")
    graph.add_formula("out", "q*norm2(v)^2 + sum(q*v)")
    assert_agrees(graph)


def test_a_scalar_graph_compiles_unchanged_and_also_to_a_shaped_formula():
    graph = Graph()
    graph.add_input("x", 0.5)
    graph.add_input("y", -1.5)
    graph.add_formula("f", "x*exp(-x^2 - y^2)")
    assert str(graph.compile()) == str(graph.compile()) and not graph.is_tensor
    assert_agrees(graph)


def test_a_tensor_graph_is_refused_by_the_scalar_compile_with_a_pointer():
    with pytest.raises(GraphError, match="Send to Matrix"):
        mlp().compile()


def test_a_formula_too_long_for_the_matrix_workspace_is_refused_naming_the_cap():
    graph = Graph()
    graph.add_input("x0", [0.1, 0.2])
    for i in range(12):   # each node uses the previous one twice: the text doubles at every step
        graph.add_formula(f"x{i + 1}", f"x{i} + tanh(x{i})")
    graph.add_formula("out", "sum(x12)")
    with pytest.raises(GraphError, match="characters"):
        compiled_matrix_text(graph)
    assert graph.compile_shaped().shape == (1, 1)   # the expression itself shares and is small


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tensor_graphs())
def test_random_tensor_graphs_compile_to_their_value_and_adjoints(graph):
    assert_agrees(graph)


def test_the_matrix_problem_carries_the_formula_shapes_values_and_first_weight():
    from engine.graph.tensor_compile import matrix_problem
    graph = mlp_batch()
    problem = matrix_problem(graph, max_side=20)
    assert problem.expression == compiled_matrix_text(graph) and problem.wrt == "W1"
    assert problem.shapes == {n: graph.shape(n) for n in ("W1", "b1", "W2", "b2", "X", "Y")}
    np.testing.assert_array_equal(problem.values["X"], np.array(graph.nodes["X"].value))
    with pytest.raises(GraphError, match="up to 4 rows"):
        matrix_problem(graph, max_side=4)
    graph.set_output("H1")
    with pytest.raises(GraphError, match="3×8"):
        matrix_problem(graph)
