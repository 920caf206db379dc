"""How a node holding a vector or matrix looks on the canvas: its shape ("3×2") and a mini heatmap of its value and,
after Backward, of its adjoint (hovering the node shows the numbers). Edge labels: gui.graph.jacobian_map.

Additive to the scalar canvas: the scene hands a NodeItem a :class:`TensorFace` when the graph holds tensors, and the
item lets the face draw the value and adjoint lines. Colours: a diverging scale, blue for negative, white for 0, red
for positive, each heatmap scaled by its own largest magnitude (written next to it).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from engine.expr.numbers import format_number
from engine.matrix.shapes import shape_text

NEGATIVE = np.array([37, 99, 235], dtype=float)     # blue
POSITIVE = np.array([220, 38, 38], dtype=float)     # red
WHITE = np.array([255, 255, 255], dtype=float)
VALUE_FRAME = QColor("#1e3a8a")
ADJOINT_FRAME = QColor("#b91c1c")
TANGENT_FRAME = QColor("#15803d")
TOOLTIP_ENTRIES = 64   # a tooltip lists at most this many numbers of a value


def heatmap_colours(array: np.ndarray) -> np.ndarray:
    """rows × cols × 3 RGB (0–255) for the entries of ``array``: blue (negative) – white (0) – red (positive),
    scaled by the largest magnitude; non-finite entries grey."""
    a = np.asarray(array, dtype=float)
    finite = np.isfinite(a)
    scale = float(np.max(np.abs(a[finite]))) if finite.any() else 0.0
    t = np.zeros_like(a) if scale == 0 else np.clip(np.where(finite, a, 0.0) / scale, -1.0, 1.0)
    towards = np.where(t[..., None] < 0, NEGATIVE, POSITIVE)
    rgb = WHITE + np.abs(t)[..., None] * (towards - WHITE)
    rgb[~finite] = (160, 160, 160)
    return rgb.round().astype(np.uint8)


def heatmap_image(array: np.ndarray) -> QImage:
    """One pixel per entry (the painter scales it up without smoothing)."""
    rgb = np.ascontiguousarray(heatmap_colours(array))
    rows, cols = rgb.shape[:2]
    image = QImage(rgb.data, cols, rows, 3 * cols, QImage.Format.Format_RGB888)
    return image.copy()   # own the pixels: rgb is freed when this returns


def nested_text(array: np.ndarray, digits: int = 4) -> str:
    """The numbers, one matrix row per line (the first TOOLTIP_ENTRIES of them)."""
    a = np.asarray(array)
    rows = []
    for row in a[:max(1, TOOLTIP_ENTRIES // max(1, a.shape[1]))]:
        rows.append("[" + ", ".join(format_number(v, digits) for v in row[:TOOLTIP_ENTRIES]) + "]")
    more = "\n…" if a.size > TOOLTIP_ENTRIES else ""
    return "\n".join(rows) + more


def array_text(value) -> str:
    """A number as ever; an array as "3×2 [[…]]" (a 1×1 array as its number)."""
    if not isinstance(value, np.ndarray):
        return format_number(value)
    if value.shape == (1, 1):
        return format_number(value[0, 0])
    return f"{shape_text(value.shape)} " + nested_text(value).replace("\n", " ")


class TensorFace:
    """The shape and the heatmaps one NodeItem shows (set by the scene; drawn by the item)."""

    def __init__(self, shape: tuple[int, int]):
        self.shape = shape
        self.value: np.ndarray | None = None
        self.adjoint: np.ndarray | None = None
        self.tangent: np.ndarray | None = None   # forward mode: d node / d (an entry of an input), in this shape
        self.tangent_label = ""                  # e.g. "∂/∂W1[2,1]"
        self.value_rect = QRectF()     # where the heatmaps were last drawn (item coordinates), for tests and hover
        self.tangent_rect = QRectF()
        self.adjoint_rect = QRectF()

    def paint(self, painter: QPainter, area: QRectF) -> None:
        """Shape text on the left, then the value's heatmap, forward mode's tangent (when pushed) and the adjoint
        (once known), side by side in ``area``."""
        painter.setPen(QColor("#374151"))
        label = QRectF(area.left(), area.top(), 34, area.height())
        painter.drawText(label, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, shape_text(self.shape))
        slots = 3 if self.tangent is not None else 2
        width = (area.width() - 40) / slots - 4

        def slot(k: int) -> QRectF:
            return QRectF(area.left() + 38 + k * (width + 8), area.top(), width, area.height())
        self.value_rect = self._draw(painter, self.value, slot(0), VALUE_FRAME)
        self.tangent_rect = self._draw(painter, self.tangent, slot(1), TANGENT_FRAME)
        self.adjoint_rect = self._draw(painter, self.adjoint, slot(slots - 1), ADJOINT_FRAME)

    def _draw(self, painter: QPainter, array, box: QRectF, frame: QColor) -> QRectF:
        if array is None:
            return QRectF()
        rows, cols = array.shape
        cell = max(1.0, min(box.width() / cols, box.height() / rows))
        target = QRectF(box.left(), box.top() + (box.height() - cell * rows) / 2, cell * cols, cell * rows)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(target, heatmap_image(array))
        painter.setPen(QPen(frame, 1.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(target)
        return target

    def tooltip(self, name: str, output: str) -> str:
        parts = [f"{name}: {shape_text(self.shape)}"]
        if self.value is not None:
            parts.append(f"value:\n{nested_text(self.value)}")
        if self.tangent is not None:
            parts.append(f"tangent {self.tangent_label.replace('∂/', f'∂{name}/')} (forward mode, green):\n"
                         f"{nested_text(self.tangent)}")
        if self.adjoint is not None:
            parts.append(f"adjoint ∂{output}/∂{name} (same shape):\n{nested_text(self.adjoint)}")
        parts.append("blue < 0 < red, each map scaled by its largest magnitude")
        return "\n".join(parts)


def describe_tensor_step(lines: list[str], step) -> str:
    """The backward callout for a tensor node: each child's adjoint times the edge's Jacobian, as shapes (the VJP),
    and the node's adjoint (its numbers when short)."""
    for c in step.contributions:
        g, j = c.child_adjoint, c.local_partial
        lines.append(f"  via {c.child}:  adjoint {shape_text(g.shape)} · Jacobian {shape_text(j.shape)}"
                     f" → {shape_text(c.product.shape)}")
    total = array_text(step.total)
    lines.append(f"  = {total if len(total) <= 60 else shape_text(step.total.shape) + ' (hover the node)'}")
    return "\n".join(lines)


def short_text(value) -> str:
    """For a status line: a number as ``:g``; a 1×1 array as its number; a larger one as "a 3×2 array"."""
    if isinstance(value, np.ndarray):
        return f"{value[0, 0]:g}" if value.shape == (1, 1) else f"a {shape_text(value.shape)} array"
    return f"{value:g}"
