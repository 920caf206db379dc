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


def _build(inputs: dict[str, float], formulas: list[tuple[str, str]], output: str) -> Graph:
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
