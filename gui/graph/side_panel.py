"""The Graph side panel's parts: the Surface box (choose two inputs as the surface's axes; the other inputs stay
fixed at their values; for a graph holding vectors or matrices it becomes the Matrix box: the output goes to the
Matrix workspace as one formula), and the layout and input chooser the Paths and Forward-mode panels share."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

NONE = "—"


class InputPanel(QWidget):
    """A side panel about one input of the graph, chosen in ``source``; it follows the graph's edits (a move
    changes nothing it shows) through ``_sync_sources``, which a panel defines."""

    def __init__(self, graph, source_name: str, parent=None):
        super().__init__(parent)
        self.graph = graph
        self.source = QComboBox(objectName=source_name)

    def lay_out(self, label: str, body: list[QWidget], stretched: QWidget) -> None:
        """"label [input chooser]" on top, then ``body`` top to bottom, ``stretched`` taking the spare height;
        labels wrap and their text can be selected (and copied). Then start following the graph."""
        form = QFormLayout()
        form.addRow(label, self.source)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        for widget in body:
            layout.addWidget(widget, 1 if widget is stretched else 0)
            if isinstance(widget, QLabel):
                widget.setWordWrap(True)
                widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.graph.subscribe(self._on_graph_event)
        self._sync_sources()

    def detach(self):
        self.graph.unsubscribe(self._on_graph_event)

    def set_source(self, name: str):
        self.source.setCurrentText(name)

    def _on_graph_event(self, event):
        if event.kind != "node_moved":   # a move changes no number shown; keep any selection highlighted
            self._sync_sources()

    def _sync_sources(self):
        raise NotImplementedError


def refill_inputs(chooser: QComboBox, inputs) -> None:
    """List the graph's inputs, keeping the chosen one while it is still there, without announcing a change."""
    current = chooser.currentText()
    inputs = list(inputs)
    chooser.blockSignals(True)
    chooser.clear()
    chooser.addItems(inputs)
    if current in inputs:
        chooser.setCurrentText(current)
    chooser.blockSignals(False)


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
        self.form = form = QFormLayout(self)
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
        self._show_destination(self.graph.is_tensor)

    def _show_destination(self, tensor: bool):
        """A graph of vectors or matrices has no two axes to plot over: it goes to the Matrix workspace whole."""
        self.setTitle("Matrix" if tensor else "Surface")
        self.button.setText("Send to Matrix" if tensor else "Send to surface")
        self.button.setToolTip(
            "Compile the output to one matrix formula over the inputs and open it in the Matrix workspace (its "
            "gradients there equal this graph's adjoints)" if tensor else
            "Plot the output over the two chosen inputs (the others fixed at their values); a descent there uses "
            "this graph's own backward pass")
        for row in (0, 1):
            self.form.setRowVisible(row, not tensor)

    def axes(self) -> tuple[str, ...]:
        x, y = self.axis_x.currentText(), self.axis_y.currentText()
        return (x,) if y in (NONE, x, "") else (x, y)

    def set_axes(self, x: str, y: str | None = None):
        self.axis_x.setCurrentText(x)
        self.axis_y.setCurrentText(y or NONE)

    def _send(self):
        self.send_requested.emit(self.axes())
