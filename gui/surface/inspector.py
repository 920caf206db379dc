"""pointInspector: what the engine says about the selected point, plus the overlay toggles.

Shows value, gradient, |∇f|, steepest-descent direction, Hessian, eigenvalues/eigenvectors, the second-derivative
verdict, and the directional derivative along a direction the user types. The point itself can be typed too.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget)

from engine.taylor import PointAnalysis
from gui.views.ticks import format_number

OVERLAYS = (("gradient", "Gradient arrow", "The gradient at the point: the direction of steepest ascent"),
            ("tangent", "Tangent plane", "The linear model f(a) + ∇f(a)·(x − a) near the point"),
            ("quadratic", "Quadratic model", "The second-order Taylor model, drawn as a wireframe"),
            ("eigen", "Eigen-directions", "The Hessian's eigenvectors: directions of pure curvature"))

VERDICTS = {
    "regular": "not a critical point (∇f ≠ 0)",
    "minimum": "critical point: local minimum (Hessian positive definite)",
    "maximum": "critical point: local maximum (Hessian negative definite)",
    "saddle": "critical point: saddle (Hessian has eigenvalues of both signs)",
    "degenerate": "critical point: the second-derivative test cannot decide (a zero eigenvalue)",
}


def vector_text(v) -> str:
    return "(" + ", ".join(format_number(float(c)) for c in np.ravel(v)) + ")"


def parse_vector(text: str, n: int) -> np.ndarray:
    """Numbers separated by commas or spaces; ValueError with a readable message otherwise."""
    parts = [p for p in text.replace(",", " ").replace("(", " ").replace(")", " ").split() if p]
    try:
        values = np.array([float(p.replace("−", "-")) for p in parts], dtype=np.float64)
    except ValueError:
        raise ValueError("type numbers separated by commas, e.g. 1, -0.5") from None
    if len(values) != n:
        raise ValueError(f"type {n} number{'s' if n != 1 else ''}, one per axis")
    if not np.all(np.isfinite(values)):
        raise ValueError("the numbers must be finite")
    return values


class PointInspector(QWidget):
    point_entered = Signal(object)        # an np.ndarray typed by the user
    overlay_toggled = Signal(str, bool)   # overlay key, shown
    direction_changed = Signal(object)    # np.ndarray (unit) or None

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("pointInspector")
        self.analysis: PointAnalysis | None = None
        self.direction: np.ndarray | None = None
        self.pointEdit = QLineEdit(self)
        self.pointEdit.setObjectName("pointEdit")
        self.pointEdit.setPlaceholderText("click the contour view, or type x, y")
        self.pointEdit.setToolTip("Type the coordinates of a point and press Enter")
        self.directionEdit = QLineEdit("1, 0", self)
        self.directionEdit.setObjectName("directionEdit")
        self.directionEdit.setToolTip("A direction u (any length; it is normalized) for the directional derivative")
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #ff8a80;")
        self.message.setWordWrap(True)
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Point", self.pointEdit)
        for key, label in (("value", "f"), ("gradient", "∇f"), ("gradient_norm", "|∇f|"),
                           ("steepest", "Steepest descent"), ("hessian", "Hessian H"),
                           ("eigenvalues", "Eigenvalues"), ("eigenvectors", "Eigenvectors"), ("verdict", "Verdict")):
            self.fields[key] = self._field(key)
            form.addRow(label, self.fields[key])
        form.addRow("Direction u", self.directionEdit)
        self.fields["directional"] = self._field("directional")
        form.addRow("D_u f = ∇f·u", self.fields["directional"])
        self.overlay_boxes: dict[str, QCheckBox] = {}
        overlays = QGroupBox("Overlays", self)
        overlay_layout = QVBoxLayout(overlays)
        for key, text, tip in OVERLAYS:
            box = QCheckBox(text, overlays)
            box.setObjectName(f"overlay_{key}")
            box.setToolTip(tip)
            box.toggled.connect(lambda shown, k=key: self.overlay_toggled.emit(k, shown))
            overlay_layout.addWidget(box)
            self.overlay_boxes[key] = box
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(overlays)
        layout.addStretch(1)
        self.pointEdit.returnPressed.connect(self._on_point_entered)
        self.directionEdit.editingFinished.connect(self._on_direction_edited)
        self.show_analysis(None, ())

    def _field(self, key: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(f"inspector_{key}")
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label

    def set_overlay(self, key: str, shown: bool) -> None:
        self.overlay_boxes[key].setChecked(shown)

    def overlays_shown(self) -> dict[str, bool]:
        return {k: b.isChecked() for k, b in self.overlay_boxes.items()}

    # --- showing --------------------------------------------------------------------------------------------------
    def show_analysis(self, analysis: PointAnalysis | None, axes) -> None:
        self.analysis = analysis
        self.axes = tuple(axes)
        if analysis is None:
            for label in self.fields.values():
                label.setText("—")
            self.pointEdit.clear()
            return
        a = analysis
        self.pointEdit.setText(", ".join(format_number(float(c), 8).replace("−", "-") for c in a.point))
        f = self.fields
        f["value"].setText(format_number(a.value))
        f["gradient"].setText(vector_text(a.gradient))
        f["gradient_norm"].setText(format_number(a.gradient_norm))
        norm = a.gradient_norm
        f["steepest"].setText(vector_text(-a.gradient / norm) if norm > 0 and np.isfinite(norm)
                              else "none (∇f = 0)")
        f["hessian"].setText("<br>".join(vector_text(row) for row in a.hessian))
        f["eigenvalues"].setText(vector_text(a.eigenvalues))
        f["eigenvectors"].setText("<br>".join(f"v{i + 1} = {vector_text(a.eigenvectors[:, i])}"
                                              for i in range(a.eigenvectors.shape[1])))
        f["verdict"].setText(VERDICTS.get(a.kind, a.kind))
        self._show_directional()

    def _show_directional(self) -> None:
        a = self.analysis
        if a is None:
            return
        try:
            u = parse_vector(self.directionEdit.text(), len(a.gradient))
        except ValueError as error:
            self.fields["directional"].setText("—")
            self.message.setText(f"Direction: {error}")
            self.direction = None
            return
        norm = float(np.linalg.norm(u))
        if norm == 0:
            self.fields["directional"].setText("—")
            self.message.setText("Direction: u must not be zero")
            self.direction = None
            return
        self.message.clear()
        self.direction = u / norm
        value = float(np.dot(a.gradient, self.direction))
        self.fields["directional"].setText(f"{format_number(value)}  along u = {vector_text(self.direction)}")

    def _on_direction_edited(self) -> None:
        self._show_directional()
        self.direction_changed.emit(self.direction)

    def _on_point_entered(self) -> None:
        try:
            point = parse_vector(self.pointEdit.text(), max(1, len(self.axes)))
        except ValueError as error:
            self.message.setText(f"Point: {error}")
            return
        self.message.clear()
        self.point_entered.emit(point)
