"""Training a graph of tensor nodes: gradient descent on the inputs chosen as weights, on a toy data set made in code.

* :func:`two_moons`, :func:`xor` — seeded 2-D classification sets (labels ±1), generated here, nothing downloaded;
* :func:`classifier` — a 2-h-1 tanh network on a whole data set as five tensor nodes, its mean squared error the
  output;
* :func:`descend` — steps of gradient descent: each step one backward pass (vector-Jacobian products) and one
  undoable value edit per weight, so the caller can undo a step, or put the weights back;
* :func:`decision_values` — the trained network's output over a grid of points (the classifier's picture).
"""
from __future__ import annotations

import numpy as np

from engine.graph.model import Graph
from engine.graph.nodes import GraphError

DATA_NAMES = ("X", "Y")


def two_moons(n: int = 60, seed: int = 0, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """(points 2×n, labels 1×n of ±1): two interleaved half circles, with Gaussian noise."""
    rng = np.random.default_rng(seed)
    half = n // 2
    t = rng.uniform(0.0, np.pi, size=n)
    upper = np.stack([np.cos(t[:half]), np.sin(t[:half])])
    lower = np.stack([1.0 - np.cos(t[half:]), 0.5 - np.sin(t[half:])])
    points = np.concatenate([upper, lower], axis=1) + rng.normal(0.0, noise, size=(2, n))
    points -= points.mean(axis=1, keepdims=True)
    labels = np.concatenate([np.ones(half), -np.ones(n - half)]).reshape(1, n)
    return points, labels


def xor(n: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(points 2×n in [−1, 1]², labels 1×n): +1 where the two coordinates have the same sign."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(-1.0, 1.0, size=(2, n))
    return points, np.sign(points[0] * points[1]).reshape(1, n)


def classifier(points: np.ndarray, labels: np.ndarray, hidden: int = 8, seed: int = 0,
               weights: dict | None = None) -> Graph:
    """The network tanh(W2 tanh(W1 X + b1) + b2) on the points (one per column) and its mean squared error against
    the labels. ``weights`` (name → array) replaces the seeded random start."""
    n = points.shape[1]
    rng = np.random.default_rng(seed)
    start = {"W1": rng.normal(0.0, 1.0, size=(hidden, 2)), "b1": rng.normal(0.0, 0.5, size=(hidden, 1)),
             "W2": rng.normal(0.0, 1.0 / np.sqrt(hidden), size=(1, hidden)), "b2": np.zeros((1, 1))}
    start.update(weights or {})
    graph = Graph()
    for name, value in {**start, "X": points, "Y": labels}.items():
        graph.add_input(name, np.asarray(value, dtype=float).tolist())
    graph.add_formula("H", f"tanh(W1*X + b1*ones(1,{n}))")
    graph.add_formula("Yhat", f"tanh(W2*H + b2*ones(1,{n}))")
    graph.add_formula("loss", f"norm2(Yhat - Y)^2/{n}")
    graph.set_output("loss")
    graph.tidy()
    return graph


def descend(graph: Graph, weights, rate: float = 0.5, steps: int = 1) -> tuple[list[float], list]:
    """``steps`` steps of gradient descent on the ``weights`` (input names). Returns the loss before each step and
    the undo handles of every value edit, oldest first (undo them in reverse to put the weights back)."""
    weights = list(weights)
    for name in weights:
        if not graph.node(name).is_input:
            raise GraphError(f"'{name}' is not an input: only inputs can be trained")
    losses, undos = [], []
    for _ in range(steps):
        adjoints = graph.backward()
        losses.append(float(np.asarray(graph.forward()[graph.output]).reshape(-1)[0]))
        for name in weights:
            value = np.array(graph.node(name).value, dtype=float).reshape(graph.shape(name))
            new = value - rate * np.asarray(adjoints[name]).reshape(value.shape)
            undos.append(graph.set_value(name, new.tolist() if graph.node(name).is_tensor else float(new[0, 0])))
    return losses, undos


def decision_values(graph: Graph, extent: float = 2.0, resolution: int = 40) -> np.ndarray:
    """The network's output (resolution × resolution, rows from y = −extent up) on a grid over [−extent, extent]²,
    with the graph's current weights."""
    xs = np.linspace(-extent, extent, resolution)
    gx, gy = np.meshgrid(xs, xs)
    grid = np.stack([gx.ravel(), gy.ravel()])
    weights = {n: np.array(graph.node(n).value, dtype=float) for n in ("W1", "b1", "W2", "b2")}
    probe = classifier(grid, np.zeros((1, grid.shape[1])), hidden=weights["W1"].shape[0], weights=weights)
    return probe.forward()["Yhat"].reshape(resolution, resolution)
