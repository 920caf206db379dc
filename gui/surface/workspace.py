"""The Surface workspace: type or pick a function; see its surface, contours and gradient field; inspect a point,
its Taylor models and their errors; find the critical points in view.

Everything shown follows the Session's signals; every user edit of the Session goes through ``undo_stack``.
Redraws are coalesced: several Session signals in one gesture cause one redraw.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (QLabel, QScrollArea, QSplitter, QStackedWidget, QTabWidget, QVBoxLayout,
                               QWidget)

from engine.analysis.critical import critical_points
from engine.analysis.taylor import analyze_point
from gui.surface import document as doc
from gui.surface.approximation import ApproximationPanel
from gui.surface.commands import (ChangeFunctionCommand, MovePointCommand, SetFixedCommand, SetRangeCommand)
from gui.surface.controls import ViewControls
from gui.surface.critical_panel import CriticalPanel
from gui.surface.file_command import OpenSurfaceCommand
from gui.surface.function_bar import FunctionBar
from gui.surface.inspector import PointInspector
from gui.surface.overlays import Overlays
from gui.surface.point_context import point_context
from gui.surface.presets import find_preset, load_presets
from gui.surface.sampling import sample_curve, sample_gradient, sample_surface
from gui.views.contour_view import ContourView
from gui.views.curve_view import CurveView
from gui.views.surface_view import SurfaceView
from engine.expr.numbers import format_number

SHORTCUTS = [("Enter", "Draw the typed function"), ("Click / drag (contour view)", "Select / move the point"),
             ("Drag (3D view)", "Orbit; wheel zooms; Ctrl+drag pans"), ("G", "Gradient field on/off"),
             ("Ctrl+F", "Find critical points in view")]


class SurfaceWorkspace(QWidget):
    status_message = Signal(str)               # "" withdraws this workspace's last message (see gui.main_window)
    open_as_graph_requested = Signal(object)   # the session's Expression, to expand in the Graph workspace
    file_path_changed = Signal(str)            # the file being edited, "" for none (follows undo of an Open)
    file_filter = doc.FILE_FILTER

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.undo_stack = QUndoStack(self)
        self.presets = load_presets()
        self.analysis = None
        self.field = None
        self._plotted = session.plotted_expression()
        self._pending: set[str] = set()
        self._preset_key: str | None = None    # the last preset chosen, whose note is shown while it is drawn
        self._field_note = ""                   # the status message about the drawn field (gaps, clipping)
        self._critical_note_shown = False       # the status bar shows what the last critical-point search found
        self.file_path = ""                     # the file opened or saved last, as undo and redo leave it
        self._build()
        self.overlays = Overlays(self.surfaceView, self.contourView, self.curveView)
        self._connect()
        self._on_function_changed()

    # --- construction -----------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.function_bar = FunctionBar(self.presets, self)
        self.expressionEdit, self.expressionError = self.function_bar.expressionEdit, self.function_bar.expressionError
        self.controls = ViewControls(self)
        self.surfaceView = SurfaceView(self)
        self.surfaceView.setObjectName("surfaceView")
        self.contourView = ContourView(self)
        self.contourView.setObjectName("contourView")
        self.curveView = CurveView(self)
        self.curveView.setObjectName("curveView")
        pair = QSplitter(Qt.Orientation.Horizontal, self)
        pair.addWidget(self.surfaceView)
        pair.addWidget(self.contourView)
        pair.setSizes([560, 440])
        self.views = QStackedWidget(self)
        self.views.addWidget(pair)
        self.views.addWidget(self.curveView)
        self.cursorLabel = QLabel(self)
        self.cursorLabel.setStyleSheet("color: #a0a8b8;")
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.views, 1)
        left_layout.addWidget(self.cursorLabel)
        main = QSplitter(Qt.Orientation.Horizontal, self)
        main.addWidget(left)
        main.addWidget(self._build_side())
        main.setStretchFactor(0, 1)
        main.setSizes([1000, 380])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.function_bar)
        layout.addWidget(self.controls)
        layout.addWidget(main, 1)

    def _build_side(self) -> QWidget:
        self.inspector = PointInspector(self)
        self.approximation = ApproximationPanel(self)
        self.critical = CriticalPanel(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.inspector)
        self.side = QTabWidget(self)
        self.side.setObjectName("sideTabs")
        self.side.addTab(scroll, "Inspect")
        self.side.addTab(self.approximation, "Approximation")
        self.side.addTab(self.critical, "Critical points")
        return self.side

    def _connect(self) -> None:
        s = self.session
        s.function_changed.connect(self._on_function_changed)
        s.domain_changed.connect(self._on_domain_changed)
        s.point_changed.connect(lambda: self._schedule("point"))
        self.function_bar.submitted.connect(self.set_function_text)
        self.function_bar.preset_chosen.connect(self.apply_preset)
        self.function_bar.history_requested.connect(
            lambda action: self.undo_stack.undo() if action == "undo" else self.undo_stack.redo())
        self.function_bar.open_as_graph_clicked.connect(lambda: self.open_as_graph_requested.emit(s.expression))
        c = self.controls
        c.ranges_edited.connect(lambda ranges: self.undo_stack.push(SetRangeCommand(s, ranges)))
        c.resolution_changed.connect(lambda _n: self._schedule("field"))
        c.axes_chosen.connect(lambda axes: self.undo_stack.push(ChangeFunctionCommand(
            s, s.expression, text=s.text, axes=axes, fixed=s.fixed, objective_source=s.objective_source,
            label=f"Axes {', '.join(axes)}")))
        c.fixed_moved.connect(lambda n, v, dragging: self.undo_stack.push(SetFixedCommand(s, n, v, dragging=dragging)))
        c.fixed_released.connect(lambda _n: self._end_merge())
        c.gradient_field_toggled.connect(self._on_gradient_field_toggled)
        c.reset_view_clicked.connect(self.reset_view)
        for view in (self.contourView, self.curveView):
            view.point_clicked.connect(self._on_view_clicked)
            view.point_dragged.connect(lambda x, y: self._move_point(x, y, dragging=True))
            view.drag_finished.connect(lambda _x, _y: self._end_merge())
        self.contourView.cursor_moved.connect(self._on_cursor_moved)
        self.surfaceView.mapping_changed.connect(lambda: self._schedule("overlays"))
        self.inspector.point_entered.connect(lambda p: self.undo_stack.push(MovePointCommand(s, p)))
        self.inspector.overlay_toggled.connect(lambda _k, _v: self._schedule("overlays"))
        self.critical.search_requested.connect(self.find_critical_points)
        self.critical.point_selected.connect(lambda p: self.undo_stack.push(MovePointCommand(s, p)))
        self.critical.results_changed.connect(self._on_critical_results)
        # on the workspace, not on the button: the button sits in a tab that is often hidden
        find = QShortcut(QKeySequence("Ctrl+F"), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.find_critical_points)

    # --- user actions (all undoable) -----------------------------------------------------------------------------
    def set_function_text(self, text: str) -> None:
        if text.strip() == self.session.text and self.field is not None:
            return
        self.undo_stack.push(ChangeFunctionCommand(self.session, text))

    def set_function_from(self, expression, *, axes, fixed, objective_source, label: str, point=None) -> None:
        """Draw a function another workspace built (e.g. a chain-rule graph's output) as ONE undo step, with
        ``point`` (on ``axes``) selected when it is finite; undo brings back the previous function, axes, fixed
        values, objective source and point. ValueError (nothing changes) when the axes are not variables of
        ``expression``."""
        names = expression.variables
        unknown = [a for a in axes if a not in names]
        if unknown or len(set(axes)) != len(axes) or not 1 <= len(axes) <= 2:
            raise ValueError(f"cannot plot over {', '.join(axes)}: choose one or two distinct variables of "
                             f"the function ({', '.join(names)})")
        if point is not None and not all(np.isfinite(point)):
            point = None   # a non-finite input value: the function is drawn, no point is selected
        self.undo_stack.push(ChangeFunctionCommand(self.session, expression, axes=tuple(axes), fixed=dict(fixed),
                                                   objective_source=objective_source, point=point, label=label))

    def apply_preset(self, preset_or_name) -> None:
        preset = preset_or_name if hasattr(preset_or_name, "formula") else find_preset(self.presets, preset_or_name)
        from engine import parse
        names = parse(preset.formula).variables
        axes = names if len(names) <= 2 else names[:2]
        self.undo_stack.push(ChangeFunctionCommand(
            self.session, preset.formula, axes=axes, fixed=preset.fixed, domain=preset.domain, point=preset.point,
            label=f"Preset {preset.name}"))
        self._preset_key = preset.key
        self._show_note()

    def preset_names(self) -> list[str]:
        return [p.key for p in self.presets]

    def _on_view_clicked(self, x: float, y: float) -> None:
        self._move_point(x, y, dragging=False)

    def _move_point(self, x: float, y: float, *, dragging: bool) -> None:
        point = (x,) if len(self.session.axes) == 1 else (x, y)
        if not np.all(np.isfinite(point)):
            return
        self.undo_stack.push(MovePointCommand(self.session, point, dragging=dragging))

    def _end_merge(self) -> None:
        """The drag is over: the next move is a new undo step."""
        top = self.undo_stack.command(self.undo_stack.index() - 1)
        if top is not None and hasattr(top, "end_drag"):
            top.end_drag()

    def find_critical_points(self) -> None:
        self.side.setCurrentWidget(self.critical)
        self.critical.start(self._plotted, self.session.axes, self.session.box())

    # --- following the session ------------------------------------------------------------------------------------
    def _on_function_changed(self) -> None:
        s = self.session
        self._plotted = s.plotted_expression()
        self.function_bar.set_text(s.text)
        self._show_note()
        self.controls.sync(s, {n: s.domain.get(n, (-2.0, 2.0)) for n in s.fixed})
        if getattr(self, "_step_dimension", None) != len(s.axes):
            self._step_dimension = len(s.axes)
            self.approximation.set_default_step(len(s.axes))
            self.inspector.directionEdit.setText(", ".join(["1"] + ["0"] * (len(s.axes) - 1)))
        self.critical.cancel()
        self.critical.clear_results()
        self._schedule("field")

    def _show_note(self) -> None:
        """A preset's note only while its function is drawn (undo and redo included)."""
        drawn = [p for p in self.presets if p.formula.strip() == self.session.text]
        drawn.sort(key=lambda p: p.key != self._preset_key)
        self.function_bar.set_note(drawn[0].note if drawn else "")

    def _on_domain_changed(self) -> None:
        s = self.session
        self.controls.sync(s, {n: s.domain.get(n, (-2.0, 2.0)) for n in s.fixed})
        self.critical.cancel()
        self.critical.clear_results()
        self._schedule("field")

    def _on_critical_results(self, results) -> None:
        """Say what was found; once the results are cleared (a new function or domain), withdraw that message."""
        if results:
            self.status_message.emit(f"{self.critical.summary_text()} in view.")
        elif self._critical_note_shown:
            self.status_message.emit("")
        self._critical_note_shown = bool(results)
        self._schedule("overlays")

    def _on_gradient_field_toggled(self, shown: bool) -> None:
        self.contourView.show_gradient_field(shown)
        self._schedule("field")

    def _schedule(self, what: str) -> None:
        if not self._pending:
            QTimer.singleShot(0, self.flush)
        self._pending.add(what)

    def flush(self) -> None:
        """Draw whatever is pending now (also used where a picture is needed at once: screenshots, benchmarks)."""
        pending, self._pending = self._pending, set()
        if "field" in pending:
            self._draw_field()
        if pending & {"field", "point"}:
            self._analyze_point()
        if pending:
            self._draw_overlays()

    def _draw_field(self) -> None:
        s = self.session
        f, axes, box = self._plotted, s.axes, s.box()
        n = self.controls.resolutionSpin.value()
        one_variable = len(axes) == 1
        self.views.setCurrentIndex(1 if one_variable else 0)
        if one_variable:
            xs, ys = sample_curve(f, axes[0], box, n)
            self.curveView.set_curve(xs, ys, (axes[0], "f"))
            self.field, missing, total = None, int(np.sum(~np.isfinite(ys))), ys.size
        else:
            self.field = sample_surface(f, axes, box, n)
            self.surfaceView.set_surface(self.field.xs, self.field.ys, self.field.zs, (axes[0], axes[1], "f"))
            self.contourView.set_field(self.field.xs, self.field.ys, self.field.zs, (axes[0], axes[1]))
            if self.controls.gradientFieldBox.isChecked():
                self.contourView.set_gradient_field(*sample_gradient(f, axes, box))
            missing, total = self.field.nonfinite_count, self.field.zs.size
        self._set_field_note(
            f"f is undefined (NaN or ±∞) at {missing} of {total} samples: shown as gaps." if missing else
            "Very large values were clipped so the rest of the surface stays readable."
            if not one_variable and self.surfaceView.clipped else "")

    def _set_field_note(self, note: str) -> None:
        """Say what is odd about the drawn field, and withdraw the message once a clean field is drawn."""
        if note or self._field_note:
            self.status_message.emit(note)
        self._field_note = note

    def _analyze_point(self) -> None:
        s = self.session
        self.analysis = None
        if s.point is not None:
            try:
                self.analysis = analyze_point(self._plotted, s.point, s.axes)
            except (ValueError, np.linalg.LinAlgError) as error:
                self.status_message.emit(f"Cannot analyse this point: {error}")
        self.inspector.show_analysis(self.analysis, s.axes, point_context(s, self._plotted))
        self.approximation.show_point(self._plotted, self.analysis)

    def _draw_overlays(self) -> None:
        self.overlays.draw(self.analysis, self.inspector.overlays_shown(), self.critical.results,
                           self.session.box(), len(self.session.axes) == 1, self._values_on_set)

    def _values_on_set(self, _critical, samples: np.ndarray) -> np.ndarray:
        """f at the samples of a set of critical points (rows in the plotted axes' order)."""
        env = {name: samples[:, i] for i, name in enumerate(self.session.axes)}
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(self._plotted.evaluate(env), dtype=np.float64), (len(samples),))

    def _on_cursor_moved(self, x: float, y: float) -> None:
        s = self.session
        if len(s.axes) != 2:
            return
        with np.errstate(all="ignore"):
            value = float(self._plotted.evaluate({s.axes[0]: x, s.axes[1]: y}))
        self.cursorLabel.setText(f"{s.axes[0]} = {format_number(x, 4)}, {s.axes[1]} = {format_number(y, 4)}, "
                                 f"f = {format_number(value, 6)}")

    # --- window protocol (see gui.main_window) --------------------------------------------------------------------
    def export_widget(self) -> QWidget:
        return self.curveView if len(self.session.axes) == 1 else self.surfaceView

    def reset_view(self) -> None:
        self.surfaceView.reset_camera()
        self.contourView.reset_view()
        self.curveView.reset_view()

    def shortcuts(self) -> list[tuple[str, str]]:
        return SHORTCUTS

    def open_file(self, path: str) -> None:
        """One undo step, which also restores the grid, the overlays and the file path (see OpenSurfaceCommand)."""
        self.undo_stack.push(OpenSurfaceCommand(self, doc.load_document(path), path))

    def view_settings(self) -> tuple[int, dict[str, bool]]:
        return self.controls.resolutionSpin.value(), self.inspector.overlays_shown()

    def apply_view_settings(self, resolution: int, overlays: dict[str, bool]) -> None:
        self.controls.resolutionSpin.setValue(resolution)
        for key, shown in overlays.items():
            if key in self.inspector.overlay_boxes:
                self.inspector.set_overlay(key, shown)

    def set_file_path(self, path: str) -> None:
        if path != self.file_path:
            self.file_path = path
            self.file_path_changed.emit(path)

    def save_file(self, path: str) -> None:
        """ValueError (nothing written) when the function's text would not read back, e.g. a large graph's."""
        s = self.session
        doc.check_function_text(s.text, from_graph=s.objective_source is not None)
        doc.save_document(doc.SurfaceDocument(
            s.text, s.axes, dict(s.fixed), {a: s.domain[a] for a in s.variables if a in s.domain},
            None if s.point is None else tuple(map(float, s.point)), self.controls.resolutionSpin.value(),
            self.inspector.overlays_shown()), path)
        self.set_file_path(path)

    def demo(self) -> None:
        """The chapter's Taylor example at (−1, 0) (the preset's point), overlays on and critical points found: for
        docs screenshots."""
        self.apply_preset("gaussian-bump")
        for key in ("gradient", "tangent", "quadratic"):
            self.inspector.set_overlay(key, True)
        self.controls.gradientFieldBox.setChecked(True)
        self.flush()
        self.critical.set_results(critical_points(self._plotted, self.session.box(), self.session.axes),
                                  self.session.axes)
        self.side.setCurrentIndex(0)
        self.flush()

    def shutdown(self) -> None:
        self.critical.shutdown()

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)
