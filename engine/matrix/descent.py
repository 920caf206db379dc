"""Descent on a scalar matrix expression over some of its variables (e.g. ‖X − UV‖² over U and V).

The chosen variables are flattened into one vector so that the engine's :class:`~engine.optim.Objective` and
:class:`~engine.optim.Descent` (the optimizers, their divergence and convergence rules) run unchanged; the gradient
is one numeric forward and backward pass over the rule table (no formula is built per step).
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from engine.matrix.grad import gradient_values
from engine.matrix.node import ShapedExpression, as_value, evaluate_many
from engine.matrix.shapes import describe
from engine.optim.descent import Descent
from engine.optim.objective import Objective

MAX_STEPS = 5000


def matrix_objective(expr: ShapedExpression, names: Sequence[str], values: Mapping[str, object]):
    """(Objective over the entries of ``names``, the start vector, unpack(vector) -> {name: array}). The other
    variables stay at ``values``."""
    if not expr.is_scalar:
        raise ValueError(f"a descent needs a scalar expression; this one is {describe(expr.shape)}")
    shapes = expr.variables
    names = list(names)
    if not names:
        raise ValueError("choose at least one variable to descend over")
    for name in names:
        if name not in shapes:
            raise ValueError(f"{name} is not a variable of the expression")
    fixed = {n: as_value(values[n], s, n) for n, s in shapes.items() if n not in names}
    sizes = [int(np.prod(shapes[n])) for n in names]
    bounds = np.cumsum([0] + sizes)

    def unpack(vector) -> dict[str, np.ndarray]:
        vector = np.asarray(vector, dtype=np.float64)
        return {n: vector[bounds[i]:bounds[i + 1]].reshape(shapes[n]) for i, n in enumerate(names)}

    def value(vector) -> float:
        return float(evaluate_many([expr], {**fixed, **unpack(vector)})[0][0, 0])

    def gradient(vector) -> np.ndarray:
        grads = gradient_values(expr, names, {**fixed, **unpack(vector)})
        return np.concatenate([grads[n].reshape(-1) for n in names])

    labels = tuple(f"{n}[{i},{j}]" for n in names for i, j in np.ndindex(*shapes[n]))
    start = np.concatenate([as_value(values[n], shapes[n], n).reshape(-1) for n in names])
    return Objective(labels, value, gradient, None, None, str(expr)), start, unpack


class MatrixDescent:
    """One run of ``method`` (any of :data:`engine.optim.descent.METHODS`, e.g. "gd" or "adam") over ``names``."""

    def __init__(self, expr: ShapedExpression, names: Sequence[str], values: Mapping[str, object], method: str,
                 *, max_steps: int = MAX_STEPS, **hyper):
        self.objective, start, self._unpack = matrix_objective(expr, names, values)
        self.names = tuple(names)
        self.values = {k: np.asarray(v, dtype=np.float64) for k, v in values.items()}
        self.run = Descent(self.objective, start, method, max_steps=max_steps, **hyper)

    def steps(self, count: int) -> int:
        """Take up to ``count`` steps (fewer once the run has finished); the number taken."""
        return sum(1 for _ in self.run.run(count))

    @property
    def current(self) -> dict[str, np.ndarray]:
        """Every variable's numbers at the run's last point where f is finite (a diverged run's last point may hold
        inf or NaN: its numbers are those of the point before it blew up)."""
        points, values = self.run.points, self.run.values
        last = next((i for i in range(len(points) - 1, -1, -1)
                     if np.isfinite(values[i]) and np.all(np.isfinite(points[i]))), 0)
        return {**self.values, **self._unpack(points[last])}

    @property
    def losses(self) -> list[float]:
        return self.run.values

    @property
    def status(self) -> str:
        return self.run.status

    @property
    def message(self) -> str:
        return self.run.message
