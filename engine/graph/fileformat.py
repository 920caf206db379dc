"""Graph files (``*.gsgraph.json``): versioned UTF-8 JSON, saved atomically, loaded into a new graph.

    {"format": "gradscape.graph", "version": 1, "output": "f",
     "nodes": [{"name": "w", "value": -1.0, "pos": [0, 0]},
               {"name": "a", "formula": "(w+x+y+z)^2", "pos": [180, 40]}]}

Version 2 (written when a node holds a vector or matrix): a value may also be a list of numbers (a column vector,
n×1) or a list of rows (a matrix; ``[[1, 2, 3]]`` is a 1×3 row), and a formula may use the matrix syntax; shapes are
inferred from the inputs in topological order. Version-1 files are read as they always were. An input may carry
``"weight": true`` (the user marked it for training; absent means false).

Optional top-level "title" and "description" strings name a preset. A node without "pos" is placed by the automatic
layout. Every problem is a :class:`GraphFileError` whose message names it; nothing outside the new graph is touched.
"""
from __future__ import annotations

import graphlib

import json
import os
from pathlib import Path
from typing import Any, Mapping

from engine.files import FileError, HeaderError, atomic_write, check_header, loads_json, read_capped
from engine.graph.compile import layered_layout
from engine.graph.model import Graph
from engine.graph.nodes import (GraphError, Node, check_name, check_pos, check_value, parse_formula, replace_node,
                                topological_names)
from engine.graph.tensor import check_input_value, parse_node_formula
from engine.matrix.parser import variable_names

FORMAT = "gradscape.graph"
VERSION = 1
TENSOR_VERSION = 2
MAX_FILE_BYTES = 4 * 1024 * 1024
SUFFIX = ".gsgraph.json"
PRESET_DIR = Path(__file__).resolve().parents[2] / "resources" / "presets"
PRESET_ORDER = ("four-inputs", "three-paths", "neural-net", "mlp", "mlp-batch", "fan-out", "deep-chain", "layered-60")


class GraphFileError(FileError):
    """A graph file that cannot be read or written; the message says what is wrong."""


# --- dict ⇄ graph ---------------------------------------------------------------------------------------------------
def graph_to_dict(graph: Graph, title: str | None = None, description: str | None = None) -> dict:
    data: dict[str, Any] = {"format": FORMAT, "version": TENSOR_VERSION if graph.is_tensor else VERSION}
    if title:
        data["title"] = title
    if description:
        data["description"] = description
    data["output"] = graph.output
    nodes = []
    for node in graph.nodes.values():
        entry: dict[str, Any] = {"name": node.name}
        if node.is_input:
            entry["value"] = node.value if node.shape is None else _tensor_entry(node)
            if node.weight:
                entry["weight"] = True
        else:
            entry["formula"] = node.formula
        entry["pos"] = [_tidy_number(node.pos[0]), _tidy_number(node.pos[1])]
        nodes.append(entry)
    data["nodes"] = nodes
    return data


def _tensor_entry(node) -> list:
    """A column vector as a flat list, anything else as a list of rows (so that reading it back gives its shape)."""
    if node.shape[1] == 1:
        return [row[0] for row in node.value]
    return [list(row) for row in node.value]


def _tidy_number(v: float):
    return int(v) if float(v).is_integer() and abs(v) < 2 ** 53 else v


