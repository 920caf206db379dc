"""Local models of a function at a point: the tangent plane and the quadratic (second-order Taylor) model.

A :class:`TaylorModel` is built from numbers (value, gradient, Hessian at a point), so it serves a typed formula and
an :class:`~engine.optim.objective.Objective` alike (a chain-rule graph supplies its derivatives without a formula). It is a
polynomial in the original variables, written around the point::

    f(a) + ∇f(a)·(x − a) + ½ (x − a)ᵀ H(a) (x − a)

:func:`analyze_point` adds the second-derivative test: the Hessian's eigenvalues and what they say.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from engine.analysis import classify as C
from engine.expr import build as E
from engine.expr.limits import check_variable_count

#: |∇f| at or below this counts as zero: the point is critical rather than 'regular'.
GRADIENT_TOL = 1e-8
#: Significant digits in :attr:`TaylorModel.formula` (the Expression itself keeps full float64 precision).
FORMULA_DIGITS = 12


@dataclass(frozen=True, eq=False)
class TaylorModel:
    variables: tuple[str, ...]
    point: np.ndarray
    order: int                 # 1: tangent plane, 2: quadratic model
    value: float
    gradient: np.ndarray
    hessian: np.ndarray        # zeros for order 1
    expression: E.Expression   # the polynomial in the original variables
    formula: str | None        # readable text of the polynomial, parse() accepts it; None when not ``defined``

    @property
    def defined(self) -> bool:
        """Every coefficient is a finite number (no model where f or a derivative has no value)."""
        return bool(np.isfinite(self.value) and np.all(np.isfinite(self.gradient))
                    and np.all(np.isfinite(self.hessian)))

    def __call__(self, values: Mapping[str, object] | Sequence | None = None, **arrays) -> np.ndarray:
        """Model value with numpy broadcasting: ``model(x=X, y=Y)`` or ``model({'x': X, 'y': Y})``."""
        env: dict = {}
        if isinstance(values, Mapping):
            env.update(values)
        elif values is not None:
            env.update(zip(self.variables, values))
        env.update(arrays)
        missing = [v for v in self.variables if v not in env]
        if missing:
            raise KeyError(f"no value given for variable {missing[0]!r}")
        offsets = [np.asarray(env[v], dtype=np.float64) - a for v, a in zip(self.variables, self.point)]
        shape = np.broadcast_shapes(*(d.shape for d in offsets)) if offsets else ()
        total = np.full(shape, self.value, dtype=np.float64)
        with np.errstate(all="ignore"):
            for i, di in enumerate(offsets):
                total = total + self.gradient[i] * di
                if self.order == 2:
                    total = total + 0.5 * self.hessian[i, i] * di * di
                    for j in range(i + 1, len(offsets)):
                        total = total + self.hessian[i, j] * di * offsets[j]
        return total

    def at_offset(self, step: Sequence[float]) -> float:
        """Model value at ``point + step``."""
        s = np.asarray(step, dtype=np.float64).reshape(-1)
        if s.shape != self.point.shape:
            raise ValueError(f"the step needs {len(self.variables)} value(s), got {s.size}")
        with np.errstate(all="ignore"):
            return float(self.value + self.gradient @ s + 0.5 * s @ self.hessian @ s)


def _round(v: float) -> float:
    return float(f"{v:.{FORMULA_DIGITS}g}")


def _polynomial(variables, point, value, gradient, hessian, order, number=float) -> E.Expression:
    """value + Σ gᵢ dᵢ + Σᵢ ½Hᵢᵢ dᵢ² + Σᵢ<ⱼ Hᵢⱼ dᵢ dⱼ with dᵢ = (xᵢ − aᵢ); zero coefficients are left out."""
    offsets = [E.sub(E.var(v), E.const(number(a))) for v, a in zip(variables, point)]
    terms = [E.const(number(value))]
    terms += [E.mul(E.const(number(g)), d) for g, d in zip(gradient, offsets) if g != 0]
    if order == 2:
        n = len(variables)
        for i in range(n):
            if hessian[i, i] != 0:
                terms.append(E.mul(E.const(number(0.5 * hessian[i, i])), E.pow(offsets[i], E.const(2.0))))
        for i in range(n):
            for j in range(i + 1, n):
                if hessian[i, j] != 0:
                    terms.append(E.mul(E.const(number(hessian[i, j])), E.mul(offsets[i], offsets[j])))
    return E.sum_of(terms)


def model_from_derivatives(variables: Sequence[str], point, value: float, gradient, hessian=None,
                           order: int = 2) -> TaylorModel:
    """A Taylor model from numbers already computed (value, gradient and, for order 2, the Hessian)."""
    if order not in (1, 2):
        raise ValueError("order must be 1 (tangent plane) or 2 (quadratic model)")
    names = tuple(variables)
    n = len(names)
    p = _vector(point, n, "point")
    g = _vector(gradient, n, "gradient")
    h = np.zeros((n, n)) if order == 1 or hessian is None else np.asarray(hessian, dtype=np.float64).reshape(n, n)
    if order == 2 and hessian is None:
        raise ValueError("a quadratic model needs the Hessian")
    h = C.symmetric(h)
    for a in (p, g, h):
        a.setflags(write=False)
    exact = _polynomial(names, p, float(value), g, h, order)
    finite = bool(np.isfinite(value) and np.all(np.isfinite(g)) and np.all(np.isfinite(h)))
    readable = str(_polynomial(names, p, float(value), g, h, order, number=_round)) if finite else None
    return TaylorModel(names, p, order, float(value), g, h, exact, readable)


def _vector(values, n: int, what: str) -> np.ndarray:
    v = np.array(values, dtype=np.float64).reshape(-1)
    if v.size != n:
        raise ValueError(f"the {what} needs {n} value(s), got {v.size}")
    return v


def _derivatives(f, point, variables, order):
    """(names, value, gradient, hessian) of an Expression or an Objective at a point."""
    if hasattr(f, "gradient") and callable(f.gradient):   # an Objective
        names = tuple(f.variables)
        p = _vector(point, len(names), "point")
        hess = None
        if order == 2:
            if f.hessian is None:
                raise ValueError("this objective has no Hessian, so no quadratic model")
            hess = f.hessian(p)
        return names, p, f.value(p), f.gradient(p), hess
    names = tuple(f.variables if variables is None else variables)
    check_variable_count(len(names), "analysing a point")
    missing = [v for v in f.variables if v not in names]
    if missing:
        raise ValueError(f"no value given for variable(s) {', '.join(missing)}")
    p = _vector(point, len(names), "point")
    env = dict(zip(names, p))
    grads = list(f.grad(names))
    flat = [h for row in f.hessian(names) for h in row] if order == 2 else []
    results = [float(r) for r in E.evaluate_many([f, *grads, *flat], env)]
    n = len(names)
    hess = np.array(results[1 + n:]).reshape(n, n) if order == 2 else None
    return names, p, results[0], np.array(results[1:1 + n]), hess


def taylor_model(f, point: Sequence[float], order: int = 2, variables: Sequence[str] | None = None) -> TaylorModel:
    """The order-1 (tangent plane) or order-2 (quadratic) Taylor model of ``f`` at ``point``.

    ``f`` is an Expression (``point`` in ``variables`` order, default ``f.variables``) or an Objective (its order).
    """
    if order not in (1, 2):
        raise ValueError("order must be 1 (tangent plane) or 2 (quadratic model)")
    names, p, value, grad, hess = _derivatives(f, point, variables, order)
    return model_from_derivatives(names, p, value, grad, hess, order)


def second_derivative_test(hessian, scale: float = 1.0) -> str:
    """'minimum' | 'maximum' | 'saddle' | 'degenerate' | 'undefined': the engine's one classification
    (:func:`engine.analysis.classify.classify`), with a floor of ``scale`` (default 1: a Hessian of pure rounding
    noise decides nothing)."""
    return C.classify(hessian, scale)


def vector_norm(v) -> float:
    """The Euclidean length, without overflow on the way (math.hypot scales): |(0, 1.4e217)| is 1.4e217, where
    squaring the components first gives ∞. NaN if a component is NaN, ∞ if one is infinite."""
    a = np.asarray(v, dtype=np.float64).reshape(-1)
    if np.isnan(a).any():
        return math.nan
    return math.hypot(*a.tolist())


@dataclass(frozen=True, eq=False)
class PointAnalysis:
    variables: tuple[str, ...]
    point: np.ndarray
    value: float
    gradient: np.ndarray
    hessian: np.ndarray
    eigenvalues: np.ndarray    # ascending
    eigenvectors: np.ndarray   # columns, matching eigenvalues
    kind: str                  # 'minimum' | 'maximum' | 'saddle' | 'degenerate' | 'regular' | 'undefined'
    linear: TaylorModel
    quadratic: TaylorModel

    @property
    def gradient_norm(self) -> float:
        return vector_norm(self.gradient)


def analyze_point(f, point: Sequence[float], variables: Sequence[str] | None = None,
                  gradient_tol: float = GRADIENT_TOL) -> PointAnalysis:
    """Value, gradient, Hessian, its eigen-decomposition, both Taylor models and the kind of point.

    ``kind`` is 'undefined' where f or its gradient has no finite value (the gradient of sqrt(x²+y²) at 0), 'regular'
    where ``|∇f| > gradient_tol`` (not a critical point), else the second-derivative test (which is 'undefined' too
    when the Hessian has no finite value). Eigenvalues that are zero up to rounding are 0.
    """
    names, p, value, grad, hess = _derivatives(f, point, variables, 2)
    quadratic = model_from_derivatives(names, p, value, grad, hess, 2)
    linear = model_from_derivatives(names, p, value, grad, None, 1)
    h = quadratic.hessian
    eigenvalues, eigenvectors = C.eigen_decomposition(h)
    return PointAnalysis(names, quadratic.point, float(value), quadratic.gradient, h, eigenvalues, eigenvectors,
                         point_kind(value, grad, h, gradient_tol), linear, quadratic)


def point_kind(value: float, gradient, hessian, gradient_tol: float = GRADIENT_TOL, scale: float = 1.0) -> str:
    """'undefined' | 'regular' | the second-derivative test, as :func:`analyze_point` explains."""
    norm = vector_norm(gradient)
    if not (math.isfinite(value) and math.isfinite(norm)):
        return "undefined"
    return "regular" if norm > gradient_tol else C.classify(hessian, scale)
