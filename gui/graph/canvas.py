"""graphEditor: the view where a graph is built by clicking.

Gestures: with a placing tool, a click on empty canvas places a node there and the palette returns to Select
(Shift-click places and keeps the tool; a double-click on the tool's button keeps it until Esc or Undo); drag from
a node's output port (the circle on its right) onto another node to connect; double-click a node's name to rename
it (a taken name offers a swap), its body to edit its value or formula; drag nodes to move them (one drag is one
undo step); drag on empty canvas for rubber-band selection; Delete removes the selection; the wheel zooms, the
middle button pans, Home fits the graph in view (or, for a graph too large to read whole, shows its start).
"""
from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsView, QMenu, QMessageBox

from gui.graph import tools as T
from gui.graph.inline_edit import InlineEditor
from gui.graph.tensor_editor import ask_shape, open_tensor_editor
from gui.graph.weight_mark import add_weight_action, is_on_weight_mark
from gui.graph.items import NODE_HEIGHT, NODE_WIDTH, PORT_RADIUS, NodeItem, to_model, to_scene
from gui.graph.detail import LABEL_SCALE
from gui.graph.scene import GraphScene

MIN_ZOOM, MAX_ZOOM = 0.1, 5.0
READABLE_ZOOM = LABEL_SCALE   # below this text cannot be read: a fit stops here and shows where the graph starts


