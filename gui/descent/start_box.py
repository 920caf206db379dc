"""The typed start of the runs: one field per plotted variable, each a number or a constant formula such as log(2)
or -pi/2, read by the engine exactly as the Surface tab reads its point.

A value that is not a finite number within ±START_LIMIT is refused with a message beside its field: the runs keep
their start, and the typed text stays for the user to correct.
"""
from __future__ import annotations

import re

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from gui.surface.inspector import parse_vector

START_LIMIT = 1e6     # far beyond any view; past it a "start" is a typo, not a place to descend from
MAX_AXES = 2          # the plotted axes: the runs descend over these only
ERROR_STYLE = "color: #ff6b6b;"
ERROR_BORDER = "QLineEdit { border: 1px solid #ff6b6b; }"
FIELD_TIP = ("A start coordinate: a number or a constant formula such as log(2) or -pi/2. Press Enter to move the "
             "start; or click the contour map.")


def read_coordinate(text: str, axis: str) -> float:
    """One start coordinate from what the user typed; ValueError with a message that names ``axis``."""
    if not text.strip():
        raise ValueError(f"type {axis} as a number or a formula of numbers, e.g. log(2)")
    if "," in text:
        raise ValueError(f"type one number for {axis} (decimals take a point: 0.5)")
    try:
        value = float(parse_vector(text, 1)[0])
    except ValueError as error:
        # the message sits under the field it is about: "coordinate 1" would only confuse there
        raise ValueError(re.sub(r"^coordinate 1 \((.*?)\)(:| contains| is not)", r"\1\2", str(error))) from None
    if abs(value) > START_LIMIT:
        raise ValueError(f"{axis} = {value:.6g} is out of range: a start lies between -1e6 and 1e6")
    return value


class StartBox(QGroupBox):
    start_entered = Signal(object)   # np.ndarray: a complete, valid start the user typed (different from the shown)

    def __init__(self, parent=None):
        super().__init__("Start", parent)
        self.axes: tuple[str, ...] = ("x", "y")
        self._note = ""
        self._shown = np.zeros(0)    # the start the fields show (the model's), kept exact: the text is rounded
        self.edits: list[QLineEdit] = []
        self.labels: list[QLabel] = []
        self.messages: list[QLabel] = []
        self.rows: list[QWidget] = []
        form = QFormLayout(self)
        for i in range(MAX_AXES):
            form.addRow(*self._build_field(i))
        self.shared_start = QCheckBox("All runs share this start", objectName="sharedStartCheck")
        self.shared_start.setChecked(True)
        self.shared_start.setToolTip("Unchecked: a click or typed start moves only the selected run")
        form.addRow(self.shared_start)
        self.hint = QLabel("Click the contour map to set the start.", wordWrap=True)
        self.hint.setStyleSheet("color: palette(mid);")
        form.addRow(self.hint)

    def _build_field(self, i: int) -> tuple[QLabel, QWidget]:
        edit = QLineEdit(objectName=f"start{i}Edit", placeholderText="e.g. 0.5 or -pi/2", toolTip=FIELD_TIP)
        edit.editingFinished.connect(self._on_edited)
        message = QLabel(objectName=f"start{i}Message", wordWrap=True)
        message.setStyleSheet(ERROR_STYLE)
        message.hide()
        row = QWidget()
        column = QVBoxLayout(row)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(edit)
        column.addWidget(message)
        label = QLabel(self.axes[i])
        self.edits.append(edit)
        self.messages.append(message)
        self.labels.append(label)
        self.rows.append(row)
        return label, row

    # --- the model's start → the fields ---------------------------------------------------------------------
    def point(self) -> np.ndarray:
        """The start shown (the one new runs get)."""
        return self._shown.copy()

    def show_point(self, point) -> None:
        """Show a start from the model. A field the user is correcting keeps its text and message while the start
        itself does not change (a redraw for another reason must not wipe what they typed)."""
        point = np.asarray(point, dtype=np.float64).reshape(-1)
        same = np.array_equal(point, self._shown)
        for i, value in enumerate(point[:MAX_AXES]):
            if same and self.messages[i].text():
                continue
            self.edits[i].setText(f"{value:.10g}")
            self._show_message(i, "")
        self._shown = point.copy()

    def set_axes(self, names) -> None:
        self.axes = tuple(names)
        for i, (label, row) in enumerate(zip(self.labels, self.rows)):
            visible = i < len(self.axes)
            label.setVisible(visible)
            row.setVisible(visible)
            if visible:
                label.setText(self.axes[i])
            else:
                self._show_message(i, "")
        self._note = ""
        self._show_hint()

    def show_note(self, note: str) -> None:
        """Say why the start shown is not the selected point (e.g. that was a critical point); '' clears it."""
        self._note = note
        self._show_hint()

    def _show_hint(self) -> None:
        where = "the curve" if len(self.axes) == 1 else "the contour map"
        click = f"Click {where} to set the start."
        self.hint.setText(f"{self._note} {click}" if self._note else click)
        self.hint.setStyleSheet("color: #e0b050;" if self._note else "color: palette(mid);")

    # --- the fields → a start -------------------------------------------------------------------------------
    def _on_edited(self) -> None:
        """Enter or leaving a field: read every field the user changed; a complete, valid, new start is entered."""
        n = min(len(self.axes), len(self._shown))
        if not any(self.edits[i].isModified() for i in range(n)):
            return   # tabbing through the fields must not restart the runs
        point, valid = self._shown[:n].copy(), True
        for i in range(n):
            if not (self.edits[i].isModified() or self.messages[i].text()):
                continue   # unchanged: keep the exact value, not its rounded text
            try:
                point[i] = read_coordinate(self.edits[i].text(), self.axes[i])
                self._show_message(i, "")
            except ValueError as error:
                self._show_message(i, f"{error}; the start stays {self._shown[i]:.6g}.")
                valid = False
        if not valid:
            return
        if np.array_equal(point, self._shown[:n]):
            self.show_point(self._shown)   # e.g. "1/2" typed where 0.5 was: nothing to move
        else:
            self.start_entered.emit(point)

    def _show_message(self, i: int, text: str) -> None:
        self.messages[i].setText(text)
        self.messages[i].setVisible(bool(text))
        self.edits[i].setStyleSheet(ERROR_BORDER if text else "")
