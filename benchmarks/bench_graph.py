"""Chain-rule graph benchmark: prints figures and ratios measured in one run (never a test; they depend on the machine).

    .venv/bin/python benchmarks/bench_graph.py [--quick]

Targets (../shared/DESIGN.md, "Performance targets"):
  * exact path count for a depth-60 layered graph (2⁶⁰ paths) < 50 ms;
  * forward+backward of a 10⁴-node scalar graph <= 0.2x torch autograd on the same graph (torch optional: the
    comparison is skipped when it is not installed; it is not a dependency).

How forward+backward is measured, so that the comparison is fair:
  * the same graph on both sides: every formula of every node (the output's ancestors and the rest) is evaluated
    forward, float64 throughout (torch leaves are float64 tensors; constants are Python floats, as a torch user would
    write ``0.5*a``); the backward pass runs from the output; both gradients are checked to agree;
  * torch gets a tape of the graph's operations built once, outside the timing, so its timed pass is only torch's own
    work plus one Python call per operation -- the same dispatch our engine pays;
  * steady state: the figure is the median over repeats after warm-up passes, ours and torch's taking turns so that
    load from other processes on the machine hits both (each timed pass right after an untimed one of its own, so
    neither pays for the caches the other filled); the ratio is the median of the per-repeat ratios;
  * ours is timed with ``g.backward({})``: values, local partials and adjoints recomputed from the inputs on every
    pass (``{}`` bypasses the graph's cache of results at its current version); what is reused is what a graph keeps
    until it changes (topological order, compiled plan);
  * the first pass after an edit is printed separately: after a new input value (the plan is kept) and after a
    formula edit (order and plan are rebuilt, unchanged nodes' compiled code reused); torch has no such distinction
    (it records its graph again on every pass).
Also shown: the same gradient from the compiled Expression (engine.evaluate_many on scalars), as a second peer.
"""
from __future__ import annotations

import argparse
import operator
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import median_seconds  # noqa: E402
from engine import evaluate_many  # noqa: E402
from engine.expr import build as E  # noqa: E402
from engine.graph.samples import layered, random_graph  # noqa: E402

WARM_UP = 3


def interleaved(first, second, repeats: int) -> tuple[float, float, float]:
    """Medians of both, and the median of first/second per repeat. They take turns, so that load from elsewhere on
    the machine hits both; each timed call follows an untimed one of its own, so that neither is timed with caches
    the other just filled with its own data."""
    for _ in range(WARM_UP):
        first(), second()
    a, b = [], []
    for _ in range(repeats):
        for fn, samples in ((first, a), (second, b)):
            fn()
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b), statistics.median(x / y for x, y in zip(a, b))


def bench_path_count(repeats: int) -> None:
    g = layered(60)
    assert g.path_count("x") == 2 ** 60

    def cold():
        g._topo = None   # include the topological sort, as after an edit
        return g.path_count("x")

    warm = median_seconds(lambda: g.path_count("x"), repeats, WARM_UP)
    first = median_seconds(cold, repeats, WARM_UP)
    print(f"path count, depth-60 layered graph ({len(g.nodes)} nodes, 2^60 paths): "
          f"{warm * 1e3:.3f} ms (after an edit: {first * 1e3:.3f} ms)   goal < 50 ms")


def torch_tape(g, ops: dict) -> tuple[list, list, list, int]:
    """The graph as straight-line torch code: (registers with constants filled in, steps (out, fn, a, b) with b = -1
    for one argument, the inputs' (register, value), the output's register)."""
    template, steps, slot = [], [], {}
    for name in g.topological_order():
        node = g.nodes[name]
        if node.is_input:
            slot[name] = len(template)
            template.append(None)
            continue
        local = {}
        for part in E.topological_order([node.expression]):
            if part.op == "var":
                local[id(part)] = slot[part.name]
                continue
            local[id(part)] = len(template)
            template.append(part.value if part.op == "const" else None)
            if part.op != "const":
                args = [local[id(a)] for a in part.args]
                steps.append((local[id(part)], ops[part.op], args[0], args[1] if len(args) > 1 else -1))
        slot[name] = local[id(node.expression)]
    return template, steps, [(slot[n], g.nodes[n].value) for n in g.inputs], slot[g.output]


