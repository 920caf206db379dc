"""The numbers a tour step names (``{gradient}``, ``{adjoint:w}``, …), read from the live workspaces when the step is
shown: the engine's analysis of the session's selected point (the same call the Surface's inspector makes, made
here so the step's text need not wait for the Surface to draw it over its turns), the Graph's passes, the Descent's
runs, the critical points the Surface's own search found on its worker (gui/tour/critical_finder.py: "finding…"
until they are listed). Nothing here is typed into a file, and nothing is computed apart from the engine: each fact
is an engine result for the scene the user sees.

``gui.tour.format.FACT_KEYS`` lists what each workspace can fill; tour files are checked against it when they load.
"""
from __future__ import annotations

from functools import cached_property
from typing import Callable

import numpy as np

from engine import analyze_point, parse
from engine.analysis.step_size import BOUND_NAMES, predicted_factor, stability_bound, step_size_model
from engine.analysis.taylor import vector_norm
from gui.descent.run_texts import status_text
from gui.tour.critical_finder import CriticalPending, critical_finder
from gui.surface.approximation import readable_formula
from engine.expr.numbers import format_number



def number(v: float) -> str:
    return format_number(float(v), 6)


def vector(values) -> str:
    return "(" + ", ".join(number(v) for v in np.asarray(values, dtype=float).reshape(-1)) + ")"


def matrix(m) -> str:
    rows = np.atleast_2d(np.asarray(m, dtype=float))
    return "[" + "; ".join(", ".join(number(v) for v in row) for row in rows) + "]"


class FactError(LookupError):
    """A placeholder the current scene cannot fill (the message says why)."""


