"""pathList: every path from a chosen input to the output, each with its product of local partials.

The count is exact (the model counts without enumerating), the list shows at most MAX_LISTED paths, and the sum over
all paths is shown beside the backprop adjoint, so a user sees the chain rule's sum-over-paths equal backprop.
Selecting a path highlights exactly its nodes and edges on the canvas.

The panel refreshes at most once per event-loop turn after a burst of edits (a small graph's on a zero-timer, a big
graph's a moment after the canvas repaints the scene's numbers, never inside the edit), and not at all while it is
hidden: it is marked out of date and brought up to date when it is shown again, before it paints. A value edit, which
changes no path, keeps the listing (path_listing: found once per ``Graph.structure_version``) and only
multiplies the current partials along it. A big graph's new listing is found and its rows put in a slice per
event-loop turn (its turn in gui.graph.slices' queue, never with a slice of the scene's routing), "Listing the
paths…" showing meanwhile; the result is the same as at once.
"""
from __future__ import annotations

import itertools

import numpy as np
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QListView, QListWidget, QListWidgetItem

from engine.graph import GraphError
from engine.graph.paths import finished
from gui.graph import slices
from gui.graph.build import run_steps
from gui.graph.items import STALE_TEXT
from gui.graph.path_listing import MAX_LISTED, PathListing
from gui.graph.scene import SYNC_NODES, GraphScene
from gui.graph.tensor_face import array_text
from gui.graph.side_panel import InputPanel, refill_inputs
LATER_MS = 60   # on a big graph the list follows an edit this long after it (once the canvas has repainted)
PATH_ROLE = Qt.ItemDataRole.UserRole
LAYOUT_BATCH = 25   # list rows laid out per event-loop turn


