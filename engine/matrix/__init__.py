"""Shaped (scalar / vector / matrix) expressions: parsing, shapes, evaluation, gradients, printing, checks.

``parse_matrix(text, shapes)`` gives a :class:`ShapedExpression` (``.shape``, ``.variables``, ``.evaluate``,
``.grad``, ``.hessian``, ``str``). The modules, in dependency order:

* ``shapes``   — shape conventions, words for shapes, :class:`ShapeError`
* ``rules``    — the one rule table: per operation its shape rule, numpy evaluation, VJPs and printing
* ``node``     — the interned DAG node, topological order, :func:`forward` (every node's value), evaluation
* ``normal``, ``build`` — symbolic builders with the simplifications (the VJPs' symbolic ``ops``)
* ``parser``   — text → node; ``printing`` — node → text that parses back
* ``grad``     — symbolic :func:`gradients`, :func:`hessian`; numeric :func:`backward` and per-node :func:`vjp`
* ``check``    — sampled instances, central differences, :func:`check_gradient`
* ``methods``  — gives :class:`ShapedExpression` its ``grad``, ``hessian`` and ``str`` (attached here)
"""
from engine.matrix import methods as _methods
from engine.matrix.shapes import ShapeError, default_shape, describe
from engine.matrix.node import ShapedExpression, evaluate_many, forward, topological_order
from engine.matrix.parser import parse_matrix
from engine.matrix.grad import NUMERIC_OPS, backward, gradient_values, gradients, hessian, vjp
from engine.matrix.check import (GradientCheck, check_gradient, disagreeing_cells, finite_difference_gradient,
                                 instance, max_fd_error, sample_values)

_methods.attach()

__all__ = ["ShapeError", "ShapedExpression", "parse_matrix", "evaluate_many", "forward", "topological_order",
           "default_shape", "describe", "NUMERIC_OPS", "backward", "gradient_values", "gradients", "hessian", "vjp",
           "GradientCheck", "check_gradient", "disagreeing_cells", "finite_difference_gradient", "instance",
           "max_fd_error", "sample_values"]
