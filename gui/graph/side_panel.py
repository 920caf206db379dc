"""Send to surface: choose two inputs as the surface's axes; the other inputs stay fixed at their values."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QPushButton

NONE = "—"


class SendToSurface(QGroupBox):
    send_requested = Signal(tuple)   # the chosen axes

    def __init__(self, graph, parent=None):
        super().__init__("Surface", parent)
        self.graph = graph
        self.axis_x = QComboBox(objectName="sendAxisX")
        self.axis_y = QComboBox(objectName="sendAxisY")
        self.axis_x.setToolTip("The input plotted along the surface's x axis")
        self.axis_y.setToolTip("The input plotted along the y axis (— for a curve over the x axis alone); inputs "
                               "that are not axes stay fixed at their values")
        self.button = QPushButton("Send to surface", objectName="sendToSurfaceButton")
        self.button.setToolTip("Plot the output over the two chosen inputs (the others fixed at their values); "
                               "a descent there uses this graph's own backward pass")
        form = QFormLayout(self)
        form.addRow("x axis", self.axis_x)
        form.addRow("y axis", self.axis_y)
        form.addRow(self.button)
        self.button.clicked.connect(self._send)
        self._input_count = 0
        graph.subscribe(self._on_graph_event)
        self._sync()

    def _on_graph_event(self, event):
        if event.kind != "node_moved":
            self._sync()

    def _sync(self):
        """Keep each chosen axis while it is still an input, else take the first free input, so the two axes never
        name the same input (after the chapter's w, x, y, z a graph of x, y must not read "x / x")."""
        inputs = list(self.graph.inputs)
        chosen: list[str] = []
        for i, combo in enumerate((self.axis_x, self.axis_y)):
            current = combo.currentText()
            free = [n for n in inputs if n not in chosen]
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(inputs + ([NONE] if i == 1 else []))
            keep_none = i == 1 and current == NONE and self._input_count > 1
            if current in free or keep_none:
                combo.setCurrentText(current)
            elif free:
                combo.setCurrentText(free[0])
            else:
                combo.setCurrentText(NONE)
            combo.blockSignals(False)
            chosen.append(combo.currentText())
        self._input_count = len(inputs)
        self.button.setEnabled(bool(inputs) and self.graph.output is not None)

    def axes(self) -> tuple[str, ...]:
        x, y = self.axis_x.currentText(), self.axis_y.currentText()
        return (x,) if y in (NONE, x, "") else (x, y)

    def set_axes(self, x: str, y: str | None = None):
        self.axis_x.setCurrentText(x)
        self.axis_y.setCurrentText(y or NONE)

    def _send(self):
        self.send_requested.emit(self.axes())
