"""The methods of :class:`~engine.matrix.node.ShapedExpression` that need the modules built on it (derivatives,
printing). :mod:`engine.matrix` attaches them to the class, so ``node`` imports none of those modules and the package
has no import cycles."""
from __future__ import annotations

from engine.matrix.grad import gradients, hessian as hessian_of
from engine.matrix.node import ShapedExpression
from engine.matrix.printing import to_text
from engine.matrix.shapes import describe


def grad(self, name: str) -> ShapedExpression:
    """The gradient with respect to variable ``name``, in its shape (denominator layout), as a shaped expression.
    The expression must be scalar."""
    if name not in self._grads:
        self._grads.update(gradients(self, [name]))
    return self._grads[name]


def hessian(self, name: str) -> ShapedExpression:
    """The Hessian with respect to a scalar or vector variable, as a matrix formula (ValueError if none)."""
    return hessian_of(self, name)


def text(self) -> str:
    return to_text(self)


def representation(self) -> str:
    shown = to_text(self)
    return f"<ShapedExpression {describe(self.shape)}: {shown[:200]}{'…' if len(shown) > 200 else ''}>"


def attach() -> None:
    ShapedExpression.grad = grad
    ShapedExpression.hessian = hessian
    ShapedExpression.__str__ = text
    ShapedExpression.__repr__ = representation
