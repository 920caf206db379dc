"""Gradscape's calculus engine: pure Python + numpy, no Qt.

The public surface most callers need is re-exported here; see docs/ARCHITECTURE.md for the modules.
"""
from engine.autodiff import directional_derivative
from engine.expression import Expression, evaluate_many, topological_order
from engine.parser import ParseError, parse

__all__ = ["Expression", "ParseError", "parse", "evaluate_many", "directional_derivative", "topological_order"]
