"""The MLP presets as tensor graphs: every value agrees with a hand-written numpy network, and every adjoint with the
hand-derived backpropagation and with central differences; the step-by-step backward pass, the path sum and the
edges' Jacobians say the same."""
import numpy as np
import pytest

from engine.graph.fileformat import find_preset, load_graph
from engine.graph.samples import mlp, mlp_batch, mlp_graph
from tests.engine.tensor_graph_helpers import central_differences


def numpy_network(W1, b1, W2, b2, X, Y):
    """Forward and backward of tanh(W1 X + b1) → W2 A + b2 with loss ‖Ŷ − Y‖² / n, written out by hand."""
    n = X.shape[1]
    H = W1 @ X + b1
    A = np.tanh(H)
    Yhat = W2 @ A + b2
    R = Yhat - Y
    loss = float(np.sum(R * R)) / n
    dYhat = 2 * R / n
    dW2, db2, dA = dYhat @ A.T, dYhat.sum(axis=1, keepdims=True), W2.T @ dYhat
    dH = dA * (1 - A ** 2)
    dW1, db1, dX = dH @ X.T, dH.sum(axis=1, keepdims=True), W1.T @ dH
    return {"H": H, "A": A, "Yhat": Yhat, "loss": loss}, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "X": dX,
                                                           "Y": -dYhat, "H": dH, "A": dA, "Yhat": dYhat}


def reference(graph, x: str, y: str):
    v = {n: np.array(graph.node(n).value) for n in ("W1", "b1", "W2", "b2", x, y)}
    X = v[x].reshape(2, -1)
    Y = v[y].reshape(1, -1)
    return numpy_network(v["W1"], v["b1"], v["W2"], v["b2"], X, Y)


@pytest.mark.parametrize("build, names", [
    (mlp, {"X": "x", "Y": "y", "H": "h1", "A": "a1", "Yhat": "yhat"}),
    (mlp_batch, {"X": "X", "Y": "Y", "H": "H1", "A": "A1", "Yhat": "Yhat"}),
])
def test_values_and_adjoints_agree_with_numpy_and_differences(build, names):
    graph = build()
    values, adjoints = graph.forward(), graph.backward()
    ref_values, ref_adjoints = reference(graph, names["X"], names["Y"])
    assert values["loss"][0, 0] == pytest.approx(ref_values["loss"], abs=1e-12)
    for ours, theirs in names.items():
        if ours in ref_values:
            np.testing.assert_allclose(values[theirs], ref_values[ours], atol=1e-12)
    for name in graph.nodes:
        assert adjoints[name].shape == graph.shape(name)
        expected = ref_adjoints.get({v: k for k, v in names.items()}.get(name, name))
        if expected is not None:
            np.testing.assert_allclose(adjoints[name], expected, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(adjoints[name], central_differences(graph, name), atol=1e-8, err_msg=name)


def test_the_preset_files_are_the_builders_graphs():
    for stem, build in (("mlp", mlp), ("mlp-batch", mlp_batch)):
        assert load_graph(find_preset(stem)).snapshot() == build().snapshot()


def test_steps_paths_and_jacobians_say_the_same():
    graph = mlp()
    adjoints = graph.backward()
    steps = list(graph.backward_steps())
    assert steps[0].node == "loss" and [s.node for s in steps][1] == "yhat"
    for step in steps:
        np.testing.assert_array_equal(step.total, adjoints[step.node])
        for c in step.contributions:   # each contribution is the child's adjoint times the edge's Jacobian
            product = c.child_adjoint.reshape(1, -1) @ c.local_partial.dense()
            np.testing.assert_allclose(product.reshape(step.total.shape), c.product, atol=1e-14)
    assert graph.path_count("x") == 1
    (path,) = list(graph.paths("x"))
    np.testing.assert_allclose(path.product.reshape(2, 1), adjoints["x"], atol=1e-14)
    np.testing.assert_allclose(graph.path_sum("x"), adjoints["x"], atol=1e-14)


def test_a_large_jacobian_is_described_by_its_shape():
    graph = mlp_graph((2, 64, 64, 1), 100)
    jacobian = graph.local_partials()["W2", "Z2"]
    assert jacobian.shape == (64 * 100, 64 * 64) and not jacobian.is_small
    assert "6400×4096" in jacobian.describe()
    with pytest.raises(ValueError, match="entries"):
        jacobian.dense()


def test_a_deeper_network_matches_differences():
    graph = mlp_graph((3, 4, 2, 1), 5, seed=3)
    adjoints = graph.backward()
    for name in graph.nodes:
        np.testing.assert_allclose(adjoints[name], central_differences(graph, name), atol=1e-8, err_msg=name)