def torch_pass(g):
    """A function running forward+backward of ``g`` in torch autograd and returning the inputs' gradients, or None
    when torch is not installed. The tape (which operation reads which registers) is built here, once."""
    try:
        import torch
    except ImportError:
        return None
    ops = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
           "neg": operator.neg, "pow": operator.pow, "sin": torch.sin, "cos": torch.cos, "tanh": torch.tanh,
           "sigmoid": torch.sigmoid, "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt}
    template, steps, inputs, output = torch_tape(g, ops)

    def run() -> list[float]:
        r = template.copy()
        leaves = []
        for s, value in inputs:
            r[s] = torch.tensor(value, dtype=torch.float64, requires_grad=True)
            leaves.append(r[s])
        for s, fn, a, b in steps:
            r[s] = fn(r[a]) if b < 0 else fn(r[a], r[b])
        r[output].backward()
        return [0.0 if leaf.grad is None else leaf.grad.item() for leaf in leaves]

    run.threads = torch.get_num_threads()
    run.version = torch.__version__
    run.operations = len(steps)
    return run


def first_passes(g, repeats: int) -> tuple[float, float]:
    """Our first forward+backward after a new input value, and after a formula edit, in seconds (medians)."""
    source = g.inputs[0]
    values = [g.nodes[source].value, g.nodes[source].value + 0.25]
    middle = f"n{(len(g.nodes) - len(g.inputs)) // 2}"
    parent = g.parents(middle)[0]
    formulas = [g.nodes[middle].formula, f"sin({parent})"]
    after_value, after_formula = [], []
    for k in range(repeats + WARM_UP):
        g.set_value(source, values[k % 2])
        start = time.perf_counter()
        g.backward()
        after_value.append(time.perf_counter() - start)
        g.set_formula(middle, formulas[k % 2])
        start = time.perf_counter()
        g.backward()
        after_formula.append(time.perf_counter() - start)
    return statistics.median(after_value[WARM_UP:]), statistics.median(after_formula[WARM_UP:])


def bench_forward_backward(size: int, repeats: int) -> None:
    g = random_graph(size, seed=1)
    relevant = len(g.ancestors(g.output)) + 1
    print(f"forward+backward, {len(g.nodes)}-node random scalar graph ({len(g.inputs)} inputs; the output depends "
          f"on {relevant} nodes; every node is evaluated):")
    ours_pass = lambda: g.backward({})   # noqa: E731 - {} bypasses the cache of results at this version
    theirs_pass = torch_pass(g)
    if theirs_pass is None:
        ours = median_seconds(ours_pass, repeats, WARM_UP)
        print(f"  ours: {ours * 1e3:.2f} ms ({ours / len(g.nodes) * 1e6:.2f} µs per node)")
        print("  torch not installed: the torch autograd comparison is skipped (goal: graph <= 0.2x torch)")
    else:
        adjoint = g.backward()
        for name, grad in zip(g.inputs, theirs_pass()):
            assert abs(adjoint[name] - grad) <= 1e-9 * max(1.0, abs(grad)), (name, adjoint[name], grad)
        ours, theirs, ratio = interleaved(ours_pass, theirs_pass, repeats)
        print(f"  ours: {ours * 1e3:.2f} ms ({ours / len(g.nodes) * 1e6:.2f} µs per node)   torch "
              f"{theirs_pass.version} autograd ({theirs_pass.operations} operations, float64, "
              f"{theirs_pass.threads} threads): {theirs * 1e3:.1f} ms   ours/torch = {ratio:.3f}x (goal <= 0.2x)")
        alone = median_seconds(ours_pass, repeats, WARM_UP)
        print(f"  ours without torch running in between: {alone * 1e3:.2f} ms (ours/torch = {alone / theirs:.3f}x)")
    after_value, after_formula = first_passes(g, repeats)
    print(f"  ours, first pass after an edit: new input value {after_value * 1e3:.2f} ms; "
          f"formula edit {after_formula * 1e3:.1f} ms (order and plan rebuilt)")
    bench_compiled_expression(g, ours, repeats)


def bench_compiled_expression(g, ours: float, repeats: int) -> None:
    start = time.perf_counter()
    compiled = g.compile()
    grads = compiled.grad(g.inputs)
    build = time.perf_counter() - start
    at = {n: g.nodes[n].value for n in g.inputs}
    symbolic = median_seconds(lambda: evaluate_many([compiled, *grads], at), repeats, WARM_UP)
    print(f"  compiled Expression value+gradient (evaluate_many): {symbolic * 1e3:.1f} ms "
          f"(+{build * 1e3:.0f} ms to build once)   graph/expression = {ours / symbolic:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and a smaller graph")
    args = parser.parse_args()
    repeats = 3 if args.quick else 15
    bench_path_count(repeats)
    bench_forward_backward(2000 if args.quick else 10_000, repeats)


if __name__ == "__main__":
    main()
