"""Forward mode beside reverse mode: push ∂/∂input forward through the graph and show every node's tangent next to
its adjoint.

One forward pass gives d(every node)/d(one input); one backward pass gives d(output)/d(every node). So the output's
gradient over n inputs costs n forward passes but one backward pass; the panel says so with the graph's own numbers,
and checks that both modes give the same ∂output/∂input.
"""
from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem

from engine.graph import GraphError
from engine.expr.numbers import format_number
from gui.graph.side_panel import InputPanel, refill_inputs

COLUMNS = ("node", "tangent", "adjoint")   # the values are on the canvas; here the two derivatives side by side
CELL_DIGITS = 4


class ForwardModePanel(InputPanel):
    def __init__(self, graph, parent=None):
        super().__init__(graph, "forwardModeSource", parent)
        self.tangents: dict[str, float] | None = None   # d node / d source, after a push
        self.adjoints: dict[str, float] | None = None
        self.source.setToolTip("The input whose derivative is pushed forward (its tangent starts at 1, every other "
                               "input's at 0)")
        self.button = QPushButton("Push ∂/∂ forward", objectName="forwardModeButton")
        self.button.setToolTip("One forward-mode pass: every node's derivative with respect to the chosen input, "
                               "computed from the inputs towards the output")
        self.table = QTableWidget(0, len(COLUMNS), objectName="forwardModeTable")
        self.table.setToolTip("Forward mode gives each node's tangent d node/d input; reverse mode (backprop) gives "
                              "each node's adjoint d output/d node")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        columns = self.table.horizontalHeader()
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        columns.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.summary = QLabel(objectName="forwardModeSummary")
        self.passes = QLabel(objectName="forwardModePasses")
        self.button.clicked.connect(self.push)
        self.source.currentTextChanged.connect(self._on_source_changed)
        self.lay_out("Input", [self.button, self.table, self.summary, self.passes], self.table)

    def _on_source_changed(self, name: str):
        self.button.setText(f"Push ∂/∂{name} forward" if name else "Push ∂/∂ forward")
        if self.tangents is not None:
            self.push()   # once shown, the tangents follow the chosen input

    def _sync_sources(self):
        refill_inputs(self.source, self.graph.inputs)
        self.button.setText(f"Push ∂/∂{self.source.currentText()} forward")
        self.button.setEnabled(bool(self.graph.inputs) and self.graph.output is not None)
        if self.tangents is not None:
            self.push()   # the numbers on show always describe the graph as it is
        self._show_passes()

    def push(self) -> bool:
        """Run forward mode from the chosen input (and backward for the adjoints beside it)."""
        source, g = self.source.currentText(), self.graph
        if not source or g.output is None:
            self._clear("Add an input and an output to push a derivative forward.")
            return False
        try:
            self.tangents = g.forward_mode(source)
            self.adjoints = g.backward()
        except GraphError as exc:
            self._clear(f"Cannot compute: {exc}")
            return False
        self._fill()
        out = g.output
        forward, reverse = self.tangents[out], self.adjoints[source]
        agree = math.isclose(forward, reverse, rel_tol=1e-9, abs_tol=1e-12)
        self.summary.setText(f"∂{out}/∂{source} = {format_number(forward)} by one forward pass; backprop's "
                             f"∂{out}/∂{source} = {format_number(reverse)}   "
                             f"{'✓ they agree' if agree else '✗ they differ'}")
        return True

    def _clear(self, text: str):
        self.tangents = self.adjoints = None
        self.table.setRowCount(0)
        self.summary.setText(text)

    def _fill(self):
        source, out = self.source.currentText(), self.graph.output
        self.table.setHorizontalHeaderLabels(["node", f"∂·/∂{source}", f"∂{out}/∂·"])
        tips = ("", f"Forward mode: the tangent d node/d{source}, one pass from {source}",
                f"Reverse mode: the adjoint d{out}/d node, one backward pass from {out}")
        for column, tip in enumerate(tips):
            self.table.horizontalHeaderItem(column).setToolTip(tip)
        names = list(self.graph.topological_order())
        self.table.setRowCount(len(names))
        for row, name in enumerate(names):
            self.table.setItem(row, 0, QTableWidgetItem(name))
            numbers = (self.tangents[name], self.adjoints[name])
            for column, number in enumerate(numbers, start=1):
                # four digits fit a narrow panel; the tooltip has them all
                item = QTableWidgetItem(format_number(number, CELL_DIGITS))
                item.setToolTip(format_number(number, 17))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)

    def _show_passes(self):
        n, out = len(self.graph.inputs), self.graph.output or "the output"
        if not n:
            self.passes.setText("")
            return
        self.passes.setText(f"The whole gradient of {out} over its {n} input{'s' if n != 1 else ''}: forward mode "
                            f"needs {n} pass{'es' if n != 1 else ''} (one per input), reverse mode 1 backward pass "
                            "(one per output). Backprop wins when inputs outnumber outputs.")