class SurfaceFacts:
    """Facts of the Surface workspace's current function and selected point (its ``analysis``)."""

    def __init__(self, workspace, scene: dict):
        self.ws, self.scene = workspace, scene
        self.session = workspace.session
        self.f = workspace.session.plotted_expression()
        self.axes = workspace.session.axes

    @cached_property
    def analysis(self):
        """The engine's analysis of the selected point, as the inspector makes it (not read off the inspector,
        which the Surface draws in a later turn)."""
        point = self.session.point
        if point is None:
            raise FactError("no point is selected")
        try:
            return analyze_point(self.f, point, self.axes)
        except (ValueError, np.linalg.LinAlgError) as error:
            raise FactError(f"cannot analyse this point: {error}") from error

    def get(self, key: str, arg: str) -> str:
        method: Callable | None = getattr(self, f"fact_{key}", None)
        if method is None:
            raise FactError(f"unknown number {key!r}")
        return method(arg)

    # --- the point ------------------------------------------------------------------------------------------
    def fact_function(self, _arg):
        return self.session.text

    def fact_point(self, _arg):
        return vector(self.analysis.point) if len(self.axes) > 1 else number(self.analysis.point[0])

    def fact_value(self, _arg):
        return number(self.analysis.value)

    def fact_gradient(self, _arg):
        g = self.analysis.gradient
        return vector(g) if len(g) > 1 else number(g[0])

    def fact_gradient_norm(self, _arg):
        return number(self.analysis.gradient_norm)

    def fact_steepest(self, _arg):
        a = self.analysis
        return vector(-a.gradient / a.gradient_norm) if a.gradient_norm > 0 else "none (∇f = 0)"

    def fact_hessian(self, _arg):
        h = self.analysis.hessian
        return matrix(h) if h.size > 1 else number(h[0, 0])

    def fact_eigenvalues(self, _arg):
        return vector(self.analysis.eigenvalues)

    def fact_kind(self, _arg):
        kind = self.analysis.kind
        return "regular point (not critical)" if kind == "regular" else kind

    def fact_partial(self, arg):
        return number(self.analysis.gradient[self._axis(arg)])

    def fact_gradient_sum(self, _arg):
        return number(float(np.sum(self.analysis.gradient)))

    def fact_linear_formula(self, _arg):
        return readable_formula(self.analysis.linear)   # as the Approximation tab writes it

    def fact_quadratic_formula(self, _arg):
        return readable_formula(self.analysis.quadratic)

    # --- closed-form derivatives (the inspector's formulas) ---------------------------------------------------
    def _formulas(self):
        from engine.expr.closed_form import derivative_formulas
        return derivative_formulas(self.f, self.axes)

    def fact_gradient_formula(self, _arg):
        d = self._formulas()
        return "; ".join(f"∂f/∂{v} = {g.text}" for v, g in zip(d.variables, d.gradient))

    def fact_second_formula(self, arg):
        """One Hessian entry's formula: ``second_formula:xy`` is ∂²f/∂x∂y."""
        d = self._formulas()
        if len(arg) != 2:
            raise FactError("name the entry by its two variables, e.g. second_formula:xy")
        return d.hessian[self._axis(arg[0])][self._axis(arg[1])].text

    # --- a step away from the point -------------------------------------------------------------------------
    def _offset(self) -> np.ndarray:
        if "offset" not in self.scene:
            raise FactError("the scene gives no offset")
        return np.asarray(self.scene["offset"], dtype=float)

    def _true(self) -> float:
        target = self.analysis.point + self._offset()
        with np.errstate(all="ignore"):
            return float(self.f.evaluate(dict(zip(self.axes, target))))

    def fact_offset(self, _arg):
        return vector(self._offset())

    def fact_target(self, _arg):
        return vector(self.analysis.point + self._offset())

    def fact_linear_estimate(self, _arg):
        return number(self.analysis.linear.at_offset(self._offset()))

    def fact_quadratic_estimate(self, _arg):
        return number(self.analysis.quadratic.at_offset(self._offset()))

    def fact_true_value(self, _arg):
        return number(self._true())

    def fact_linear_error(self, _arg):
        return format_number(abs(self.analysis.linear.at_offset(self._offset()) - self._true()), 3)

    def fact_quadratic_error(self, _arg):
        return format_number(abs(self.analysis.quadratic.at_offset(self._offset()) - self._true()), 3)

    def _printed(self) -> float:
        """The chapter's printed formula (the scene's ``printed_formula``), evaluated by the engine at point + offset."""
        text = self.scene.get("printed_formula")
        if not text:
            raise FactError("the scene gives no printed formula")
        target = self.analysis.point + (self._offset() if "offset" in self.scene else 0.0)
        with np.errstate(all="ignore"):
            return float(parse(text).evaluate({**self.session.fixed, **dict(zip(self.axes, target))}))

    def fact_printed_value(self, _arg):
        return number(self._printed())

    def fact_printed_error(self, _arg):
        return format_number(abs(self._printed() - self._true()), 3)

    # --- directions -----------------------------------------------------------------------------------------
    def _direction(self) -> np.ndarray:
        text = self.ws.inspector.directionEdit.text()
        u = np.array([float(parse(t).evaluate({})) for t in text.split(",")], dtype=float)
        return u / vector_norm(u)

    def fact_direction(self, _arg):
        return vector(self._direction())

    def fact_directional(self, _arg):
        return number(float(self.analysis.gradient @ self._direction()))

    def fact_cos_angle(self, _arg):
        a = self.analysis
        return number(float(a.gradient @ self._direction()) / a.gradient_norm)

    def fact_along(self, arg):
        """f along the line through the point in the scene's direction, at parameter t = arg (e.g. along:-0.1)."""
        t = float(arg.replace("m", "-"))
        p = self.analysis.point + t * self._direction() * vector_norm(np.asarray(self.scene["direction"], float))
        with np.errstate(all="ignore"):
            return number(float(self.f.evaluate(dict(zip(self.axes, p)))))

    # --- critical points and parts --------------------------------------------------------------------------
    def _critical(self):
        """The Surface's own search's results (CriticalPending until it has listed them)."""
        return sorted(critical_finder(self.ws).points(), key=lambda c: tuple(c.point))

    def fact_critical(self, _arg):
        found = self._critical()
        return "; ".join(f"{self._where(c.point)} ({c.verdict}, f = {number(c.value)})" for c in found) or "none"

    def fact_lowest(self, _arg):
        found = self._critical()
        if not found:
            return "none (no critical points in view)"
        c = min(found, key=lambda c: c.value)
        return f"{self._where(c.point)} with f = {number(c.value)}"

    def _where(self, point) -> str:
        return vector(point) if len(point) > 1 else f"{self.axes[0]} = {number(point[0])}"

    def fact_part_gradient(self, arg):
        parts = self.scene.get("parts") or {}
        if arg not in parts:
            raise FactError(f"the scene has no part {arg!r}")
        return vector(analyze_point(parse(parts[arg]), self.analysis.point, self.axes).gradient)

    def _axis(self, name: str) -> int:
        if name not in self.axes:
            raise FactError(f"{name!r} is not a plotted variable")
        return self.axes.index(name)


