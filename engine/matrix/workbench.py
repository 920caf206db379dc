"""The Matrix workspace's state and everything computed from it, without Qt.

:class:`MatrixState` is what a file holds and an undo step restores: the expression, shape overrides, the numbers
of every variable, the "with respect to" variable, the typed answer and the descent settings. :func:`study` computes
what the workspace shows for a state — the value, the gradient formula and numbers beside central differences, the
verdict on the answer and the cells where it disagrees — so the GUI decides nothing about calculus itself.
"""
from __future__ import annotations

import dataclasses
import functools
import zlib
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from engine.expr.parser import ParseError
from engine.matrix.check import GradientCheck, check_gradient, disagreeing_cells, finite_difference_gradient, instance
from engine.matrix.check import sample_values
from engine.matrix.node import ShapedExpression, as_value, evaluate_many
from engine.matrix.parser import parse_matrix, variable_names
from engine.matrix.shapes import Shape, default_shape

MAX_SIDE = 20                  # rows or columns of a variable here: every entry gets a finite difference and a cell
DESCENT_METHODS = ("gd", "adam")
SAMPLINGS = ("normal", "spd")


@dataclass(frozen=True)
class MatrixState:
    expression: str = "norm2(X - U*V)^2"
    shapes: Mapping[str, Shape] = field(default_factory=dict)          # overrides of the convention
    values: Mapping[str, np.ndarray] = field(default_factory=dict)     # the numbers, by variable name
    wrt: str = ""                                                       # "": see default_wrt
    answer: str = ""
    seed: int = 0                                                       # the seed of the drawn numbers
    sampling: str = "normal"                                            # or "spd": square ones symmetric pos. def.
    descend: tuple[str, ...] = ()                                       # the variables a descent moves
    method: str = "gd"
    lr: float | None = None                                             # None: a default suited to the function
    compare: tuple[str, ...] = ()                                       # formulas shown side by side, e.g. U*V, X
    held: tuple[str, ...] = ()                                          # values the answer check keeps (a preset's
                                                                        # ±1 labels); the others are drawn at random

    def replace(self, **changes) -> "MatrixState":
        return dataclasses.replace(self, **changes)

    def shape_of(self, name: str) -> Shape:
        return tuple(self.shapes.get(name) or default_shape(name))

    def shapes_used(self) -> dict[str, Shape]:
        """Every variable the expression names (even one with a shape error), with the shape it gets."""
        return {name: self.shape_of(name) for name in variable_names(self.expression)}


def parse_state(state: MatrixState) -> ShapedExpression:
    """The state's expression with its shapes; ParseError/ShapeError as parse_matrix raises them."""
    return parse_matrix(state.expression, state.shapes_used())


def _draw(name: str, shape: Shape, seed: int, sampling: str) -> np.ndarray:
    rng = np.random.default_rng([seed, zlib.crc32(name.encode())])   # the same numbers for a name, whatever else
    return sample_values({name: shape}, rng, "spd" if sampling == "spd" else "normal")[name]


def completed(state: MatrixState) -> MatrixState:
    """The state with numbers for every variable of its expression: numbers of the right shape are kept, the rest
    drawn from the seed (where the expression parses, redrawn positive or positive definite if it is not finite at
    normal numbers, as :func:`engine.matrix.check.instance` does)."""
    shapes = state.shapes_used()
    kept = {n: v for n, v in state.values.items() if n in shapes and np.shape(v) == shapes[n]}
    missing = [n for n in shapes if n not in kept]
    if not missing:
        return state if set(kept) == set(state.values) else state.replace(values=kept)
    try:
        expr = parse_state(state)
        drawn = instance(expr, state.seed, fixed=kept, samplings=("spd",) if state.sampling == "spd" else
                         ("normal", "positive", "spd"))
    except ParseError:
        drawn = {**kept, **{n: _draw(n, shapes[n], state.seed, state.sampling) for n in missing}}
    return state.replace(values={n: _frozen(drawn[n]) for n in shapes})


def randomized(state: MatrixState, names=None) -> MatrixState:
    """New numbers for ``names`` (default: all) drawn from the next seed, which the state then records."""
    names = list(state.shapes_used()) if names is None else list(names)
    kept = {n: v for n, v in state.values.items() if n not in names}
    return completed(state.replace(values=kept, seed=state.seed + 1))


