"""The Matrix workspace: type a vector/matrix expression, set its shapes and numbers, read its gradient in matrix
notation beside central differences, check your own answer, and descend on it.

It is a FileWorkspace (gui.workspace_protocol): undo_stack, file_filter/open_file/save_file with the open file's
path following undo, export_widget, apply_preset/preset_names, demo, status_message, shortcuts, shutdown. Everything
shown comes from the model (gui.matrix.model), whose state changes only through undoable commands.
"""
from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from engine.files import FileError
from engine.matrix.fileformat import FILE_FILTER, load_state, save_state
from engine.matrix.presets import find_preset, load_presets
from engine.matrix.workbench import randomized, with_cell
from gui.matrix.descend_panel import DescendPanel
from gui.matrix.expression_bar import ExpressionBar
from gui.matrix.gradient_panel import GradientPanel
from gui.matrix.model import MatrixModel
from gui.matrix.runner import DescentRunner
from gui.matrix.shapes_table import ShapesTable
from gui.matrix.values_panel import ValuesPanel
from gui.workspace_protocol import FilePathCommand

DEFAULT_PRESET = "factorization"
SHORTCUTS = [("Ctrl+L", "Matrix: edit the expression"), ("Ctrl+Shift+R", "Matrix: randomize the values"),
             ("Ctrl+D", "Matrix: descend / pause"), ("Ctrl+Shift+C", "Matrix: copy the gradient formula"),
             ("Ctrl+Shift+A", "Matrix: type your answer"), ("Enter", "Matrix: use the typed expression or answer"),
             ("Double-click a cell", "Matrix: type a new number into it")]


