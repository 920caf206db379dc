"""The Descent workspace: optimizers racing down the session's function, in 3D and on the contour map, with a loss
plot, Newton's quadratic model, and export to GIF/PNG.

The surface is sampled and uploaded once per function (or domain); each animation frame only moves trails and
markers. Keys: Space play/pause, → step, R reset, Delete removes the selected run.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton,
                               QScrollArea, QSplitter, QVBoxLayout, QWidget)

from gui.descent.compose import compose_frame
from gui.descent.export import GifExporter, frame_steps, save_image_atomically
from gui.descent.frames import FrameBuilder
from gui.descent.loss_plot import LossPlot, loss_values
from gui.descent.panel import RACE, OptimizerPanel
from gui.descent.player import Player
from gui.descent.runs import RunSpec, RunsModel
from gui.descent.scene2d import Race2D
from gui.descent.scene3d import Race3D
from gui.session import Session
from gui.views.contour_view import ContourView
from gui.views.surface_view import SurfaceView

GRID = 150
EXPORT_PRE_RUN = 200   # exporting before any step first plays the race this far
LEGEND = ("Trail and dots: iterates · ● current point · arrow: −∇f direction (fixed length) · dashed arrow: "
          "velocity (momentum) · ★ start · Newton: dashed level curves of its quadratic model, white arrow: the jump")


class DescentWorkspace(QWidget):
    title = "Descent"
    status_message = Signal(str)

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.setObjectName("descentWorkspace")
        self.session = session
        self.undo_stack = QUndoStack(self)
        self.model = RunsModel(session.objective(), self)
        self.player = Player(self.model, self)
        self.frames = FrameBuilder(self.model)
        self.step_limit: int | None = None   # show an earlier step than reached (GIF export replays this way)
        self.exporter: GifExporter | None = None
        self._build()
        self.race3d, self.race2d = Race3D(self.surface_view), Race2D(self.contour_view)
        self._connect()
        self._on_function_changed()
        self._add_default_race()

    # --- layout ---------------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.surface_view = SurfaceView()
        self.surface_view.setObjectName("descentSurfaceView")
        self.surface_view.setCameraPosition(distance=21.0)
        self.contour_view = ContourView()
        self.contour_view.setObjectName("descentContourView")
        self.contour_view.setToolTip("Click: set the start of the runs · right/middle drag: pan · wheel: zoom")
        self.loss_plot = LossPlot()
        self.newton_label = QLabel(objectName="newtonLabel", wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.newton_label.hide()
        self.notice = QLabel(objectName="descentNotice", wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        self.notice.hide()
        legend = QLabel(LEGEND, wordWrap=True)
        legend.setStyleSheet("color: palette(mid); font-size: 9pt;")
        self.views = QSplitter(Qt.Orientation.Horizontal)
        self.views.addWidget(self.surface_view)
        self.views.addWidget(self.contour_view)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        for w, stretch in ((self.views, 1), (self.notice, 0), (self.newton_label, 0), (legend, 0)):
            upper_layout.addWidget(w, stretch)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(upper)
        left.addWidget(self.loss_plot)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        self.panel = OptimizerPanel(self.model, self.player, self.undo_stack)
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

    def _build_export_box(self) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(6, 0, 6, 6)
        row = QHBoxLayout()
        self.gif_button = QPushButton("Export GIF…", objectName="exportGifButton")
        self.gif_button.setToolTip("Save the race, replayed from its start, as an animated GIF")
        self.gif_button.clicked.connect(self._ask_gif_path)
        self.png_button = QPushButton("Save frame…", objectName="exportPngButton")
        self.png_button.setToolTip("Save the current frame (3D, contour and loss) as a PNG")
        self.png_button.clicked.connect(self._ask_png_path)
        row.addWidget(self.gif_button)
        row.addWidget(self.png_button)
        v.addLayout(row)
        progress_row = QHBoxLayout()
        self.export_progress = QProgressBar(objectName="exportProgress")
        self.cancel_export_button = QPushButton("Cancel", objectName="cancelExportButton")
        self.cancel_export_button.clicked.connect(self.cancel_export)
        progress_row.addWidget(self.export_progress, 1)
        progress_row.addWidget(self.cancel_export_button)
        v.addLayout(progress_row)
        self.export_status = QLabel(objectName="exportStatus", wordWrap=True)
        v.addWidget(self.export_status)
        self._show_export_progress(False)
        return box

    def _connect(self) -> None:
        self.session.function_changed.connect(self._on_function_changed)
        self.session.domain_changed.connect(self._on_domain_changed)
        for signal in (self.model.runs_advanced, self.model.runs_reset, self.model.max_steps_changed):
            signal.connect(self.redraw)
        for signal in (self.model.run_added, self.model.run_removed, self.model.run_changed):
            signal.connect(self.redraw)
        self.contour_view.point_clicked.connect(lambda x, y: self.panel.apply_start((x, y)))
        keys = ((Qt.Key.Key_Space, self.player.toggle), (Qt.Key.Key_Right, self.player.step_once),
                (Qt.Key.Key_R, self.player.reset), (Qt.Key.Key_Delete, self.panel.remove_selected))
        for key, slot in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # --- the main window's workspace protocol ---------------------------------------------------------------
    def export_widget(self) -> QWidget:
        return self.surface_view

    def reset_view(self) -> None:
        self.surface_view.reset_camera()
        self.contour_view.reset_view()

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("Space", "Descent: play / pause the race"), ("→", "Descent: one step"),
                ("R", "Descent: reset every run to its start"), ("Delete", "Descent: remove the selected run"),
                ("Click on the contour map", "Descent: set the start point")]

    # --- the function -----------------------------------------------------------------------------------------
    def _on_function_changed(self) -> None:
        self.player.pause()
        self.frames.clear()
        try:
            objective = self.session.objective()
        except Exception as exc:  # a source that cannot build an objective leaves the race as it was
            self._show_notice(f"Cannot descend this function: {exc}")
            return
        self.panel.set_axes(self.session.axes)
        self._update_surface()
        self.model.set_objective(objective)
        self._move_starts_into_view()

    def _on_domain_changed(self) -> None:
        self._update_surface()
        self.redraw()

    def _update_surface(self) -> None:
        two_d = len(self.session.axes) == 2
        self.views.setVisible(two_d)
        self._show_notice("" if two_d else "The 3D and contour views need two plotted variables; the runs and the "
                          "loss plot still work for this function.")
        if not two_d:
            return
        (x0, x1), (y0, y1) = self.session.box()
        xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
        gx, gy = np.meshgrid(xs, ys, indexing="ij")
        f = self.surface_function()
        zs = f(gx, gy)
        labels = (*self.session.axes, "f")
        self.surface_view.set_surface(xs, ys, zs, labels=labels)
        self.contour_view.set_field(xs, ys, zs, labels=tuple(self.session.axes))
        self.race3d.set_surface_function(f)

    def surface_function(self):
        """The plotted function as a vectorized f(X, Y) (non-finite where it is undefined)."""
        expression, axes = self.session.plotted_expression(), self.session.axes

        def f(x, y):
            with np.errstate(all="ignore"):
                z = expression.evaluate({axes[0]: np.asarray(x, dtype=np.float64),
                                         axes[1]: np.asarray(y, dtype=np.float64)})
            return np.broadcast_to(np.asarray(z, dtype=np.float64), np.shape(x)).copy()
        return f

    def default_start(self) -> np.ndarray:
        if self.session.point is not None and len(self.session.point) == len(self.session.axes):
            return self.session.point.copy()
        box = self.session.box()
        fractions = (0.3, 0.8)
        return np.array([lo + fractions[i % 2] * (hi - lo) for i, (lo, hi) in enumerate(box)])

    def _move_starts_into_view(self) -> None:
        box = self.session.box()
        inside = lambda p: all(lo <= v <= hi for v, (lo, hi) in zip(p, box))  # noqa: E731
        for run in list(self.model.runs):
            if not inside(run.start):
                self.model.set_start(run.run_id, self.default_start())
        if self.model.runs:
            self.panel.select_run(self.panel.current_run_id())

    def _add_default_race(self) -> None:
        start = self.default_start()
        for method in RACE:
            self.model.add_run(RunSpec(method, self.model.default_hyper(method), self.model.next_colour(), start))
        self.panel.select_run(self.model.runs[0].run_id)
        self.panel.show_start(start)

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # --- drawing ----------------------------------------------------------------------------------------------
    def redraw(self, *_args) -> None:
        if len(self.session.axes) != 2:
            self.loss_plot.draw(self.frames.frames([(-np.inf, np.inf)] * 2, self.step_limit), loss_values(self.model))
            return
        frames = self.frames.frames(self.session.box(), self.step_limit)
        self.race3d.draw(frames)
        self.race2d.draw(frames)
        self.loss_plot.draw(frames, loss_values(self.model))
        self._explain_newton(frames)

    def _explain_newton(self, frames) -> None:
        lines = []
        for frame in frames:
            ex = frame.newton
            if ex is None:
                continue
            eig = ", ".join(f"{v:.3g}" for v in ex.hessian_eigenvalues)
            verdict = "has a minimum" if ex.has_minimum else "<b>has no minimum</b>"
            lines.append(f"<span style='color:{frame.colour}'>■</span> <b>Newton</b> at step {frame.step}: "
                         f"Hessian eigenvalues {eig} — the quadratic model {verdict}. {ex.message}.")
            break   # the views draw the first Newton run's model; explain that one
        self.newton_label.setText("<br>".join(lines))
        self.newton_label.setVisible(bool(lines))

    # --- export -----------------------------------------------------------------------------------------------
    def render_frame(self, step: int | None = None) -> QImage:
        """The picture of the race at ``step`` (None: as it is now), as exported."""
        self.step_limit = step
        self.redraw()
        surface = self.surface_view.grabFramebuffer()
        contour = self.contour_view.grab().toImage()
        loss = self.loss_plot.plot.grab().toImage()
        shown = max((min(r.steps, step if step is not None else r.steps) for r in self.model.runs), default=0)
        legend = [(r.colour, f"{r.label} {_short_status(r, step)}") for r in self.model.runs]
        return compose_frame(surface, contour, loss, f"{self.session.text}  ·  step {shown}", legend)

    def export_png(self, path: str) -> None:
        save_image_atomically(self.render_frame(None), path)

    def export_gif(self, path: str, frame_ms: int = 80) -> GifExporter:
        """Start a GIF export (returns the exporter; it reports progress, finished/failed/cancelled)."""
        if self.exporter is not None and self.exporter.running:
            raise RuntimeError("an export is already running")
        self.player.pause()
        if all(r.steps == 0 for r in self.model.runs):
            self.model.step(min(self.model.max_steps, EXPORT_PRE_RUN))
        last = max((r.steps for r in self.model.runs), default=0)
        self.exporter = GifExporter(self.render_frame, frame_steps(last), path, frame_ms, self)
        self.exporter.progressed.connect(self._on_export_progress)
        for signal, text in ((self.exporter.finished, "Saved {}"), (self.exporter.failed, "Export failed: {}"),
                             (self.exporter.cancelled, "Export cancelled{}")):
            signal.connect(lambda arg="", t=text: self._on_export_done(t.format(arg)))
        self._show_export_progress(True)
        self.export_progress.setRange(0, self.exporter.total)
        self.exporter.start()
        return self.exporter

    def cancel_export(self) -> None:
        if self.exporter is not None:
            self.exporter.cancel()

    def _on_export_progress(self, done: int, total: int) -> None:
        self.export_progress.setValue(done)
        self.export_status.setText(f"Rendering frame {done} of {total}…" if done < total else "Writing the GIF…")

    def _on_export_done(self, message: str) -> None:
        self.step_limit = None
        self.redraw()
        self._show_export_progress(False)
        self.export_status.setText(message)
        self.export_status.show()

    def _show_export_progress(self, shown: bool) -> None:
        for w in (self.export_progress, self.cancel_export_button):
            w.setVisible(shown)
        self.gif_button.setEnabled(not shown)
        if shown:
            self.export_status.show()

    def _ask_gif_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the race as a GIF", "descent.gif", "GIF images (*.gif)")
        if path:
            self.export_gif(path if path.lower().endswith(".gif") else path + ".gif")

    def _ask_png_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the current frame", "descent.png", "PNG images (*.png)")
        if not path:
            return
        try:
            self.export_png(path if path.lower().endswith(".png") else path + ".png")
        except OSError as exc:
            QMessageBox.warning(self, "Save frame", f"Could not save the image: {exc}")
            return
        self.export_status.setText(f"Saved {path}")

    # --- demo (README frame) ----------------------------------------------------------------------------------
    def demo(self, steps: int = 120) -> None:
        """GD, momentum, Adam and Newton racing down Rosenbrock from (−1.2, 1), ``steps`` steps in."""
        self.session.set_function("(1-x)^2 + 100*(y-x^2)^2", axes=("x", "y"))
        self.session.set_range("x", -2.0, 2.0)
        self.session.set_range("y", -1.0, 3.0)
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


def _short_status(run, step: int | None) -> str:
    if run.descent is None:
        return "(error)"
    shown = run.steps if step is None else min(step, run.steps)
    diverged = run.descent.diverged_at is not None and shown >= run.descent.diverged_at
    return "diverged" if diverged else f"f = {run.descent.values[shown]:.3g}"
