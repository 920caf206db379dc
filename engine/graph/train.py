"""Training a graph of tensor nodes: gradient descent on the inputs the user marked as weights, on a toy data set made
in code.

* :func:`two_moons`, :func:`xor` — seeded 2-D classification sets (labels ±1), generated here, nothing downloaded;
* :func:`training_setup` — what a graph is trained with: its data input X (2×n, one point per column, or n×2, one per
  row), its label input y (1×n or n×1), the node that predicts y, and the marked weights; or a :class:`GraphError`
  saying exactly why the graph cannot be trained;
* :func:`toy_set` — the toy set a graph trains on: as many points as X holds, or, when X holds fewer than
  :data:`WHOLE_SET_FROM` (a batch, as in the batch MLP preset), whole batches of X's size adding up to at least
  :data:`TOY_POINTS`, shuffled once (seeded) so that each batch mixes the labels; :func:`batch_of` — the batch that
  training step k binds to X and y (the batches taken in turn, over and over: mini-batch gradient descent);
* :func:`bound_values` — points and labels in the shapes the graph's X and y hold (the batch size is the graph's);
* :func:`train_step` — one step of gradient descent (one backward pass: vector-Jacobian products), changing nothing;
* :func:`descend` — steps applied as undoable value edits;
* :func:`predict` — the prediction for any number of points, X's batch at a time; :func:`decision_values` — over a
  grid of points (the classifier's picture);
* :func:`classifier` — a ready-made 2-h-1 tanh network on a data set, its weights marked.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, NamedTuple

import numpy as np

from engine.graph.model import Graph
from engine.graph.nodes import GraphError
from engine.matrix.shapes import shape_text

DATA_NAMES = ("X", "Y")
POINT_NAMES = ("X", "x", "P", "points", "data")
LABEL_NAMES = ("Y", "y", "T", "t", "labels", "target")


def two_moons(n: int = 60, seed: int = 0, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """(points 2×n, labels 1×n of ±1): two interleaved half circles, with Gaussian noise."""
    rng = np.random.default_rng(seed)
    half = (n + 1) // 2
    t = rng.uniform(0.0, np.pi, size=n)
    upper = np.stack([np.cos(t[:half]), np.sin(t[:half])])
    lower = np.stack([1.0 - np.cos(t[half:]), 0.5 - np.sin(t[half:])])
    points = np.concatenate([upper, lower], axis=1) + rng.normal(0.0, noise, size=(2, n))
    points -= np.array([[0.5], [0.25]])   # the moons' centre (not the sample's mean: a few points would shift it)
    labels = np.concatenate([np.ones(half), -np.ones(n - half)]).reshape(1, n)
    return points, labels


def xor(n: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(points 2×n in [−1, 1]², labels 1×n): +1 where the two coordinates have the same sign."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(-1.0, 1.0, size=(2, n))
    return points, np.where(points[0] * points[1] >= 0, 1.0, -1.0).reshape(1, n)


DATA_SETS = {"Two moons": two_moons, "XOR": xor}
#: A graph whose X holds fewer points than WHOLE_SET_FROM (a batch) trains on a toy set of at least TOY_POINTS, a
#: batch at a time; one whose X holds more trains on as many points as X holds, all at once (New network's 60).
TOY_POINTS = 64
WHOLE_SET_FROM = 32


@dataclass(frozen=True)
class TrainingSetup:
    """How a graph is trained: which inputs hold the data, which node predicts, which inputs change."""
    points: str                 # the data input: 2×n (one point per column) or n×2 (one per row)
    labels: str                 # the label input: 1×n or n×1
    prediction: str             # the node compared with the labels (the classifier's output)
    weights: tuple[str, ...]    # the inputs gradient descent changes
    by_columns: bool            # the points are X's columns
    count: int                  # n, the number of points X holds (the graph's batch size)

    def describe(self) -> str:
        orient = "one point per column" if self.by_columns else "one point per row"
        return (f"data {self.points} ({self.count} points, {orient}), labels {self.labels}, prediction "
                f"{self.prediction}; weights {', '.join(self.weights)}")


def _ranked(names: Iterable[str], preferred: tuple[str, ...]) -> list[str]:
    rank = {n: i for i, n in enumerate(preferred)}
    return sorted(names, key=lambda n: rank.get(n, len(rank)))


def point_inputs(graph: Graph) -> list[str]:
    """Inputs that can hold 2-D points (2×n or n×2, not weights, used by the output), likeliest first."""
    used = graph.ancestors(graph.output) if graph.output else set()
    found = [n for n in graph.inputs if n in used and not graph.node(n).weight and 2 in graph.shape(n)
             and graph.node(n).is_tensor]
    return _ranked(found, POINT_NAMES)


def label_inputs(graph: Graph, points: str) -> list[str]:
    """Inputs that can hold the labels of X's points (1×n or n×1, not weights, not X), likeliest first."""
    used = graph.ancestors(graph.output) if graph.output else set()
    sizes = set(graph.shape(points))
    found = [n for n in graph.inputs if n in used and n != points and not graph.node(n).weight
             and 1 in graph.shape(n) and max(graph.shape(n)) in sizes]
    return _ranked(found, LABEL_NAMES)


