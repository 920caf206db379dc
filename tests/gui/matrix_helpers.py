"""Helpers for the Matrix workspace tests: a shown workspace, typing into its fields, and reading its pixels."""
import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from gui.matrix.heatmap import OUTLINE
from gui.matrix.workspace import MatrixWorkspace


def open_matrix(qtbot, size=(1400, 900)) -> MatrixWorkspace:
    workspace = MatrixWorkspace()
    qtbot.addWidget(workspace)
    workspace.resize(*size)
    workspace.show()
    qtbot.waitExposed(workspace)
    return workspace


def type_into(qtbot, edit, text: str) -> None:
    """Click the field, replace its text by typing, press Enter (as a person does)."""
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def pixels(widget) -> np.ndarray:
    """The widget as an (h, w, 3) array of RGB bytes."""
    image = widget.grab().toImage().convertToFormat(widget.grab().toImage().Format.Format_RGB888)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return data.reshape(height, image.bytesPerLine())[:, :width * 3].reshape(height, width, 3).copy()


def colours(widget) -> int:
    return len(np.unique(pixels(widget).reshape(-1, 3), axis=0))


def outline_pixels(widget) -> int:
    target = np.array(QColor(OUTLINE).getRgb()[:3])
    return int(np.sum(np.all(np.abs(pixels(widget).astype(int) - target) <= 8, axis=2)))
