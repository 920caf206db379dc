"""A training session as one undo step, and the decision picture the Train panel draws.

A session starts with the first training step after any other edit: it binds the toy set to the graph's X and y and
pushes a :class:`TrainingSession` holding the values it will change (the weights, X and y) as they were. Each later
step changes the graph directly and records the values reached, so however many steps the user runs (Step clicks,
Train runs, Stop and Train again) the session stays one undo step until something else is edited; Undo puts every
value back exactly, Redo puts the trained ones back. The session also owns its loss curve (``losses``): the panel
draws the curve of its session while that session is done, so Undo (or Reset) takes the curve away with the trained
values and Redo brings both back.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap, QUndoCommand

from gui.graph.tensor_face import NEGATIVE, POSITIVE, WHITE


class TrainingSession(QUndoCommand):
    """The values a session changed: ``start`` (as the session found them) and ``final`` (as it left them)."""

    def __init__(self, graph, names, text: str = "Train", losses=()):
        super().__init__(text)
        self.graph = graph
        self.start = {n: graph.node(n).value for n in names}
        self.final = dict(self.start)
        self.steps = 0
        self.losses: list[float] = list(losses)   # the loss before each step (a continued curve starts with its past)
        self._applied = True   # push() calls redo() once; the session's values are put in by the panel

    def record(self, steps: int = 1) -> None:
        """The graph's values now are the session's result, ``steps`` more steps on."""
        self.steps += steps
        self.final = {n: self.graph.node(n).value for n in self.start}
        self.setText(f"Train {self.steps} step{'s' if self.steps != 1 else ''}")

    def redo(self):
        if self._applied:
            self._applied = False
            return
        put_values(self.graph, self.final)

    def undo(self):
        put_values(self.graph, self.start)


def put_values(graph, values: dict) -> None:
    for name, value in values.items():
        if graph.node(name).value != value:
            graph.set_value(name, value)


def is_done(stack, session: TrainingSession | None) -> bool:
    """Whether ``session`` is on the stack and not undone (its trained values are what the graph holds, unless a later
    step changed them)."""
    return session is not None and any(stack.command(i) is session for i in range(stack.index() - 1, -1, -1))


def is_on_top(stack, session: TrainingSession | None) -> bool:
    """Whether ``session`` is the last step done on the stack (so a new training step extends it)."""
    return session is not None and stack.index() == stack.count() > 0 and stack.command(stack.index() - 1) is session


# --- the picture ----------------------------------------------------------------------------------------------------
def field_colours(field: np.ndarray) -> np.ndarray:
    """RGB for predictions: blue (−1) – white (0, the decision boundary) – red (+1), on a fixed scale so that the
    picture's colours mean the same as training goes on."""
    t = np.clip(np.nan_to_num(np.asarray(field, dtype=float)), -1.0, 1.0)
    towards = np.where(t[..., None] < 0, NEGATIVE, POSITIVE)
    return (WHITE + 0.85 * np.abs(t)[..., None] * (towards - WHITE)).round().astype(np.uint8)


def decision_pixmap(field: np.ndarray | None, points: np.ndarray, labels: np.ndarray, size: int,
                    extent: float) -> QPixmap:
    """The prediction over [−extent, extent]² (``field`` rows from the bottom up; None: not known) with the data
    points on top, red for label +1 and blue for −1, and the boundary (prediction 0) drawn dark."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor("#ffffff"))
    painter = QPainter(pixmap)
    if field is not None:
        rgb = np.ascontiguousarray(field_colours(field[::-1]))   # image rows run downwards
        image = QImage(rgb.data, rgb.shape[1], rgb.shape[0], 3 * rgb.shape[1], QImage.Format.Format_RGB888).copy()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(pixmap.rect(), image)
        _draw_boundary(painter, field, size)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for (px, py), label in zip(points.T, labels.ravel()):
        centre = QPointF((px + extent) / (2 * extent) * size, (extent - py) / (2 * extent) * size)
        painter.setBrush(QColor("#991b1b") if label > 0 else QColor("#1e3a8a"))
        painter.setPen(QPen(QColor("#ffffff"), 1.5))
        painter.drawEllipse(centre, 4.0, 4.0)
    painter.end()
    return pixmap


def _draw_boundary(painter: QPainter, field: np.ndarray, size: int) -> None:
    """Short segments between neighbouring grid cells whose predictions differ in sign (the zero level set)."""
    n = field.shape[0]
    cell = size / n
    painter.setPen(QPen(QColor("#111827"), 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    sign = field >= 0
    rows, cols = np.nonzero(sign[:, 1:] != sign[:, :-1])   # a change between columns j and j+1: a vertical edge
    for i, j in zip(rows, cols):
        x, y = (j + 1) * cell, size - (i + 1) * cell
        painter.drawLine(QPointF(x, y), QPointF(x, y + cell))
    rows, cols = np.nonzero(sign[1:, :] != sign[:-1, :])   # between rows i and i+1: a horizontal edge
    for i, j in zip(rows, cols):
        x, y = j * cell, size - (i + 1) * cell
        painter.drawLine(QPointF(x, y), QPointF(x + cell, y))
