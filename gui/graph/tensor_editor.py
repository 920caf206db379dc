"""The small grid editor of a Matrix/Vector input: its shape (rows × columns) and its numbers, or Randomize; and the
popup asking a new Matrix/Vector input's shape when it is placed (the canvas remembers the last one).

Opened by a double-click on a tensor input's body. OK applies the whole value as one undoable edit (through the
document, so a shape that no longer fits the formulas using it is refused with the reason, and nothing changes).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from gui.graph.tools import tensor_start_value
from gui.number_box import read_number

MAX_GRID = 64     # rows or columns edited in the grid (larger values come from files)
RANDOM_SCALE = 0.5


class TensorValueEditor(QDialog):
    """Rows, columns and a grid of numbers; ``value()`` is the list of rows."""

    def __init__(self, name: str, value: np.ndarray, parent=None, seed: int = 0):
        super().__init__(parent, objectName="tensorValueEditor")
        self.setWindowTitle(f"Value of {name}")
        self.rng = np.random.default_rng(seed)
        self.rows = QSpinBox(objectName="tensorRows", minimum=1, maximum=MAX_GRID, value=value.shape[0])
        self.cols = QSpinBox(objectName="tensorCols", minimum=1, maximum=MAX_GRID, value=value.shape[1])
        self.grid = QTableWidget(objectName="tensorGrid")
        randomize = QPushButton("Randomize", objectName="tensorRandomize")
        randomize.setToolTip(f"Fill with random numbers (normal, standard deviation {RANDOM_SCALE})")
        randomize.clicked.connect(self.randomize)
        self.message = QLabel(objectName="tensorMessage")
        shape_row = QHBoxLayout()
        for widget in (QLabel("rows"), self.rows, QLabel("× columns"), self.cols, randomize):
            shape_row.addWidget(widget)
        shape_row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(shape_row)
        layout.addWidget(self.grid)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._fill(np.asarray(value, dtype=float))
        self.rows.valueChanged.connect(self._reshape)
        self.cols.valueChanged.connect(self._reshape)
        self.resize(420, 300)

    def _fill(self, array: np.ndarray) -> None:
        self.grid.setRowCount(array.shape[0])
        self.grid.setColumnCount(array.shape[1])
        for (i, j), v in np.ndenumerate(array):
            item = QTableWidgetItem(repr(float(v)))   # the shortest text that reads back as exactly this float
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.grid.setItem(i, j, item)
        self.grid.resizeColumnsToContents()

    def _numbers(self) -> np.ndarray:
        """The grid as an array; ValueError naming the first cell that is not a number."""
        out = np.zeros((self.grid.rowCount(), self.grid.columnCount()))
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                item = self.grid.item(i, j)
                text = item.text().strip().replace("−", "-") if item is not None else "0"
                out[i, j] = read_number(text or "0", f"row {i + 1}, column {j + 1}")
        return out

    def _reshape(self) -> None:
        """Keep the numbers that still fit; new cells are 0."""
        try:
            old = self._numbers()
        except ValueError:
            old = np.zeros((self.grid.rowCount(), self.grid.columnCount()))
        new = np.zeros((self.rows.value(), self.cols.value()))
        r, c = min(old.shape[0], new.shape[0]), min(old.shape[1], new.shape[1])
        new[:r, :c] = old[:r, :c]
        self._fill(new)

    def randomize(self) -> None:
        self._fill(np.round(self.rng.normal(0.0, RANDOM_SCALE, size=(self.rows.value(), self.cols.value())), 3))

    def value(self) -> list:
        """The value for the model: a list for a column vector, else a list of rows."""
        array = self._numbers()
        return array[:, 0].tolist() if array.shape[1] == 1 else array.tolist()

    def _accept_if_valid(self) -> None:
        try:
            self._numbers()
        except ValueError as err:
            self.message.setText(str(err))
            return
        self.accept()


def open_tensor_editor(parent, document, name: str) -> TensorValueEditor:
    """Open the editor on the input's current value; OK sets it through the document (one undo step)."""
    node = document.graph.nodes[name]
    editor = TensorValueEditor(name, np.array(node.value, dtype=float), parent)
    editor.accepted.connect(lambda: document.set_tensor_value(name, editor.value()))
    editor.finished.connect(editor.deleteLater)
    editor.setWindowModality(Qt.WindowModality.WindowModal)
    editor.open()
    return editor


class ShapePopup(QDialog):
    """Rows × columns of a Matrix/Vector input about to be placed (starting from ``shape``)."""

    def __init__(self, shape: tuple[int, int] = (2, 2), parent=None):
        super().__init__(parent, objectName="tensorShapePopup")
        self.setWindowTitle("New matrix or vector")
        rows, cols = shape
        self.rows = QSpinBox(objectName="shapeRows", minimum=1, maximum=MAX_GRID, value=rows)
        self.cols = QSpinBox(objectName="shapeCols", minimum=1, maximum=MAX_GRID, value=cols)
        self.rows.setToolTip("Rows (a column vector has one column)")
        self.cols.setToolTip("Columns (1: a column vector)")
        place = QPushButton("Place", objectName="shapePlace", default=True, autoDefault=True)
        place.setToolTip("Place the input with this shape (Enter); Esc places nothing")
        place.clicked.connect(self.accept)
        row = QHBoxLayout(self)
        for widget in (QLabel("rows"), self.rows, QLabel("× columns"), self.cols, place):
            row.addWidget(widget)
        self.rows.setFocus()
        self.rows.selectAll()

    def shape(self) -> tuple[int, int]:
        return self.rows.value(), self.cols.value()

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):   # also while a spin box has the focus
            self.accept()
            return
        super().keyPressEvent(event)


def ask_shape(canvas, scene_pos, place) -> ShapePopup:
    """Open the shape popup beside the clicked point, offering the canvas's last shape; Enter (or Place) remembers
    the shape and calls ``place(value)`` with the new input's numbers in it (see tools.tensor_start_value)."""
    popup = ShapePopup(getattr(canvas, "matrix_shape", (2, 2)), canvas)

    def accepted():
        canvas.matrix_shape = popup.shape()
        place(tensor_start_value(*popup.shape()))
    popup.accepted.connect(accepted)
    popup.finished.connect(popup.deleteLater)
    popup.setWindowModality(Qt.WindowModality.WindowModal)
    popup.move(canvas.mapToGlobal(canvas.mapFromScene(scene_pos)))
    popup.open()
    return popup