def with_cell(state: MatrixState, name: str, row: int, col: int, value: float) -> MatrixState:
    if not np.isfinite(value):
        raise ValueError("a value must be a finite number")
    array = np.array(state.values[name], dtype=np.float64)
    array[row, col] = value
    return state.replace(values={**state.values, name: _frozen(array)})


def with_values(state: MatrixState, values: Mapping[str, np.ndarray]) -> MatrixState:
    shapes = state.shapes_used()
    checked = {n: _frozen(as_value(v, shapes[n], n)) for n, v in values.items()}
    return state.replace(values={**state.values, **checked})


def _frozen(array) -> np.ndarray:
    out = np.array(array, dtype=np.float64)
    out.setflags(write=False)
    return out


@dataclass
class Study:
    """What the workspace shows for a state. ``expression`` is None (and ``error`` set) when it does not parse."""
    expression: ShapedExpression | None = None
    error: ParseError | None = None
    value: np.ndarray | None = None
    wrt: str | None = None
    gradient: ShapedExpression | None = None
    gradient_values: np.ndarray | None = None
    fd_values: np.ndarray | None = None
    difference: np.ndarray | None = None
    max_error: float | None = None
    answer: ShapedExpression | None = None
    answer_error: ParseError | None = None
    check: GradientCheck | None = None
    answer_values: np.ndarray | None = None
    disagreement: np.ndarray | None = None
    compare: list = field(default_factory=list)   # (formula, array or None, error text)


def study(state: MatrixState, *, differences: bool = True) -> Study:
    """Everything shown for ``state`` (whose values cover its variables: see :func:`completed`). ``differences``
    False skips the central differences (they cost two evaluations per entry)."""
    result = Study()
    try:
        expr = parse_state(state)
    except ParseError as error:
        result.error = error
        return result
    result.expression = expr
    values = dict(state.values)
    result.value = evaluate_many([expr], values)[0]
    result.compare = [_compare(text, state) for text in state.compare]
    if not expr.is_scalar or not expr.variables:
        return result
    result.wrt = state.wrt if state.wrt in expr.variables else default_wrt(state.expression, expr.variables)
    result.gradient = expr.grad(result.wrt)
    result.gradient_values = evaluate_many([result.gradient], values)[0]
    if differences:
        result.fd_values = finite_difference_gradient(expr, result.wrt, values)
        result.difference = result.gradient_values - result.fd_values
        result.max_error = float(np.max(np.abs(result.difference)))
    if state.answer.strip():
        _judge_answer(result, state, values)
    return result


def default_wrt(text: str, variables: Mapping[str, Shape]) -> str:
    """The variable a gradient is shown for when none is chosen: the first column vector in reading order (x in
    x'*A*x, in ‖Ax − b‖²), else the first variable in reading order."""
    order = [n for n in variable_names(text) if n in variables]
    return next((n for n in order if variables[n][1] == 1 and variables[n][0] > 1), order[0])


def _compare(text: str, state: MatrixState):
    try:
        node = parse_matrix(text, state.shapes_used())
        return text, evaluate_many([node], dict(state.values))[0], ""
    except (ParseError, ValueError) as error:
        return text, None, str(error)


def _judge_answer(result: Study, state: MatrixState, values: dict) -> None:
    try:
        result.answer = parse_matrix(state.answer, result.expression.variables)
    except ParseError as error:
        result.answer_error = error
        return
    held = tuple((n, tuple(np.ravel(values[n]))) for n in state.held if n in values and n != result.wrt)
    result.check = _verdict(state.expression, tuple(sorted(result.expression.variables.items())), result.wrt,
                            state.answer, state.sampling, held)
    try:
        result.answer_values = evaluate_many([result.answer], values)[0]
    except ValueError:   # the answer names a variable the expression does not have: no numbers for it here
        return
    result.disagreement = disagreeing_cells(result.gradient_values, result.answer_values)


@functools.lru_cache(maxsize=64)
def _verdict(expression: str, shapes: tuple, wrt: str, answer: str, sampling: str,
             held: tuple = ()) -> GradientCheck:
    """The verdict depends on the formulas and the held values only (the rest random instances, not the shown
    numbers): computed once each."""
    expr = parse_matrix(expression, dict(shapes))
    fixed = {n: np.reshape(np.array(v, dtype=np.float64), expr.variables[n]) for n, v in held}
    return check_gradient(expr, wrt, answer, fixed=fixed, samplings=("spd",) if sampling == "spd" else
                          ("normal", "positive", "spd"))
