"""The Descent workspace: optimizers racing down the session's function, in 3D and on the contour map, with a loss
plot, Newton's quadratic model, and export to GIF/PNG.

The surface is sampled and uploaded once per function (or domain); each animation frame only moves trails and
markers. Keys: Space play/pause, → step, R reset, Delete removes the selected run.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QSplitter, QVBoxLayout, QWidget

from gui.descent.explain import newton_text
from gui.descent.export import RaceExporter
from gui.descent.catch_up import CatchUp
from gui.descent.staging import Staging, is_big
from gui.descent.export_ui import ExportControls
from gui.descent.frames import FrameBuilder, newton_frame
from gui.descent.one_paint import OnePaint
from gui.descent.parts import Parts
from gui.descent.panel import RACE, OptimizerPanel
from gui.descent.player import Player
from gui.descent.runs import RunSpec, RunsModel
from engine.analysis.starts import choose_start, is_defined_at
from gui.session import Session
from gui.tab_visits import build_at_once

GRID = 150
CURVE_SAMPLES = 600
NEWTON_LINES = 3   # the height kept for the Newton sentence (its longest takes three lines at the default width)
RANGE_NOTICE = "Cannot draw the range"
LEGEND = ("Trail and dots: iterates · ● current point · arrow: −∇f direction (fixed length) · dashed arrow: "
          "velocity (momentum) · ★ start · Newton: dashed level curves of its quadratic model, white arrow: "
          "the jump")
LEGEND_1D = ("Dots on the curve: iterates (x, f(x)), joined in order · ● current point · arrow: −f′ direction "
             "(fixed length) · dashed arrow: velocity (momentum) · ★ start · Newton: dashed parabola (its "
             "quadratic model), white arrow: the jump to its stationary point, dotted: down to the curve")


class DescentWorkspace(CatchUp, Staging, Parts, ExportControls, QWidget):
    title = "Descent"
    status_message = Signal(str)
    staged = Signal(str)   # the name of a big function's stage just done (see staging.py)
    became_settled = Signal()   # nothing is left to build or draw in later turns (see staging.py)

    def __init__(self, session: Session, parent=None, *, pieces: list | None = None):
        """``pieces``: the building is left to a generator appended there (gui/descent/first_visit.py)."""
        super().__init__(parent)
        building = self._construct(session)
        if pieces is None:
            build_at_once(building)
        else:
            pieces.append(building)

    def _construct(self, session: Session):
        self.setObjectName("descentWorkspace")
        self.session = session
        self.undo_stack = QUndoStack(self)
        self.model = RunsModel(session.objective(), self)
        self.player = Player(self.model, self)
        self.frames = FrameBuilder(self.model)
        self.step_limit: int | None = None   # show an earlier step than reached (GIF export replays this way)
        self.exporter: RaceExporter | None = None
        self._curve_extent: tuple | None = None   # the curve view's own fit of the whole curve
        self._curve_values = np.zeros(0)
        self._one_paint = OnePaint([], self)   # the plots' scenes are added as they are built (parts.py)
        yield from self._build()
        self._pending = "start"   # what the session changed while the workspace was hidden (see catch_up)
        self._catching_up = False
        self._redraws_held, self._redraw_due = 0, False
        self._start_choice: tuple | None = None   # (what it depends on, the objective, the choice)
        self._init_staging()
        self.player.before_stepping = self.finish_staging
        self._connect()

    # --- layout ---------------------------------------------------------------------------------------------
    def _build(self):
        """The layout, a piece per ``yield`` (gui/descent/first_visit.py)."""
        self.views = self._build_places()
        self.newton_label = QLabel(objectName="newtonLabel", wordWrap=True, textFormat=Qt.TextFormat.RichText,
                                   alignment=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # a fixed height: a text of another number of lines (or none) would resize the views, and a resized 3D
        # view is painted afresh, in full, at once
        self.newton_label.setFixedHeight(NEWTON_LINES * self.newton_label.fontMetrics().lineSpacing() + 4)
        self.notice = QLabel(objectName="descentNotice", wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        self.notice.hide()
        self.fixed_label = QLabel(objectName="descentFixed", wordWrap=True)
        self.fixed_label.setToolTip("The function has more variables than the plotted axes; the runs descend over "
                                    "the axes only. Change the held values or the axes on the Surface tab.")
        self.fixed_label.hide()
        self.legend = QLabel(LEGEND, wordWrap=True, objectName="descentLegend")
        self.legend.setStyleSheet("color: palette(mid); font-size: 9pt;")
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        for w, stretch in ((self.views, 1), (self.fixed_label, 0), (self.notice, 0), (self.newton_label, 0),
                           (self.legend, 0)):
            upper_layout.addWidget(w, stretch)
        left = self.left_splitter = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(upper)
        left.addWidget(self._build_plot_places())
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        yield   # (the optimizer panel: about half of the building)
        self.panel = OptimizerPanel(self.model, self.player, self.undo_stack)
        yield
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.panel)
        side_layout.addWidget(self._build_export_box())
        side_layout.addStretch(1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(side)
        scroll.setMinimumWidth(330)
        outer = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(left)
        outer.addWidget(scroll)
        outer.setStretchFactor(0, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(outer)

    def _connect(self) -> None:
        self.session.function_changed.connect(self._on_function_changed)
        self.session.domain_changed.connect(self._on_domain_changed)
        self.session.point_changed.connect(self._follow_view)
        self.panel.start_chosen.connect(self._on_start_chosen)
        for signal in (self.model.runs_advanced, self.model.runs_reset, self.model.max_steps_changed,
                       self.player.glided):
            signal.connect(self.redraw)
        for signal in (self.model.run_added, self.model.run_removed, self.model.run_changed):
            signal.connect(self.redraw)
        for signal in (self.model.run_added, self.model.run_changed, self.model.runs_reset):
            signal.connect(self._fit_curve_to_race)
        keys = ((Qt.Key.Key_Space, self.player.toggle), (Qt.Key.Key_Right, self.player.step_once),
                (Qt.Key.Key_R, self.player.reset), (Qt.Key.Key_Delete, self.panel.remove_selected))
        for key, slot in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _on_start_chosen(self) -> None:
        self.model.user_chose_starts()
        self.panel.start_box.show_note("")

    # --- the main window's workspace protocol ---------------------------------------------------------------
    def export_widget(self) -> QWidget:
        self.flush()   # a first show or a scene still drawing: the picture saved is the whole one
        return self.curve_view if self.one_variable() else self.surface_view

    def reset_view(self) -> None:
        for name, reset in (("surface_view", "reset_camera"), ("contour_view", "reset_view"),
                            ("curve_view", "reset_view")):
            if self.built(name):
                getattr(getattr(self, name), reset)()

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("Space", "Descent: play / pause the race"), ("→", "Descent: one step"),
                ("R", "Descent: reset every run to its start"), ("Delete", "Descent: remove the selected run"),
                ("Click on the contour map (or the curve)", "Descent: set the start point")]

    # --- the function -----------------------------------------------------------------------------------------
    def one_variable(self) -> bool:
        return len(self.session.axes) == 1

    def _on_function_changed(self) -> None:
        if self._defer("function"):
            self.player.pause()
            return
        self.player.pause()
        self.frames.clear()
        self._cancel_staging()
        if is_big(self.session.plotted_expression()) and self.isVisible() and self.session.objective_source is None:
            self._show_fixed()
            self.panel.set_axes(self.session.axes)
            self._begin_staging()   # the derivatives, the restart, the views and the rates over the next turns
            return
        try:
            objective = self.session.objective()
        except Exception as exc:  # a source that cannot build an objective leaves the race as it was
            self._show_notice(f"Cannot descend this function: {exc}")
            return
        self._show_notice("")
        self._show_fixed()
        self.panel.set_axes(self.session.axes)
        if self._update_views():
            self._restart_on(objective)

    def _restart_on(self, objective) -> None:
        """Every run restarts on the new function. Starts the user chose stay while they still make sense (same
        number of variables, in view, f defined there); the others move to the default start and follow the view."""
        fallback = self.default_start(objective)
        box = self.session.box()

        def keep(run) -> bool:
            return not run.auto_start and _in_box(run.start, box) and is_defined_at(objective, run.start)
        with self._one_redraw():
            self.model.set_objective(objective, fallback, keep)   # runs moved to the fallback: flagged auto_start
        if self.model.runs:
            self.panel.select_run(self.panel.current_run_id())
        else:
            self.panel.show_start(fallback)

    def _on_domain_changed(self) -> None:
        if self._defer("domain"):
            return
        if not self._update_views():
            return   # a range that cannot be drawn: the notice says why, the race stays as it was
        self._follow_view()
        self.redraw()

    def _follow_view(self) -> None:
        """A function change often comes with its own ranges and point (a preset): starts the app chose for it and
        that have not run yet move to the start those suggest."""
        if self._defer("point") or self.restart_staged():
            return   # (a staged restart moves the app's starts itself)
        runs = [r for r in self.model.runs if r.auto_start and r.steps == 0]
        if not runs:
            return
        start = self.default_start()
        for run in runs:
            if not np.array_equal(run.start, start):
                self.model.set_start(run.run_id, start, by_app=True)
        self.panel.select_run(self.panel.current_run_id())

    def _update_views(self, sampled: tuple | None = None, in_turns: bool = False) -> bool:
        """Draw the function over the session's box; False (with a notice) when the box cannot be sampled.
        ``sampled``: (box, the surface's values) sampled already (a big function's staging samples a turn before).
        ``in_turns``: the 3D view is shown, and the contours drawn, in later turns (staging.py)."""
        one = self.one_variable()
        self.surface_place.setVisible(not one)
        self.contour_place.setVisible(not one)
        self.curve_place.setVisible(one)
        self.legend.setText(LEGEND_1D if one else LEGEND)
        f = self.plotted_function()
        try:
            axes = [_samples(lo, hi, CURVE_SAMPLES if one else GRID) for lo, hi in self.session.box()]
        except ValueError as exc:
            self._show_notice(str(exc))
            for place in (self.surface_place, self.contour_place, self.curve_place):
                place.say("")   # the notice says why there is no picture
            return False
        if self.notice.text().startswith(RANGE_NOTICE):
            self._show_notice("")
        self.model.set_view_box(self.session.box())
        if self.defer_views():
            return True   # drawn at the end of the batch, over the next turns
        if one:
            xs, = axes
            self._curve_values = f(xs)
            self.curve_view.set_curve(xs, self._curve_values, labels=(self.session.axes[0], "f"))
            self.curve_place.reveal()
            self._curve_extent = self.curve_view.extent
            self.race1d.set_curve_function(f)
            self._fit_curve_to_race()
            return True
        xs, ys = axes
        box = self.session.box()
        zs = sampled[1] if sampled is not None and sampled[0] == box else self.sample_surface(f, xs, ys)
        self.surface_view.set_surface(xs, ys, zs, labels=(*self.session.axes, "f"))
        self.race3d.set_surface_function(f)
        if not in_turns:
            self.surface_place.reveal()
            self.draw_contours(xs, ys, zs)
        return True

    def draw_contours(self, xs, ys, zs) -> None:
        self.contour_view.set_field(xs, ys, zs, labels=tuple(self.session.axes))
        self.contour_place.reveal()

    @staticmethod
    def sample_surface(f, xs, ys) -> np.ndarray:
        gx, gy = np.meshgrid(xs, ys, indexing="ij")
        return f(gx, gy)

    def _fit_curve_to_race(self, *_args) -> None:
        """The curve view's values span what the race can visit, from the lowest value in view up to a little above
        the highest start, rather than steep walls far above (a curve of f < 6 squashed flat under walls at 230)."""
        if not self.one_variable() or self._curve_extent is None or not self.model.runs:
            return
        x0, x1, y0, y1 = self._curve_extent
        f = self.plotted_function()
        starts = f(np.array([float(r.start[0]) for r in self.model.runs]))
        curve = self._curve_values[np.isfinite(self._curve_values)]
        starts = starts[np.isfinite(starts)]
        if starts.size == 0 or curve.size == 0:
            return
        bottom, top = min(float(curve.min()), float(starts.min())), float(starts.max())
        span = max(top - bottom, 0.02 * (float(curve.max()) - float(curve.min())), 1e-9)
        extent = (x0, x1, max(y0, bottom - 0.08 * span), min(y1, top + 0.5 * span))
        if extent != self.curve_view.extent:
            self.curve_view.extent = extent
            self.curve_view.reset_view()

    def plotted_function(self):
        """The plotted function as a vectorized f(X) or f(X, Y) (non-finite where it is undefined)."""
        expression, axes = self.session.plotted_expression(), self.session.axes

        def f(*coordinates):
            with np.errstate(all="ignore"):
                z = expression.evaluate({a: np.asarray(c, dtype=np.float64) for a, c in zip(axes, coordinates)})
            return np.broadcast_to(np.asarray(z, dtype=np.float64), np.shape(coordinates[0])).copy()
        return f

    def default_start(self, objective=None) -> np.ndarray:
        """The selected point where f is defined there; else a point in view where f is defined and not critical."""
        objective = self.model.objective if objective is None else objective
        point = self.session.point
        preferred = point if point is not None and len(point) == len(objective.variables) else None
        key = (id(objective), tuple(map(tuple, self.session.box())), None if preferred is None else tuple(preferred))
        if self._start_choice is None or self._start_choice[0] != key or self._start_choice[1] is not objective:
            # the same question is asked twice when a new function comes with a new race: answered once
            self._start_choice = (key, objective, choose_start(objective, self.session.box(), preferred,
                                                               objective.variables))
        choice = self._start_choice[2]
        self.panel.start_box.show_note(choice.note)
        return np.array(choice.point, dtype=np.float64)

    def _add_default_race(self) -> None:
        start = self.default_start()
        with self._one_redraw():
            for method in RACE:
                self.model.add_run(RunSpec(method, self.model.default_hyper(method), self.model.next_colour(),
                                           start, auto_lr=True, auto_start=True))
        self.panel.select_run(self.model.runs[0].run_id)
        self.panel.show_start(start)

    def _show_fixed(self) -> None:
        """Say which variables the runs do not move, and their values (they shape the surface being descended)."""
        fixed = self.session.fixed
        held = ", ".join(f"{name} = {value:g}" for name, value in fixed.items())
        axes = ", ".join(self.session.axes)
        self.fixed_label.setText(f"Descending over {axes}; {held} held fixed" if fixed else "")
        self.fixed_label.setVisible(bool(fixed))

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # --- drawing ----------------------------------------------------------------------------------------------
    def redraw(self, *_args) -> None:
        if self._redraws_held:
            self._redraw_due = True
            return
        self._draw_frame()
        if self.isVisible():
            self._one_paint.flush(self.window())   # the plots' changes: one repaint of the window for all

    def _draw_frame(self) -> None:
        frames = self.frames.frames(self.session.box(), self.step_limit, glide=self.player.glide_for)
        if self.one_variable():
            self.race1d.draw(frames)
        else:
            self.race3d.draw(frames)
            self.race2d.draw(frames)
        self.loss_plot.draw(frames)
        self.loss_place.reveal()
        if self.exporting():
            return   # the eigen-error plot and Newton's text are not in the exported frames: they wait
        self.eigen_plot.draw(frames)
        self.eigen_place.reveal()
        text = newton_text(newton_frame(frames), self.model.objective.variables)
        if text != self.newton_label.text():
            self.newton_label.setText(text)
            self.newton_label.setToolTip(text)   # the whole text, should a narrow window cut it

    # --- demo (README frame) ----------------------------------------------------------------------------------
    def demo(self, steps: int = 120) -> None:
        """GD, momentum, Adam and Newton racing down Rosenbrock from (−1.2, 1), ``steps`` steps in."""
        self.catch_up()
        self.session.set_function("(1-x)^2 + 100*(y-x^2)^2", axes=("x", "y"))
        self.session.set_range("x", -2.0, 2.0)
        self.session.set_range("y", -1.0, 3.0)
        self.catch_up()   # a hidden workspace applies the new function now, before runs are added on it
        tuned = {"gd": {"lr": 0.001}, "momentum": {"lr": 0.001, "momentum": 0.9},
                 "adam": {"lr": 0.2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, "newton": {"lr": 1.0, "damping": 0.0}}
        for run in list(self.model.runs):
            self.model.remove_run(run.run_id)
        for method in RACE:
            self.model.add_run(RunSpec(method, tuned[method], self.model.next_colour(), np.array([-1.2, 1.0])))
        self.panel.select_run(self.model.runs[-1].run_id)
        self.loss_plot.log_check.setChecked(True)
        self.model.step(steps)
        self.undo_stack.clear()



def _in_box(point, box) -> bool:
    return len(point) == len(box) and all(lo <= v <= hi for v, (lo, hi) in zip(point, box))


def _samples(lo: float, hi: float, n: int) -> np.ndarray:
    """n points across [lo, hi]; ValueError (a message for the user) when the range is too wide to sample."""
    with np.errstate(over="ignore", invalid="ignore"):
        xs = np.linspace(lo, hi, n)
    if not np.all(np.isfinite(xs)):
        raise ValueError(f"{RANGE_NOTICE} [{lo:g}, {hi:g}]: it is too wide to sample.")
    return xs
