"""Chain-rule graphs: the model (named nodes, validated undoable mutations, events), passes, paths, compile/expand,
the file format and presets.

Layering inside the package: nodes → passes → paths, compile, tensor → tensor_passes → tensor_compile →
entry_points → model → expand, scalarize; fileformat → samples.
"""
from engine.graph.compile import compile_graph, compiled_text, graph_objective, layered_layout
from engine.graph.expand import graph_from_expression
from engine.graph.model import Graph
from engine.graph.nodes import GraphError, GraphEvent, parse_formula

__all__ = ["Graph", "GraphError", "GraphEvent", "compile_graph", "compiled_text", "graph_from_expression",
           "graph_objective", "layered_layout", "parse_formula"]
