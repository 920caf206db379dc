"""Graph with tensor nodes: forward+backward of a 2-64-64-1 tanh MLP on 1,000 points, against the same passes
hand-written in numpy, measured in the same run (never a test; the figures depend on the machine).

    .venv/bin/python benchmarks/bench_graph_tensor.py [--quick]

Target (../shared/DESIGN.md, "Performance targets"): ≤ 2× the hand-written numpy.

Fair comparison: the same float64 arrays and the same operations on both sides (X is 2×1000, one point per column;
biases are added as b*ones(1,n) in the graph, as broadcasting in numpy); ours is ``graph.backward({})`` — the
forward pass, every node's adjoint by vector-Jacobian products, recomputed from the inputs each time (``{}`` bypasses
the cache of results at the graph's current version); numpy computes the loss and the gradients of every weight and
every intermediate node as a hand-written backpropagation would. Both gradients are checked to agree first. The
figure is the median over repeats, the two taking turns so that load from elsewhere hits both.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import interleaved_medians  # noqa: E402
from engine.graph.samples import mlp_graph  # noqa: E402

SIZES = (2, 64, 64, 1)
POINTS = 1000


def hand_written(v: dict):
    """Forward and backward of the same network in plain numpy."""
    X, Y, n = v["X"], v["Y"], v["X"].shape[1]
    Z1 = v["W1"] @ X + v["b1"]
    A1 = np.tanh(Z1)
    Z2 = v["W2"] @ A1 + v["b2"]
    A2 = np.tanh(Z2)
    Z3 = v["W3"] @ A2 + v["b3"]
    R = Z3 - Y
    loss = float(np.sum(R * R)) / n
    dZ3 = 2.0 * R / n
    dW3, db3, dA2 = dZ3 @ A2.T, dZ3.sum(axis=1, keepdims=True), v["W3"].T @ dZ3
    dZ2 = dA2 * (1.0 - A2 * A2)
    dW2, db2, dA1 = dZ2 @ A1.T, dZ2.sum(axis=1, keepdims=True), v["W2"].T @ dZ2
    dZ1 = dA1 * (1.0 - A1 * A1)
    dW1, db1, dX = dZ1 @ X.T, dZ1.sum(axis=1, keepdims=True), v["W1"].T @ dZ1
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "W3": dW3, "b3": db3, "X": dX, "Y": -dZ3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 10 if args.quick else 40
    graph = mlp_graph(SIZES, POINTS)
    values = {n: np.array(graph.node(n).value, dtype=np.float64) for n in graph.inputs}
    ours = graph.backward({})
    loss, theirs = hand_written(values)
    assert abs(float(graph.forward({})["loss"][0, 0]) - loss) <= 1e-12 * max(1.0, abs(loss))
    worst = max(float(np.max(np.abs(ours[n] - g))) for n, g in theirs.items())
    assert worst < 1e-10, worst
    ours_s, numpy_s = interleaved_medians([lambda: graph.backward({}), lambda: hand_written(values)], repeats, 3)
    print(f"2-64-64-1 tanh MLP on {POINTS} points, forward+backward (median of {repeats}):")
    print(f"  graph of tensor nodes   {ours_s * 1e3:8.3f} ms")
    print(f"  hand-written numpy      {numpy_s * 1e3:8.3f} ms")
    print(f"  ratio                   {ours_s / numpy_s:8.2f}×   (target ≤ 2×; gradients agree to {worst:.1e})")


if __name__ == "__main__":
    main()