def graph_from_dict(data: object) -> Graph:
    """A new Graph from the file's data; GraphFileError names the first problem found."""
    try:
        version = check_header(data, FORMAT, (VERSION, TENSOR_VERSION), "graph")
    except HeaderError as err:
        raise GraphFileError(str(err)) from None
    tensor = version == TENSOR_VERSION
    entries = data.get("nodes")
    if not isinstance(entries, list):
        raise GraphFileError("'nodes' must be a list of node objects")
    nodes: dict[str, Node] = {}
    unplaced = []
    for index, entry in enumerate(entries):
        node, placed = _node_from_entry(index, entry, tensor)
        if node.name in nodes:
            raise GraphFileError(f"duplicate node name '{node.name}'")
        nodes[node.name] = node
        if not placed:
            unplaced.append(node.name)
    output = data.get("output")
    if output is not None and (not isinstance(output, str) or output not in nodes):
        raise GraphFileError(f"the output {output!r} is not a node of the graph")
    _check_references(nodes)
    _check_acyclic(nodes)
    if tensor:
        _infer_shapes(nodes)
    graph = Graph()
    graph._restore(nodes, output)
    if unplaced:
        layout = layered_layout(graph)
        graph.move_many({n: layout[n] for n in unplaced})
    return graph


def _node_from_entry(index: int, entry: object, tensor: bool = False) -> tuple[Node, bool]:
    """The node of one entry. In a version-2 file a value may be a vector or matrix, and a formula's parents are
    read from its text (it is parsed by :func:`_infer_shapes` once its parents' shapes are known)."""
    if not isinstance(entry, dict):
        raise GraphFileError(f"node {index + 1} is not a JSON object")
    name = entry.get("name")
    try:
        check_name(name)
        where = f"node '{name}'"
        pos = check_pos(entry["pos"]) if "pos" in entry else (0.0, 0.0)
        has_value, has_formula = "value" in entry, "formula" in entry
        if has_value == has_formula:
            raise GraphError(f"{where} needs exactly one of 'value' (an input) or 'formula'")
        weight = _weight_flag(entry, where, has_value)
        if has_value and tensor:
            value, shape = check_input_value(entry["value"], f"the value of {where}")
            return Node(name, value=value, pos=pos, shape=shape, weight=weight), "pos" in entry
        if has_value:
            value = check_value(entry["value"], f"the value of {where}")
            return Node(name, value=value, pos=pos, weight=weight), "pos" in entry
        formula = entry["formula"]
        if tensor:
            if not isinstance(formula, str):
                raise GraphError(f"the formula of {where} must be text, not {formula!r}")
            return Node(name, formula=formula, pos=pos, parents=tuple(variable_names(formula))), "pos" in entry
        expression, parents = parse_formula(name, formula)
        return Node(name, formula=formula, pos=pos, parents=parents, expression=expression), "pos" in entry
    except GraphError as err:
        known = isinstance(name, str) and name.isidentifier()
        prefix = "" if known and f"'{name}'" in err.message else \
            f"node '{name}': " if known else f"node {index + 1}: "
        raise GraphFileError(prefix + err.message) from None


def _weight_flag(entry: dict, where: str, is_input: bool) -> bool:
    """The optional "weight" of an input (true: training changes it); a formula node cannot be a weight."""
    weight = entry.get("weight", False)
    if type(weight) is not bool:
        raise GraphError(f"'weight' of {where} must be true or false, not {weight!r}")
    if weight and not is_input:
        raise GraphError(f"{where} is a formula node; only inputs can be weights")
    return weight


def _infer_shapes(nodes: dict[str, Node]) -> None:
    """Parse every formula in topological order with its parents' shapes (a mismatch names both shapes)."""
    shapes: dict[str, tuple[int, int]] = {}
    for name in topological_names(nodes):
        node = nodes[name]
        if not node.is_input:
            try:
                expression, parents, shape = parse_node_formula(name, node.formula, shapes)
            except GraphError as err:
                raise GraphFileError(err.message) from None
            node = nodes[name] = replace_node(node, expression=expression, parents=parents, shape=shape)
        shapes[name] = node.value_shape


def _check_references(nodes: Mapping[str, Node]) -> None:
    for node in nodes.values():
        unknown = [p for p in node.parents if p not in nodes]
        if unknown:
            raise GraphFileError(f"the formula of '{node.name}' uses unknown name(s) {', '.join(unknown)}")


