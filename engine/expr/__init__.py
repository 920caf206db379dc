"""Expressions: the one primitive table, immutable shared DAGs, the parser, simplifying builders, printing,
evaluation plans and symbolic reverse-mode derivatives.

Layering inside the package (each module imports only those before it): limits, numbers, primitives → node →
evaluation, printing → build → tokens → parser → autodiff → methods (which gives :class:`Expression` its
evaluate/grad/hessian/str methods). For display only, canonical (a sum-of-products form) and display (formula trees
printed as text or HTML) feed closed_form, which writes simplified formulas of derivatives; nothing that evaluates
depends on them.
"""
from engine.expr import methods as _methods
from engine.expr.autodiff import directional_derivative
from engine.expr.evaluation import evaluate_many
from engine.expr.node import Expression, topological_order
from engine.expr.parser import ParseError, parse

_methods.attach()

__all__ = ["Expression", "ParseError", "directional_derivative", "evaluate_many", "parse", "topological_order"]
