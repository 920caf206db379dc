"""The methods of :class:`~engine.expr.node.Expression` that need the rest of the package (evaluation, derivatives,
printing). They live here, and :mod:`engine.expr` attaches them to the class, so that ``node`` imports none of the
modules that build on it (the package has no import cycles)."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from engine.expr.autodiff import gradient, hessian as hessian_of
from engine.expr.build import substitute_many
from engine.expr.evaluation import evaluate_many
from engine.expr.node import REPR_LIMIT, TEXT_LIMIT, Expression
from engine.expr.printing import TextTooLong, text_length_estimate, to_text


def substitute(self, mapping: Mapping[str, Expression]) -> Expression:
    """Replace variables by expressions, keeping sharing (each node is rebuilt once)."""
    return substitute_many([self], mapping)[0]


def evaluate(self, values: Mapping[str, object] | None = None, **kwargs) -> np.ndarray:
    """Evaluate with numpy broadcasting in float64. NaN and inf propagate quietly."""
    return evaluate_many([self], values, **kwargs)[0]


def evaluate_at(self, point: Sequence[float], variables: Sequence[str] | None = None) -> float:
    """Value at a point given as numbers in ``variables`` order (default: this expression's variables)."""
    names = self.variables if variables is None else variables
    return float(self.evaluate(dict(zip(names, map(float, point)))))


def grad(self, variables: Sequence[str] | None = None) -> tuple[Expression, ...]:
    """Partial derivatives, one per variable, in ``self.variables`` order (or the given order). Kept on the node
    per order of variables: the views, the inspector and the optimizers all ask for them."""
    names = self.variables if variables is None else tuple(variables)
    if self._grad is None:
        self._grad = {}
    found = self._grad.get(names)
    if found is None:
        found = self._grad[names] = gradient(self, names)
    return found


def hessian(self, variables: Sequence[str] | None = None) -> tuple[tuple[Expression, ...], ...]:
    """Matrix of second partials (the gradient of the gradient), in ``self.variables`` order (or the given
    order); kept on the node as the gradient is."""
    names = self.variables if variables is None else tuple(variables)
    if self._hessian is None:
        self._hessian = {}
    found = self._hessian.get(names)
    if found is None:
        found = self._hessian[names] = hessian_of(self, names)
    return found


def text(self) -> str:
    # Text repeats shared nodes, so a small DAG (a compiled 60-layer graph) can stand for more text than any
    # machine holds; past TEXT_LIMIT str() describes the expression instead of writing it out.
    try:
        return to_text(self, limit=TEXT_LIMIT)
    except TextTooLong as exc:
        return (f"<expression of {self.node_count()} nodes in {', '.join(self.variables) or 'no variables'}: "
                f"about {exc.estimate:.3g} characters, too long to write out>")


def representation(self) -> str:
    if text_length_estimate(self) > REPR_LIMIT:  # tracebacks and debuggers must not print megabytes
        return f"<Expression {self.op}: {self.node_count()} nodes, {len(self.variables)} variables>"
    return f"Expression({str(self)!r})"


def attach() -> None:
    """Give Expression its methods (called once by :mod:`engine.expr`)."""
    for name, fn in (("substitute", substitute), ("evaluate", evaluate), ("evaluate_at", evaluate_at),
                     ("grad", grad), ("hessian", hessian), ("__str__", text), ("__repr__", representation)):
        setattr(Expression, name, fn)
