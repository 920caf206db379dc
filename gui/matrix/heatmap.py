"""A matrix drawn as a heatmap: each entry a cell coloured on a diverging scale (blue negative, white zero, red
positive), with its number written in when the cells are large enough; some cells can be outlined (where an answer
disagrees), and an editable heatmap takes a new number on double-click."""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QLineEdit, QSizePolicy, QToolTip, QWidget

from gui.number_box import read_number

NEGATIVE, ZERO, POSITIVE = QColor("#2166ac"), QColor("#f7f7f7"), QColor("#b2182b")
NAN_COLOUR, OUTLINE = QColor("#9ca3af"), QColor("#f59e0b")
TITLE_HEIGHT = 20
MAX_CELL = 60           # pixels: a 2×2 matrix does not fill a whole panel
NUMBERS_MIN_WIDTH = 30  # below this a cell shows colour only
NUMBER_ASPECT = 0.62    # cells that hold numbers are wider than tall


def cell_colour(value: float, scale: float) -> QColor:
    if not math.isfinite(value):
        return NAN_COLOUR
    t = max(-1.0, min(1.0, value / scale)) if scale > 0 else 0.0
    end = POSITIVE if t > 0 else NEGATIVE
    a = abs(t)
    return QColor(round(ZERO.red() + (end.red() - ZERO.red()) * a), round(ZERO.green() + (end.green() - ZERO.green()) * a),
                  round(ZERO.blue() + (end.blue() - ZERO.blue()) * a))


def short_number(v: float, digits: int = 3) -> str:
    """At most about six characters: ``digits`` significant digits, or two with a power of ten (4.1e−4) when tiny
    or huge."""
    if not math.isfinite(v):
        return "nan" if math.isnan(v) else ("∞" if v > 0 else "−∞")
    if v == 0 or 1e-2 <= abs(v) < 10 ** digits:
        text = f"{v:.{digits}g}"
    else:
        mantissa, exponent = f"{v:.{max(0, digits - 2)}e}".split("e")
        text = f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    return text.replace("-", "−")