class GraphCanvas(QGraphicsView):
    tool_changed = Signal(str)
    status = Signal(str)

    def __init__(self, scene: GraphScene, parent=None):
        super().__init__(scene, parent)
        self.setObjectName("graphEditor")
        self.graph_scene = scene
        self.document = scene.document
        self.tool: T.Tool = T.TOOLS_BY_KEY["select"]
        self.tool_kept = False   # the placing tool stays after a placement (double-clicked in the palette)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setToolTip("")
        self._link_from: str | None = None
        self._link_line: QGraphicsLineItem | None = None
        self._pan_from: QPointF | None = None
        self.editor = InlineEditor(self)
        self._fit_pending = False
        self._quiet = False   # while fitting: the scene hears of the view once, when it is fitted
        self._showing_part = False
        self._announced_part = False
        self._part_note = QTimer(self)   # says so once the view has settled (a window being shown resizes it often)
        self._part_note.setSingleShot(True)
        self._part_note.setInterval(150)
        self._part_note.timeout.connect(self._announce_part)
        scene.built.connect(self._on_built)
        self.document.undo_stack.indexChanged.connect(self._on_undo_index_changed)

    # --- tools ----------------------------------------------------------------------------------------------
    def set_tool(self, key: str, keep: bool = False):
        """Choose a palette tool. A placing tool places one node, then Select is back, unless ``keep`` (a
        double-click on the tool) or Shift held while clicking."""
        self._cancel_link()
        self.tool = T.TOOLS_BY_KEY[key]
        self.tool_kept = keep and key != "select"
        self.viewport().setCursor(Qt.CursorShape.ArrowCursor if key == "select" else Qt.CursorShape.CrossCursor)
        self.tool_changed.emit(key)
        if self.tool_kept:
            self.status.emit(f"{self.tool.label} (kept): every click on the canvas places a node (Esc: Select)")
        elif key != "select":
            self.status.emit(f"{self.tool.label}: click on the canvas to place a node (Shift-click to place "
                             "several; Esc: back to Select)")

    def _on_undo_index_changed(self, _index: int):
        """After an undo even a kept tool goes back to Select: its next click would throw the redo history away."""
        if self.tool.kind != "select" and self.document.undo_stack.canRedo():
            self.set_tool("select")
            self.status.emit("Back to Select after Undo, so a click keeps what Redo can bring back")

    # --- mouse ----------------------------------------------------------------------------------------------
    def mousePressEvent(self, event):
        scene_pos = self.mapToScene(event.position().toPoint())
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position()
            self._fit_pending = False
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        if event.button() == Qt.MouseButton.LeftButton:
            item = self.graph_scene.node_at(scene_pos)
            if item is not None and item.is_on_port(scene_pos):
                self._start_link(item)
                return
            if item is None and self.tool.kind != "select":
                self._place(scene_pos, keep_tool=bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event):
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(int(self.horizontalScrollBar().value() - delta.x()))
            self.verticalScrollBar().setValue(int(self.verticalScrollBar().value() - delta.y()))
            return
        if self._link_line is not None:
            start = self._link_line.line().p1()
            self._link_line.setLine(QLineF(start, self.mapToScene(event.position().toPoint())))
            return
        super().mouseMoveEvent(event)
        if event.buttons() & Qt.MouseButton.LeftButton and isinstance(self.graph_scene.mouseGrabberItem(), NodeItem):
            self.graph_scene.nodes_moved()   # a drag: edges near the dragged nodes bend again

    def mouseReleaseEvent(self, event):
        if self._pan_from is not None and event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = None
            self.viewport().unsetCursor()
            return
        if self._link_line is not None:
            self._finish_link(self.mapToScene(event.position().toPoint()))
            return
        super().mouseReleaseEvent(event)
        self._commit_moves()

    def mouseDoubleClickEvent(self, event):
        scene_pos = self.mapToScene(event.position().toPoint())
        item = self.graph_scene.node_at(scene_pos)
        if item is None or event.button() != Qt.MouseButton.LeftButton or is_on_weight_mark(item, scene_pos):
            super().mouseDoubleClickEvent(event)   # (a quick second click on the weight box toggles it back)
            return
        if item.is_on_header(scene_pos):
            self.edit_name(item.name)
        else:
            self.edit_content(item.name)

    def wheelEvent(self, event):
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.15 ** steps)

    def _on_built(self, whole: bool):
        if whole and self._fit_pending:   # a big graph was opened before its items existed: fit it now they do
            self.fit_to_view()

    def zoom_by(self, factor: float):
        self._fit_pending = False
        current = self.transform().m11()
        lowest = min(MIN_ZOOM, 0.8 * self._fitting_scale())   # a big graph may be zoomed out until it all shows
        factor = max(lowest / current, min(MAX_ZOOM / current, factor))
        self.scale(factor, factor)

    def _fitting_scale(self) -> float:
        rect = self.graph_scene.nodes_bounding_rect()
        if rect is None or rect.isEmpty():
            return MIN_ZOOM
        view = self.viewport().rect()
        return min(view.width() / rect.width(), view.height() / rect.height())

    def showEvent(self, event):
        super().showEvent(event)
        if self._fit_pending:
            self.fit_to_view()
        self.view_changed()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self._fit_pending:
            self.fit_to_view()
        self.view_changed()

    # --- what the scene draws depends on where the view looks, and how close ---------------------------------
    def view_changed(self):
        """Tell the scene the visible rect and zoom (level of detail, where labels are placed)."""
        if self._quiet:
            return
        rect = self.mapToScene(self.viewport().rect()).boundingRect()
        self.graph_scene.set_view(rect, self.transform().m11())

    def scrollContentsBy(self, dx: int, dy: int):
        super().scrollContentsBy(dx, dy)
        self.view_changed()

    def scale(self, sx: float, sy: float):
        super().scale(sx, sy)
        self.view_changed()

    def resetTransform(self):
        super().resetTransform()
        self.view_changed()

    def setTransform(self, matrix, combine: bool = False):
        super().setTransform(matrix, combine)
        self.view_changed()

    def centerOn(self, *args):
        super().centerOn(*args)
        self.view_changed()

    # --- keys and menus -------------------------------------------------------------------------------------
    def keyPressEvent(self, event):
        key = event.key()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selection()
        elif key == Qt.Key.Key_Escape:
            self._cancel_link()
            self.set_tool("select")
        else:
            super().keyPressEvent(event)

    def contextMenuEvent(self, event):
        item = self.graph_scene.node_at(self.mapToScene(event.pos()))
        menu = QMenu(self)
        if item is not None:
            name = item.name
            menu.addAction("Rename…", lambda: self.edit_name(name))
            menu.addAction("Edit value" if self.document.graph.nodes[name].is_input else "Edit formula…",
                           lambda: self.edit_content(name))
            menu.addAction("Mark as output", lambda: self.document.set_output(name))
            add_weight_action(menu, self.document, name)
            menu.addSeparator()
            menu.addAction("Delete", lambda: self.document.remove([name]))
        menu.addAction(QAction("Fit to view", menu, triggered=self.fit_to_view))
        menu.exec(event.globalPos())

    # --- actions --------------------------------------------------------------------------------------------
    def selected_names(self) -> list[str]:
        return [i.name for i in self.graph_scene.selectedItems() if isinstance(i, NodeItem)]

    def delete_selection(self):
        names = self.selected_names()
        if names:
            self.document.remove(names)

    def fit_to_view(self):
        """The whole graph in view, never magnified past its natural size; a graph too large to read whole (the
        60-layer preset) is shown from its start (the inputs, top left) at the smallest readable zoom instead (the
        wheel zooms out to all of it, drawn as an overview when it is big)."""
        # until the user zooms or pans, keep the fit as the viewport is shown and resized (and a big graph built)
        self._fit_pending = True
        rect = self.graph_scene.nodes_bounding_rect()
        if rect is None:
            return
        if not self.isVisible():
            return
        self._quiet = True
        try:
            self._showing_part = self._fit(rect)
        finally:
            self._quiet = False
        self.view_changed()
        self._part_note.start()

    def _announce_part(self):
        if self._showing_part and not self._announced_part:
            self.status.emit("The graph is too large to read whole: its start is shown. Middle-drag or scroll "
                             "to follow it, the wheel zooms out.")
        self._announced_part = self._showing_part

    def _fit(self, nodes) -> bool:
        """Fit the ``nodes`` rect (or show its start at the smallest readable zoom); whether part of it is out of
        view."""
        self.graph_scene.fit_scene_rect()
        rect = nodes.adjusted(-40, -40, 40, 40)
        self.resetTransform()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        zoom = self.transform().m11()
        if zoom > 1.0:
            self.resetTransform()
            self.centerOn(rect.center())
        elif zoom < READABLE_ZOOM:
            self.resetTransform()
            self.scale(READABLE_ZOOM, READABLE_ZOOM)
            seen = self.mapToScene(self.viewport().rect()).boundingRect()
            x = rect.left() + seen.width() / 2 if rect.width() > seen.width() else rect.center().x()
            y = rect.top() + seen.height() / 2 if rect.height() > seen.height() else rect.center().y()
            self.centerOn(QPointF(x, y))
        return not self.mapToScene(self.viewport().rect()).boundingRect().contains(nodes)

    def edit_name(self, name: str):
        self.editor.open(name, "name", name, lambda text: self._rename(name, text))

    def _rename(self, old: str, text: str) -> bool:
        """A name another node has is not refused outright: the user is offered to swap the two names."""
        new = text.strip()
        if new != old and new in self.document.graph.nodes:
            self.offer_swap(old, new)
            return True
        return self.document.rename(old, text)

    def offer_swap(self, old: str, new: str) -> QMessageBox:
        buttons = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Question, "Name taken",
                          f"There is already a node named '{new}'. Swap the names of {old} and {new}?",
                          buttons.Cancel, self)
        box.setObjectName("swapNamesBox")
        swap = box.addButton(f"Swap {old} ↔ {new}", QMessageBox.ButtonRole.AcceptRole)
        swap.setObjectName("swapNamesButton")
        box.setInformativeText("Formulas that use either node follow the swap; it is one undo step.")
        box.setDefaultButton(swap)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(lambda _r: box.clickedButton() is swap and self.document.swap_names(old, new))
        box.finished.connect(box.deleteLater)
        box.open()
        self.swap_box = box
        return box

    def edit_content(self, name: str):
        node = self.document.graph.nodes[name]
        if node.is_input and node.is_tensor:
            self.tensor_editor = open_tensor_editor(self, self.document, name)
            return
        text = repr(node.value) if node.is_input else node.formula
        self.editor.open(name, "content", text, lambda t: self.document.edit_content(name, t))

    # --- internals ------------------------------------------------------------------------------------------
    def _place(self, scene_pos: QPointF, keep_tool: bool = False, value=None):
        if self.tool.kind == "tensor_input" and value is None:   # its shape first (a small popup, Enter accepts)
            self.shape_popup = ask_shape(self, scene_pos, lambda v: self._place(scene_pos, keep_tool, v))
            return
        self._fit_pending = False
        pos = to_model(self._inside_view(scene_pos - QPointF(NODE_WIDTH / 2, NODE_HEIGHT / 2)))
        name = self.document.place(self.tool, pos, value)
        if name is None:
            return
        if not (keep_tool or self.tool_kept):   # a stray second click must not add a node (and drop redo)
            self.set_tool("select")
        self.status.emit(f"Placed {name}. Double-click its name to rename it.")

    def _inside_view(self, corner: QPointF) -> QPointF:
        """A new node's top-left corner moved so that the whole node (port included) is in view: a click near the
        canvas's edge must not leave half the node cut off."""
        view = self.mapToScene(self.viewport().rect()).boundingRect()
        margin = 6.0
        right = view.right() - NODE_WIDTH - PORT_RADIUS - margin
        bottom = view.bottom() - NODE_HEIGHT - margin
        x = min(max(corner.x(), view.left() + margin), max(right, view.left() + margin))
        y = min(max(corner.y(), view.top() + margin), max(bottom, view.top() + margin))
        return QPointF(x, y)

    def _start_link(self, item: NodeItem):
        self._link_from = item.name
        start = item.output_anchor()
        self._link_line = QGraphicsLineItem(QLineF(start, start))
        self._link_line.setPen(QPen(QColor("#2563eb"), 2, Qt.PenStyle.DashLine))
        self._link_line.setZValue(5)
        self.graph_scene.addItem(self._link_line)

    def _finish_link(self, scene_pos: QPointF):
        source = self._link_from
        self._cancel_link()
        target = self.graph_scene.node_at(scene_pos)
        if target is None:
            self.status.emit("Connect: release over a node to use this node in its formula")
        elif self.document.connect(source, target.name):
            self.status.emit(f"{target.name} now uses {source}")

    def _cancel_link(self):
        if self._link_line is not None:
            self.graph_scene.removeItem(self._link_line)
        self._link_line, self._link_from = None, None

    def _commit_moves(self):
        """After a drag, record where the nodes ended up as one undo step."""
        moved = {}
        for name, item in self.graph_scene.nodes.items():
            if item.pos() != to_scene(self.document.graph.nodes[name].pos):
                moved[name] = to_model(item.pos())
        if moved:
            self.document.move(moved)
