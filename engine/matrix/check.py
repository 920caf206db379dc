"""Numbers for checking gradients: sampled instances, central finite differences, and judging a typed answer.

:func:`check_gradient` compares a candidate formula with the true gradient on several random instances (so a
coincidence at one point cannot pass) and names *how* it differs: ``equal``, ``sign`` (−1 times), ``transpose``,
``factor`` (c times, with c), ``shape`` or ``different``, with the relative error ‖C − G‖/‖G‖.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from engine.matrix.node import ShapedExpression, as_value, evaluate_many
from engine.matrix.parser import parse_matrix
from engine.matrix.shapes import Shape, describe

TOLERANCE = 1e-6
INSTANCES = 3
SAMPLINGS = ("normal", "positive", "spd")


def sample_values(variables: Mapping[str, Shape], rng: np.random.Generator, kind: str = "normal") -> dict:
    """Random values per variable: standard normal; "positive": |normal| + 0.1; "spd": square matrices symmetric
    positive definite (M M' / n + I), the rest positive."""
    values = {}
    for name, shape in variables.items():
        draw = rng.standard_normal(shape)
        if kind == "normal":
            values[name] = draw
        elif kind == "spd" and shape[0] == shape[1] and shape[0] > 1:
            values[name] = draw @ draw.T / shape[0] + np.eye(shape[0])
        else:
            values[name] = np.abs(draw) + 0.1
    return values


def instance(expr: ShapedExpression, seed: int, fixed: Mapping[str, object] | None = None,
             extra: Mapping[str, Shape] | None = None, samplings: tuple[str, ...] = SAMPLINGS) -> dict:
    """Values for ``expr``'s variables (and ``extra`` ones) where it and its gradients are finite: standard normal
    from ``seed`` first, then positive values, then symmetric positive definite matrices (for log, sqrt, logdet…).
    ``fixed`` values are kept as given; ``samplings`` may restrict the kinds tried (``("spd",)``). The last attempt
    is returned even if nothing is finite."""
    variables = {**(extra or {}), **expr.variables}
    fixed = {k: as_value(v, variables[k], k) for k, v in (fixed or {}).items() if k in variables}
    free = {k: s for k, s in variables.items() if k not in fixed}
    roots = [expr] + ([expr.grad(n) for n in free if n in expr.variables] if expr.is_scalar else [])
    values: dict = {}
    for kind in samplings:
        values = {**sample_values(free, np.random.default_rng(seed), kind), **fixed}
        if all(np.all(np.isfinite(v)) for v in evaluate_many(roots, values)):
            break
    return values


def finite_difference_gradient(expr: ShapedExpression, name: str, values: Mapping[str, object],
                               step: float | None = None) -> np.ndarray:
    """Central differences (f(X + h E_ij) − f(X − h E_ij)) / 2h, one entry of ``name`` at a time."""
    if not expr.is_scalar:
        raise ValueError(f"finite differences of a gradient need a scalar expression, not {describe(expr.shape)}")
    shape = expr.variables[name]
    point = {k: v for k, v in values.items()}
    base = as_value(values[name], shape, name).copy()
    result = np.empty(shape)
    for index in np.ndindex(*shape):
        h = (step or 6e-6) * max(1.0, abs(base[index]))
        saved = base[index]
        base[index] = saved + h
        point[name] = base
        up = expr.evaluate(point)
        base[index] = saved - h
        down = expr.evaluate(point)
        base[index] = saved
        result[index] = (up - down) / (2 * h)
    return result


def max_fd_error(expr: ShapedExpression, name: str, values: Mapping[str, object],
                 gradient: np.ndarray | None = None) -> float:
    """The largest |gradient − central differences| over the entries of ``name``."""
    if gradient is None:
        gradient = evaluate_many([expr.grad(name)], values)[0]
    fd = finite_difference_gradient(expr, name, values)
    return float(np.max(np.abs(np.asarray(gradient) - fd))) if fd.size else 0.0


@dataclass(frozen=True)
class GradientCheck:
    verdict: str                   # equal | sign | transpose | factor | shape | different
    factor: float | None           # c with candidate = c·gradient (1 equal, −1 sign, c factor), else None
    relative_error: float | None   # max over instances of ‖C − G‖/‖G‖ (None when the shapes differ)
    candidate: str
    gradient_shape: Shape
    candidate_shape: Shape

    def words(self) -> str:
        """The verdict in words, as the Matrix workspace and the CLI table show it."""
        if self.verdict == "equal":
            return "Correct: your answer equals the gradient."
        if self.verdict == "sign":
            return "Off by a sign: your answer is minus the gradient."
        if self.verdict == "transpose":
            return "Transposed: your answer is the gradient's transpose."
        if self.verdict == "factor":
            return f"Off by a factor: your answer is {_number(self.factor)} times the gradient."
        if self.verdict == "shape":
            return (f"Wrong shape: your answer is {describe(self.candidate_shape)}, the gradient "
                    f"{describe(self.gradient_shape)}.")
        return "Different: your answer is not the gradient, nor a sign, transpose or factor away from it."


def _number(c: float) -> str:
    return f"{c:.6g}"


def _relative(c: np.ndarray, g: np.ndarray) -> float:
    scale = max(float(np.linalg.norm(g)), 1e-300)
    return float(np.linalg.norm(c - g)) / scale


def _snap(c: float) -> float:
    for nice in (round(c), round(c * 2) / 2, round(c * 3) / 3, round(c * 4) / 4):
        if abs(c - nice) <= 1e-9 * max(1.0, abs(c)):
            return float(nice)
    return c


def check_gradient(expr: ShapedExpression, wrt: str, candidate: str | ShapedExpression, *,
                   instances: int = INSTANCES, seed: int = 0, tolerance: float = TOLERANCE,
                   fixed: Mapping[str, object] | None = None, samplings: tuple[str, ...] = SAMPLINGS) -> GradientCheck:
    """Is ``candidate`` (text in the matrix syntax, with ``expr``'s shapes, or a shaped expression) the gradient of
    ``expr`` with respect to ``wrt``? Tried on ``instances`` random instances (``fixed`` values kept, others drawn
    as :func:`instance` does). ParseError/ShapeError if the candidate does not parse."""
    text = candidate if isinstance(candidate, str) else str(candidate)
    cand = parse_matrix(candidate, expr.variables) if isinstance(candidate, str) else candidate
    gradient = expr.grad(wrt)
    pairs = []
    for k in range(instances):
        values = instance(expr, seed + k, fixed, extra=cand.variables, samplings=samplings)
        g, c = evaluate_many([gradient, cand], values)
        pairs.append((g, c))
    shapes = (gradient.shape, cand.shape)

    def result(verdict, factor=None, error=None):
        return GradientCheck(verdict, factor, error, text, *shapes)

    if cand.shape != gradient.shape:
        if cand.shape == gradient.shape[::-1] and all(_relative(c.T, g) <= tolerance for g, c in pairs):
            return result("transpose")
        return result("shape")
    error = max(_relative(c, g) for g, c in pairs)
    if error <= tolerance:
        return result("equal", 1.0, error)
    if all(_relative(-c, g) <= tolerance for g, c in pairs):
        return result("sign", -1.0, error)
    if gradient.shape[0] == gradient.shape[1] and all(_relative(c.T, g) <= tolerance for g, c in pairs):
        return result("transpose", None, error)
    factor = _common_factor(pairs, tolerance)
    if factor is not None:
        return result("factor", factor, error)
    return result("different", None, error)


def _common_factor(pairs, tolerance: float) -> float | None:
    """c with C = c·G on every instance (the same c), if there is one and G is not zero."""
    factors = []
    for g, c in pairs:
        gg = float(np.vdot(g, g))
        if gg == 0 or not np.isfinite(gg):
            return None
        f = float(np.vdot(c, g)) / gg
        if f == 0 or _relative(c, f * g) > tolerance:
            return None
        factors.append(f)
    if any(abs(f - factors[0]) > tolerance * abs(factors[0]) for f in factors):
        return None
    return _snap(factors[0])


def disagreeing_cells(gradient: np.ndarray, candidate: np.ndarray, tolerance: float = TOLERANCE) -> np.ndarray:
    """Boolean mask of the entries where candidate and gradient differ (relative to the gradient's largest entry);
    all False when the shapes differ (there are no cells to compare)."""
    g, c = np.asarray(gradient, dtype=np.float64), np.asarray(candidate, dtype=np.float64)
    if g.shape != c.shape:
        return np.zeros(g.shape, dtype=bool)
    scale = max(float(np.max(np.abs(g))) if g.size else 0.0, 1e-300)
    with np.errstate(invalid="ignore"):
        return ~(np.abs(c - g) <= tolerance * scale)


__all__ = ["GradientCheck", "check_gradient", "disagreeing_cells", "finite_difference_gradient", "instance",
           "max_fd_error", "sample_values"]