def prediction_nodes(graph: Graph, points: str, labels: str) -> list[str]:
    """Formula nodes of the labels' shape that depend on X (not on the labels) and that the output uses: first the
    ones feeding the output directly (the node feeding the loss), then the rest nearest the output first."""
    shape, output = graph.shape(labels), graph.output
    found = [n for n in graph.topological_order()[::-1]
             if not graph.node(n).is_input and graph.shape(n) == shape and points in graph.ancestors(n)
             and labels not in graph.ancestors(n) and (n == output or n in graph.ancestors(output))]
    feeding = set(graph.parents(output))
    return [n for n in found if n in feeding] + [n for n in found if n not in feeding]


def training_setup(graph: Graph, points: str | None = None, labels: str | None = None,
                   prediction: str | None = None) -> TrainingSetup:
    """The setup for training ``graph`` (defaults for what is not named), or GraphError saying why it cannot be."""
    output = graph.output
    if output is None:
        raise GraphError("the graph has no output: mark the loss node as the output")
    if graph.shape(output) != (1, 1):
        raise GraphError(f"the output '{output}' is {shape_text(graph.shape(output))}; training needs a single "
                         f"number (a loss such as norm2(Yhat - Y)^2/n) at the output")
    weights = tuple(n for n in graph.weights if n in graph.ancestors(output))
    if not weights:
        raise GraphError("no input is marked as a weight: tick the box on the header of each input training may "
                         "change (W1, b1, …)")
    candidates = point_inputs(graph)
    if not candidates:
        raise GraphError("no data input: training needs an input matrix X of 2-D points (n×2, one point per row, "
                         "or 2×n, one per column), not marked as a weight, that the output uses")
    points = points if points in candidates else candidates[0]
    labels_found = label_inputs(graph, points)
    if not labels_found:
        raise GraphError(f"no label input: training needs an input y holding one label per point of {points} "
                         f"({_label_shapes(graph.shape(points))}), not marked as a weight, that the output uses")
    labels = labels if labels in labels_found else labels_found[0]
    by_columns = _by_columns(graph.shape(points), graph.shape(labels))
    predictions = prediction_nodes(graph, points, labels)
    if not predictions:
        raise GraphError(f"no prediction: no formula node of {labels}'s shape {shape_text(graph.shape(labels))} "
                         f"computes from {points} (the output must compare such a node with {labels})")
    prediction = prediction if prediction in predictions else predictions[0]
    count = graph.shape(points)[1 if by_columns else 0]
    return TrainingSetup(points, labels, prediction, weights, by_columns, count)


def _label_shapes(shape: tuple[int, int]) -> str:
    """The shapes labels for points of this shape can have (1×n or n×1, n the number of points)."""
    n = shape[1] if shape[0] == 2 else shape[0]
    return f"{shape_text((1, n))} or {shape_text((n, 1))}"


def _by_columns(points_shape: tuple[int, int], labels_shape: tuple[int, int]) -> bool:
    """Whether the points are X's columns: X is 2×n and the labels give one number per column."""
    rows, cols = points_shape
    if rows != 2:
        return False
    if cols != 2:
        return True
    return labels_shape[1] == 2 or labels_shape == (1, 1)


def arranged(setup: TrainingSetup, points: np.ndarray) -> np.ndarray:
    """Points given 2×k in the orientation of the graph's X."""
    return points if setup.by_columns else points.T


def bound_values(setup: TrainingSetup, graph: Graph, points: np.ndarray, labels: np.ndarray) -> dict:
    """{X: the points, y: the labels} in the shapes the graph's X and y hold (points 2×n, labels 1×n)."""
    return {setup.points: arranged(setup, points).tolist(),
            setup.labels: labels.reshape(graph.shape(setup.labels)).tolist()}


