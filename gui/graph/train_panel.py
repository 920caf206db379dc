"""Train: gradient descent on the inputs the user marked as weights (the checkbox on an input's header), with the
loss at the graph's output, on a toy data set; the loss curve and the classifier's decision picture (TensorFlow
Playground's view) drawn as it learns.

The graph is the user's own: it needs a data input X of 2-D points (n×2 or 2×n), a label input y and a scalar output;
the panel says exactly what is missing otherwise (engine.graph.train.training_setup). Training binds X and y to the
chosen toy set (two moons or XOR, seeded): all of it when X holds enough points (engine.graph.train.WHOLE_SET_FROM),
else a batch of X's size per step, the batches in turn (mini-batch gradient descent over the whole set: the batch MLP
preset's 8 points at a time over 64). Step takes one step, Train runs the chosen number of steps (Stop or Esc ends it
early), Reset puts back the values training started from; a training session is one undo step
(gui.graph.train_session). "New network" puts a ready-made 2-8-1 classifier in the editor (one undo
step), so there is something to train at once.
"""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QComboBox, QDialog, QDoubleSpinBox, QGridLayout, QHBoxLayout, QLabel,
                               QPushButton, QSpinBox, QVBoxLayout)

from engine.graph import GraphError
from engine.graph.train import (DATA_SETS, batch_count, batch_of, bound_values, classifier, decision_values, predict,
                                prediction_nodes, stored, toy_set, train_step, training_setup)
from gui.graph.train_session import TrainingSession, decision_pixmap, is_done, is_on_top, put_values
from gui.progress_bar import ProgressBar

PICTURE = 220        # pixels of the decision picture
EXTENT = 1.7         # the picture shows [−EXTENT, EXTENT]² (the toy sets lie within)
FRAME_BUDGET = 0.04  # seconds of gradient descent between two redraws of a Train run
SEED = 0
NEW_NETWORK_POINTS = 60


