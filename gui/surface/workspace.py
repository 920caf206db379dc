"""The Surface workspace: type or pick a function; see its surface, contours and gradient field; inspect a point,
its Taylor models and their errors; find the critical points in view.

Everything shown follows the Session's signals; every user edit of the Session goes through ``undo_stack``.
Redraws are coalesced: several Session signals in one gesture cause one redraw.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import QWidget

from engine import parse
from engine.analysis.taylor import analyze_point
from gui.surface import document as doc
from gui.surface.commands import (ChangeFunctionCommand, MovePointCommand, SetFixedCommand, SetRangeCommand)
from gui.surface.cursor_readout import CursorReadout
from gui.surface.file_command import SurfaceFile
from gui.surface.overlays import Overlays
from gui.surface.point_context import point_context
from gui.surface.preparing import FunctionPreparer
from gui.surface.presets import find_preset, load_presets
from gui.surface.fitting import ViewFitting
from gui.surface.layout import build_curve_view, build_workspace
from gui.surface.slice_overlay import SliceOverlay
from gui.surface.surface_pick import SurfacePicker
from gui.surface.sampling import sample_curve, sample_gradient, sample_surface
from gui.views.redraw_turns import RedrawTurns

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
        self.plotted = session.plotted_expression()
        self._pending: set[str] = set()
        self._preset_key: str | None = None    # the last preset chosen, whose note is shown while it is drawn
        self._field_note = ""                   # the status message about the drawn field (gaps, clipping)
        self._critical_note_shown = False       # the status bar shows what the last critical-point search found
        self.fitting = ViewFitting(self)
        self.file = SurfaceFile(self)           # the file opened or saved last, as undo and redo leave it
        self.file.path_changed.connect(self.file_path_changed)
        self._curve_view = None                 # built when a one-variable function is first drawn (curveView)
        self.turns = RedrawTurns(self)          # a redraw from the event loop runs in pieces, one per turn
        build_workspace(self)
        self.overlays = Overlays(self.surfaceView, self.contourView, lambda: self.curveView)
        self.slice_overlay = SliceOverlay(self.surfaceView, self.contourView, self)
        self.picker = SurfacePicker(self.surfaceView, self._evaluate_plotted, self)
        self.cursor_readout = CursorReadout(self.cursorLabel, session, lambda: self.plotted)
        self._connect()
        # the inspector's formulas are worked out on a worker once the views are drawn (gui/surface/formula_view.py)
        self.inspector.formula_rows.hold_back = lambda: bool(self._pending) or self.turns.busy
        self._on_function_changed()

    def _connect(self) -> None:
        s = self.session
        s.function_changed.connect(self._on_function_changed)
        s.domain_changed.connect(self._on_domain_changed)
        s.point_changed.connect(lambda: self._schedule("point"))
        self.function_bar.submitted.connect(self.set_function_text)
        self.preparer = FunctionPreparer.for_workspace(self)
        self.function_bar.preset_chosen.connect(self.apply_preset)
        self.function_bar.history_requested.connect(
            lambda action: self.undo_stack.undo() if action == "undo" else self.undo_stack.redo())
        self.function_bar.open_as_graph_clicked.connect(lambda: self.open_as_graph_requested.emit(s.expression))
        c = self.controls
        c.ranges_edited.connect(lambda ranges: self.undo_stack.push(SetRangeCommand(s, ranges)))
        c.resolution_changed.connect(lambda _n: self._schedule("field"))
        c.axes_chosen.connect(lambda axes: self.change_function(s.expression, lambda: ChangeFunctionCommand(
            s, s.expression, text=s.text, axes=axes, objective_source=s.objective_source,
            label=f"Axes {', '.join(axes)}"), axes=axes))
        c.fixed_moved.connect(lambda n, v, dragging: self.undo_stack.push(SetFixedCommand(s, n, v, dragging=dragging)))
        c.fixed_released.connect(lambda _n: self._end_merge())
        c.gradient_field_toggled.connect(self._on_gradient_field_toggled)
        c.reset_view_clicked.connect(self.reset_view)
        self._connect_picking(self.contourView)
        self.contourView.cursor_moved.connect(self.cursor_readout.moved)
        self.surfaceView.mapping_changed.connect(lambda: self._schedule("overlays"))
        self.inspector.point_entered.connect(lambda p: self.undo_stack.push(MovePointCommand(s, p)))
        self.inspector.show_point_requested.connect(self.fitting.show_selected_point)
        self.inspector.overlay_toggled.connect(lambda _k, _v: self._schedule("overlays"))
        self.critical.search_requested.connect(self.find_critical_points)
        self.critical.point_selected.connect(lambda p: self.undo_stack.push(MovePointCommand(s, p)))
        self.critical.results_changed.connect(self._on_critical_results)
        self.critical.fit_requested.connect(self.fitting.fit_to_critical_points)
        self.inspector.direction_changed.connect(lambda _u: self._schedule("overlays"))
        self.slices.shown_on_views_changed.connect(lambda _on: self._schedule("overlays"))
        self.side.currentChanged.connect(lambda _i: self._schedule("overlays"))
        self.slice_overlay.direction_dragged.connect(self.inspector.set_direction)
        self.picker.picked.connect(self._on_view_clicked)
        # on the workspace, not on the button: the button sits in a tab that is often hidden
        find = QShortcut(QKeySequence("Ctrl+F"), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.find_critical_points)

    def _connect_picking(self, view) -> None:
        view.point_clicked.connect(self._on_view_clicked)
        view.point_dragged.connect(lambda x, y: self._move_point(x, y, dragging=True))
        view.drag_finished.connect(lambda _x, _y: self._end_merge())

    @property
    def curveView(self):
        """The view of a function of one variable, built the first time it is needed (not in the first picture)."""
        if self._curve_view is None:
            self._curve_view = build_curve_view(self)
            self._connect_picking(self._curve_view)
        return self._curve_view

    # --- user actions (all undoable) -----------------------------------------------------------------------------
    def change_function(self, f, make_command, *, axes=None, fixed=None, domain=None, then=None) -> None:
        """Every new function comes in here (typed, a preset, a file, another workspace, the tour): the undo step
        ``make_command()`` that draws Expression ``f`` is pushed at once when ``f`` is small, or once the preparer's
        worker has made a big one quick to draw (see gui/surface/preparing.py); then ``then(command)`` runs. The
        step is made when pushed, so it takes back the state of that moment."""
        def apply():
            command = make_command()
            self.undo_stack.push(command)
            if then is not None:
                then(command)
        self.preparer.bring(f, apply, axes=axes, fixed=fixed, domain=domain)

    def set_function_text(self, text: str) -> None:
        """Draw typed text (ParseError, nothing changed, when it is not a formula)."""
        if text.strip() == self.session.text and self.field is not None:
            self.preparer.cancel()
            return
        self.change_function(parse(text), lambda: ChangeFunctionCommand(self.session, text),
                             then=self.fitting.search_near_typed_curve)

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
        self.change_function(expression, lambda: ChangeFunctionCommand(
            self.session, expression, axes=tuple(axes), fixed=dict(fixed), objective_source=objective_source,
            point=point, label=label), axes=axes, fixed=fixed)

    def apply_preset(self, preset_or_name) -> None:
        preset = preset_or_name if hasattr(preset_or_name, "formula") else find_preset(self.presets, preset_or_name)
        f = parse(preset.formula)
        axes = f.variables if len(f.variables) <= 2 else f.variables[:2]

        def shown(_command) -> None:
            self._preset_key = preset.key
            self._show_note()
        self.change_function(f, lambda: ChangeFunctionCommand(
            self.session, preset.formula, axes=axes, fixed=preset.fixed, domain=preset.domain, point=preset.point,
            label=f"Preset {preset.name}"), axes=axes, fixed=preset.fixed, domain=preset.domain, then=shown)

    def show_side_panel(self, panel: QWidget) -> None:
        """Bring the side tab that holds ``panel`` (inside its scroll area) to the front."""
        for i in range(self.side.count()):
            if self.side.widget(i).widget() is panel:
                self.side.setCurrentIndex(i)

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
        self.show_side_panel(self.critical)
        self.critical.start(self.plotted, self.session.axes, self.session.box())

    # --- following the session ------------------------------------------------------------------------------------
    def _on_function_changed(self) -> None:
        s = self.session
        self.plotted = s.plotted_expression()
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
        if self.fitting.take_results(results):
            return
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
            self.turns.later(self.flush)
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
            self._pending.discard("overlays")   # a mapping changed while drawing (set_surface): drawn already
        self.turns.end_redraw()

    def _draw_field(self) -> None:
        s = self.session
        f, axes, box = self.plotted, s.axes, s.box()
        n = self.controls.resolutionSpin.value()
        one_variable = len(axes) == 1
        self.views.setCurrentIndex(self.views.indexOf(self.curveView) if one_variable else 0)
        if one_variable:
            xs, ys = sample_curve(f, axes[0], box, n)
            self.curveView.set_curve(xs, ys, (axes[0], "f"))
            self.field, missing, total = None, int(np.sum(~np.isfinite(ys))), ys.size
        else:
            self.field = sample_surface(f, axes, box, n)
            self.surfaceView.set_surface(self.field.xs, self.field.ys, self.field.zs, (axes[0], axes[1], "f"))
            self.turns.add("contours", lambda field=self.field: self._draw_contours(field, f, axes, box))
            missing, total = self.field.nonfinite_count, self.field.zs.size
        values = np.abs(ys if one_variable else self.field.zs)
        self.critical.value_scale = float(np.max(values[np.isfinite(values)], initial=0.0))
        self.cursor_readout.show()
        self._set_field_note(
            f"f is undefined (NaN or ±∞) at {missing} of {total} samples: shown as gaps." if missing else
            "Very large values were clipped so the rest of the surface stays readable."
            if not one_variable and self.surfaceView.clipped else "")

    def _draw_contours(self, field, f, axes, box) -> None:
        self.contourView.set_field(field.xs, field.ys, field.zs, (axes[0], axes[1]))
        if self.controls.gradientFieldBox.isChecked():
            self.contourView.set_gradient_field(*sample_gradient(f, axes, box))

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
                self.analysis = analyze_point(self.plotted, s.point, s.axes)
            except (ValueError, np.linalg.LinAlgError) as error:
                self.status_message.emit(f"Cannot analyse this point: {error}")
        self.inspector.show_analysis(self.analysis, s.axes, point_context(s, self.plotted))
        self.inspector.show_outside(self.fitting.outside_text())
        self.approximation.show_point(self.plotted, self.analysis)

    def _draw_overlays(self) -> None:
        self.overlays.draw(self.analysis, self.inspector.overlays_shown(), self.critical.results,
                           self.session.box(), len(self.session.axes) == 1, self._values_on_set)
        self._draw_slices()

    def _draw_slices(self) -> None:
        """The Slices panel, and the slices on the views, while that panel is shown."""
        if self.side.currentWidget().widget() is not self.slices:
            self.slice_overlay.hide()
            return
        s, direction = self.session, self.inspector.direction
        found = self.slices.show_point(self.plotted, s.axes, self.analysis, s.box(), direction)
        if found and self.slices.showOnViews.isChecked():
            self.slice_overlay.draw(found, self.analysis.point, self.slices.direction, s.box())
        else:
            self.slice_overlay.hide()

    def _evaluate_plotted(self, xs, ys):
        """f drawn now at points of the two plotted axes (for picking on the 3D surface)."""
        a = self.session.axes
        return self.plotted.evaluate({a[0]: xs, a[1]: ys}) if len(a) == 2 else np.full_like(xs, np.nan)

    def _values_on_set(self, _critical, samples: np.ndarray) -> np.ndarray:
        """f at the samples of a set of critical points (rows in the plotted axes' order)."""
        env = {name: samples[:, i] for i, name in enumerate(self.session.axes)}
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(self.plotted.evaluate(env), dtype=np.float64), (len(samples),))

    # --- window protocol (see gui.main_window) --------------------------------------------------------------------
    def export_widget(self) -> QWidget:
        return self.curveView if len(self.session.axes) == 1 else self.surfaceView

    def reset_view(self) -> None:
        self.surfaceView.reset_camera()
        self.contourView.reset_view()
        if self._curve_view is not None:
            self._curve_view.reset_view()

    def shortcuts(self) -> list[tuple[str, str]]:
        return SHORTCUTS

    @property
    def file_path(self) -> str:
        """The file being edited ("" for none), owned by ``self.file`` and its undo history."""
        return self.file.path

    def open_file(self, path: str) -> None:
        """One undo step, which also restores the grid, the overlays and the file path (see OpenSurfaceCommand)."""
        self.file.open(path)

    def save_file(self, path: str) -> None:
        self.file.save(path)

    def view_settings(self) -> tuple[int, dict[str, bool]]:
        return self.controls.resolutionSpin.value(), self.inspector.overlays_shown()

    def apply_view_settings(self, resolution: int, overlays: dict[str, bool]) -> None:
        self.controls.resolutionSpin.setValue(resolution)
        for key, shown in overlays.items():
            if key in self.inspector.overlay_boxes:
                self.inspector.set_overlay(key, shown)

    def demo(self) -> None:
        """The chapter's Taylor example at (−1, 0) (the preset's point), overlays on and critical points found: for
        docs screenshots."""
        from engine.analysis.critical import critical_points
        self.apply_preset("gaussian-bump")
        for key in ("gradient", "tangent", "quadratic"):
            self.inspector.set_overlay(key, True)
        self.controls.gradientFieldBox.setChecked(True)
        self.flush()
        self.critical.set_results(critical_points(self.plotted, self.session.box(), self.session.axes),
                                  self.session.axes)
        self.side.setCurrentIndex(0)
        self.flush()

    def shutdown(self) -> None:
        self.turns.cancel()
        self.preparer.cancel()
        self.critical.shutdown()

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)
