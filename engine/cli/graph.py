"""``python -m engine graph FILE [--set NAME=VALUE …] [--from NAME] [--max-paths K] [--json]``.

Loads a chain-rule graph file, runs the forward and backward passes, and lists every edge's local partial. With
``--from``, also the paths from that node to the output: their exact number, the first K with their products, and
the sum over all of them (computed without enumerating), which equals the node's adjoint.
"""
from __future__ import annotations

from itertools import islice

from engine.cli.common import CLIError, add_repeated, format_number, parse_number, subcommand
from engine.graph.fileformat import GraphFileError, load_graph
from engine.graph.nodes import GraphError
from engine.graph.tensor_compile import compiled_matrix_text

DEFAULT_MAX_PATHS = 20


def register(subparsers) -> None:
    with subcommand(subparsers, "graph", graph_command, render_graph,
                    help="forward and backward passes, local partials and paths of a chain-rule graph file",
                    description="Values, adjoints (d output / d node) and every edge's local partial for a "
                                "*.gsgraph.json file. With --from NAME: the number of paths from NAME to the output "
                                "(exact), the first K of them with the product of their local partials, and the sum "
                                "over all paths (= NAME's adjoint).") as graph:
        graph.add_argument("file", metavar="FILE", help="a graph file, e.g. resources/presets/four-inputs.gsgraph.json")
        add_repeated(graph, "--set", "NAME=VALUE", "give a node a value before the passes (repeatable); a formula "
                     "node becomes an input", dest="assignments")
        graph.add_argument("--from", dest="source", metavar="NAME", help="list the paths from this node to the output")
        graph.add_argument("--max-paths", type=int, default=DEFAULT_MAX_PATHS, metavar="K",
                           help=f"list at most K paths (default {DEFAULT_MAX_PATHS}); the count and sum cover all")


def _assignment(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise CLIError(f"--set needs NAME=VALUE, got {text!r}")
    return name.strip(), parse_number(value, f"--set {name.strip()}")


def graph_command(args) -> dict:
    if args.max_paths < 0:
        raise CLIError("--max-paths must be 0 or more")
    try:
        graph = load_graph(args.file)
    except GraphFileError as err:
        raise CLIError(f"{args.file}: {err}") from None
    try:
        for text in args.assignments:
            graph.set_value(*_assignment(text))
        return _report(graph, args.source, args.max_paths)
    except GraphError as err:
        raise CLIError(str(err)) from None


def _report(graph, source: str | None, max_paths: int) -> dict:
    if graph.is_tensor:
        return _tensor_report(graph, source, max_paths)
    output = graph.require_output()
    result = {"output": output, "values": graph.forward(), "adjoints": graph.backward(),
              "edges": [{"from": p, "to": c, "partial": v} for (p, c), v in graph.local_partials().items()]}
    if source is not None:
        result["paths"] = _paths(graph, source, output, max_paths)
    return result


def _paths(graph, source: str, output: str, max_paths: int, product=None, total=None) -> dict:
    """The paths from ``source`` to the output: their count, the first ``max_paths`` with their products, and the
    sum over all of them; ``product`` and ``total`` make a path's product and the sum JSON-ready (tensor graphs)."""
    graph.node(source)
    listed = islice(graph.paths(source), max_paths)
    return {"from": source, "to": output, "count": graph.path_count(source),
            "listed": [{"nodes": list(p.nodes), "product": product(p.product) if product else p.product}
                       for p in listed],
            "sum": total(graph.path_sum(source)) if total else graph.path_sum(source)}


def _nested(array) -> object:
    """A 1×1 array as a number; a column vector as a flat list; anything else as a list of rows."""
    if array.shape == (1, 1):
        return float(array[0, 0])
    return array[:, 0].tolist() if array.shape[1] == 1 else array.tolist()


def _tensor_report(graph, source: str | None, max_paths: int) -> dict:
    """The report of a graph with vectors and matrices: nested lists with each node's shape; each edge's Jacobian
    by its shape, and its entries when small."""
    output = graph.require_output()
    values, adjoints = graph.forward(), graph.backward()
    edges = [{"from": p, "to": c, "jacobian_shape": list(j.shape),
              "partial": j.dense().tolist() if j.is_small else None} for (p, c), j in graph.local_partials().items()]
    result = {"output": output, "shapes": {n: list(v.shape) for n, v in values.items()},
              "values": {n: _nested(v) for n, v in values.items()},
              "adjoints": {n: _nested(v) for n, v in adjoints.items()}, "edges": edges,
              "formula": _formula(graph)}
    if source is not None:
        result["paths"] = _paths(graph, source, output, max_paths, total=_nested,
                                 product=lambda jacobian: None if jacobian is None else jacobian.tolist())
    return result


def _formula(graph) -> str | None:
    """The output compiled to one matrix formula (parse_matrix reads it back), or None when it is too long."""
    try:
        return compiled_matrix_text(graph)
    except GraphError:
        return None


def _text(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return format_number(value)


def render_tensor_graph(result: dict) -> str:
    output = result["output"]
    lines = [f"output {output} = {_text(result['values'][output])}"]
    if result.get("formula"):
        lines.append(f"  = {result['formula']}   (one matrix formula: python -m engine matrix reads it)")
    lines += ["", f"each node: its value, and its adjoint d {output}/d node in the node's shape", ""]
    for name, value in result["values"].items():
        rows, cols = result["shapes"][name]
        lines += [f"{name} ({rows}×{cols})", f"  value    {_text(value)}",
                  f"  adjoint  {_text(result['adjoints'][name])}"]
    lines += ["", "local Jacobians (∂to/∂from, rows: entries of to, columns: entries of from):"]
    for edge in result["edges"]:
        rows, cols = edge["jacobian_shape"]
        entries = _text(edge["partial"]) if edge["partial"] is not None else "(too large to write out)"
        lines.append(f"  {edge['from']} → {edge['to']}: {rows}×{cols} {entries}")
    paths = result.get("paths")
    if paths is not None:
        lines += ["", f"paths from {paths['from']} to {paths['to']}: {paths['count']}"]
        for path in paths["listed"]:
            product = _text(path["product"]) if path["product"] is not None else "(too large to write out)"
            lines.append(f"  {' → '.join(path['nodes'])}: {product}")
        lines.append(f"sum over all paths (= adjoint of {paths['from']}): {_text(paths['sum'])}")
    return "\n".join(lines)


def render_graph(result: dict) -> str:
    if "shapes" in result:
        return render_tensor_graph(result)
    output = result["output"]
    width = max(len(n) for n in result["values"])
    lines = [f"output {output} = {format_number(result['values'][output])}", "",
             f"{'node':<{width}}  {'value':>16}  {'d ' + output + '/d node':>16}"]
    for name, value in result["values"].items():
        lines.append(f"{name:<{width}}  {format_number(value):>16}  {format_number(result['adjoints'][name]):>16}")
    lines += ["", "local partials (∂to/∂from):"]
    for edge in result["edges"]:
        lines.append(f"  {edge['from']} → {edge['to']}: {format_number(edge['partial'])}")
    paths = result.get("paths")
    if paths is not None:
        shown = len(paths["listed"])
        lines += ["", f"paths from {paths['from']} to {paths['to']}: {paths['count']}"
                      + (f" (showing {shown})" if shown < paths["count"] else "")]
        for path in paths["listed"]:
            lines.append(f"  {' → '.join(path['nodes'])}: {format_number(path['product'])}")
        lines.append(f"sum over all paths: {format_number(paths['sum'])} "
                     f"(adjoint of {paths['from']}: {format_number(result['adjoints'][paths['from']])})")
    return "\n".join(lines)
