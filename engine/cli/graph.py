"""``python -m engine graph FILE [--set NAME=VALUE …] [--from NAME] [--max-paths K] [--json]``.

Loads a chain-rule graph file, runs the forward and backward passes, and lists every edge's local partial. With
``--from``, also the paths from that node to the output: their exact number, the first K with their products, and
the sum over all of them (computed without enumerating), which equals the node's adjoint.
"""
from __future__ import annotations

from itertools import islice

from engine.cli.common import CLIError, format_number, parse_number
from engine.graph.fileformat import GraphFileError, load_graph
from engine.graph.nodes import GraphError

DEFAULT_MAX_PATHS = 20


def register(subparsers) -> None:
    graph = subparsers.add_parser(
        "graph", help="forward and backward passes, local partials and paths of a chain-rule graph file",
        description="Values, adjoints (d output / d node) and every edge's local partial for a *.gsgraph.json file. "
                    "With --from NAME: the number of paths from NAME to the output (exact), the first K of them "
                    "with the product of their local partials, and the sum over all paths (= NAME's adjoint).")
    graph.add_argument("file", metavar="FILE", help="a graph file, e.g. resources/presets/four-inputs.gsgraph.json")
    graph.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE",
                       help="give a node a value before the passes (repeatable); a formula node becomes an input")
    graph.add_argument("--from", dest="source", metavar="NAME", help="list the paths from this node to the output")
    graph.add_argument("--max-paths", type=int, default=DEFAULT_MAX_PATHS, metavar="K",
                       help=f"list at most K paths (default {DEFAULT_MAX_PATHS}); the count and sum cover all")
    graph.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    graph.set_defaults(handler=graph_command, render=render_graph)


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
    output = graph.require_output()
    result = {"output": output, "values": graph.forward(), "adjoints": graph.backward(),
              "edges": [{"from": p, "to": c, "partial": v} for (p, c), v in graph.local_partials().items()]}
    if source is not None:
        graph.node(source)
        listed = islice(graph.paths(source), max_paths)
        result["paths"] = {"from": source, "to": output, "count": graph.path_count(source),
                           "listed": [{"nodes": list(p.nodes), "product": p.product} for p in listed],
                           "sum": graph.path_sum(source)}
    return result


def render_graph(result: dict) -> str:
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
