"""Chain-rule graph benchmark: prints figures and ratios measured in one run (never a test; they depend on the machine).

    .venv/bin/python benchmarks/bench_graph.py [--quick]

Targets (../shared/DESIGN.md, "Performance targets"):
  * exact path count for a depth-60 layered graph (2⁶⁰ paths) < 50 ms;
  * forward+backward of a 10⁴-node scalar graph <= 0.2x torch autograd on the same graph (torch optional: the
    comparison is skipped when it is not installed; it is not a dependency).
Also shown: the same gradient from the compiled Expression (engine.evaluate_many on scalars), as a second peer.
Every figure is the median of several repeats.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import evaluate_many  # noqa: E402
from engine import expression as E  # noqa: E402
from engine.graph_samples import layered, random_graph  # noqa: E402


def median_seconds(fn, repeats: int) -> float:
    fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_path_count(repeats: int) -> None:
    g = layered(60)
    assert g.path_count("x") == 2 ** 60

    def cold():
        g._topo = None   # include the topological sort, as after an edit
        return g.path_count("x")

    warm = median_seconds(lambda: g.path_count("x"), repeats)
    first = median_seconds(cold, repeats)
    print(f"path count, depth-60 layered graph ({len(g.nodes)} nodes, 2^60 paths): "
          f"{warm * 1e3:.3f} ms (after an edit: {first * 1e3:.3f} ms)   goal < 50 ms")


def torch_seconds(g, repeats: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    ops = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "sin": torch.sin, "cos": torch.cos,
           "tanh": torch.tanh, "sigmoid": torch.sigmoid, "neg": torch.neg}
    order = g.topological_order()

    def run():
        leaves = {n: torch.tensor(g.nodes[n].value, dtype=torch.float64, requires_grad=True) for n in g.inputs}
        values = dict(leaves)
        for name in order:
            node = g.nodes[name]
            if node.is_input:
                continue
            built = {}
            for part in E.topological_order([node.expression]):
                if part.op == "const":
                    built[id(part)] = torch.tensor(part.value, dtype=torch.float64)
                elif part.op == "var":
                    built[id(part)] = values[part.name]
                else:
                    built[id(part)] = ops[part.op](*(built[id(a)] for a in part.args))
            values[name] = built[id(node.expression)]
        values[g.output].backward()
        return {n: leaf.grad for n, leaf in leaves.items()}

    return median_seconds(run, repeats)


def bench_forward_backward(size: int, repeats: int) -> None:
    g = random_graph(size, seed=1)
    ours = median_seconds(lambda: g.backward({}), repeats)   # {} bypasses the per-version cache
    per_node = ours / len(g.nodes) * 1e6
    print(f"forward+backward, {len(g.nodes)}-node random scalar graph: {ours * 1e3:.1f} ms "
          f"({per_node:.2f} µs per node)")
    start = time.perf_counter()
    compiled = g.compile()
    grads = compiled.grad(g.inputs)
    build = time.perf_counter() - start
    at = {n: g.nodes[n].value for n in g.inputs}
    symbolic = median_seconds(lambda: evaluate_many([compiled, *grads], at), repeats)
    print(f"  compiled Expression value+gradient (evaluate_many): {symbolic * 1e3:.1f} ms "
          f"(+{build * 1e3:.0f} ms to build once)   graph/expression = {ours / symbolic:.2f}x")
    theirs = torch_seconds(g, repeats)
    if theirs is None:
        print("  torch not installed: the torch autograd comparison is skipped (goal: graph <= 0.2x torch)")
    else:
        print(f"  torch autograd, same graph: {theirs * 1e3:.1f} ms   graph/torch = {ours / theirs:.2f}x "
              f"(goal <= 0.2x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and a smaller graph")
    args = parser.parse_args()
    repeats = 3 if args.quick else 9
    bench_path_count(repeats)
    bench_forward_backward(2000 if args.quick else 10_000, repeats)


if __name__ == "__main__":
    main()