class MatrixWorkspace(QWidget):
    status_message = Signal(str)
    file_path_changed = Signal(str)   # the file being edited, "" for none (follows undo of an Open)

    def __init__(self, parent=None, *, pieces: list | None = None):
        """``pieces``: the building is left to a generator appended there, a piece per ``yield`` (a tab's first
        visit builds it over several turns: gui.tab_visits); without, it is built at once."""
        super().__init__(parent)
        building = self._construct()
        if pieces is None:
            for _piece in building:
                pass
        else:
            pieces.append(building)

    def _construct(self):
        """The workspace in pieces of at most ~30 ms each: the presets parsed, the panels, the descent panel (its
        plot), then the layout and the first state shown."""
        self.presets = load_presets()
        start = find_preset(self.presets, DEFAULT_PRESET)
        self.model = MatrixModel(start.state(), self, note=start.note)
        self.undo_stack = self.model.undo_stack
        self.file_filter = FILE_FILTER
        self.file_path = ""
        self.runner = DescentRunner(self.model, self)
        yield
        self.bar = ExpressionBar(self.presets, self)
        self.shapes = ShapesTable(self)
        self.values = ValuesPanel(self)
        self.gradient = GradientPanel(self)
        yield
        self.descend = DescendPanel(self)
        self.note = QLabel(objectName="matrixPresetNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #4b5563")
        yield
        self._build()
        self._connect()
        self._shortcuts()
        self._refresh()

    # --- construction ---------------------------------------------------------------------------------------
    def _build(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 4, 0)
        left_layout.addWidget(QLabel("<b>Shapes</b>"))
        left_layout.addWidget(self.shapes)
        left_layout.addWidget(self.values, 2)
        self.shapes.setMaximumHeight(170)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget, stretch in ((left, 2), (self.gradient, 4), (self.descend, 3)):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(self.splitter.indexOf(widget), stretch)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([380, 560, 480])      # proportions: the splitter scales them to the window
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.bar)
        layout.addWidget(self.note)
        layout.addWidget(self.splitter, 1)

    def _connect(self) -> None:
        self.model.state_changed.connect(self._refresh)
        self.bar.submitted.connect(self.set_expression)
        self.bar.preset_chosen.connect(lambda preset: self.apply_preset(preset.key))
        self.bar.history_requested.connect(self._history)
        self.shapes.shape_edited.connect(self.set_shape)
        self.values.randomize_clicked.connect(self.randomize)
        self.values.cell_edited.connect(self.set_cell)
        self.values.edit_refused.connect(self.status_message)
        self.gradient.wrt_chosen.connect(lambda name: self.model.change(f"Gradient with respect to {name}", wrt=name))
        self.gradient.answer_submitted.connect(lambda text: self.model.change("Type an answer", answer=text))
        self.gradient.history_requested.connect(self._history)
        self.descend.descend_clicked.connect(self.toggle_descent)
        self.descend.settings_changed.connect(self._descent_settings)
        self.descend.refused.connect(self.status_message)
        self.runner.running_changed.connect(self.descend.show_running)
        self.runner.stepped.connect(lambda: self.descend.show_run(self.runner.descent, self.runner.learning_rate))

    def _shortcuts(self) -> None:
        for keys, slot in (("Ctrl+L", lambda: (self.bar.edit.setFocus(), self.bar.edit.selectAll())),
                           ("Ctrl+Shift+R", self.randomize), ("Ctrl+D", self.toggle_descent),
                           ("Ctrl+Shift+C", self.gradient.copy_formula),
                           ("Ctrl+Shift+A", lambda: self.gradient.answerEdit.setFocus())):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _history(self, action: str) -> None:
        (self.undo_stack.undo if action == "undo" else self.undo_stack.redo)()

    # --- gestures (each one undo step) ----------------------------------------------------------------------
    def set_expression(self, text: str) -> None:
        if text and text != self.model.state.expression:
            self.model.change("Edit expression", expression=text)

    def set_shape(self, name: str, rows: int, cols: int) -> None:
        shapes = {**self.model.state.shapes, name: (rows, cols)}
        self.model.change(f"Shape of {name}: {rows}×{cols}", shapes=shapes)

    def set_cell(self, name: str, row: int, col: int, value: float) -> None:
        try:
            state = with_cell(self.model.state, name, row, col, value)
        except (KeyError, ValueError, IndexError) as error:
            self.status_message.emit(f"Cannot set {name}[{row + 1},{col + 1}]: {error}")
            return
        self.model.push_state(state, f"Set {name}[{row + 1},{col + 1}] = {value:g}")

    def randomize(self) -> None:
        state = randomized(self.model.state)
        self.model.push_state(state, f"Randomize (seed {state.seed})")

    def _descent_settings(self, names: tuple, method: str, lr) -> None:
        self.model.change("Descent settings", descend=names, method=method, lr=lr)

    def toggle_descent(self) -> None:
        if self.runner.running:
            self.runner.stop()
            return
        try:
            names, method, lr = self.descend.chosen()
        except ValueError as error:
            self.status_message.emit(str(error))
            return
        problem = self.runner.start(names, method, lr)
        if problem:
            self.status_message.emit(problem)
            self.descend.status.setText(f"<span style='color:#b91c1c'>{problem}</span>")

    # --- showing the model ----------------------------------------------------------------------------------
    def _refresh(self) -> None:
        state, study = self.model.state, self.model.study
        shown = study if study.expression is not None else self.model.last_good
        self.bar.show_text(state.expression)
        self.note.setText(self.model.note)
        self.bar.show_error(study.error)
        used = state.shapes_used()
        self.shapes.show_shapes(used)
        self.values.show_values(state.values, used, state.seed)
        self.gradient.show_answer_text(state.answer)
        self.gradient.show_study(shown, state.answer, stale=study.expression is None)
        variables = list(shown.expression.variables) if shown.expression is not None else []
        self.descend.show_settings(variables, state.descend, state.method, state.lr)
        self.descend.show_compare(shown)
        if study.error is not None:
            self.status_message.emit(f"Shape or syntax error: {study.error} — showing the last good result")

    # --- the window's protocol ------------------------------------------------------------------------------
    def preset_names(self) -> list[str]:
        return [p.key for p in self.presets]

    def apply_preset(self, name: str) -> None:
        try:
            preset = find_preset(self.presets, name)
        except KeyError as error:
            raise ValueError(str(error.args[0])) from None
        self.model.push_state(preset.state(), f"Preset {preset.name}", note=preset.note)
        self.status_message.emit(f"Preset: {preset.name}")

    def open_file(self, path: str) -> None:
        try:
            state = load_state(path)
        except (FileError, OSError) as error:
            raise ValueError(str(error)) from None
        self.undo_stack.beginMacro(f"Open {os.path.basename(path)}")   # undo takes back the file with the state
        self.model.push_state(state, f"Open {os.path.basename(path)}", note="")
        self.undo_stack.push(FilePathCommand(self.set_file_path, self.file_path, path))
        self.undo_stack.endMacro()

    def set_file_path(self, path: str) -> None:
        if path != self.file_path:
            self.file_path = path
            self.file_path_changed.emit(path)

    def save_file(self, path: str) -> None:
        self.runner.stop()
        try:
            save_state(self.model.state, path)
        except FileError as error:
            raise OSError(str(error)) from None
        self.set_file_path(path)

    def export_widget(self) -> QWidget:
        return self

    def shortcuts(self) -> list[tuple[str, str]]:
        return SHORTCUTS

    def demo(self) -> None:
        """The factorization with the chapter's printed answer typed in, a little way into a descent."""
        self.apply_preset(DEFAULT_PRESET)
        self.model.change("Type an answer", answer="2*U'*(X - U*V)")
        self.runner.start(("U", "V"), "gd")
        for _ in range(3):
            self.runner.tick()
        self.runner.stop()

    def shutdown(self) -> None:
        self.runner.stop()
