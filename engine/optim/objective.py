"""What an optimizer descends: value, gradient and (optionally) Hessian at a point, in a fixed variable order.

Built from a typed function (:meth:`Objective.from_expression`) or from anything else that can supply the three
callables, e.g. a chain-rule graph whose own backward pass gives the gradient.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np

from engine.expr import build as E
from engine.expr.limits import check_variable_count


@dataclass(frozen=True)
class Objective:
    variables: tuple[str, ...]
    value: Callable[[np.ndarray], float]
    gradient: Callable[[np.ndarray], np.ndarray]
    hessian: Callable[[np.ndarray], np.ndarray] | None = None
    expression: E.Expression | None = None   # the function of ``variables`` (others fixed), when one exists
    label: str = ""
    fixed: Mapping[str, float] = field(default_factory=dict)
    #: (values (k,), gradients (k, n)) at k points (rows) in one evaluation, the same numbers ``value`` and
    #: ``gradient`` give point by point (None where the objective cannot, e.g. a graph's own backward pass)
    value_and_gradient_many: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None

    @classmethod
    def from_expression(cls, f: E.Expression, variables: Sequence[str] | None = None,
                        fixed: Mapping[str, float] | None = None, label: str = "") -> "Objective":
        """Objective over ``variables`` (default: all of f's), with any other variable held at ``fixed``."""
        names = tuple(f.variables if variables is None else variables)
        fixed = {k: float(v) for k, v in (fixed or {}).items() if k not in names}
        missing = [v for v in f.variables if v not in names and v not in fixed]
        if missing:
            raise ValueError(f"no value given for variable(s) {', '.join(missing)}")
        check_variable_count(len(names), "descending a function")
        g = f.substitute({k: E.const(v) for k, v in fixed.items()}) if fixed else f
        grads = g.grad(names)
        hess = g.hessian(names)
        flat_hess = [h for row in hess for h in row]
        n = len(names)

        def env(p):
            return dict(zip(names, np.asarray(p, dtype=np.float64)))

        def value(p):
            return float(g.evaluate(env(p)))

        def gradient(p):
            return np.array([float(v) for v in E.evaluate_many(grads, env(p))], dtype=np.float64)

        def hessian(p):
            return np.array([float(v) for v in E.evaluate_many(flat_hess, env(p))], dtype=np.float64).reshape(n, n)

        def value_and_gradient_many(points):
            rows = np.asarray(points, dtype=np.float64).reshape(-1, n)
            results = E.evaluate_many([g, *grads], {name: rows[:, i] for i, name in enumerate(names)})
            return results[0], np.stack(results[1:], axis=1)

        return cls(names, value, gradient, hessian, g, label or str(f), fixed,
                   value_and_gradient_many if n else None)