class DescentFacts(SurfaceFacts):
    """The runs of the Descent workspace (``run_end:0`` is the first run's last point)."""

    def __init__(self, workspace, surface, scene: dict):
        super().__init__(surface, scene)
        self.descent = workspace

    def _run(self, arg):
        runs = self.descent.model.runs
        i = int(arg or 0)
        if not 0 <= i < len(runs):
            raise FactError(f"there is no run {i}")
        return runs[i]

    def fact_run_method(self, arg):
        return self._run(arg).label

    def fact_run_start(self, arg):
        return vector(self._run(arg).start)

    def fact_run_lr(self, arg):
        return number(self._run(arg).hyper.get("lr", float("nan")))

    def fact_run_steps(self, arg):
        return str(self._run(arg).steps)

    def fact_run_end(self, arg):
        run = self._run(arg)
        return vector(run.descent.points[-1]) if run.descent is not None else vector(run.start)

    def fact_run_value(self, arg):
        run = self._run(arg)
        return number(run.descent.values[-1]) if run.descent is not None else "—"

    def fact_run_status(self, arg):
        return status_text(self.descent.model, self._run(arg))

    def fact_run_threshold(self, arg):
        """The run's largest stable learning rate on the quadratic model at its start (e.g. 2/λmax = 0.333333)."""
        run = self._run(arg)
        bound = stability_bound(self._step_model(run), run.method, run.hyper)
        if bound is None:
            raise FactError(f"{run.label} has no learning-rate threshold at its start")
        return f"{BOUND_NAMES[run.method]} = {number(bound)}"

    def fact_run_factor(self, arg):
        """The predicted factor by which each step multiplies the run's distance to the model's minimum."""
        run = self._run(arg)
        factor = predicted_factor(self._step_model(run), run.method, run.hyper)
        if factor is None:
            raise FactError(f"{run.label} has no predicted factor")
        return number(factor)

    def _step_model(self, run):
        return step_size_model(self.descent.model.objective, run.start)


class GraphFacts:
    """The Graph workspace's graph, through its own passes (values, adjoints, local partials, paths)."""

    def __init__(self, workspace, scene: dict):
        self.graph = workspace.document.graph

    def get(self, key: str, arg: str) -> str:
        g = self.graph
        if key == "output":
            return g.output or "—"
        if key == "edge_count":
            return str(len(g.edges()))
        if key == "value":
            return number(g.forward()[arg or g.output])
        if key == "adjoint":
            return number(g.backward()[self._node(arg)])
        if key == "partial":
            parent, _, child = arg.partition(".")
            return number(g.local_partials()[(self._node(parent), self._node(child))])
        if key == "path_count":
            return str(g.path_count(self._node(arg)))
        if key == "path_sum":
            return number(g.path_sum(self._node(arg)))
        if key == "forward_tangent":
            return number(g.forward_mode(self._node(arg))[g.output])
        raise FactError(f"unknown number {key!r}")

    def _node(self, name: str) -> str:
        if name not in self.graph.nodes:
            raise FactError(f"the graph has no node {name!r}")
        return name


class MatrixFacts:
    """The Matrix workspace's study of its state: value, gradient formula and numbers, central differences, the
    verdict on a typed answer, the numbers of each variable and of the compared formulas."""

    def __init__(self, workspace, scene: dict):
        self.state, self.study = workspace.model.state, workspace.model.study

    def get(self, key: str, arg: str) -> str:
        st, s = self.state, self.study
        if s.expression is None:
            raise FactError(f"the expression does not parse: {s.error}")
        table = {"expression": lambda: st.expression, "value": lambda: shaped(s.value),
                 "gradient": lambda: shaped(s.gradient_values), "gradient_formula": lambda: str(s.gradient),
                 "wrt": lambda: s.wrt, "fd_error": lambda: format_number(s.max_error, 2),
                 "verdict": lambda: s.check.words() if s.check is not None else "no answer typed",
                 "values": lambda: shaped(st.values[arg]), "compare": lambda: shaped(s.compare[int(arg)][1]),
                 "answer": lambda: st.answer}
        if key not in table:
            raise FactError(f"unknown number {key!r}")
        return table[key]()


def shaped(value) -> str:
    """A scalar as a number, a vector or matrix as rows [a, b; c, d] (a column reads [a; b; c])."""
    array = np.atleast_2d(np.asarray(value, dtype=float))
    return number(array[0, 0]) if array.size == 1 else matrix(array)


def facts_for(window, scene: dict):
    """The fact source of the scene's workspace, reading the live window."""
    from gui.tour.scenes import matrix_facts, workspace
    kind = scene["workspace"]
    if kind == "graph":
        return GraphFacts(workspace(window, "graph"), scene)
    if kind == "descent":
        return DescentFacts(workspace(window, "descent"), workspace(window, "surface"), scene)
    if kind == "surface":
        return SurfaceFacts(workspace(window, "surface"), scene)
    return matrix_facts(window, scene)


def fill(text: str, facts) -> str:
    """``text`` with every ``{key}`` / ``{key:arg}`` replaced by the live number (a FactError names a missing one;
    a number still being worked out on a worker reads "finding…" until the panel fills the text again)."""
    from gui.tour.format import PLACEHOLDER

    def number_of(m) -> str:
        try:
            return facts.get(m.group(1), m.group(2) or "")
        except CriticalPending as pending:
            return f"({pending})"
    return PLACEHOLDER.sub(number_of, text)