def toy_size(count: int) -> int:
    """How many points the toy set has for a graph whose X holds ``count``: ``count`` from WHOLE_SET_FROM on, else
    the fewest whole batches of ``count`` holding at least TOY_POINTS."""
    return count if count >= WHOLE_SET_FROM else count * -(-TOY_POINTS // count)


def toy_set(name: str, setup: TrainingSetup, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The named toy set (a key of DATA_SETS) the graph trains on, (points 2×N, labels 1×N): N = toy_size(X's
    count). Split into batches it is shuffled first (seeded): the sets are generated ordered by label, and a batch
    of one label only would pull the weights to that label at each step."""
    size = toy_size(setup.count)
    points, labels = DATA_SETS[name](size, seed=seed)
    if size == setup.count:
        return points, labels
    order = np.random.default_rng(seed).permutation(size)
    return points[:, order], labels[:, order]


def batch_count(setup: TrainingSetup) -> int:
    """How many batches of X's size the toy set holds (1: X holds all of it)."""
    return toy_size(setup.count) // setup.count


def batch_of(setup: TrainingSetup, points: np.ndarray, labels: np.ndarray, step: int) -> tuple[np.ndarray, np.ndarray]:
    """The points and labels (2×count, 1×count) training step ``step`` (from 0) binds: the batches in turn."""
    k = step % (points.shape[1] // setup.count)
    columns = slice(k * setup.count, (k + 1) * setup.count)
    return points[:, columns], labels[:, columns]


def toy_data(name: str, setup: TrainingSetup, seed: int = 0, step: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The points and labels of the named toy set that X and y hold at training step ``step``: as many as X holds."""
    return batch_of(setup, *toy_set(name, setup, seed), step)


class Step(NamedTuple):
    loss: float                          # the loss before the step
    gradient: dict[str, np.ndarray]      # d loss / d weight, each in its weight's shape
    values: dict[str, np.ndarray]        # the weights after the step


def train_step(graph: Graph, weights: Iterable[str], rate: float) -> Step:
    """One step of gradient descent on ``weights`` with the given rate: one backward pass; the graph is unchanged
    (the caller applies ``values``)."""
    weights = list(weights)
    for name in weights:
        if not graph.node(name).is_input:
            raise GraphError(f"'{name}' is not an input: only inputs can be trained")
    adjoints = graph.backward()
    loss = float(np.asarray(graph.forward()[graph.require_output()]).reshape(-1)[0])
    if not np.isfinite(loss):
        raise GraphError(f"the loss is {loss}: the rate is too large (the weights ran away); Reset and lower it")
    gradient = {n: np.asarray(adjoints[n], dtype=float).reshape(graph.shape(n)) for n in weights}
    values = {n: np.array(graph.node(n).value, dtype=float).reshape(graph.shape(n)) - rate * gradient[n]
              for n in weights}
    return Step(loss, gradient, values)


def stored(graph: Graph, name: str, value: np.ndarray):
    """An array as the value set_value takes for this input (a number for a scalar input)."""
    return value.tolist() if graph.node(name).is_tensor else float(np.asarray(value).reshape(-1)[0])


def descend(graph: Graph, weights, rate: float = 0.5, steps: int = 1) -> tuple[list[float], list]:
    """``steps`` steps of gradient descent on the ``weights`` (input names). Returns the loss before each step and
    the undo handles of every value edit, oldest first (undo them in reverse to put the weights back)."""
    losses, undos = [], []
    for _ in range(steps):
        step = train_step(graph, weights, rate)
        losses.append(step.loss)
        undos += [graph.set_value(n, stored(graph, n, v)) for n, v in step.values.items()]
    return losses, undos


def decision_values(graph: Graph, setup: TrainingSetup | None = None, extent: float = 2.0,
                    resolution: int = 40) -> np.ndarray:
    """The prediction (resolution × resolution, rows from y = −extent up) on a grid over [−extent, extent]², with
    the graph's current weights: the grid's points go through the graph X's batch size at a time."""
    setup = setup or training_setup(graph)
    xs = np.linspace(-extent, extent, resolution)
    gx, gy = np.meshgrid(xs, xs)
    return predict(graph, setup, np.stack([gx.ravel(), gy.ravel()])).reshape(resolution, resolution)


def predict(graph: Graph, setup: TrainingSetup, points: np.ndarray) -> np.ndarray:
    """The prediction (one number per point) for points given 2×m, with the graph's current weights: the points go
    through the graph X's batch size at a time (the last batch padded with zeros)."""
    total, batch = points.shape[1], setup.count
    padded = np.concatenate([points, np.zeros((2, (-total) % batch))], axis=1)
    out = []
    for start in range(0, padded.shape[1], batch):
        chunk = arranged(setup, padded[:, start:start + batch])
        out.append(np.asarray(graph.forward({setup.points: chunk})[setup.prediction]).reshape(-1))
    return np.concatenate(out)[:total] if out else np.zeros(0)


def classifier(points: np.ndarray, labels: np.ndarray, hidden: int = 8, seed: int = 0,
               weights: dict | None = None) -> Graph:
    """The network tanh(W2 tanh(W1 X + b1) + b2) on the points (one per column) and its mean squared error against
    the labels, W1, b1, W2 and b2 marked as weights. ``weights`` (name → array) replaces the seeded random start."""
    n = points.shape[1]
    rng = np.random.default_rng(seed)
    start = {"W1": rng.normal(0.0, 1.0, size=(hidden, 2)), "b1": rng.normal(0.0, 0.5, size=(hidden, 1)),
             "W2": rng.normal(0.0, 1.0 / np.sqrt(hidden), size=(1, hidden)), "b2": np.zeros((1, 1))}
    start.update(weights or {})
    graph = Graph()
    for name, value in {**start, "X": points, "Y": labels}.items():
        graph.add_input(name, np.asarray(value, dtype=float).tolist())
        if name not in DATA_NAMES:
            graph.set_weight(name, True)
    graph.add_formula("H", f"tanh(W1*X + b1*ones(1,{n}))")
    graph.add_formula("Yhat", f"tanh(W2*H + b2*ones(1,{n}))")
    graph.add_formula("loss", f"norm2(Yhat - Y)^2/{n}")
    graph.set_output("loss")
    graph.tidy()
    return graph
