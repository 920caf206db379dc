"""pointInspector: what the engine says about the selected point, plus the overlay toggles.

Shows value, gradient, |∇f|, steepest-descent direction, Hessian, eigenvalues/eigenvectors, the second-derivative
verdict, and the directional derivative along a direction the user types. The point itself can be typed too.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget)

from engine import ParseError, parse
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
    """Coordinates separated by commas, each a number or a constant formula such as log(2), pi/4 or e^-1 (spaces
    separate plain numbers too). ValueError with a readable message otherwise."""
    text = text.strip().replace("−", "-")
    if text.startswith("(") and text.endswith(")") and ("," in text or n > 1):
        text = text[1:-1]   # "(1, 2)", as the inspector itself writes a point
    if "," in text:
        parts = [p.strip() for p in text.split(",")]
    else:
        parts = [text] if n == 1 and text else text.split()
    if not parts or not all(parts):
        raise ValueError(f"type {n} coordinate{'s' if n != 1 else ''} separated by commas, e.g. 0, log(2)")
    values = np.array([_constant(p, i + 1) for i, p in enumerate(parts)], dtype=np.float64)
    if len(values) != n:
        raise ValueError(f"type {n} coordinate{'s' if n != 1 else ''}, one per axis (got {len(values)})")
    return values


def _constant(text: str, index: int) -> float:
    """One coordinate: a number or a formula without variables, evaluated by the engine."""
    try:
        expression = parse(text)
    except ParseError as error:
        raise ValueError(f"coordinate {index} ({text!r}): {error.message}") from None
    if expression.variables:
        raise ValueError(f"coordinate {index} ({text!r}) contains {', '.join(expression.variables)}: type a number "
                         "or a formula of numbers, e.g. log(2)")
    with np.errstate(all="ignore"):
        value = float(expression.evaluate({}))
    if not np.isfinite(value):
        raise ValueError(f"coordinate {index} ({text!r}) is not a finite number")
    return value


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
        self.pointEdit.setToolTip("Type the coordinates of a point, separated by commas, and press Enter; each may "
                                  "be a constant formula such as log(2) or pi/4")
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
        with np.errstate(all="ignore"):   # ∇f may be undefined here (e.g. x/y on y = 0)
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
