"""Gradscape's calculus engine: pure Python + numpy, no Qt.

The public surface most callers need is re-exported here; see docs/ARCHITECTURE.md for the subpackages. The graph,
matrix, critical-point and optimizer names load their module on first use (PEP 562), so a program that only
evaluates and analyses functions at a point (the app's first window) does not import them.
"""
from importlib import import_module

from engine.analysis.taylor import analyze_point, taylor_model
from engine.expr import Expression, ParseError, directional_derivative, evaluate_many, parse, topological_order
from engine.optim.objective import Objective

_ON_FIRST_USE = {"Graph": "engine.graph", "GraphError": "engine.graph", "parse_matrix": "engine.matrix",
                 "ShapeError": "engine.matrix", "ShapedExpression": "engine.matrix",
                 "critical_points": "engine.analysis.critical", "Descent": "engine.optim.descent",
                 "descend": "engine.optim.descent"}

__all__ = ["Expression", "ParseError", "parse", "evaluate_many", "directional_derivative", "topological_order",
           "critical_points", "analyze_point", "taylor_model", "Objective", "Descent", "descend", "Graph",
           "GraphError", "parse_matrix", "ShapeError", "ShapedExpression"]


def __getattr__(name: str):
    if name not in _ON_FIRST_USE:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(import_module(_ON_FIRST_USE[name]), name)
    globals()[name] = value
    return value
