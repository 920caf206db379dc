"""Gradscape's calculus engine: pure Python + numpy, no Qt.

The public surface most callers need is re-exported here; see docs/ARCHITECTURE.md for the subpackages.
"""
from engine.analysis import analyze_point, critical_points, taylor_model
from engine.expr import Expression, ParseError, directional_derivative, evaluate_many, parse, topological_order
from engine.graph import Graph, GraphError
from engine.optim import Descent, Objective, descend
from engine.matrix import ShapeError, ShapedExpression, parse_matrix

__all__ = ["Expression", "ParseError", "parse", "evaluate_many", "directional_derivative", "topological_order",
           "critical_points", "analyze_point", "taylor_model", "Objective", "Descent", "descend", "Graph",
           "GraphError", "parse_matrix", "ShapeError", "ShapedExpression"]
