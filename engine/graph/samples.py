"""Graphs that teach: the builders behind resources/presets/*.gsgraph.json, and graphs for tests and benchmarks.

``python -m engine.graph_samples`` rewrites the preset files from these builders (the tests check they agree).
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

from engine.graph.fileformat import PRESET_DIR, SUFFIX, save_graph
from engine.graph.model import Graph

PRESETS = {}   # stem → (title, description, builder)


def preset(stem: str, title: str, description: str):
    def register(builder):
        PRESETS[stem] = (title, description, builder)
        return builder
    return register


def _build(inputs: dict[str, object], formulas: list[tuple[str, str]], output: str) -> Graph:
    graph = Graph()
    for name, value in inputs.items():
        graph.add_input(name, value)
    for name, formula in formulas:
        graph.add_formula(name, formula)
    graph.set_output(output)
    graph.tidy()
    return graph


@preset("four-inputs", "Chapter example: f = (u+v)² over four inputs",
        "The chapter's backpropagation example at w, x, y, z = −1, 0, −2, 1: f = (u+v)², u = (a+b)², v = (a−b)², "
        "a = (w+x+y+z)², b = (w+x−y−z)². Every input has two paths through a and b, each splitting again at u and v.")
def four_inputs() -> Graph:
    return _build({"w": -1.0, "x": 0.0, "y": -2.0, "z": 1.0},
                  [("a", "(w+x+y+z)^2"), ("b", "(w+x-y-z)^2"), ("u", "(a+b)^2"), ("v", "(a-b)^2"),
                   ("f", "(u+v)^2")], "f")


@preset("three-paths", "Three paths from y to f",
        "Shaped like the chapter's second chain-rule figure: f uses a, u and b; a uses u; u uses y; b uses v; v uses "
        "y. So df/dy is the sum of three path products: y→u→a→f, y→u→f and y→v→b→f.")
def three_paths() -> Graph:
    return _build({"y": 0.5},
                  [("u", "sin(2*y)"), ("v", "y^2 + 3*y"), ("a", "exp(u)"), ("b", "tanh(v)"),
                   ("f", "a*b + u^2")], "f")


@preset("neural-net", "A tiny neural network with a squared loss",
        "Two inputs x1, x2, two tanh hidden units, one linear output unit and the squared loss against a target t. "
        "The adjoints of the weights are the gradient a training step would follow.")
def neural_net() -> Graph:
    return _build({"x1": 0.5, "x2": -1.0, "w11": 0.8, "w12": -0.4, "b1": 0.1, "w21": 0.3, "w22": 0.9,
                   "b2": -0.2, "v1": 1.2, "v2": -0.7, "c": 0.05, "t": 1.0},
                  [("z1", "w11*x1 + w12*x2 + b1"), ("z2", "w21*x1 + w22*x2 + b2"), ("h1", "tanh(z1)"),
                   ("h2", "tanh(z2)"), ("y", "v1*h1 + v2*h2 + c"), ("loss", "(y - t)^2")], "loss")


MLP_WEIGHTS = {"W1": [[0.8, -0.4], [0.3, 0.9], [-0.6, 0.5]], "b1": [0.1, -0.2, 0.05],
               "W2": [[1.2, -0.7, 0.4]], "b2": [0.05]}
MLP_POINTS = [[0.5, -1.0], [1.0, 0.5], [-0.5, 0.8], [-1.2, -0.3], [0.2, 0.2], [0.9, -0.6], [-0.8, 1.1], [0.0, -1.3]]
MLP_TARGETS = [1.0, 0.5, -0.5, -1.0, 0.2, 0.8, -0.9, 0.3]


@preset("mlp", "A 2-3-1 network as five tensor nodes",
        "The neural-net preset's network, one layer per node: h1 = W1*x + b1 (3×1), a1 = tanh(h1), yhat = W2*a1 + b2 "
        "and the squared error against y. Backward gives every weight matrix's adjoint in its own shape, by "
        "vector-Jacobian products: the gradient a training step follows.")
def mlp() -> Graph:
    return _build({**MLP_WEIGHTS, "x": MLP_POINTS[0], "y": [MLP_TARGETS[0]]},
                  [("h1", "W1*x + b1"), ("a1", "tanh(h1)"), ("yhat", "W2*a1 + b2"), ("loss", "norm2(yhat - y)^2")],
                  "loss")


@preset("mlp-batch", "The 2-3-1 network on a batch of 8 points",
        "The same weights on eight points at once: X is 2×8 (one point per column), so every layer is a matrix "
        "(H1 = W1*X + b1*ones(1,8) is 3×8) and the loss is the mean squared error over the batch. The weights' "
        "adjoints sum the eight points' contributions.")
def mlp_batch() -> Graph:
    columns = [list(row) for row in zip(*MLP_POINTS)]
    return _build({**MLP_WEIGHTS, "X": columns, "Y": [MLP_TARGETS]},
                  [("H1", "W1*X + b1*ones(1,8)"), ("A1", "tanh(H1)"), ("Yhat", "W2*A1 + b2*ones(1,8)"),
                   ("loss", "norm2(Yhat - Y)^2/8")], "loss")


def mlp_graph(sizes: tuple[int, ...], points: int, seed: int = 0) -> Graph:
    """A tanh network of the given layer sizes on ``points`` random points (X is sizes[0]×points), with its mean
    squared error: for tests and the benchmark."""
    import numpy as np
    rng = np.random.default_rng(seed)
    inputs: dict[str, object] = {"X": rng.normal(size=(sizes[0], points)).tolist(),
                                 "Y": rng.normal(size=(sizes[-1], points)).tolist()}
    formulas, previous = [], "X"
    for k, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]), start=1):
        inputs[f"W{k}"] = (rng.normal(size=(n_out, n_in)) / np.sqrt(n_in)).tolist()
        inputs[f"b{k}"] = rng.normal(size=(n_out, 1)).tolist() if n_out > 1 else [[float(rng.normal())]]
        formulas.append((f"Z{k}", f"W{k}*{previous} + b{k}*ones(1,{points})"))
        last = k == len(sizes) - 1
        if not last:
            formulas.append((f"A{k}", f"tanh(Z{k})"))
        previous = f"Z{k}" if last else f"A{k}"
    formulas.append(("loss", f"norm2({previous} - Y)^2/{points}"))
    return _build(inputs, formulas, "loss")


@preset("fan-out", "One node feeding three children",
        "x feeds s = sin(x), p = x², q = exp(x/2), and f combines them. In the backward pass x's adjoint is the sum of "
        "three contributions, one per child: the chain rule's sum made visible.")
def fan_out() -> Graph:
    return _build({"x": 0.7},
                  [("s", "sin(x)"), ("p", "x^2"), ("q", "exp(x/2)"), ("f", "s*p + q")], "f")


@preset("deep-chain", "A deep chain of sigmoids: the vanishing gradient",
        "Twenty sigmoids in a row. Each local partial is at most 1/4, so the one path from x to f multiplies twenty "
        "small numbers: the gradient that reaches x is tiny.")
def deep_chain(depth: int = 20) -> Graph:
    formulas = [(f"h{k}", f"sigmoid(2*{'x' if k == 1 else f'h{k - 1}'})") for k in range(1, depth + 1)]
    formulas.append(("f", f"h{depth}"))
    return _build({"x": 0.5}, formulas, "f")


@preset("layered-60", "Sixty layers, 2⁶⁰ paths",
        "Two nodes per layer, each using both nodes of the layer before: the number of paths doubles with every "
        "layer, to 1,152,921,504,606,846,976 from x to f. Backpropagation still costs one sweep.")
def layered(depth: int = 60) -> Graph:
    formulas = []
    previous = ("x", "y")
    for k in range(1, depth + 1):
        p, q = previous
        formulas += [(f"p{k}", f"0.7*{p} + 0.7*tanh({q})"), (f"q{k}", f"0.7*{p} - 0.7*{q} + 0.3")]
        previous = (f"p{k}", f"q{k}")
    formulas.append(("f", f"{previous[0]}*{previous[1]}"))
    return _build({"x": 0.8, "y": -0.3}, formulas, "f")


def random_graph(size: int, seed: int = 0, inputs: int = 8) -> Graph:
    """A random scalar DAG of ``size`` formula nodes, each one operation on one or two earlier nodes."""
    rng = random.Random(seed)
    graph = Graph()
    names = []
    for i in range(inputs):
        names.append(f"x{i}")
        graph.add_input(names[-1], rng.uniform(-1.0, 1.0))
    binary = ["{a} + {b}", "{a} - {b}", "{a} * {b}", "0.5*{a} + 0.5*{b}"]
    unary = ["sin({a})", "cos({a})", "tanh({a})", "sigmoid({a})", "0.9*{a}"]
    for i in range(size):
        # mostly recent nodes, so the graph is deep as well as wide
        a = names[max(0, len(names) - 1 - int(rng.expovariate(0.2)))]
        b = rng.choice(names)
        template = rng.choice(binary) if a != b and rng.random() < 0.6 else rng.choice(unary)
        names.append(f"n{i}")
        graph.add_formula(names[-1], template.format(a=a, b=b))
    graph.set_output(names[-1])
    return graph


def write_presets(directory: Path | None = None) -> list[Path]:
    folder = directory or PRESET_DIR
    written = []
    for stem, (title, description, builder) in PRESETS.items():
        path = folder / f"{stem}{SUFFIX}"
        save_graph(builder(), path, title, description)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_presets(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(written_path)
