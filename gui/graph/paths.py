"""pathList: every path from a chosen input to the output, each with its product of local partials.

The count is exact (the model counts without enumerating), the list shows at most MAX_LISTED paths, and the sum over
all paths is shown beside the backprop adjoint, so a user sees the chain rule's sum-over-paths equal backprop.
Selecting a path highlights exactly its nodes and edges on the canvas.
"""
from __future__ import annotations

import itertools
import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem

from engine.graph import GraphError
from engine.expr.numbers import format_number
from gui.graph.scene import GraphScene
from gui.graph.side_panel import InputPanel, refill_inputs

MAX_LISTED = 200
PATH_ROLE = Qt.ItemDataRole.UserRole


class PathPanel(InputPanel):
    def __init__(self, scene: GraphScene, parent=None):
        super().__init__(scene.graph, "pathSource", parent)
        self.scene = scene
        self.source.setToolTip("The input whose paths to the output are listed")
        self.count_label = QLabel(objectName="pathCount")
        self.list = QListWidget(objectName="pathList")
        self.list.setWordWrap(True)   # a long path wraps rather than running off the edge
        self.list.setToolTip("Each path from the input to the output with the product of its local partials; "
                             "select one to highlight it")
        self.sum_label = QLabel(objectName="pathSum")
        self.why_label = QLabel(objectName="pathWhy")
        self.source.currentTextChanged.connect(self.refresh)
        self.list.currentItemChanged.connect(self._on_path_selected)
        self.lay_out("Paths from", [self.count_label, self.list, self.sum_label, self.why_label], self.list)

    def _sync_sources(self):
        refill_inputs(self.source, self.graph.inputs)
        self.refresh()

    def refresh(self):
        self.list.blockSignals(True)
        self.list.clear()
        self.list.blockSignals(False)
        self.scene.highlight()
        source, g = self.source.currentText(), self.graph
        self.sum_label.clear()
        self.why_label.clear()
        if not source or g.output is None:
            self.count_label.setText("Add an input and mark an output to see the paths between them."
                                     if g.output is None else "The graph has no inputs.")
            return
        try:
            self._fill(source)
        except GraphError as exc:
            self.count_label.setText(f"Cannot list paths: {exc}")

    def _fill(self, source: str):
        g, out = self.graph, self.graph.output
        count = g.path_count(source)
        listed = list(itertools.islice(g.paths(source), MAX_LISTED))
        shown = f" (the first {len(listed)} are listed)" if count > len(listed) else ""
        self.count_label.setText(f"{format_count(count)} path{'s' if count != 1 else ''} from {source} to {out}"
                                 f"{shown}")
        shared = shared_start(path.nodes for path in listed)
        for path in listed:
            item = QListWidgetItem(f"{path_text(path.nodes, shared)}     product {format_number(path.product)}")
            item.setData(PATH_ROLE, tuple(path.nodes))
            item.setToolTip(" → ".join(path.nodes) + "\n" +
                            " × ".join(f"∂{b}/∂{a}" for a, b in zip(path.nodes, path.nodes[1:])))
            self.list.addItem(item)
        total = g.path_sum(source)
        adjoint = g.backward()[source]
        agree = math.isclose(total, adjoint, rel_tol=1e-9, abs_tol=1e-12)
        self.sum_label.setText(f"Sum over all paths: {format_number(total)}   ·   backprop ∂{out}/∂{source}: "
                               f"{format_number(adjoint)}   {'✓ they agree' if agree else '✗ they differ'}")
        edges = len(g.edges())
        self.why_label.setText(
            f"Why backprop wins: {format_count(count)} path{'s' if count != 1 else ''} from {source} alone, but "
            f"backprop visits each of the {edges} edges once and gets ∂{out}/∂(every node) in one sweep.")

    def _on_path_selected(self, current, _previous=None):
        if current is None:
            self.scene.highlight()
            return
        nodes = current.data(PATH_ROLE)
        self.scene.highlight(nodes, list(zip(nodes, nodes[1:])))


SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_count(n: int) -> str:
    """An exact count with its digits grouped, and as a power of two when it is one (2⁶⁰ reads better than 19
    digits)."""
    text = f"{n:,}"
    if n >= 1024 and n & (n - 1) == 0:
        text += f" = 2{str(n.bit_length() - 1).translate(SUPERSCRIPTS)}"
    return text


def shared_start(paths) -> int:
    """How many leading nodes every listed path shares (they all start at the source; deep graphs share more)."""
    paths = [tuple(p) for p in paths]
    if not paths:
        return 0
    shared = min(len(p) for p in paths)
    first = paths[0]
    for p in paths[1:]:
        shared = next((i for i in range(shared) if p[i] != first[i]), shared)
    return shared


def path_text(nodes, shared: int) -> str:
    """The path with the stretch every listed path shares collapsed to "⋯k nodes⋯", so what tells paths apart is
    what shows; the full path is in the tooltip."""
    nodes = list(nodes)
    hidden = shared - 2   # keep the source and the last shared node
    if hidden >= 2:
        nodes = [nodes[0], f"⋯{hidden} nodes⋯"] + nodes[shared - 1:]
    return " → ".join(nodes)