class TrainPanel(QDialog):
    def __init__(self, workspace):
        super().__init__(workspace, objectName="trainPanel")
        self.setWindowTitle("Train")
        self.ws = workspace
        self.document = workspace.document
        self.graph = self.document.graph
        self.session: TrainingSession | None = None
        self.setup = None            # engine.graph.train.TrainingSetup of the graph as it is, or None
        self.run_left = 0            # steps still to take in a Train run
        self.run_total = 0
        self._work = None            # (a copy of the graph training steps on, the graph version it matches)
        self._make_widgets()
        self._build()
        self.timer = QTimer(self, interval=16)
        self.timer.timeout.connect(self._tick)
        self._refresh_due = QTimer(self, singleShot=True, interval=0)
        self._refresh_due.timeout.connect(self.refresh)
        self.graph.subscribe(self._on_graph_event)
        self.document.undo_stack.indexChanged.connect(self._on_undo_index)
        self.refresh()

    def _make_widgets(self):
        self.data = QComboBox(objectName="trainData", toolTip="The toy data set training binds to X (points) and "
                              "y (labels ±1), seeded: the same points every time")
        self.data.addItems(list(DATA_SETS))
        self.data.currentIndexChanged.connect(self.refresh)
        self.prediction = QComboBox(objectName="trainPrediction", toolTip="The node whose value classifies a point "
                                    "(> 0: red, < 0: blue): drawn over the plane in the picture")
        self.prediction.activated.connect(lambda _i: self.refresh())
        self.rate = QDoubleSpinBox(objectName="trainRate", minimum=0.001, maximum=5.0, value=0.3, singleStep=0.05,
                                   decimals=3, toolTip="Learning rate: each step moves every weight by −rate × its "
                                   "adjoint (d loss / d weight)")
        self.steps = QSpinBox(objectName="trainSteps", minimum=1, maximum=100000, value=300, singleStep=100,
                              toolTip="How many steps Train runs (Stop or Esc ends it early)")
        self.picture = QLabel(objectName="trainPicture", toolTip="The prediction over the plane: red where it is "
                              "positive, blue where negative, the dark line where it is 0 (the decision boundary); "
                              "dots: the data, coloured by label")
        self.picture.setFixedSize(PICTURE, PICTURE)
        self.curve = pg.PlotWidget(background="w")
        self.curve.setObjectName("trainLossCurve")
        self.curve.setToolTip("The loss (the graph's output) before each step, on the points that step used")
        self.curve.setLabel("left", "loss")
        self.curve.setLabel("bottom", "step")
        self.line = self.curve.plot([], [], pen=pg.mkPen("#b91c1c", width=2))
        # trained a batch at a time, the curve swings from batch to batch: the mean over one pass reads better
        self.pass_mean = self.curve.plot([], [], pen=pg.mkPen("#111827", width=2))
        self.progress = ProgressBar(objectName="trainProgress", toolTip="Steps taken of this Train run")
        self.progress.setFormat("%v / %m steps")
        self.progress.hide()
        self.what = QLabel(objectName="trainSetup", wordWrap=True)
        self.status = QLabel(objectName="trainStatus", wordWrap=True)

    def _build(self):
        buttons = QHBoxLayout()
        for text, name, slot, tip in (
                ("New network", "trainNew", self.new_network, "Replace the graph by a ready-made 2-8-1 tanh "
                 "classifier on the chosen data set, its weights ticked (Undo brings your graph back)"),
                ("Step", "trainStep", self.step_once, "One step of gradient descent on the ticked weights"),
                ("Train", "trainPlay", self.toggle_run, "Run the chosen number of steps; press again (or Esc) "
                 "to stop"),
                ("Reset", "trainReset", self.reset, "Put back the values this training session started from "
                 "(as Undo does)")):
            button = QPushButton(text, objectName=name, toolTip=tip, autoDefault=False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        options = QGridLayout()
        for column, (label, widget) in enumerate((("data", self.data), ("prediction", self.prediction),
                                                  ("rate", self.rate), ("steps", self.steps))):
            options.addWidget(QLabel(label), 0, 2 * column)
            options.addWidget(widget, 0, 2 * column + 1)
        views = QHBoxLayout()
        views.addWidget(self.picture)
        views.addWidget(self.curve, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addLayout(buttons)
        layout.addWidget(self.what)
        layout.addLayout(views)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self.resize(680, 430)

    @property
    def losses(self) -> list[float]:
        """The loss curve of the training session, while it is done (Undo or Reset takes it away, Redo brings it back
        with the trained values)."""
        return self.session.losses if is_done(self.document.undo_stack, self.session) else []

    def button(self, name: str) -> QPushButton:
        return self.findChild(QPushButton, name)

    # --- the graph ------------------------------------------------------------------------------------------
    def new_network(self):
        self.stop()
        points, labels = DATA_SETS[self.data.currentText()](NEW_NETWORK_POINTS, seed=SEED)
        if self.ws._replace(classifier(points, labels), f"New {self.data.currentText()} classifier"):
            self.session = None
            self.refresh()

    def _on_graph_event(self, _event):
        if self.isVisible() and not self.timer.isActive():   # while training runs, each frame redraws once
            self._refresh_due.start()

    def _on_undo_index(self, _index: int):
        if self.timer.isActive() and not is_on_top(self.document.undo_stack, self.session):
            self.stop()   # an Undo (or another edit) during a run ends it, rather than training on from there
        self._on_graph_event(None)

    def _current_setup(self):
        """The training setup for the graph as it is (the prediction the user chose, if still possible)."""
        try:
            self.setup = training_setup(self.graph, prediction=self.prediction.currentText() or None)
            return self.setup, ""
        except GraphError as exc:
            self.setup = None
            if not len(self.graph):
                return None, ("The graph is empty: New network puts a ready-made classifier here; or open the "
                              "preset “The 2-3-1 network on a batch of 8 points” and tick its weights.")
            return None, f"Cannot train this graph: {exc}."

    def _wanted_data(self) -> tuple[np.ndarray, np.ndarray]:
        """The whole toy set (X may hold a batch of it at a time)."""
        return toy_set(self.data.currentText(), self.setup, SEED)

    # --- training -------------------------------------------------------------------------------------------
    def step(self, count: int = 1) -> int:
        """Up to ``count`` steps of gradient descent (the first of a session binds the toy set to X and y); returns
        how many were taken (0: none, the reason in the status line)."""
        setup, why = self._current_setup()
        if setup is None:
            self.stop()
            self.status.setText(why)
            return 0
        try:
            return self._take_steps(setup, count)
        except GraphError as exc:
            self.stop()
            self.status.setText(f"Training stopped: {exc}")
            return 0

    def step_once(self):
        if self.step():
            self.refresh()

    def _take_steps(self, setup, count: int) -> int:
        """Steps on a private copy of the graph for at most FRAME_BUDGET seconds, then the values reached are put in
        the graph once (the canvas redraws per value edit, so it sees one edit per weight per frame). Step k of a
        session binds batch k of the toy set to X and y (the same batch each step when X holds the whole set)."""
        g = self.graph
        points, labels = self._wanted_data()
        done = self.session.steps if is_on_top(self.document.undo_stack, self.session) else 0
        if not done or not self._holds(bound_values(setup, g, *batch_of(setup, points, labels, done - 1))):
            self._start_session(setup, bound_values(setup, g, *batch_of(setup, points, labels, 0)))
            done = 0
        if self._work is None or self._work[1] != g.version:
            self._work = (g.copy(), g.version)
        work, taken, deadline = self._work[0], 0, time.perf_counter() + FRAME_BUDGET
        while taken < count and (taken == 0 or time.perf_counter() < deadline):
            put_values(work, bound_values(setup, work, *batch_of(setup, points, labels, done + taken)))
            result = train_step(work, setup.weights, self.rate.value())
            put_values(work, {n: stored(work, n, v) for n, v in result.values.items()})
            self.session.losses.append(result.loss)
            taken += 1
        put_values(g, {n: work.node(n).value for n in (*setup.weights, setup.points, setup.labels)})
        self._work = (work, g.version)
        self.session.record(taken)
        return taken

    def _holds(self, values: dict) -> bool:
        """Whether the graph's inputs hold these values (lists, as bound_values gives them)."""
        return all(np.array(self.graph.node(n).value).tolist() == v for n, v in values.items())

    def _start_session(self, setup, wanted: dict):
        """Push one undo step holding the values as they are, then bind the data."""
        g = self.graph
        continues = self.losses and all(
            g.node(n).value == v for n, v in self.session.final.items() if n in setup.weights)
        self.session = TrainingSession(g, (*setup.weights, setup.points, setup.labels),
                                       losses=self.losses if continues else ())
        self.document.undo_stack.push(self.session)
        put_values(g, wanted)

    def toggle_run(self):
        if self.timer.isActive():
            self.stop()
            return
        taken = self.step()
        if taken:
            self.run_total, self.run_left = self.steps.value(), self.steps.value() - taken
            self.progress.setRange(0, self.run_total)
            self.progress.setValue(taken)
            self.progress.show()
            self.button("trainPlay").setText("Stop")
            self.timer.start()
            self.refresh()

    def stop(self):
        if self.timer.isActive():
            self.timer.stop()
            self.button("trainPlay").setText("Train")
            self.run_left = 0
            self.refresh()

    def _tick(self):
        if self.run_left > 0:
            taken = self.step(self.run_left)
            if not taken:
                return   # the run was stopped, and the status line says why
            self.run_left -= taken
        self.progress.setValue(self.run_total - self.run_left)
        if self.run_left <= 0:
            self.stop()
        else:
            self.refresh()

    def keyPressEvent(self, event):
        if event.key() == Qt.Key.Key_Escape and self.timer.isActive():
            self.stop()   # Esc stops a run; pressed again it closes the panel
            return
        super().keyPressEvent(event)

    def reset(self):
        """Undo the training session (Redo brings the trained weights back)."""
        self.stop()
        if is_on_top(self.document.undo_stack, self.session):
            self.document.undo_stack.undo()
        self.refresh()

    # --- drawing --------------------------------------------------------------------------------------------
    def refresh(self):
        setup, why = self._current_setup()
        self._sync_predictions(setup)
        self.button("trainStep").setEnabled(setup is not None)
        self.button("trainPlay").setEnabled(setup is not None)
        self.button("trainReset").setEnabled(is_on_top(self.document.undo_stack, self.session))
        self.line.setData(list(range(len(self.losses))), self.losses)
        self._draw_pass_mean(batch_count(setup) if setup else 1)
        self.what.setText(self._what_text(setup) if setup else why)
        self.what.setStyleSheet("" if setup else "color: #b91c1c;")
        self.status.setText(self._status_text(setup))
        self.picture.setPixmap(self._picture(setup))
        if not self.timer.isActive():
            self.progress.hide()

    def _sync_predictions(self, setup):
        names = prediction_nodes(self.graph, setup.points, setup.labels) if setup else []
        shown = [self.prediction.itemText(i) for i in range(self.prediction.count())]
        if names != shown:
            self.prediction.blockSignals(True)
            self.prediction.clear()
            self.prediction.addItems(names)
            if setup is not None:
                self.prediction.setCurrentText(setup.prediction)
            self.prediction.blockSignals(False)

    def _draw_pass_mean(self, batches: int) -> None:
        """The mean loss over the last ``batches`` steps (one pass over the toy set), drawn when training goes a
        batch at a time."""
        losses = np.asarray(self.losses, dtype=float)
        if batches == 1 or losses.size < batches:
            self.pass_mean.setData([], [])
            self.curve.getPlotItem().setTitle(None)
            return
        means = np.convolve(losses, np.ones(batches) / batches, mode="valid")
        self.pass_mean.setData(np.arange(batches - 1, losses.size), means)
        self.curve.getPlotItem().setTitle(f"<span style='color:#111827'>mean over {batches} steps</span>, "
                                          "<span style='color:#b91c1c'>each step's batch</span>", size="8pt")

    def _what_text(self, setup) -> str:
        batches = batch_count(setup)
        if batches == 1:
            return f"Training {setup.describe()}."
        return (f"Training {setup.describe()}. {setup.points} holds {setup.count} points: the "
                f"{self.data.currentText()} set's {setup.count * batches} go through it {setup.count} at a time, one "
                f"batch per step ({batches} steps see every point).")

    def _status_text(self, setup) -> str:
        if setup is None and not self.losses:
            return ""
        if not self.losses:
            return "Step or Train to start: the first step puts the data set in X and y (one undo step per session)."
        batches = batch_count(setup) if setup else 1
        if batches > 1 and len(self.losses) >= batches:
            text = (f"step {len(self.losses)}: loss {np.mean(self.losses[-batches:]):.4g} over the last {batches} "
                    f"batches (from {self.losses[0]:.4g})")
        else:
            text = f"step {len(self.losses)}: loss {self.losses[-1]:.4g} (from {self.losses[0]:.4g})"
        if setup is not None:
            points, labels = self._wanted_data()
            try:
                predicted = predict(self.graph, setup, points)
            except GraphError:
                predicted = np.zeros(0)
            if predicted.size == labels.size:
                text += f"; {int(np.sum(np.sign(predicted) == labels.ravel()))}/{labels.size} points classified right"
        return text + (" — training…" if self.timer.isActive() else "")

    def _picture(self, setup):
        if setup is None:
            return decision_pixmap(None, np.zeros((2, 0)), np.zeros((1, 0)), PICTURE, EXTENT)
        points, labels = self._wanted_data()
        try:
            field = decision_values(self.graph, setup, EXTENT, 40 if setup.count >= 4 else 24)
        except GraphError:
            field = None
        return decision_pixmap(field, points, labels, PICTURE, EXTENT)

    def closeEvent(self, event):
        self.stop()
        super().closeEvent(event)


def open_train_panel(workspace) -> TrainPanel:
    panel = getattr(workspace, "train_panel", None)
    if panel is None:
        panel = workspace.train_panel = TrainPanel(workspace)
    panel.show()
    panel.raise_()
    panel.refresh()
    return panel
