"""A descent animated with a QTimer: each frame takes a few optimizer steps and shows the new numbers.

The run is one undo step: pressing Descend pushes a command whose "after" state follows the run, so Undo restores
the numbers from before the run and Redo its last frame. Any other change to the state stops the run first.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from engine.matrix.descent import MatrixDescent, matrix_objective
from engine.matrix.workbench import with_values
from engine.analysis.rates import default_learning_rate
from gui.matrix.model import MatrixModel, StateCommand

FRAME_MS = 33


class DescentRunner(QObject):
    running_changed = Signal(bool)
    stepped = Signal()            # a frame was shown

    def __init__(self, model: MatrixModel, parent: QObject | None = None):
        super().__init__(parent)
        self.model = model
        self.descent: MatrixDescent | None = None
        self.command: StateCommand | None = None
        self.steps_per_frame = 5
        self.learning_rate = None
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self.tick)
        model.about_to_change.connect(self.stop)

    @property
    def running(self) -> bool:
        return self.timer.isActive()

    def start(self, names, method: str, lr: float | None = None) -> str:
        """Start a run over ``names`` from the current numbers; "" or the reason it cannot start."""
        self.stop()
        study, state = self.model.study, self.model.state
        expr = study.expression
        if expr is None or not expr.is_scalar:
            return "A descent needs a scalar expression that parses."
        names = [n for n in names if n in expr.variables]
        if not names:
            return "Tick at least one variable to descend over."
        try:
            if lr is None:
                objective, start, _ = matrix_objective(expr, names, state.values)
                lr = default_learning_rate(objective, method, start)
            self.descent = MatrixDescent(expr, names, state.values, method, lr=lr)
        except ValueError as error:
            return str(error)
        self.learning_rate = lr
        self.command = StateCommand(self.model, state, state, f"Descend ({method}) over {', '.join(names)}")
        self.model.undo_stack.push(self.command)   # its redo puts the same state in place
        self.timer.start()
        self.running_changed.emit(True)
        return ""

    def tick(self) -> None:
        if self.descent is None:
            return
        self.descent.steps(self.steps_per_frame)
        current = self.descent.current
        state = with_values(self.model.state, {n: current[n] for n in self.descent.names})
        self.command.after = state
        self.model.preview(state)
        self.stepped.emit()
        if self.descent.status != "running":
            self.stop()

    def stop(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.running_changed.emit(False)