class HeatmapView(QWidget):
    cell_edited = Signal(int, int, float)   # row, column, new number (editable heatmaps only)
    edit_refused = Signal(str)              # what was wrong with a typed number

    def __init__(self, title: str = "", *, editable: bool = False, parent=None):
        super().__init__(parent)
        self.title = title
        self.editable = editable
        self.values: np.ndarray | None = None
        self.scale = 1.0
        self.outline: np.ndarray | None = None
        self.note = ""
        self._texts: list[str] | None = None
        self._widths_key: str | None = None
        self._widths = (0, 0)
        self._editor: QLineEdit | None = None
        self.setMouseTracking(True)
        self.setMinimumSize(60, 44)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # --- data -----------------------------------------------------------------------------------------------
    def set_data(self, values, *, scale: float | None = None, outline=None, title: str | None = None,
                 note: str = "") -> None:
        """Show ``values`` (None: nothing, with ``note`` saying why). ``scale``: the value drawn fully saturated
        (default the largest |entry|), shared between heatmaps that should be compared."""
        self.values = None if values is None else np.atleast_2d(np.asarray(values, dtype=np.float64))
        if scale is None and self.values is not None:
            finite = np.abs(self.values[np.isfinite(self.values)])
            scale = float(finite.max()) if finite.size else 1.0
        self.scale = scale if scale and math.isfinite(scale) and scale > 0 else 1.0
        self.outline = None if outline is None else np.asarray(outline, dtype=bool)
        if title is not None:
            self.title = title
        self.note = note
        self._precise = None if self.values is None else [short_number(v) for v in self.values.flat]
        self._brief = None if self.values is None else [short_number(v, 2) for v in self.values.flat]
        self._texts = self._precise
        self._widths_key = None   # the numbers' widths are measured again (_widest_numbers)
        rows = 3 if self.values is None else self.values.shape[0]
        self.setMaximumHeight(round(TITLE_HEIGHT + rows * MAX_CELL * (NUMBER_ASPECT if rows <= 12 else 1) + 8))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        """Room for numbers in every cell when the matrix is small, for colour alone when it is large."""
        rows, cols = (2, 3) if self.values is None else self.values.shape
        aspect = NUMBER_ASPECT if rows * cols <= 144 else 1.0
        cell = MAX_CELL if rows * cols <= 144 else max(8, 360 // max(rows, cols))
        return QSize(cols * cell + 4, round(TITLE_HEIGHT + rows * cell * aspect + 8))

    def cell_rect(self, row: int, col: int) -> QRectF:
        size, aspect, left = self._grid()
        return QRectF(left + col * size, TITLE_HEIGHT + row * size * aspect, size, size * aspect)

    def _grid(self) -> tuple[float, float, float]:
        """(cell width, height ÷ width, left edge): cells that hold numbers are wider than tall."""
        rows, cols = self.values.shape
        if self._shows_numbers():
            size, aspect = self._number_cell(), NUMBER_ASPECT
        else:
            size = max(2.0, min((self.width() - 4) / cols, (self.height() - TITLE_HEIGHT - 4) / rows, MAX_CELL))
            aspect = 1.0
        return size, aspect, (self.width() - size * cols) / 2

    def _number_cell(self) -> float:
        rows, cols = self.values.shape
        width = (self.width() - 4) / cols
        height = (self.height() - TITLE_HEIGHT - 4) / rows
        return min(width, height / NUMBER_ASPECT, MAX_CELL)

    def _shows_numbers(self) -> bool:
        """Numbers are written in when there are few cells and the widest number fits its cell."""
        rows, cols = self.values.shape
        cell = self._number_cell()
        if rows * cols > 144 or cell < NUMBERS_MIN_WIDTH:
            return False
        for texts, widest in zip((self._precise, self._brief), self._widest_numbers()):   # three digits, else two
            if widest + 4 <= cell:
                self._texts = texts
                return True
        return False

    def _widest_numbers(self) -> tuple[int, int]:
        """The widths of the widest three- and two-digit numbers, measured once per data and font (a paint asks
        for them once per cell)."""
        font = self._number_font()
        key = font.key()
        if self._widths_key != key:
            metrics = QFontMetrics(font)
            self._widths = tuple(max(metrics.horizontalAdvance(t) for t in texts)
                                 for texts in (self._precise, self._brief))
            self._widths_key = key
        return self._widths

    def _number_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, self.font().pointSizeF() - 1))
        return font

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        if self.values is None:
            return None
        for (row, col) in np.ndindex(*self.values.shape):
            if self.cell_rect(row, col).contains(x, y):
                return row, col
        return None

    # --- painting -------------------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        title_font = QFont(self.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(self.palette().text().color())
        title = QFontMetrics(title_font).elidedText(self.title, Qt.TextElideMode.ElideRight, self.width() - 4)
        painter.drawText(QRectF(0, 0, self.width(), TITLE_HEIGHT), Qt.AlignmentFlag.AlignHCenter
                         | Qt.AlignmentFlag.AlignVCenter, title)
        if self.values is None:
            painter.setFont(self.font())
            painter.drawText(QRectF(0, TITLE_HEIGHT, self.width(), self.height() - TITLE_HEIGHT),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.note)
            return
        numbers = self._shows_numbers()
        painter.setFont(self._number_font())
        for ((row, col), v), text in zip(np.ndenumerate(self.values), self._texts):
            rect = self.cell_rect(row, col)
            colour = cell_colour(v, self.scale)
            painter.fillRect(rect, colour)
            if numbers:
                painter.setPen(QColor("white") if colour.lightnessF() < 0.5 else QColor("#111827"))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.setPen(QPen(QColor("#d1d5db"), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        rows, cols = self.values.shape
        top_left, bottom_right = self.cell_rect(0, 0).topLeft(), self.cell_rect(rows - 1, cols - 1).bottomRight()
        painter.drawRect(QRectF(top_left, bottom_right))
        if self.outline is not None and self.outline.shape == self.values.shape:
            painter.setPen(QPen(OUTLINE, 3))
            for (row, col), bad in np.ndenumerate(self.outline):
                if bad:
                    painter.drawRect(self.cell_rect(row, col).adjusted(1.5, 1.5, -1.5, -1.5))

    # --- interaction ----------------------------------------------------------------------------------------
    def mouseMoveEvent(self, event) -> None:
        cell = self.cell_at(event.position().x(), event.position().y())
        if cell is not None:
            text = f"{self.title.split(' ')[0]}[{cell[0] + 1},{cell[1] + 1}] = {self.values[cell]:.10g}"
            if self.editable:
                text += "\nDouble-click to type a new number"
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
        super().mouseMoveEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        cell = self.cell_at(event.position().x(), event.position().y())
        if self.editable and cell is not None:
            self.edit_cell(*cell)
        super().mouseDoubleClickEvent(event)

    def edit_cell(self, row: int, col: int) -> QLineEdit:
        """Open an editor over the cell; Enter emits ``cell_edited``, Escape cancels."""
        if self._editor is not None:
            self._editor.deleteLater()
        editor = QLineEdit(f"{self.values[row, col]:.10g}", self)
        editor.setObjectName("heatmapCellEditor")
        rect = self.cell_rect(row, col).toRect()
        editor.setGeometry(rect.x() - 10, rect.y(), max(rect.width() + 20, 70), max(rect.height(), 24))
        editor.selectAll()
        editor.returnPressed.connect(lambda: self._finish_edit(editor, row, col))
        editor.editingFinished.connect(lambda: self._close_editor(editor))
        editor.show()
        editor.setFocus()
        self._editor = editor
        return editor

    def _finish_edit(self, editor: QLineEdit, row: int, col: int) -> None:
        text = editor.text().strip()
        self._close_editor(editor)
        try:
            value = read_number(text)   # ASCII digits only: float() would read ١ as 1
        except ValueError:
            value = math.nan
        if math.isfinite(value):
            self.cell_edited.emit(row, col, value)
        else:
            self.edit_refused.emit(f"{text!r} is not a finite number: type one such as -1.5 or 2e-3")

    def _close_editor(self, editor: QLineEdit) -> None:
        if self._editor is editor:
            self._editor = None
            editor.hide()
            editor.deleteLater()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self._editor is not None:
            self._close_editor(self._editor)
            return
        super().keyPressEvent(event)
