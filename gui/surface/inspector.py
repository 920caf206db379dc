"""pointInspector: what the engine says about the selected point, plus the overlay toggles.

Shows value, gradient, |∇f|, steepest-descent direction, Hessian, eigenvalues/eigenvectors, the second-derivative
verdict, and the directional derivative along a direction the user types. The point itself can be typed too.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from gui.number_box import read_number
from engine.analysis.taylor import PointAnalysis, vector_norm
from gui.surface.formula_view import FormulaRows
from gui.surface.point_context import PointContext
from engine.expr.numbers import format_number

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
    "infinite": "not a critical point (∇f is infinite here, or too large for a 64-bit number)",
    "undefined": "undecided: ∇f is undefined here",
}
MUTED = "slategray"   # a named colour: the labels' markup carries no digits (tests read their numbers)


def partial(name: str, n: int) -> str:
    return f"df/d{name}" if n == 1 else f"∂f/∂{name}"


def vector_text(v) -> str:
    return "(" + ", ".join(format_number(float(c)) for c in np.ravel(v)) + ")"


def placeholder(axes) -> str:
    where = "click the curve" if len(axes) == 1 else "click the contour view"
    return f"{where}, or type {', '.join(axes)}"


def components_html(names, values) -> str:
    """One line per component, named: ∂f/∂x = …"""
    return "<br>".join(f"{partial(n, len(names))} = {format_number(float(v))}" for n, v in zip(names, values))


def full_gradient_html(context: PointContext) -> str:
    names = tuple(context.full_gradient)
    lines = []
    for name, value in context.full_gradient.items():
        line = f"{partial(name, len(names))} = {format_number(value)}"
        if name in context.fixed:
            line += f" <span style='color:{MUTED}'>({name} fixed at {format_number(context.fixed[name])})</span>"
        lines.append(line)
    return "<br>".join(lines)


def matrix_html(names, matrix) -> str:
    """The Hessian with its rows and columns named by variable (no digits in the markup: tests read the numbers)."""
    head = "".join(f"<td align='center' style='color:{MUTED}'>&nbsp;{n}&nbsp;</td>" for n in names)
    rows = "".join(f"<tr><td style='color:{MUTED}'>{n}&nbsp;</td>"
                   + "".join(f"<td align='right'>&nbsp;{format_number(float(v))}&nbsp;</td>" for v in row) + "</tr>"
                   for n, row in zip(names, np.atleast_2d(matrix)))
    return f"<table><tr><td></td>{head}</tr>{rows}</table>"


def steepest_text(a: PointAnalysis, context: PointContext) -> str:
    g = np.asarray(a.gradient, dtype=np.float64)
    if np.any(np.isnan(g)):
        return "undefined (∇f is undefined here)"
    if np.any(np.isinf(g)):
        return "undefined (∇f is infinite here)"
    norm = vector_norm(g)
    if norm == 0:
        return "none (∇f = 0)"
    if context.is_critical(a):
        return "none (∇f ≈ 0 for this function: a critical point)"
    largest = float(np.max(np.abs(g)))
    return vector_text(-(g / largest) / (norm / largest))   # scaled first: no overflow for huge gradients


def verdict_text(a: PointAnalysis, context: PointContext) -> str:
    g = np.asarray(a.gradient, dtype=np.float64)
    if np.any(np.isnan(g)):
        return VERDICTS["undefined"]
    if np.any(np.isinf(g)):
        return VERDICTS["infinite"]
    kind = context.kind(a)
    return VERDICTS.get(kind, kind)


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
    return read_number(text, f"coordinate {index}")


class PointInspector(QWidget):
    point_entered = Signal(object)        # an np.ndarray typed by the user
    overlay_toggled = Signal(str, bool)   # overlay key, shown
    direction_changed = Signal(object)    # np.ndarray (unit) or None
    show_point_requested = Signal()       # "Show it": widen the view to the selected point outside it

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("pointInspector")
        self.analysis: PointAnalysis | None = None
        self.direction: np.ndarray | None = None
        self.pointEdit = QLineEdit(self)
        self.pointEdit.setObjectName("pointEdit")
        self.pointEdit.setPlaceholderText(placeholder(("x", "y")))
        self.pointEdit.setToolTip("Type the coordinates of a point, separated by commas, and press Enter; each may "
                                  "be a constant formula such as log(2) or pi/4")
        self.directionEdit = QLineEdit("1, 0", self)
        self.directionEdit.setObjectName("directionEdit")
        self.directionEdit.setToolTip("A direction u (any length; it is normalized) for the directional derivative")
        self.scopeNote = QLabel(self)
        self.scopeNote.setObjectName("inspectorScope")
        self.scopeNote.setWordWrap(True)
        self.scopeNote.setStyleSheet(f"color: {MUTED};")
        self.scopeNote.hide()
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #ff8a80;")
        self.message.setWordWrap(True)
        self.outsideNote = QLabel(self)
        self.outsideNote.setObjectName("outsideNote")
        self.outsideNote.setWordWrap(True)
        self.outsideNote.setStyleSheet("color: #ffcc80;")
        self.showPointButton = QPushButton("Show it", self)
        self.showPointButton.setObjectName("showPointButton")
        self.showPointButton.setToolTip("Widen the plotted ranges to take in the selected point (undoable)")
        self.showPointButton.clicked.connect(self.show_point_requested)
        outside = QHBoxLayout()
        outside.addWidget(self.outsideNote, 1)
        outside.addWidget(self.showPointButton, 0, Qt.AlignmentFlag.AlignTop)
        self.show_outside("")
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.pointLabel = QLabel("Point (x, y)", self)
        form.addRow(self.pointLabel, self.pointEdit)
        self.row_labels: dict[str, QLabel] = {}
        for key, label in (("value", "f"), ("gradient", "∇f"), ("full_gradient", "Full ∇f"),
                           ("gradient_norm", "|∇f|"), ("steepest", "Steepest descent"), ("hessian", "Hessian H"),
                           ("eigenvalues", "Eigenvalues"), ("eigenvectors", "Eigenvectors"), ("verdict", "Verdict")):
            self.fields[key] = self._field(key)
            self.row_labels[key] = QLabel(label, self)
            form.addRow(self.row_labels[key], self.fields[key])
        self.fields["full_gradient"].setToolTip("The gradient with respect to every variable of f, the fixed ones "
                                                "included, at the point with their fixed values")
        self.formula_rows = FormulaRows(self)
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
        layout.addWidget(self.scopeNote)
        layout.addLayout(form)
        layout.addLayout(outside)
        layout.addWidget(self.message)
        layout.addWidget(self.formula_rows.box)
        layout.addWidget(overlays)
        layout.addStretch(1)
        self.pointEdit.returnPressed.connect(self._on_point_entered)
        self.directionEdit.editingFinished.connect(self._on_direction_edited)
        self.show_analysis(None, ("x", "y"))

    def _field(self, key: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(f"inspector_{key}")
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label

    def show_outside(self, text: str) -> None:
        """Say that the selected point lies outside the view (with a button to show it); "" hides the note."""
        self.outsideNote.setText(text)
        self.outsideNote.setVisible(bool(text))
        self.showPointButton.setVisible(bool(text))

    def set_overlay(self, key: str, shown: bool) -> None:
        self.overlay_boxes[key].setChecked(shown)

    def overlays_shown(self) -> dict[str, bool]:
        return {k: b.isChecked() for k, b in self.overlay_boxes.items()}

    # --- showing --------------------------------------------------------------------------------------------------
    def show_analysis(self, analysis: PointAnalysis | None, axes, context: PointContext | None = None) -> None:
        """Show the engine's analysis of the point (None: no point), its derivatives with respect to ``axes``.
        ``context`` adds the fixed variables (with the full gradient) and the function's scales for the verdict."""
        self.analysis = analysis
        self.axes = tuple(axes)
        context = context or PointContext()
        self._show_scope(context)
        self.formula_rows.show_for(context.expression, self.axes, tuple(context.fixed))
        if analysis is None:
            for label in self.fields.values():
                label.setText("—")
            self.pointEdit.clear()
            return
        a, f = analysis, self.fields
        self.pointEdit.setText(", ".join(format_number(float(c), 8).replace("−", "-") for c in a.point))
        f["value"].setText(format_number(a.value))
        f["gradient"].setText(components_html(self.axes, a.gradient))
        f["gradient_norm"].setText(format_number(a.gradient_norm))
        f["steepest"].setText(steepest_text(a, context))
        f["hessian"].setText(matrix_html(self.axes, a.hessian))
        f["eigenvalues"].setText(vector_text(a.eigenvalues))
        f["eigenvectors"].setText(f"<span style='color:{MUTED}'>({', '.join(self.axes)}) components</span><br>"
                                  + "<br>".join(f"v{i + 1} = {vector_text(a.eigenvectors[:, i])}"
                                                for i in range(a.eigenvectors.shape[1])))
        f["verdict"].setText(verdict_text(a, context))
        if context.full_gradient is not None:
            f["full_gradient"].setText(full_gradient_html(context))
        self._show_directional()

    def _show_scope(self, context: PointContext) -> None:
        """Name the axes the derivatives are taken along, and say which variables are held fixed at what."""
        axes = ", ".join(self.axes)
        self.pointLabel.setText(f"Point ({axes})")
        self.pointEdit.setPlaceholderText(placeholder(self.axes))
        fixed = bool(context.fixed)
        held = ", ".join(f"{n} = {format_number(v)}" for n, v in context.fixed.items())
        self.scopeNote.setText(f"∇f, H and the verdict are with respect to the plotted axes {axes} only; held "
                               f"fixed: {held}. Full ∇f lists every variable." if fixed else "")
        self.scopeNote.setVisible(fixed)
        self.row_labels["full_gradient"].setVisible(fixed)
        self.fields["full_gradient"].setVisible(fixed)
        self.row_labels["gradient"].setText(f"∇f in ({axes})" if fixed else "∇f")
        self.row_labels["hessian"].setText(f"H in ({axes})" if fixed else "Hessian H")

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
        norm = vector_norm(u)
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

    def set_direction(self, u) -> None:
        """Take the direction u from elsewhere (the handle on the contour map), as if typed."""
        self.directionEdit.setText(", ".join(f"{float(c):.6g}" for c in u))
        self._on_direction_edited()

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
