"""A graph whose X holds a batch (the batch MLP preset: 8 points) trains on the whole toy set a batch at a time: the
toy set has 64 points, shuffled once so that each batch mixes the labels; one pass of 8 steps binds every point
exactly once; the prediction over all the points is the preset's formulas evaluated by hand; and mini-batch descent
classifies the whole set, where descent on the first batch alone does not. A graph whose X holds the whole set
trains on it as before (unshuffled)."""
import numpy as np
import pytest

from engine.graph.samples import mlp_batch
from engine.graph.train import (DATA_SETS, TOY_POINTS, WHOLE_SET_FROM, batch_count, batch_of, bound_values, classifier,
                                predict, stored, toy_data, toy_set, toy_size, train_step, training_setup, two_moons)

WEIGHTS = ("W1", "b1", "W2", "b2")


def batch_mlp():
    g = mlp_batch()
    for name in WEIGHTS:
        g.set_weight(name, True)
    return g


@pytest.mark.parametrize("count, size", [(8, 64), (5, 65), (1, 64), (31, 93), (32, 32), (60, 60), (100, 100)])
def test_a_batch_trains_on_whole_batches_of_at_least_64_points(count, size):
    assert toy_size(count) == size and size % count == 0
    assert size >= TOY_POINTS if count < WHOLE_SET_FROM else size == count


@pytest.mark.parametrize("name", list(DATA_SETS))
def test_one_pass_of_batches_binds_every_point_once(name):
    g = batch_mlp()
    setup = training_setup(g)
    points, labels = toy_set(name, setup)
    assert points.shape == (2, 64) and labels.shape == (1, 64) and batch_count(setup) == 8
    generated = DATA_SETS[name](64, seed=0)
    assert sorted(map(tuple, points.T)) == sorted(map(tuple, generated[0].T))     # the same points, shuffled
    seen = []
    for step in range(8):
        xs, ys = batch_of(setup, points, labels, step)
        assert xs.shape == (2, 8) and set(ys.ravel()) == {-1.0, 1.0}               # each batch mixes the labels
        assert np.array_equal(xs, batch_of(setup, points, labels, step + 8)[0])    # then the batches come again
        np.testing.assert_array_equal(xs, toy_data(name, setup, step=step)[0])
        bound = bound_values(setup, g, xs, ys)
        assert np.array(bound["X"]).shape == (2, 8) and np.array(bound["Y"]).shape == (1, 8)
        seen += [tuple(p) for p in xs.T]
    assert sorted(seen) == sorted(map(tuple, points.T))


def test_a_graph_holding_the_whole_set_trains_on_it_unshuffled():
    points, labels = two_moons(60, seed=0)
    g = classifier(points, labels)
    setup = training_setup(g)
    assert batch_count(setup) == 1
    got = toy_set("Two moons", setup)
    assert np.array_equal(got[0], points) and np.array_equal(got[1], labels)
    assert np.array_equal(batch_of(setup, *got, 5)[0], points)


def test_the_prediction_over_all_points_is_the_formulas_by_hand():
    g = batch_mlp()
    setup = training_setup(g)
    points, _ = toy_set("XOR", setup)
    W1, b1, W2, b2 = (np.array(g.node(n).value, dtype=float) for n in WEIGHTS)
    expected = W2 @ np.tanh(W1 @ points + b1.reshape(-1, 1)) + b2.reshape(1, 1)
    np.testing.assert_allclose(predict(g, setup, points), expected.ravel(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(predict(g, setup, points[:, :13]), expected.ravel()[:13], rtol=1e-12, atol=1e-12)


def _train(g, setup, points, labels, steps, every_batch):
    for step in range(steps):
        for name, value in bound_values(setup, g, *batch_of(setup, points, labels, step if every_batch else 0)).items():
            g.set_value(name, value)
        result = train_step(g, setup.weights, 0.3)
        for name, value in result.values.items():
            g.set_value(name, stored(g, name, value))
    return np.mean(np.sign(predict(g, setup, points)) == labels.ravel())


def test_mini_batches_classify_the_whole_set_where_the_first_batch_alone_does_not():
    g, first_only = batch_mlp(), batch_mlp()
    setup = training_setup(g)
    points, labels = toy_set("Two moons", setup)
    right = _train(g, setup, points, labels, 600, every_batch=True)
    assert right >= 0.95
    assert _train(first_only, setup, points, labels, 600, every_batch=False) < right - 0.1
