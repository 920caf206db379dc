"""Gradient descent on a tensor graph's weights: on the seeded two-moons and XOR sets the loss falls, the decision
picture changes, each step is its own check against central differences, and undoing the edits restores the weights
exactly."""
import numpy as np
import pytest

from engine.graph.train import classifier, decision_values, descend, two_moons, xor
from tests.engine.tensor_graph_helpers import central_differences


@pytest.mark.parametrize("data", [two_moons, xor])
def test_training_lowers_the_loss_and_changes_the_boundary(data):
    points, labels = data(40, seed=1)
    assert points.shape == (2, 40) and set(np.unique(labels)) == {-1.0, 1.0}
    graph = classifier(points, labels, hidden=6, seed=2)
    before = decision_values(graph, resolution=12)
    start = {n: graph.node(n).value for n in graph.inputs}
    losses, undos = descend(graph, ["W1", "b1", "W2", "b2"], rate=0.3, steps=150)
    final = float(graph.forward()["loss"][0, 0])
    assert final < 0.6 * losses[0]
    assert np.all(np.diff(losses[:20]) < 0)   # small steps: the loss falls at first step after step
    accuracy = np.mean(np.sign(graph.forward()["Yhat"]) == labels)
    assert accuracy > 0.8
    assert np.max(np.abs(decision_values(graph, resolution=12) - before)) > 0.3
    for undo in reversed(undos):
        undo()
    assert {n: graph.node(n).value for n in graph.inputs} == start


def test_the_gradient_a_step_follows_is_the_true_gradient():
    points, labels = two_moons(10, seed=3)
    graph = classifier(points, labels, hidden=3, seed=4)
    adjoints = graph.backward()
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(adjoints[name], central_differences(graph, name), atol=1e-8)


def test_the_data_sets_are_the_same_for_a_seed():
    assert np.array_equal(two_moons(30, seed=5)[0], two_moons(30, seed=5)[0])
    assert not np.array_equal(xor(30, seed=5)[0], xor(30, seed=6)[0])
