"""The shapes table (matrixShapes): one row per variable of the expression with spin boxes for its rows and columns,
and the convention it would have by default."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSpinBox, QTableWidget, QTableWidgetItem

from engine.matrix.shapes import default_shape, describe
from engine.matrix.workbench import MAX_SIDE


def convention(name: str) -> str:
    """The default shape of a name and the rule it comes from, e.g. "3×1 (h–z)"."""
    shape = default_shape(name)
    group = "a–g" if "a" <= name[0] <= "g" else "h–z" if "h" <= name[0] <= "z" else "A–Z" if name[0].isupper() \
        else "other"
    return f"{shape[0]}×{shape[1]} ({group})"


class ShapesTable(QTableWidget):
    shape_edited = Signal(str, int, int)   # name, rows, columns

    def __init__(self, parent=None):
        super().__init__(0, 4, parent)
        self.setObjectName("matrixShapes")
        self.setHorizontalHeaderLabels(["Variable", "Rows", "Columns", "Convention"])
        self.verticalHeader().hide()
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.setToolTip("Each variable's rows and columns. Unless you change them, a–g are scalars, h–z vectors "
                        "of length 3 and A–Z 3×3 matrices (the usual online matrix-calculus convention).")
        self._spins: dict[str, tuple[QSpinBox, QSpinBox]] = {}

    def show_shapes(self, shapes: dict[str, tuple[int, int]]) -> None:
        """One row per name; spin boxes are reused (and updated with signals blocked) so a change never echoes."""
        if list(shapes) != list(self._spins):
            self._rebuild(list(shapes))
        for name, (rows, cols) in shapes.items():
            for spin, value in zip(self._spins[name], (rows, cols)):
                if spin.value() != value:
                    spin.blockSignals(True)
                    spin.setValue(value)
                    spin.blockSignals(False)
            default = self.item(list(shapes).index(name), 3)
            changed = default_shape(name) != (rows, cols)
            default.setText(convention(name) + (", changed" if changed else ""))
            default.setToolTip(f"{name} is {describe((rows, cols))}; by the convention it would be "
                               f"{describe(default_shape(name))}")

    def _rebuild(self, names: list[str]) -> None:
        self.setRowCount(len(names))
        self._spins = {}
        for row, name in enumerate(names):
            item = QTableWidgetItem(name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.setItem(row, 0, item)
            spins = []
            for col, what in ((1, "rows"), (2, "columns")):
                spin = QSpinBox(minimum=1, maximum=MAX_SIDE)
                spin.setObjectName(f"matrixShape_{name}_{what}")
                spin.setKeyboardTracking(False)   # typing "12" is one change, not "1" then "12"
                spin.setToolTip(f"Number of {what} of {name} (1 to {MAX_SIDE})")
                spin.valueChanged.connect(lambda _v, n=name: self._emit(n))
                self.setCellWidget(row, col, spin)
                spins.append(spin)
            self._spins[name] = tuple(spins)
            default = QTableWidgetItem()
            default.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.setItem(row, 3, default)

    def spins(self, name: str) -> tuple[QSpinBox, QSpinBox]:
        return self._spins[name]

    def _emit(self, name: str) -> None:
        rows, cols = (s.value() for s in self._spins[name])
        self.shape_edited.emit(name, rows, cols)
