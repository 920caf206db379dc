"""Gradscape's calculus engine: pure Python + numpy, no Qt.

The public surface most callers need is re-exported here; see docs/ARCHITECTURE.md for the modules.
"""
from engine.autodiff import directional_derivative
from engine.expression import Expression, evaluate_many, topological_order
from engine.parser import ParseError, parse
# after the core above: these modules import it from this package
from engine.critical import critical_points
from engine.graph import Graph, GraphError
from engine.matrix import ShapeError, ShapedExpression, parse_matrix
from engine.objective import Objective
from engine.optimizers import Descent, descend
from engine.taylor import analyze_point, taylor_model

__all__ = ["Expression", "ParseError", "parse", "evaluate_many", "directional_derivative", "topological_order",
           "critical_points", "analyze_point", "taylor_model", "Objective", "Descent", "descend", "Graph",
           "GraphError", "parse_matrix", "ShapeError", "ShapedExpression"]
