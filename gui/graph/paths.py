"""pathList: every path from a chosen input to the output, each with its product of local partials.

The count is exact (the model counts without enumerating), the list shows at most MAX_LISTED paths, and the sum over
all paths is shown beside the backprop adjoint, so a user sees the chain rule's sum-over-paths equal backprop.
Selecting a path highlights exactly its nodes and edges on the canvas.

On a big graph the list follows the scene's numbers a moment after the canvas repaints (never inside the edit), and
a value edit, which changes no path, only recomputes the products, the sum and the adjoint shown.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem

from engine.graph import GraphError
from gui.graph.scene import SYNC_NODES, GraphScene
from gui.graph.tensor_face import array_text
from gui.graph.side_panel import InputPanel, refill_inputs

MAX_LISTED = 200
LATER_MS = 60   # on a big graph the list follows an edit this long after it (once the canvas has repainted)
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
        self._listed_for = None   # (source, output, edges) the listed paths were found for
        self._shared = 0          # leading nodes every listed path shares (shown collapsed)
        self._timer = QTimer(self)   # a big graph's list is brought up to date just after the canvas repaints
        self._timer.setSingleShot(True)
        self._timer.setInterval(LATER_MS)
        self._timer.timeout.connect(self._sync_sources)
        scene.numbers_changed.connect(self._on_numbers_changed)
        self.lay_out("Paths from", [self.count_label, self.list, self.sum_label, self.why_label], self.list)

    def _on_graph_event(self, event):
        # a big graph's list waits for the scene's numbers (numbers_changed), so that it is filled after the canvas
        # shows the change, not before
        if len(self.graph) <= SYNC_NODES:
            super()._on_graph_event(event)

    def _on_numbers_changed(self):
        if len(self.graph) > SYNC_NODES:
            self._timer.start()

    def _sync_sources(self):
        refill_inputs(self.source, self.graph.inputs)
        self.refresh()

    def refresh(self):
        source, g = self.source.currentText(), self.graph
        structure = (source, g.output, tuple(g.edges())) if source and g.output is not None else None
        if structure is not None and structure == self._listed_for and not g.is_tensor:
            try:
                self._update_numbers(source)   # same paths: only their numbers can have changed
                return
            except GraphError:
                pass
        self._listed_for = None
        self.list.blockSignals(True)
        self.list.clear()
        self.list.blockSignals(False)
        self.scene.highlight()
        self.sum_label.clear()
        self.why_label.clear()
        if structure is None:
            self.count_label.setText("Add an input and mark an output to see the paths between them."
                                     if g.output is None else "The graph has no inputs.")
            return
        try:
            self._fill(source)
            self._listed_for = structure
        except GraphError as exc:
            self.count_label.setText(f"Cannot list paths: {exc}")

    def _fill(self, source: str):
        g, out = self.graph, self.graph.output
        count = g.path_count(source)
        listed = list(itertools.islice(g.paths(source), MAX_LISTED))
        shown = f" (the first {len(listed)} are listed)" if count > len(listed) else ""
        self.count_label.setText(f"{format_count(count)} path{'s' if count != 1 else ''} from {source} to {out}"
                                 f"{shown}")
        shared = self._shared = shared_start(path.nodes for path in listed)
        for path in listed:
            item = QListWidgetItem(_item_text(path.nodes, shared, path.product))
            item.setData(PATH_ROLE, tuple(path.nodes))
            item.setToolTip(" → ".join(path.nodes) + "\n" +
                            " × ".join(f"∂{b}/∂{a}" for a, b in zip(path.nodes, path.nodes[1:])))
            self.list.addItem(item)
        self._show_sum(source)
        edges = len(g.edges())
        self.why_label.setText(
            f"Why backprop wins: {format_count(count)} path{'s' if count != 1 else ''} from {source} alone, but "
            f"backprop visits each of the {edges} edges once and gets ∂{out}/∂(every node) in one sweep.")

    def _update_numbers(self, source: str):
        """The listed paths' products at the current values (the partials the scene shows, when it has them)."""
        current = self.scene.numbers_version == self.graph.version
        partials = self.scene.partials if current and self.scene.partials is not None else \
            self.graph.local_partials()
        for row in range(self.list.count()):
            item = self.list.item(row)
            nodes = item.data(PATH_ROLE)
            product = math.prod(partials[a, b] for a, b in zip(nodes, nodes[1:]))
            item.setText(_item_text(nodes, self._shared, product))
        self._show_sum(source)

    def _show_sum(self, source: str):
        g, out = self.graph, self.graph.output
        total = g.path_sum(source)
        current = self.scene.numbers_version == g.version
        adjoints = self.scene.adjoints if current and self.scene.adjoints is not None else g.backward()
        adjoint = adjoints[source]
        agree = bool(np.allclose(total, adjoint, rtol=1e-9, atol=1e-12))   # numbers, or a tensor node's arrays
        self.sum_label.setText(f"Sum over all paths: {array_text(total)}   ·   backprop ∂{out}/∂{source}: "
                               f"{array_text(adjoint)}   {'✓ they agree' if agree else '✗ they differ'}")

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


def _item_text(nodes, shared: int, product) -> str:
    return f"{path_text(nodes, shared)}     product {array_text(product)}"
