"""Train: gradient descent on a tensor graph's weights, on a toy data set, with the loss curve and the classifier's
decision picture (TensorFlow Playground's view) drawn as it learns.

"New network" puts a 2-h-1 tanh classifier on a seeded two-moons or XOR set into the editor (one undo step); the
checkboxes choose which inputs are weights; Step and Play run gradient descent (each step one undo step, so Undo takes
a step back); Reset puts back the weights training started from. The engine does the work (engine.graph.train).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDoubleSpinBox, QGridLayout, QHBoxLayout, QLabel,
                               QPushButton, QVBoxLayout)

from engine.graph import GraphError
from engine.graph.train import DATA_NAMES, classifier, decision_values, two_moons, xor
from gui.graph.tensor_face import heatmap_colours

PICTURE = 220      # pixels of the decision picture
EXTENT = 2.0
DATA = {"Two moons": two_moons, "XOR": xor}


class TrainPanel(QDialog):
    def __init__(self, workspace):
        super().__init__(workspace, objectName="trainPanel")
        self.setWindowTitle("Train")
        self.ws = workspace
        self.document = workspace.document
        self.losses: list[float] = []
        self.start_weights: dict | None = None
        self.data = QComboBox(objectName="trainData")
        self.data.addItems(list(DATA))
        self.rate = QDoubleSpinBox(objectName="trainRate", minimum=0.001, maximum=5.0, value=0.3, singleStep=0.05)
        self.rate.setDecimals(3)
        self.picture = QLabel(objectName="trainPicture")
        self.picture.setFixedSize(PICTURE, PICTURE)
        self.curve = pg.PlotWidget(background="w")
        self.curve.setObjectName("trainLossCurve")
        self.curve.setLabel("left", "loss")
        self.curve.setLabel("bottom", "step")
        self.line = self.curve.plot([], [], pen=pg.mkPen("#b91c1c", width=2))
        self.weights_box = QGridLayout()
        self.status = QLabel(objectName="trainStatus")
        self.timer = QTimer(self, interval=30)
        self.timer.timeout.connect(self._tick)
        self._build()
        self.refresh()

    def _build(self):
        buttons = QHBoxLayout()
        for text, name, slot, tip in (
                ("New network", "trainNew", self.new_network, "Put a 2-8-1 tanh classifier on the chosen data set"),
                ("Step", "trainStep", self.step, "One step of gradient descent on the checked weights"),
                ("Play", "trainPlay", self.toggle_play, "Keep stepping; press again to stop"),
                ("Reset", "trainReset", self.reset, "Put back the weights training started from")):
            button = QPushButton(text, objectName=name, toolTip=tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        top = QHBoxLayout()
        for widget in (QLabel("data"), self.data, QLabel("rate"), self.rate):
            top.addWidget(widget)
        views = QHBoxLayout()
        views.addWidget(self.picture)
        views.addWidget(self.curve, 1)
        layout = QVBoxLayout(self)
        for part in (top, buttons, self.weights_box, views):
            layout.addLayout(part)
        layout.addWidget(self.status)
        self.resize(640, 380)

    # --- the network and its weights ------------------------------------------------------------------------
    def new_network(self):
        points, labels = DATA[self.data.currentText()](60, seed=0)
        self.ws._replace(classifier(points, labels), f"New {self.data.currentText()} classifier")
        self.losses, self.start_weights = [], None
        self.refresh()

    def weights(self) -> list[str]:
        return [box.text() for box in self.findChildren(QCheckBox) if box.isChecked()
                and box.text() in self.document.graph.nodes]

    def _sync_checkboxes(self):
        g = self.document.graph
        shown = {box.text(): box for box in self.findChildren(QCheckBox)}
        for name, box in shown.items():
            if name not in g.inputs:
                self.weights_box.removeWidget(box)
                box.deleteLater()
        for name in g.inputs:
            if name not in shown:
                box = QCheckBox(name, objectName=f"trainWeight_{name}", checked=name not in DATA_NAMES)
                box.setToolTip(f"Train {name} (a weight) or keep it fixed (data)")
                self.weights_box.addWidget(box, 0, self.weights_box.count())

    # --- training -------------------------------------------------------------------------------------------
    def step(self) -> bool:
        g, names = self.document.graph, self.weights()
        if not names or not g.is_tensor:
            self.status.setText("Check at least one weight of a graph holding vectors or matrices")
            return False
        try:
            adjoints = g.backward()
            loss = float(g.forward()[g.output][0, 0])
        except GraphError as exc:
            self.status.setText(f"Cannot train: {exc}")
            return False
        if self.start_weights is None:
            self.start_weights = {n: g.node(n).value for n in names}
        rate = self.rate.value()
        new = {n: (np.array(g.node(n).value, dtype=float).reshape(g.shape(n)) - rate * adjoints[n]) for n in names}
        self.document.perform(f"Training step {len(self.losses) + 1}",
                              [lambda n=n, v=v: g.set_value(n, v.tolist()) for n, v in new.items()])
        self.losses.append(loss)
        self.refresh()
        return True

    def toggle_play(self):
        if self.timer.isActive():
            self._stop()
        else:
            self.timer.start()
            self.findChild(QPushButton, "trainPlay").setText("Stop")

    def _stop(self):
        self.timer.stop()
        self.findChild(QPushButton, "trainPlay").setText("Play")

    def _tick(self):
        if not self.step():
            self._stop()

    def reset(self):
        self._stop()
        if self.start_weights:
            g = self.document.graph
            self.document.perform("Reset the trained weights",
                                  [lambda n=n, v=v: g.set_value(n, v) for n, v in self.start_weights.items()])
        self.losses, self.start_weights = [], None
        self.refresh()

    # --- drawing --------------------------------------------------------------------------------------------
    def refresh(self):
        self._sync_checkboxes()
        self.line.setData(list(range(len(self.losses))), self.losses)
        if self.losses:
            self.status.setText(f"step {len(self.losses)}: loss {self.losses[-1]:.4g}")
        self.picture.setPixmap(self._picture())

    def _picture(self) -> QPixmap:
        pixmap = QPixmap(PICTURE, PICTURE)
        pixmap.fill(QColor("#ffffff"))
        g = self.document.graph
        if not all(n in g.nodes for n in ("W1", "b1", "W2", "b2", "X", "Y")):
            return pixmap
        try:
            field = decision_values(g, EXTENT, 60)[::-1]   # image rows run downwards
        except (GraphError, ValueError, KeyError):
            return pixmap
        rgb = np.ascontiguousarray(heatmap_colours(field))
        image = QImage(rgb.data, rgb.shape[1], rgb.shape[0], 3 * rgb.shape[1], QImage.Format.Format_RGB888).copy()
        painter = QPainter(pixmap)
        painter.drawImage(pixmap.rect(), image)
        points, labels = (np.array(g.node(n).value, dtype=float) for n in ("X", "Y"))
        for (px, py), label in zip(points.reshape(2, -1).T, labels.ravel()):
            x = (px + EXTENT) / (2 * EXTENT) * PICTURE
            y = (EXTENT - py) / (2 * EXTENT) * PICTURE
            painter.setBrush(QColor("#7f1d1d") if label > 0 else QColor("#1e3a8a"))
            painter.setPen(QColor("#ffffff"))
            painter.drawEllipse(int(x) - 3, int(y) - 3, 6, 6)
        painter.end()
        return pixmap


def open_train_panel(workspace) -> TrainPanel:
    panel = getattr(workspace, "train_panel", None)
    if panel is None:
        panel = workspace.train_panel = TrainPanel(workspace)
        workspace.document.graph.subscribe(lambda _event: panel.isVisible() and panel._sync_checkboxes())
    panel.show()
    panel.raise_()
    return panel
