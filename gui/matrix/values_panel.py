"""The variables' numbers: one editable heatmap per variable (numbers in small ones, colour in large ones) and a
seeded Randomize button."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from gui.matrix.heatmap import TITLE_HEIGHT, HeatmapView

ROW_PIXELS = 30


class ValuesPanel(QWidget):
    randomize_clicked = Signal()
    cell_edited = Signal(str, int, int, float)   # variable, row, column, number
    edit_refused = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.randomizeButton = QPushButton("Randomize", objectName="matrixRandomizeButton")
        self.randomizeButton.setToolTip("New random numbers for every variable, drawn from the next seed "
                                        "(Ctrl+Shift+R); Undo brings the old numbers back")
        self.randomizeButton.clicked.connect(self.randomize_clicked)
        self.seedLabel = QLabel(objectName="matrixSeedLabel")
        self.seedLabel.setToolTip("The seed the random numbers were drawn from (saved with the file)")
        header = QHBoxLayout()
        title = QLabel("<b>Values</b>")
        title.setToolTip("Each variable's numbers: double-click a cell to type a new one")
        header.addWidget(title, 1)
        header.addWidget(self.seedLabel)
        header.addWidget(self.randomizeButton)
        self._box = QWidget()
        self._box_layout = QVBoxLayout(self._box)
        self._box_layout.setContentsMargins(0, 0, 0, 0)
        self._box_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self._box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(scroll, 1)
        self.heatmaps: dict[str, HeatmapView] = {}

    def show_values(self, values: dict, shapes: dict, seed: int) -> None:
        self.seedLabel.setText(f"seed {seed}")
        names = [n for n in shapes if n in values]
        if names != list(self.heatmaps):
            self._rebuild(names)
        for name in names:
            rows, cols = shapes[name]
            view = self.heatmaps[name]
            view.set_data(values[name], title=f"{name}  ({rows}×{cols})")
            view.setMinimumHeight(TITLE_HEIGHT + min(rows, 12) * ROW_PIXELS + 6)

    def _rebuild(self, names: list[str]) -> None:
        for view in self.heatmaps.values():
            view.deleteLater()
        self.heatmaps = {}
        for i, name in enumerate(names):
            view = HeatmapView(name, editable=True)
            view.setObjectName(f"matrixValues_{name}")
            view.cell_edited.connect(lambda r, c, v, n=name: self.cell_edited.emit(n, r, c, v))
            view.edit_refused.connect(self.edit_refused)
            self._box_layout.insertWidget(i, view)
            self.heatmaps[name] = view
