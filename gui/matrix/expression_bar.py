"""The expression field (matrixExpressionEdit) with the presets, and the error line that shows where a formula
went wrong (matrixExpressionError)."""
from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine.matrix.presets import MatrixPreset
from gui.surface.function_bar import FormulaEdit

EXCERPT_RADIUS = 30
SYNTAX_HELP = ("Matrix syntax: a–g are scalars, h–z vectors of length 3, A–Z 3×3 matrices (change them in the "
               "shapes table). * is the matrix product (scaling when one side is a scalar); .* ./ .^ work entry by "
               "entry; / and ^ take a scalar on the right; ' transposes. Functions: exp log sqrt sin cos tanh "
               "sigmoid relu abs softplus (entrywise), sum norm1 norm2 tr det logdet inv dot(a,b), ones(r,c), "
               "zeros(r,c), eye(n). Press Enter to use it.")


def error_html(text: str, position: int, message: str) -> str:
    """The message and an excerpt of the formula with the offending character marked."""
    pos = max(0, min(position, len(text)))
    start, end = max(0, pos - EXCERPT_RADIUS), min(len(text), pos + EXCERPT_RADIUS)
    marked = text[pos:pos + 1] or " "
    excerpt = (("…" if start else "") + html.escape(text[start:pos])
               + f"<span style='background:#fecaca; color:#991b1b; text-decoration:underline'>"
               f"{html.escape(marked)}</span>" + html.escape(text[pos + 1:end]) + ("…" if end < len(text) else ""))
    return (f"<span style='color:#b91c1c'>{html.escape(message)}</span> "
            f"<span style='font-family:monospace'>{excerpt}</span>")


class ExpressionBar(QWidget):
    submitted = Signal(str)
    preset_chosen = Signal(object)      # a MatrixPreset
    history_requested = Signal(str)     # 'undo' | 'redo' asked for in the field

    def __init__(self, presets: list[MatrixPreset], parent=None):
        super().__init__(parent)
        self.presets = presets
        self.presetBox = QComboBox(objectName="matrixPresetBox")
        self.presetBox.addItem("Presets…")
        for preset in presets:
            self.presetBox.addItem(preset.name, preset.key)
            self.presetBox.setItemData(self.presetBox.count() - 1, preset.note, 3)   # Qt.ToolTipRole
        self.presetBox.setToolTip("Expressions from the chapter and from machine learning, with their shapes")
        self.presetBox.activated.connect(self._on_preset)
        self.edit = FormulaEdit(self)
        self.edit.setObjectName("matrixExpressionEdit")
        self.edit.setPlaceholderText("A scalar, vector or matrix expression, e.g. norm2(X - U*V)^2")
        self.edit.setToolTip(SYNTAX_HELP)
        self.edit.setClearButtonEnabled(True)
        self.edit.returnPressed.connect(lambda: self.submitted.emit(self.edit.text().strip()))
        self.edit.history_requested.connect(self.history_requested)
        self.error = QLabel(objectName="matrixExpressionError")
        self.error.setWordWrap(True)
        self.error.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel("f =")
        label.setStyleSheet("font-weight: bold")
        row.addWidget(self.presetBox)
        row.addWidget(label)
        row.addWidget(self.edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.error)

    def _on_preset(self, index: int) -> None:
        if index > 0:
            self.preset_chosen.emit(self.presets[index - 1])
        self.presetBox.setCurrentIndex(0)

    def show_text(self, text: str) -> None:
        """The drawn expression (the field follows undo/redo unless the user is typing something else)."""
        editing = self.edit.hasFocus() and self.edit.text().strip() != self.edit.drawn_text
        self.edit.drawn_text = text
        if not editing and self.edit.text() != text:
            self.edit.setText(text)

    def show_error(self, error) -> None:
        if error is None:
            self.error.hide()
            self.error.clear()
            return
        self.error.setText(error_html(self.edit.drawn_text, int(error.position), str(error)))
        self.error.setToolTip(str(error))
        self.error.show()
