"""An edge's Jacobian on its label ("Partials on edges" in a graph of tensors): the Jacobian's shape and, for a small
one, its heatmap beside the text; hovering a cell names the entry (∂h1[2,1]/∂W1[2,2] = …), the rest of the label
lists all of them. A 1×1 Jacobian is a number and shows as one.

Colours as on the node faces (gui.graph.tensor_face): blue < 0 < red, scaled by the largest magnitude.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsPixmapItem

from engine.expr.numbers import format_number
from engine.matrix.shapes import shape_text
from gui.graph.tensor_face import TOOLTIP_ENTRIES, heatmap_image, nested_text

MAP_SIDE = 8            # a Jacobian of at most 8 × 8 entries is drawn on its edge's label
MAP_WIDTH, MAP_HEIGHT = 56.0, 30.0   # the most room a map takes beside the label's text
MAP_CELL = (3, 8)       # pixels per cell: at least, at most
LABEL_DIGITS = 4
FRAME = QColor("#78716c")


def drawn_matrix(jacobian) -> np.ndarray | None:
    """The entries to draw on the label: a small Jacobian's (not 1×1: that one is written as a number)."""
    rows, cols = jacobian.shape
    if rows > MAP_SIDE or cols > MAP_SIDE or (rows, cols) == (1, 1):
        return None
    return jacobian.dense()


def jacobian_label(jacobian) -> tuple[str, str, str]:
    """(name, value, tooltip) for an edge label: the Jacobian's shape (its number when 1×1), its entries in the
    tooltip when small."""
    name = f"∂{jacobian.child}/∂{jacobian.parent}"
    text = f"{jacobian.describe()}: the local Jacobian, one row per entry of {jacobian.child}, one column per " \
           f"entry of {jacobian.parent}"
    if jacobian.shape == (1, 1):
        number = float(jacobian.dense()[0, 0])
        return name, format_number(number, LABEL_DIGITS), f"{name} = {format_number(number, 12)}: the local " \
                                                          f"partial (both are 1×1)"
    if jacobian.is_small and jacobian.shape[0] * jacobian.shape[1] <= TOOLTIP_ENTRIES:
        text += "\n" + nested_text(jacobian.dense())
    return name, shape_text(jacobian.shape), text


def _entry(shape: tuple[int, int], k: int) -> str:
    """Row-major entry k of a value of ``shape`` as people index it: [i] for a vector, [i,j] for a matrix."""
    rows, cols = shape
    i, j = divmod(k, cols)
    return f"[{i + 1}]" if cols == 1 else f"[{j + 1}]" if rows == 1 else f"[{i + 1},{j + 1}]"


class JacobianMap(QGraphicsPixmapItem):
    """The heatmap of a small Jacobian, a child of an edge label; hovering a cell shows that entry."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAcceptHoverEvents(True)
        self.setTransformationMode(Qt.TransformationMode.FastTransformation)
        self.matrix: np.ndarray | None = None
        self.cell = 0.0
        self.names = ("", "", (1, 1), (1, 1))   # child, parent, child shape, parent shape
        self.whole_text = ""

    @staticmethod
    def cell_size(shape: tuple[int, int]) -> int:
        rows, cols = shape
        return int(max(MAP_CELL[0], min(MAP_CELL[1], MAP_WIDTH // cols, MAP_HEIGHT // rows)))

    def show_jacobian(self, jacobian, matrix: np.ndarray, tooltip: str) -> None:
        self.matrix = matrix
        self.names = (jacobian.child, jacobian.parent, jacobian.child_shape, jacobian.parent_shape)
        self.whole_text = tooltip
        self.cell = cell = self.cell_size(matrix.shape)
        rows, cols = matrix.shape
        self.setPixmap(QPixmap.fromImage(heatmap_image(matrix).scaled(cols * cell, rows * cell,
                                                                      Qt.AspectRatioMode.IgnoreAspectRatio,
                                                                      Qt.TransformationMode.FastTransformation)))
        self.setToolTip(tooltip)

    def paint(self, painter: QPainter, option, widget=None):
        """The cells, then a one-pixel frame at any zoom (zero entries are white, like the label behind them)."""
        super().paint(painter, option, widget)
        pen = QPen(FRAME)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(0, 0, self.pixmap().width(), self.pixmap().height()))

    def entry_text(self, point: QPointF) -> str:
        """The entry under ``point`` (item coordinates), e.g. "∂h1[2]/∂W1[2,1] = 0.3 (row 2, column 3)"."""
        if self.matrix is None:
            return ""
        rows, cols = self.matrix.shape
        i = min(rows - 1, max(0, int(point.y() // self.cell)))
        j = min(cols - 1, max(0, int(point.x() // self.cell)))
        child, parent, child_shape, parent_shape = self.names
        return (f"∂{child}{_entry(child_shape, i)}/∂{parent}{_entry(parent_shape, j)} = "
                f"{format_number(float(self.matrix[i, j]), 12)}   (row {i + 1}, column {j + 1} of the Jacobian)")

    def hoverMoveEvent(self, event):
        self.setToolTip(self.entry_text(event.pos()) + "\n\n" + self.whole_text)
        super().hoverMoveEvent(event)
