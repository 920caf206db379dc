"""The shared state of the workspaces: the current function, its plotted axes and domain, and the selected point.

A thin QObject: it validates, stores, then emits. Views subscribe to its signals and never write its fields; user
gestures call its setters (usually through undo commands).
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine import Expression, parse
from engine.optim.objective import Objective

DEFAULT_FUNCTION = "x*exp(-x^2 - y^2)"
DEFAULT_POINT = {"x": -1.0, "y": 0.0}   # where the chapter expands it (the note shown beside it says so)
DEFAULT_RANGE = (-2.0, 2.0)
RANGE_LIMIT = 1e6   # the range spin boxes' bound; wider ranges overflow the sampling grids (1e308 - -1e308 = inf)


class Session(QObject):
    function_changed = Signal()   # expression, text, axes, fixed values or the objective changed
    domain_changed = Signal()     # the plotted ranges changed
    point_changed = Signal()      # the selected point moved (or was cleared)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.expression: Expression = parse(DEFAULT_FUNCTION)
        self.text: str = DEFAULT_FUNCTION
        self.axes: tuple[str, ...] = ("x", "y")
        self.domain: dict[str, tuple[float, float]] = {"x": DEFAULT_RANGE, "y": DEFAULT_RANGE}
        # One point in every variable: the held-fixed variables' values and, while a point is selected, its
        # coordinates on the plotted axes. Choosing other axes re-reads the same point; nothing is copied.
        self._values: dict[str, float] = dict(DEFAULT_POINT)
        self._selected = True
        self._objective_source = None          # optional callable(axes, fixed) -> Objective (e.g. a graph's)

    @property
    def fixed(self) -> dict[str, float]:
        """The values of the variables not plotted (a copy), in the function's variable order."""
        return {v: self._values[v] for v in self.expression.variables if v not in self.axes}

    @property
    def point(self) -> np.ndarray | None:
        """The selected point on the plotted axes (a copy, in ``axes`` order), or None."""
        if not self._selected:
            return None
        return np.array([self._values[a] for a in self.axes], dtype=np.float64)

    def values(self) -> dict[str, float]:
        """Every variable's value (a copy): the fixed ones, and the point's last coordinates on the axes."""
        return dict(self._values)

    # --- the function ---------------------------------------------------------------------------------------
    @property
    def objective_source(self):
        """The callable that supplies the descent's objective, or None (the expression's own derivatives)."""
        return self._objective_source

    @property
    def variables(self) -> tuple[str, ...]:
        return self.expression.variables

    def set_function(self, text_or_expression: str | Expression, *, axes: Sequence[str] | None = None,
                     fixed: Mapping[str, float] | None = None, objective_source=None,
                     text: str | None = None, values: Mapping[str, float] | None = None,
                     selected: bool | None = None) -> None:
        """Replace the function. Text is parsed first; a ParseError leaves everything unchanged.

        Each variable keeps its value (the point stays the same point in every variable, whichever axes are
        plotted) unless ``values`` or ``fixed`` give a new one; a new variable starts at 0. A selected point stays
        selected when every plotted axis was a variable before; ``selected`` decides it instead.

        ``objective_source(axes, fixed) -> Objective`` lets another model (a chain-rule graph) supply the gradients
        a descent uses; by default they come from the expression's own derivatives. ``text`` is how an Expression is
        shown (default ``str(expression)``), so an undo can bring back exactly what the user had typed.
        """
        if isinstance(text_or_expression, Expression):
            expression = text_or_expression
            text = str(expression) if text is None else text
        else:
            expression, text = parse(text_or_expression), text_or_expression.strip()
        names = expression.variables
        if isinstance(axes, str):   # tuple("xy") would quietly become ("x", "y")
            raise ValueError("the axes must be a list of variable names")
        new_axes = tuple(axes) if axes is not None else _default_axes(names, self.axes)
        check_axes(names, new_axes)
        given = {**(values or {}), **(fixed or {})}
        new_values = {}
        for v in dict.fromkeys(names + new_axes):
            value = float(given.get(v, self._values.get(v, 0.0)))
            if not np.isfinite(value):
                raise ValueError(f"the value of {v} must be a finite number")
            new_values[v] = value
        if selected is None:
            selected = self._selected and all(a in self._values for a in new_axes)
        self.expression, self.text = expression, text
        self.axes, self._values, self._selected = new_axes, new_values, bool(selected)
        self._objective_source = objective_source
        for a in self.axes:
            self.domain.setdefault(a, DEFAULT_RANGE)
        self.function_changed.emit()
        self.point_changed.emit()

    def set_fixed(self, name: str, value: float) -> None:
        if name not in self.fixed:
            raise KeyError(f"{name!r} is not a fixed variable")
        value = float(value)
        if not np.isfinite(value):
            raise ValueError("a fixed value must be a finite number")
        if self._values[name] != value:
            self._values[name] = value
            self.function_changed.emit()

    def set_axes(self, axes: Sequence[str]) -> None:
        self.set_function(self.expression, axes=axes, objective_source=self._objective_source, text=self.text)

    def plotted_expression(self) -> Expression:
        """The function of the axis variables alone (other variables replaced by their fixed values)."""
        return plotted_of(self.expression, self.fixed)

    def objective(self) -> Objective:
        """What a descent on the current function uses (a graph's own backward pass when it supplied one)."""
        if self._objective_source is not None:
            return self._objective_source(self.axes, dict(self.fixed))
        return Objective.from_expression(self.expression, self.axes, self.fixed, label=self.text)

    # --- domain ----------------------------------------------------------------------------------------------
    def set_range(self, axis: str, lo: float, hi: float) -> None:
        lo, hi = float(lo), float(hi)
        check_range(axis, lo, hi)
        if self.domain.get(axis) != (lo, hi):
            self.domain[axis] = (lo, hi)
            self.domain_changed.emit()

    def box(self) -> list[tuple[float, float]]:
        """The plotted ranges, in ``axes`` order."""
        return [self.domain[a] for a in self.axes]

    # --- the selected point --------------------------------------------------------------------------------
    def set_point(self, point: Sequence[float] | None) -> None:
        """Select the point with these coordinates on the plotted axes (``axes`` order), or clear it (None)."""
        if point is None:
            if self._selected:
                self._selected = False
                self.point_changed.emit()
            return
        new = np.asarray(point, dtype=np.float64).reshape(-1)
        if len(new) != len(self.axes) or not np.all(np.isfinite(new)):
            raise ValueError(f"a point needs {len(self.axes)} finite coordinate(s)")
        if self._selected and np.array_equal(new, self.point):
            return
        self._values.update(zip(self.axes, map(float, new)))
        self._selected = True
        self.point_changed.emit()

    @property
    def selected(self) -> bool:
        return self._selected

    def full_point(self) -> dict[str, float] | None:
        """The selected point in every variable, as name → value (None when no point is selected)."""
        if not self._selected:
            return None
        return {v: self._values[v] for v in dict.fromkeys(self.variables + self.axes)}


