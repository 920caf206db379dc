"""The function input: expressionEdit, a presets menu, and expressionError showing where a formula went wrong."""
from __future__ import annotations

from itertools import groupby

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QMenu, QPushButton, QSizePolicy, QStackedWidget,
                               QToolButton, QVBoxLayout, QWidget)

from engine import ParseError, parse
from gui.surface.presets import Preset

EXCERPT_RADIUS = 24   # characters of the formula shown either side of the offending one
SYNTAX_HELP = ("Operators + − * / ^ (or **), parentheses, numbers like 2.5 or 1e-3, constants pi and e; "
               "functions exp log sqrt sin cos tan tanh sigmoid relu abs. Press Enter to draw.")


CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
UNDO_KEYS = {(Qt.Key.Key_Z, CTRL): "undo", (Qt.Key.Key_Z, CTRL | SHIFT): "redo", (Qt.Key.Key_Y, CTRL): "redo"}


class FormulaEdit(QLineEdit):
    """The formula field. Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y undo and redo the drawn function (``history_requested``),
    as everywhere else in the window; only while the text differs from the drawn function (the user is typing a
    new one) do they undo and redo that typing, as in any text field. QLineEdit's own history would otherwise make
    the box show an older formula while the plot still shows the drawn one."""

    history_requested = Signal(str)   # 'undo' | 'redo', for the workspace's undo stack

    def __init__(self, parent=None):
        super().__init__(parent)
        self.drawn_text = ""

    def event(self, event) -> bool:
        # claim the keys before the window's Edit menu shortcuts do (Ctrl+Y is not QLineEdit's own)
        if event.type() == QEvent.Type.ShortcutOverride and self._history_key(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        action = self._history_key(event)
        if action is None:
            super().keyPressEvent(event)
            return
        event.accept()
        editing = self.text().strip() != self.drawn_text
        if action == "undo" and editing and self.isUndoAvailable():
            self.undo()
        elif action == "redo" and self.isRedoAvailable():
            self.redo()
        else:
            self.history_requested.emit(action)

    @staticmethod
    def _history_key(event) -> str | None:
        modifiers = event.modifiers() & (CTRL | SHIFT | Qt.KeyboardModifier.AltModifier)
        action = UNDO_KEYS.get((event.key(), modifiers))
        if action is None and event.matches(QKeySequence.StandardKey.Undo):
            action = "undo"
        if action is None and event.matches(QKeySequence.StandardKey.Redo):
            action = "redo"
        return action


class FunctionBar(QWidget):
    submitted = Signal(str)          # a formula that parses was entered
    preset_chosen = Signal(object)   # a Preset
    open_as_graph_clicked = Signal()
    history_requested = Signal(str)  # 'undo' | 'redo' of the drawn function, asked for in the formula field
    cancel_requested = Signal()      # stop preparing a big function (Cancel, or a newer formula that is wrong)

    def __init__(self, presets: list[Preset], parent=None):
        super().__init__(parent)
        self.expressionEdit = FormulaEdit(self)
        self.expressionEdit.setObjectName("expressionEdit")
        self.expressionEdit.setPlaceholderText("Type a function of x and y, e.g. x*exp(-x^2 - y^2)")
        self.expressionEdit.setToolTip(SYNTAX_HELP)
        self.expressionEdit.setClearButtonEnabled(True)
        font = self.expressionEdit.font()
        font.setFamily("DejaVu Sans Mono")
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.expressionEdit.setFont(font)
        self.draw_button = QPushButton("Draw", self)
        self.draw_button.setToolTip("Draw the function (Enter)")
        self.presets_button = QToolButton(self)
        self.presets_button.setText("Presets")
        self.presets_button.setToolTip("Functions from the chapter and classic test functions")
        self.presets_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.presets_button.setMenu(self._presets_menu(presets))
        self.graph_button = QPushButton("Open as graph", self)
        self.graph_button.setObjectName("openAsGraphButton")
        self.graph_button.setToolTip("Expand the drawn function into a chain-rule graph (one node per operation) "
                                     "in the Graph workspace")
        self.expressionError = QLabel(self)
        self.expressionError.setObjectName("expressionError")
        self.expressionError.setTextFormat(Qt.TextFormat.RichText)
        self.expressionError.setStyleSheet("color: #ff8a80;")
        self.note = QLabel(self)
        self.note.setStyleSheet("color: #a0a8b8;")
        for label in (self.expressionError, self.note):
            # the window's width never follows a long message: the message is cut to fit (all of it in the tooltip)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # the error replaces the note on one line of fixed height, so the views never jump when it appears
        self._message_line = QStackedWidget(self)
        self._message_line.addWidget(self.note)
        self._message_line.addWidget(self.expressionError)
        self._message_line.addWidget(self._busy_line())
        self._message_line.setFixedHeight(self.fontMetrics().height() + 6)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("f =", self))
        row.addWidget(self.expressionEdit, 1)
        row.addWidget(self.draw_button)
        row.addWidget(self.presets_button)
        row.addWidget(self.graph_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self._message_line)
        self.expressionEdit.returnPressed.connect(self.submit)
        self.draw_button.clicked.connect(self.submit)
        self.graph_button.clicked.connect(self.open_as_graph_clicked)
        self.expressionEdit.textEdited.connect(self._on_edited)
        self.expressionEdit.history_requested.connect(self.history_requested)

    def _presets_menu(self, presets: list[Preset]) -> QMenu:
        menu = QMenu(self)
        for group, members in groupby(presets, key=lambda p: p.group):
            menu.addSection(group)
            for preset in members:
                action = menu.addAction(preset.name)
                action.setToolTip(f"{preset.formula}\n{preset.note}")
                action.setData(preset.key)
                action.triggered.connect(lambda checked=False, p=preset: self.preset_chosen.emit(p))
        menu.setToolTipsVisible(True)
        return menu

    def set_text(self, text: str) -> None:
        """Show the current function (from the session) without submitting it."""
        self.expressionEdit.drawn_text = text
        if self.expressionEdit.text() != text:
            self.expressionEdit.setText(text)
        self.clear_error()

    def _busy_line(self) -> QWidget:
        """What is being worked out before a big function is drawn, with a Cancel button."""
        line = QWidget(self)
        self.busyLabel = QLabel(line)
        self.busyLabel.setObjectName("expressionBusy")
        self.busyLabel.setStyleSheet("color: #ffd180;")
        self.busyLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.cancelButton = QToolButton(line)
        self.cancelButton.setObjectName("cancelPreparing")
        self.cancelButton.setText("Cancel")
        self.cancelButton.setToolTip("Keep the drawn function")
        self.cancelButton.clicked.connect(self.cancel_requested)
        row = QHBoxLayout(line)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.busyLabel, 1)
        row.addWidget(self.cancelButton)
        self._busy = line
        return line

    def show_busy(self, message: str) -> None:
        """Say what is being worked out ("" when done: back to the note, or to the error if one is shown)."""
        self.busyLabel.setText(message)
        self.busyLabel.setToolTip(message)
        if message:
            self._message_line.setCurrentWidget(self._busy)
        elif self._message_line.currentWidget() is self._busy:
            self._message_line.setCurrentWidget(self.note)

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setToolTip(text)

    def submit(self) -> None:
        text = self.expressionEdit.text()
        try:
            parse(text)
        except ParseError as error:
            self.cancel_requested.emit()   # what was typed last is what the user wants, and it is wrong
            self.show_error(text, error)
            return
        self.clear_error()
        self.submitted.emit(text)

    def show_error(self, text: str, error: ParseError) -> None:
        self.expressionError.setText(error_html(text, error))
        self.expressionError.setToolTip(getattr(error, "message", str(error)))
        self._message_line.setCurrentWidget(self.expressionError)
        self.expressionEdit.setStyleSheet("QLineEdit { border: 1px solid #ff6e6e; }")
        self.expressionEdit.setCursorPosition(min(error.position, len(text)))
        self.expressionEdit.setFocus()

    def clear_error(self) -> None:
        self.expressionError.clear()
        self._message_line.setCurrentWidget(self.note)
        self.expressionEdit.setStyleSheet("")

    def _on_edited(self, _text: str) -> None:
        if self.expressionError.isVisible():
            self.expressionEdit.setStyleSheet("")


def error_html(text: str, error: ParseError) -> str:
    """The reason and its position first (so it is read even when the line is cut), then the formula around the
    offending character, which is highlighted."""
    import html   # html.entities is a large table: loaded with the first typing error, not at start
    pos = max(0, min(error.position, len(text)))
    start, end = max(0, pos - EXCERPT_RADIUS), min(len(text), pos + 1 + EXCERPT_RADIUS)
    before = ("…" if start > 0 else "") + text[start:pos]
    at, after = text[pos:pos + 1], text[pos + 1:end] + ("…" if end < len(text) else "")
    mark = (f"<span style='background:#c62828;color:white'>{html.escape(at)}</span>" if at
            else "<span style='background:#c62828;color:white'>&nbsp;</span>")
    excerpt = f"<code>{html.escape(before)}{mark}{html.escape(after)}</code>"
    reason = html.escape(getattr(error, "message", str(error)))
    return f"{reason} (character {pos + 1}):&nbsp;&nbsp;{excerpt}"