def _check_acyclic(nodes: Mapping[str, Node]) -> None:
    """graphlib finds a cycle; the message spells it out, beginning where the file does."""
    try:
        graphlib.TopologicalSorter({n: node.parents for n, node in nodes.items()}).prepare()
    except graphlib.CycleError as exc:
        cycle = list(exc.args[1][:-1])   # each node a parent of the next; the first repeated at the end
        rank = {n: i for i, n in enumerate(nodes)}
        start = min(range(len(cycle)), key=lambda i: rank[cycle[i]])
        cycle = cycle[start:] + cycle[:start]
        raise GraphFileError("cycle: " + " → ".join(cycle + [cycle[0]])) from None


# --- files ----------------------------------------------------------------------------------------------------------
def loads_graph(raw: bytes) -> Graph:
    if len(raw) > MAX_FILE_BYTES:
        raise GraphFileError(f"file too large (over {MAX_FILE_BYTES // (1024 * 1024)} MB)")
    try:
        data = loads_json(raw)
    except FileError as err:
        raise GraphFileError(str(err)) from None
    return graph_from_dict(data)


def load_graph(path: str | os.PathLike) -> Graph:
    """A new Graph read from ``path``. Raises GraphFileError naming the problem."""
    try:
        raw = read_capped(path, MAX_FILE_BYTES)
    except FileError as err:
        raise GraphFileError(str(err)) from None
    return loads_graph(raw)


def dumps_graph(graph: Graph, title: str | None = None, description: str | None = None) -> str:
    """The file text: one line per top-level field and per node, so files diff well."""
    data = graph_to_dict(graph, title, description)

    def dump(v) -> str:
        return json.dumps(v, ensure_ascii=False, allow_nan=False)

    fields = [f" {dump(k)}: {dump(v)}" for k, v in data.items() if k != "nodes"]
    nodes = ",\n".join(f"  {dump(n)}" for n in data["nodes"])
    return "{\n" + ",\n".join(fields) + f',\n "nodes": [\n{nodes}\n ]\n}}\n'


def save_graph(graph: Graph, path: str | os.PathLike, title: str | None = None,
               description: str | None = None) -> None:
    """Write atomically (see :func:`engine.files.atomic_write`)."""
    text = dumps_graph(graph, title, description)
    try:
        atomic_write(path, text)
    except FileError as err:
        raise GraphFileError(str(err)) from None


# --- presets --------------------------------------------------------------------------------------------------------
def preset_details(directory: str | os.PathLike | None = None) -> list[tuple[str, str, Path]]:
    """(title, description, path) for every graph preset, the chapter's examples first."""
    folder = Path(directory) if directory is not None else PRESET_DIR
    files = sorted(folder.glob(f"*{SUFFIX}"))
    rank = {stem: i for i, stem in enumerate(PRESET_ORDER)}
    files.sort(key=lambda p: (rank.get(p.name[:-len(SUFFIX)], len(rank)), p.name))
    details = []
    for path in files:
        try:
            data = loads_json(read_capped(path, MAX_FILE_BYTES))
        except FileError:
            continue
        stem = path.name[:-len(SUFFIX)]
        title = data.get("title") if isinstance(data, dict) and isinstance(data.get("title"), str) else stem
        description = data.get("description", "") if isinstance(data, dict) else ""
        details.append((title, description if isinstance(description, str) else "", path))
    return details


def list_presets(directory: str | os.PathLike | None = None) -> list[tuple[str, Path]]:
    """(title, path) for every graph preset in resources/presets, the chapter's examples first."""
    return [(title, path) for title, _, path in preset_details(directory)]


def find_preset(name: str, directory: str | os.PathLike | None = None) -> Path | None:
    """The preset whose file stem or title is ``name`` (case-insensitive), or None."""
    wanted = name.strip().lower()
    for title, _, path in preset_details(directory):
        if wanted in (title.lower(), path.name[:-len(SUFFIX)].lower()):
            return path
    return None
