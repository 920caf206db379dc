"""Forward mode beside reverse mode: push ∂/∂input forward through the graph and show every node's tangent next to
its adjoint — on the node faces (a green line on a scalar node, a green-framed heatmap on a tensor node) and in a
table.

One forward pass gives d(every node)/d(one input); one backward pass gives d(output)/d(every node). So the output's
gradient over n inputs costs n forward passes but one backward pass; the panel says so with the graph's own numbers,
and checks that both modes give the same ∂output/∂input. In a graph of vectors and matrices one pass pushes one
entry of an input (chosen beside the input), so n counts the entries of all the inputs.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem)

from engine.graph import GraphError
from engine.expr.numbers import format_number
from gui.graph.side_panel import InputPanel, refill_inputs
from gui.graph.tensor_face import array_text

COLUMNS = ("node", "tangent", "adjoint")   # the values are on the canvas; here the two derivatives side by side
CELL_DIGITS = 4


def entry_name(shape: tuple[int, int], entry: tuple[int, int]) -> str:
    """How people index an entry: "" for a scalar, [i] for a vector, [i,j] for a matrix (1-based)."""
    rows, cols = shape
    i, j = entry
    return "" if shape == (1, 1) else f"[{i + 1}]" if cols == 1 else f"[{j + 1}]" if rows == 1 else \
        f"[{i + 1},{j + 1}]"


class ForwardModePanel(InputPanel):
    def __init__(self, graph, parent=None):
        super().__init__(graph, "forwardModeSource", parent)
        self.tangents: dict | None = None   # d node / d source (an array per node in a graph of tensors)
        self.adjoints: dict | None = None
        self.scene = None                   # set by show_on: the canvas whose nodes show the tangents
        self._drawn = False                 # whether the nodes show tangents now
        self.source.setToolTip("The input whose derivative is pushed forward (its tangent starts at 1, every other "
                               "input's at 0)")
        self.entry = QComboBox(objectName="forwardModeEntry")
        self.entry.setToolTip("The entry of a vector or matrix input whose derivative is pushed: one forward pass per "
                              "entry")
        self.button = QPushButton("Push ∂/∂ forward", objectName="forwardModeButton")
        self.button.setToolTip("One forward-mode pass: every node's derivative with respect to the chosen input, "
                               "computed from the inputs towards the output")
        self.on_nodes = QCheckBox("Show tangents on the nodes", objectName="forwardModeOnNodes", checked=True)
        self.on_nodes.setToolTip("Each node shows its tangent d node/d input in green, beside its value and adjoint")
        self.table = QTableWidget(0, len(COLUMNS), objectName="forwardModeTable")
        self.table.setToolTip("Forward mode gives each node's tangent d node/d input; reverse mode (backprop) gives "
                              "each node's adjoint d output/d node")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
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
        self.entry.currentIndexChanged.connect(self._on_entry_changed)
        self.on_nodes.toggled.connect(lambda _on: self._show_on_nodes())
        self.lay_out("Input", [self.entry, self.button, self.on_nodes, self.table, self.summary, self.passes],
                     self.table)

    def show_on(self, scene) -> None:
        """Draw the tangents on ``scene``'s nodes (again after each of its refreshes, which rebuild the faces)."""
        self.scene = scene
        scene.numbers_changed.connect(self._show_on_nodes)

    # --- the chosen input and entry -------------------------------------------------------------------------
    def _source_shape(self) -> tuple[int, int]:
        name = self.source.currentText()
        return self.graph.shape(name) if name in self.graph.nodes else (1, 1)

    def chosen_entry(self) -> tuple[int, int]:
        """(row, column) of the chosen entry, 0-based; the chooser lists them row by row."""
        index = max(0, self.entry.currentIndex())
        return divmod(index, self._source_shape()[1])

    def set_entry(self, row: int, col: int) -> None:
        rows, cols = self._source_shape()
        if 0 <= row < rows and 0 <= col < cols:
            self.entry.setCurrentIndex(row * cols + col)

    def _fill_entries(self) -> None:
        shape, kept = self._source_shape(), self.entry.currentText()
        self.entry.blockSignals(True)
        self.entry.clear()
        self.entry.addItems([f"entry {entry_name(shape, entry)}" for entry in np.ndindex(*shape)])
        if self.entry.findText(kept) >= 0:
            self.entry.setCurrentText(kept)
        self.entry.blockSignals(False)
        self.entry.setVisible(shape != (1, 1))

    def _label(self) -> str:
        return self.source.currentText() + entry_name(self._source_shape(), self.chosen_entry())

    def _on_source_changed(self, name: str):
        self._fill_entries()
        self.button.setText(f"Push ∂/∂{self._label()} forward" if name else "Push ∂/∂ forward")
        if self.tangents is not None:
            self.push()   # once shown, the tangents follow the chosen input

    def _on_entry_changed(self, _index: int):
        self.button.setText(f"Push ∂/∂{self._label()} forward")
        if self.tangents is not None:
            self.push()

    def _sync_sources(self):
        refill_inputs(self.source, self.graph.inputs)
        self._fill_entries()
        self.button.setText(f"Push ∂/∂{self._label()} forward")
        self.button.setEnabled(bool(self.graph.inputs) and self.graph.output is not None)
        if self.tangents is not None:
            self.push()   # the numbers on show always describe the graph as it is
        self._show_passes()

    # --- the pass -------------------------------------------------------------------------------------------
    def push(self) -> bool:
        """Run forward mode from the chosen input (and entry) and backward for the adjoints beside it."""
        source, g = self.source.currentText(), self.graph
        if not source or g.output is None:
            self._clear("Add an input and an output to push a derivative forward.")
            return False
        try:
            if g.is_tensor:
                self.tangents = g.forward_mode(source, entry=self.chosen_entry())
            else:
                self.tangents = g.forward_mode(source)
            self.adjoints = g.backward()
        except GraphError as exc:
            self._clear(f"Cannot compute: {exc}")
            return False
        self._fill()
        self._show_on_nodes()
        out, label = g.output, self._label()
        forward, reverse = self.tangents[out], self.adjoints[source]
        if g.is_tensor:
            forward, reverse = float(forward[0, 0]), float(reverse[self.chosen_entry()])
        agree = math.isclose(forward, reverse, rel_tol=1e-9, abs_tol=1e-12)
        self.summary.setText(f"∂{out}/∂{label} = {format_number(forward)} by one forward pass; backprop's "
                             f"∂{out}/∂{label} = {format_number(reverse)}   "
                             f"{'✓ they agree' if agree else '✗ they differ'}")
        return True

    def _clear(self, text: str):
        self.tangents = self.adjoints = None
        self.table.setRowCount(0)
        self.summary.setText(text)
        self._show_on_nodes()

    def _fill(self):
        label, out = self._label(), self.graph.output
        self.table.setHorizontalHeaderLabels(["node", f"∂·/∂{label}", f"∂{out}/∂·"])
        tips = ("", f"Forward mode: the tangent d node/d{label}, one pass from {label}",
                f"Reverse mode: the adjoint d{out}/d node, one backward pass from {out}")
        for column, tip in enumerate(tips):
            self.table.horizontalHeaderItem(column).setToolTip(tip)
        names = list(self.graph.topological_order())
        self.table.setRowCount(len(names))
        for row, name in enumerate(names):
            self.table.setItem(row, 0, QTableWidgetItem(name))
            for column, number in enumerate((self.tangents[name], self.adjoints[name]), start=1):
                # four digits fit a narrow panel; the tooltip has them all
                item = QTableWidgetItem(_cell_text(number))
                item.setToolTip(array_text(number) if isinstance(number, np.ndarray) else format_number(number, 17))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)

    def _show_on_nodes(self):
        """Each node's tangent on its face (green), or none when hidden or not computed."""
        shown = self.tangents if self.on_nodes.isChecked() else None
        if self.scene is None or (shown is None and not self._drawn):
            return   # nothing on the nodes to add or take away (a big graph's refreshes stay cheap)
        self._drawn = shown is not None
        label = f"∂/∂{self._label()}"
        for name, item in self.scene.nodes.items():
            tangent = None if shown is None else shown.get(name)
            item.tangent_label = label
            if item.tensor_face is not None:
                item.tensor_face.tangent, item.tensor_face.tangent_label = tangent, label
                item.setToolTip(item.tensor_face.tooltip(name, self.graph.output or "out"))
                item.tangent = None
            else:
                item.tangent = None if tangent is None else float(np.reshape(tangent, -1)[0])
            item.update()

    def _show_passes(self):
        g, out = self.graph, self.graph.output or "the output"
        n = len(g.inputs)
        if not n:
            self.passes.setText("")
            return
        if g.is_tensor:
            sizes = {name: math.prod(g.shape(name)) for name in g.inputs}
            entries = sum(sizes.values())
            parts = ", ".join(f"{name} {k}" for name, k in sizes.items())
            self.passes.setText(f"The whole gradient of {out} over the {entries} entries of its inputs ({parts}): "
                                f"forward mode needs {entries} passes (one per entry), reverse mode 1 backward pass "
                                "(one per output). Backprop wins when inputs outnumber outputs.")
            return
        self.passes.setText(f"The whole gradient of {out} over its {n} input{'s' if n != 1 else ''}: forward mode "
                            f"needs {n} pass{'es' if n != 1 else ''} (one per input), reverse mode 1 backward pass "
                            "(one per output). Backprop wins when inputs outnumber outputs.")


def _cell_text(number) -> str:
    if isinstance(number, np.ndarray):
        if number.shape == (1, 1):
            return format_number(float(number[0, 0]), CELL_DIGITS)
        return f"{number.shape[0]}×{number.shape[1]} (on the node)"
    return format_number(number, CELL_DIGITS)