def plotted_of(expression: Expression, held: Mapping[str, float]) -> Expression:
    """``expression`` with the held variables replaced by their values (itself when none is held)."""
    from engine.expr.build import const
    return expression.substitute({k: const(v) for k, v in held.items()}) if held else expression


def check_axes(names: Sequence[str], axes: Sequence[str]) -> None:
    """ValueError unless ``axes`` are one or two distinct variables of a function of ``names`` (a function without
    variables is drawn as a curve over one axis of any name)."""
    if isinstance(axes, str) or not all(isinstance(a, str) and a for a in axes):
        raise ValueError("the axes must be a list of variable names")
    if not 1 <= len(axes) <= (2 if names else 1) or len(set(axes)) != len(axes):
        most = "one or two distinct variables" if names else "one axis (the function is a constant)"
        raise ValueError(f"cannot plot over {', '.join(axes) or 'no axes'}: choose {most}")
    unknown = [a for a in axes if a not in names]
    if unknown and names:
        raise ValueError(f"axis variable(s) {', '.join(unknown)} not in the function")


def check_range(axis: str, lo: float, hi: float) -> None:
    """ValueError unless ``lo < hi`` are finite and within ±RANGE_LIMIT."""
    if not (np.isfinite(lo) and np.isfinite(hi)) or not lo < hi:
        raise ValueError(f"the range of {axis} needs two finite numbers, low < high")
    if max(abs(lo), abs(hi)) > RANGE_LIMIT:
        raise ValueError(f"the range of {axis} must lie within ±{RANGE_LIMIT:g}")


def _default_axes(names: tuple[str, ...], previous: tuple[str, ...]) -> tuple[str, ...]:
    if len(names) <= 2:
        return names if names else ("x",)
    kept = [a for a in previous if a in names][:2]
    for n in names:
        if len(kept) == 2:
            break
        if n not in kept:
            kept.append(n)
    return tuple(kept)