class PathPanel(InputPanel):
    def __init__(self, scene: GraphScene, parent=None):
        super().__init__(scene.graph, "pathSource", parent)
        self.scene = scene
        self.source.setToolTip("The input whose paths to the output are listed")
        self.count_label = QLabel(objectName="pathCount")
        self.list = QListWidget(objectName="pathList")
        self.list.setWordWrap(True)   # a long path wraps rather than running off the edge
        # wrapped rows are measured in batches over event-loop turns (200 long paths at once took 30-60 ms)
        self.list.setLayoutMode(QListView.LayoutMode.Batched)
        self.list.setBatchSize(LAYOUT_BATCH)
        self.list.setToolTip("Each path from the input to the output with the product of its local partials; "
                             "select one to highlight it")
        self.sum_label = QLabel(objectName="pathSum")
        self.why_label = QLabel(objectName="pathWhy")
        self.source.currentTextChanged.connect(self.refresh)
        self.list.currentItemChanged.connect(self._on_path_selected)
        self._inputs: tuple[str, ...] | None = None   # the inputs the chooser offers, in node order
        self._inputs_for: int | None = None   # the structure_version they were read at (a value edit keeps them)
        self._listed_for = None       # (source, output, structure) the listed paths were found for
        self._listing: PathListing | None = None
        self._filling = None          # (structure, steps) of a big graph's listing under way, a slice per turn
        self._renumber = False        # values changed while it was under way
        self._shared = 0              # leading nodes every listed path shares (shown collapsed)
        self._dirty = False           # the graph changed since the panel last showed it
        self._soon = QTimer(self)     # a small graph's refresh: once, on the next event-loop turn after a burst
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self._bring_up_to_date)
        self._timer = QTimer(self)    # a big graph's list is brought up to date just after the canvas repaints
        self._timer.setSingleShot(True)
        self._timer.setInterval(LATER_MS)
        self._timer.timeout.connect(self._bring_up_to_date)
        scene.numbers_changed.connect(self._on_numbers_changed)
        scene.numbers_stale.connect(self._grey)
        self._text_colours = {role: self.palette().color(role)
                              for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText)}
        self.lay_out("Paths from", [self.count_label, self.list, self.sum_label, self.why_label], self.list)

    def _on_graph_event(self, event):
        if event.kind == "node_moved":   # a move changes no number shown; keep any selection highlighted
            return
        self._offer_inputs()   # the chooser offers a new input at once (the list follows)
        self._dirty = True
        # a big graph's list waits for the scene's numbers (numbers_changed), so that it is filled after the canvas
        # shows the change, not before
        if len(self.graph) <= SYNC_NODES and self.isVisible():
            self._soon.start()
        elif self._listed_for is not None and self._listed_for[2] != self.graph.structure_version \
                and self.source.currentText() and self.graph.output is not None:
            # the list is of another structure now (a new graph opened): said at once, listed once numbers come
            self.count_label.setText(f"Listing the paths from {self.source.currentText()} to {self.graph.output}…")

    def _on_numbers_changed(self):
        if len(self.graph) > SYNC_NODES:
            self._dirty = True
            if self.isVisible():
                self._timer.start()

    def showEvent(self, event):
        """Shown again (its tab chosen, or the workspace shown): catch up with the edits made while hidden before
        the first paint, so no stale number is ever on screen."""
        if self._dirty:
            self._bring_up_to_date()
        super().showEvent(event)

    def _bring_up_to_date(self):
        self._soon.stop()
        self._timer.stop()
        g = self.graph
        listed = self._listed_for is not None and self._listed_for[1:] == (g.output, g.structure_version)
        if listed and not self.scene.numbers_current and len(g) > SYNC_NODES:
            self._dirty = True   # only values changed and the worker's numbers are coming: the old stay, greyed
            return
        self._sync_sources()

    def _grey(self, stale: bool):
        """The products and sums shown are of the graph before the last edit (greyed) or current again. Through
        the palette: a style sheet would lay the word-wrapped list out again (tens of ms per edit)."""
        for widget in (self.list, self.sum_label):
            palette = widget.palette()
            for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
                palette.setColor(role, STALE_TEXT if stale else self._text_colours[role])
            widget.setPalette(palette)

    def _sync_sources(self):
        self._offer_inputs()
        self.refresh()

    def _offer_inputs(self):
        """The chooser lists the graph's inputs (read again only after a structural change)."""
        g = self.graph
        if g.structure_version == self._inputs_for:
            return
        self._inputs_for = g.structure_version
        inputs = g.inputs
        if inputs != self._inputs:
            self._inputs = inputs
            refill_inputs(self.source, inputs)

    def refresh(self):
        self._dirty = False
        source, g = self.source.currentText(), self.graph
        structure = (source, g.output, g.structure_version) if source and g.output is not None else None
        if structure is not None and structure == self._listed_for and self._listing is not None \
                and not g.is_tensor:
            try:
                self._update_numbers(source)   # same paths: only their numbers can have changed
                return
            except GraphError:
                pass
        if structure is not None and self._filling is not None and self._filling[0] == structure:
            self._renumber = True   # the same paths are being listed: their numbers follow once they are in
            return
        self._stop_filling()
        self._listed_for = self._listing = None
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
        steps = self._fill_steps(source)
        if len(g) <= SYNC_NODES or g.is_tensor:
            self._fill_now(structure, steps)
            return
        # a big graph's paths are listed a slice per event-loop turn (~70 ms at once on 5,000 nodes)
        self.count_label.setText(f"Listing the paths from {source} to {g.output}…")
        self._filling, self._renumber = (structure, steps), False
        slices.shared().want(self._fill_slice)

    def _fill_now(self, structure, steps):
        try:
            finished(steps)
            self._listed_for = structure
        except GraphError as exc:
            self.count_label.setText(f"Cannot list paths: {exc}")

    def _fill_slice(self, deadline: float) -> bool:
        """One slice of a big graph's listing; whether more is left. A structural change meanwhile stops it (the
        refresh that follows the change lists the paths again)."""
        if self._filling is None or not shiboken6.isValid(self):
            return False
        structure, steps = self._filling
        if structure[1:] != (self.graph.output, self.graph.structure_version):
            self._stop_filling()
            self._dirty = True
            return False
        try:
            done, _ = run_steps(steps, deadline)
        except GraphError as exc:
            self._filling = None
            self.count_label.setText(f"Cannot list paths: {exc}")
            return False
        if not done:
            return True
        self._filling, self._listed_for = None, structure
        if self._renumber:   # values were edited while the rows went in
            self._update_numbers(structure[0])
        return False

    def _stop_filling(self):
        if self._filling is not None:
            self._filling = None
            slices.shared().drop(self._fill_slice)

    def _fill_steps(self, source: str):
        """Fill the list, count, sum and why (a generator yielding between pieces of a few ms)."""
        g, out = self.graph, self.graph.output
        if g.is_tensor:   # arrays along the paths: the engine's tensor walk multiplies them
            count = g.path_count(source)
            listed = [(tuple(p.nodes), p.product) for p in itertools.islice(g.paths(source), MAX_LISTED)]
            edges, total = len(g.edges()), g.path_sum(source)
        else:
            listing = PathListing(g, source, later=True)
            yield from listing.find_steps(g)
            self._listing = listing
            partials = self._partials()
            count, edges, total = listing.count, listing.edge_count, listing.path_sum(partials)
            listed = list(zip(listing.paths, listing.products(partials)))
            yield
        shown = f" (the first {len(listed)} are listed)" if count > len(listed) else ""
        self.count_label.setText(f"{format_count(count)} path{'s' if count != 1 else ''} from {source} to {out}"
                                 f"{shown}")
        shared = self._shared = shared_start(nodes for nodes, _ in listed)
        for n, (nodes, product) in enumerate(listed):
            item = QListWidgetItem(_item_text(nodes, shared, product))
            item.setData(PATH_ROLE, nodes)
            item.setToolTip(" → ".join(nodes) + "\n" + " × ".join(f"∂{b}/∂{a}" for a, b in zip(nodes, nodes[1:])))
            self.list.addItem(item)
            if n % LAYOUT_BATCH == LAYOUT_BATCH - 1:
                yield
        self._show_sum(source, total)
        self.why_label.setText(
            f"Why backprop wins: {format_count(count)} path{'s' if count != 1 else ''} from {source} alone, but "
            f"backprop visits each of the {edges} edges once and gets ∂{out}/∂(every node) in one sweep.")

    def _partials(self):
        """The local partials at the current values (those the scene shows, when it has them)."""
        current = self.scene.numbers_version == self.graph.version
        return self.scene.partials if current and self.scene.partials is not None else self.graph.local_partials()

    def _update_numbers(self, source: str):
        """The listed paths' products, their sum and the adjoint at the current values."""
        partials = self._partials()
        for row, product in enumerate(self._listing.products(partials)):
            item = self.list.item(row)
            item.setText(_item_text(item.data(PATH_ROLE), self._shared, product))
        self._show_sum(source, self._listing.path_sum(partials))

    def _show_sum(self, source: str, total):
        g, out = self.graph, self.graph.output
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
