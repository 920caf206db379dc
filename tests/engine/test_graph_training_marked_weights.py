"""Training the user's graph: the weight flag is the model's (undoable, kept by value edits, saved in the file and
refused when malformed); the setup finds X, y and the prediction or says exactly why the graph cannot be trained; a
train step's gradient agrees with central differences; steps on the batch MLP preset lower the loss on the toy sets;
the decision picture is the prediction point by point."""
import json

import numpy as np
import pytest

from engine.graph import Graph, GraphError
from engine.graph.fileformat import GraphFileError, dumps_graph, graph_to_dict, loads_graph
from engine.graph.samples import four_inputs, mlp, mlp_batch
from engine.graph.train import (bound_values, decision_values, descend, prediction_nodes, toy_data, train_step,
                                training_setup, two_moons)
from tests.engine.tensor_graph_helpers import central_differences

WEIGHTS = ("W1", "b1", "W2", "b2")


def marked(graph: Graph) -> Graph:
    for name in WEIGHTS:
        graph.set_weight(name, True)
    return graph


def test_the_weight_flag_is_an_undoable_edit_that_value_edits_keep():
    g = mlp_batch()
    g.set_weight("W1", True)
    assert g.weights == ("W1",) and g.node("W1").weight
    g.set_value("W1", [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    g.rename("W1", "A")
    assert g.weights == ("A",)
    g.rename("A", "W1")
    with pytest.raises(GraphError, match="formula node"):
        g.set_weight("H1", True)
    with pytest.raises(GraphError, match="already a weight"):
        g.set_weight("W1", True)
    g2 = mlp_batch()
    undo = g2.set_weight("b2", True)
    undo()
    assert g2.weights == () and g2.snapshot() == mlp_batch().snapshot()


def test_the_weight_flag_is_saved_and_read_back():
    g = marked(mlp_batch())
    data = graph_to_dict(g)
    assert data["version"] == 2
    assert [e["name"] for e in data["nodes"] if e.get("weight")] == list(WEIGHTS)
    loaded = loads_graph(dumps_graph(g).encode())
    assert loaded.snapshot() == g.snapshot() and loaded.weights == WEIGHTS
    assert "weight" not in dumps_graph(mlp_batch())   # unmarked graphs are written as before
    scalar = four_inputs()
    scalar.set_weight("w", True)
    assert graph_to_dict(scalar)["version"] == 1 and loads_graph(dumps_graph(scalar).encode()).weights == ("w",)


@pytest.mark.parametrize("change, needle", [
    (lambda e: e["nodes"][0].update(weight="yes"), "'weight' of node 'W1' must be true or false"),
    (lambda e: e["nodes"][-1].update(weight=True), "only inputs can be weights")])
def test_a_malformed_weight_flag_is_refused(change, needle):
    data = graph_to_dict(mlp_batch())
    change(data)
    with pytest.raises(GraphFileError, match=needle):
        loads_graph(json.dumps(data).encode())


def test_the_setup_of_the_batch_mlp():
    setup = training_setup(marked(mlp_batch()))
    assert (setup.points, setup.labels, setup.prediction) == ("X", "Y", "Yhat")
    assert setup.weights == WEIGHTS and setup.by_columns and setup.count == 8


def test_points_given_one_per_row_are_found_and_bound_that_way():
    g = Graph()
    g.add_input("X", np.zeros((5, 2)).tolist())
    g.add_input("w", [1.0, -1.0])
    g.add_input("y", np.zeros((5, 1)).tolist())
    g.add_formula("p", "tanh(X*w)")
    g.add_formula("loss", "norm2(p - y)^2")
    g.set_output("loss")
    g.set_weight("w", True)
    setup = training_setup(g)
    assert not setup.by_columns and setup.count == 5 and setup.prediction == "p"
    points, labels = toy_data("XOR", setup)
    values = bound_values(setup, g, points, labels)
    np.testing.assert_array_equal(np.array(values["X"]), points.T)
    np.testing.assert_array_equal(np.array(values["y"]).ravel(), labels.ravel())


def test_the_prediction_defaults_to_the_node_feeding_the_loss_and_can_be_chosen():
    g = Graph()
    g.add_input("X", np.zeros((2, 4)).tolist())
    g.add_input("W", [[0.5, -0.5]])
    g.add_input("Y", [[1.0, -1.0, 1.0, -1.0]])
    g.add_formula("Z", "W*X")
    g.add_formula("P", "tanh(Z)")
    g.add_formula("loss", "norm2(P - Y)^2/4")
    g.set_output("loss")
    g.set_weight("W", True)
    assert prediction_nodes(g, "X", "Y") == ["P", "Z"]
    assert training_setup(g).prediction == "P"
    assert training_setup(g, prediction="Z").prediction == "Z"
    assert training_setup(g, prediction="loss").prediction == "P"   # not a prediction: the default


@pytest.mark.parametrize("graph, needle", [
    (lambda: mlp_batch(), "no input is marked as a weight"),
    (lambda: _without_output(), "the graph has no output"),
    (lambda: _vector_output(), "training needs a single number"),
    (lambda: _marked_scalar(), "no data input"),
    (lambda: _no_labels(), "no label input")])
def test_a_graph_that_cannot_be_trained_is_told_why(graph, needle):
    with pytest.raises(GraphError, match=needle):
        training_setup(graph())


def _without_output():
    g = marked(mlp_batch())
    g.set_output(None)
    return g


def _vector_output():
    g = marked(mlp_batch())
    g.set_output("Yhat")
    return g


def _marked_scalar():
    g = Graph()
    g.add_input("w", 0.5)
    g.add_formula("f", "w^2")
    g.set_weight("w", True)
    return g


def _no_labels():
    g = marked(mlp_batch())
    g.set_weight("Y", True)   # the labels marked as a weight: no label input is left
    return g


@pytest.mark.parametrize("build", [mlp, mlp_batch])
def test_the_step_follows_the_true_gradient(build):
    g = marked(build())
    step = train_step(g, WEIGHTS, rate=0.1)
    for name in WEIGHTS:
        np.testing.assert_allclose(step.gradient[name], central_differences(g, name), rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(step.values[name], np.array(g.node(name).value) - 0.1 * step.gradient[name])
    assert step.loss == float(g.forward()["loss"][0, 0])


@pytest.mark.parametrize("data", ["Two moons", "XOR"])
def test_steps_on_the_batch_mlp_lower_the_loss_on_the_toy_set(data):
    g = marked(mlp_batch())
    setup = training_setup(g)
    for name, value in bound_values(setup, g, *toy_data(data, setup)).items():
        g.set_value(name, value)
    start = {n: g.node(n).value for n in WEIGHTS}
    picture = decision_values(g, setup, resolution=10)
    losses, undos = descend(g, WEIGHTS, rate=0.3, steps=150)
    assert float(g.forward()["loss"][0, 0]) < 0.3 * losses[0]
    assert np.max(np.abs(decision_values(g, setup, resolution=10) - picture)) > 0.3
    for undo in reversed(undos):
        undo()
    assert {n: g.node(n).value for n in WEIGHTS} == start


def test_the_picture_is_the_prediction_at_each_grid_point():
    g = marked(mlp_batch())
    setup = training_setup(g)
    field = decision_values(g, setup, extent=1.0, resolution=5)   # 25 points: three full batches of 8 and one part
    W1, b1, W2, b2 = (np.array(g.node(n).value) for n in WEIGHTS)
    xs = np.linspace(-1.0, 1.0, 5)
    for i, y in enumerate(xs):
        for j, x in enumerate(xs):
            expected = W2 @ np.tanh(W1 @ np.array([[x], [y]]) + b1) + b2
            assert field[i, j] == pytest.approx(float(expected[0, 0]), abs=1e-12)


def test_the_toy_sets_are_seeded():
    assert np.array_equal(two_moons(30, seed=5)[0], two_moons(30, seed=5)[0])
    points, labels = two_moons(8)
    assert points.shape == (2, 8) and sorted(labels.ravel()) == [-1.0] * 4 + [1.0] * 4
