"""The Graph workspace: build a chain-rule graph by clicking, run forward and backward, step through backprop,
list every path from an input to the output, and send the graph to the Surface workspace.

It is a FileWorkspace (gui.workspace_protocol) with presets: the open file's path belongs to its document, whose
undo history restores it; "Send to surface" goes out as ``function_sent`` for the window to route.
"""
from __future__ import annotations

import os
from contextlib import nullcontext

from PySide6.QtCore import QCoreApplication, QMetaMethod, Qt, QTimer, Signal
from PySide6.QtWidgets import (QApplication, QFrame, QHBoxLayout, QLabel, QMainWindow, QPushButton, QSplitter,
                               QTabWidget, QVBoxLayout, QWidget)

from engine.graph import Graph, GraphError, graph_from_expression, graph_objective
from engine.graph.fileformat import GraphFileError, find_preset, list_presets, load_graph, save_graph
from gui.graph.backprop import BackpropAnimation
from gui.graph.busy_badge import BusyBadge
from gui.graph.canvas import GraphCanvas
from gui.graph.document import GraphDocument
from gui.graph.files import Autosave
from gui.graph.forward_mode import ForwardModePanel
from gui.graph.opening import Opening
from gui.graph.paths import PathPanel
from gui.graph.scene import GraphScene
from gui.graph.side_panel import SendToSurface
from gui.graph.to_matrix import send_to_matrix
from gui.graph.toolbar import build_palette, build_toolbar
from gui.graph.tensor_face import short_text
from engine.graph.scalarize import expand_to_scalars

FILE_FILTER = "Gradscape graph (*.gsgraph.json)"
SHORTCUTS = [("I / C / F", "Graph: input / constant / formula tool (one placement, then Select)"),
             ("+ − * / ^", "Graph: operation tools"),
             ("Shift-click / double-click a tool", "Graph: keep the tool for several placements"),
             ("Esc", "Graph: back to the Select tool"), ("O", "Graph: mark the selected node as output"),
             ("Ctrl+B", "Graph: step backward"), ("Ctrl+P", "Graph: play / pause the backward animation"),
             ("Delete", "Graph: delete the selected nodes"), ("Home / Ctrl+0", "Graph: fit the graph in view"),
             ("Wheel / middle drag", "Graph: zoom / pan"),
             ("Double-click", "Graph: rename (on the name; a taken name offers a swap) or edit the value/formula "
                              "(on the body)")]


class GraphWorkspace(QWidget):
    status_message = Signal(str)
    file_path_changed = Signal(str)   # the document's file ("" for none), undo and redo included
    # "Send to surface": (expression, axes tuple, fixed values dict, objective_source(axes, fixed) -> Objective,
    # the inputs' values on the axes as the point to select); the main window routes it to the Surface tab
    function_sent = Signal(object, object, object, object, object)
    matrix_sent = Signal(object)   # a graph of tensors: its output as a MatrixProblem, for the Matrix tab (to_matrix)

    def __init__(self, parent=None, *, autosave_dir=None):
        super().__init__(parent)
        self.document = GraphDocument(self)
        self.undo_stack = self.document.undo_stack
        self.file_filter = FILE_FILTER
        self.scene = GraphScene(self.document, self)
        self.canvas = GraphCanvas(self.scene, self)
        self.busy_badge = BusyBadge(self.canvas, self.scene)   # stale numbers and edges left to route, in a corner
        self.backprop = BackpropAnimation(self.scene, self)
        self.paths = PathPanel(self.scene, self)
        self.forward_mode = ForwardModePanel(self.document.graph, self)
        self.forward_mode.show_on(self.scene)
        self.sender_panel = SendToSurface(self.document.graph, self)
        self.autosave = Autosave(self.document, autosave_dir, self)
        self._opening = None
        self.status_label = QLabel(objectName="graphStatus")
        self.status_label.setWordWrap(True)
        self._showing_refusal = False
        self.recovery_banner = self._build_recovery_banner()
        self.autosave_warning = QLabel(objectName="autosaveWarning")
        self.autosave_warning.setWordWrap(True)
        self.autosave_warning.setStyleSheet("#autosaveWarning { background: #fee2e2; color: #991b1b; "
                                            "border: 1px solid #f87171; padding: 4px; }")
        self.autosave_warning.hide()
        self._build_layout()
        self._connect()
        self.scene.set_mode("forward")   # every node shows its value as the graph is built, without pressing Forward
        self._offer_recovery()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # --- construction ---------------------------------------------------------------------------------------
    def _build_layout(self):
        self.toolbar = build_toolbar(self)
        self.palette, self.tool_actions = build_palette(self)
        self.side_tabs = QTabWidget(objectName="graphSideTabs")
        self.side_tabs.setUsesScrollButtons(False)   # two short tabs: the bar never needs to scroll
        self.side_tabs.addTab(self.paths, "Paths")
        self.side_tabs.addTab(self.forward_mode, "Forward mode")
        self.side_tabs.setTabToolTip(0, "Every path from an input to the output, and their sum (the chain rule)")
        self.side_tabs.setTabToolTip(1, "Push one input's derivative forward and compare with backprop")
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.side_tabs, 1)
        side_layout.addWidget(self.sender_panel)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.recovery_banner)
        centre_layout.addWidget(self.autosave_warning)
        centre_layout.addWidget(self.canvas, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(centre)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 360])
        body = QHBoxLayout()
        body.addWidget(self.palette)
        body.addWidget(splitter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.toolbar)
        layout.addLayout(body, 1)
        layout.addWidget(self.status_label)

    def _build_recovery_banner(self) -> QFrame:
        banner = QFrame(objectName="recoveryBanner")
        banner.setStyleSheet("#recoveryBanner { background: #fef9c3; border: 1px solid #eab308; }")
        self.recovery_label = QLabel()
        restore = QPushButton("Restore", objectName="recoverButton")
        discard = QPushButton("Discard", objectName="discardRecoveryButton")
        restore.setToolTip("Load the autosaved graph (one undo step)")
        discard.setToolTip("Delete the autosaved graph and keep the current one")
        restore.clicked.connect(self.restore_recovered)
        discard.clicked.connect(self.discard_recovered)
        row = QHBoxLayout(banner)
        row.addWidget(self.recovery_label, 1)
        row.addWidget(restore)
        row.addWidget(discard)
        banner.hide()
        return banner

    def _connect(self):
        self.document.refused.connect(lambda text: self.show_status(text, error=True))
        self.canvas.status.connect(self.show_status)
        self.scene.status.connect(lambda text: self.show_status(text, error=True))
        self.backprop.stepped.connect(self.show_status)
        self.backprop.finished.connect(lambda: self.show_status("Backward pass complete: every adjoint is shown"))
        self.sender_panel.send_requested.connect(self.send_to_surface)
        self.canvas.tool_changed.connect(self._on_tool_changed)
        self.undo_stack.indexChanged.connect(self._clear_refusal)
        self.document.path_changed.connect(self.file_path_changed)
        self.autosave.failed.connect(self._on_autosave_failed)
        self.autosave.saved.connect(self.autosave_warning.hide)
        self.undo_stack.cleanChanged.connect(lambda clean: clean and self.autosave_warning.hide())

    def showEvent(self, event):
        super().showEvent(event)
        # the tab just became current (Ctrl+3, a click on the tab): the graph's keys should work at once
        QTimer.singleShot(0, self, self._focus_canvas)

    def _focus_canvas(self):
        focused = QApplication.focusWidget()
        if self.isVisible() and (focused is None or not self.isAncestorOf(focused)):
            self.canvas.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_tool_changed(self, key: str):
        action = self.tool_actions.get(key)
        if action is not None and not action.isChecked():
            action.setChecked(True)

    def show_status(self, text: str, error: bool = False):
        """Inside the main window its status bar carries messages; the inline label repeats only refusals."""
        self._showing_refusal = error
        self.status_label.setStyleSheet("color: #b91c1c;" if error else "")
        self.status_label.setText(text)
        embedded = isinstance(self.window(), QMainWindow)
        self.status_label.setVisible(error or not embedded)
        self.status_message.emit(text)

    def _on_autosave_failed(self, text: str):
        """Stays in view (unlike a status message) until an autosave succeeds or the graph is saved."""
        shown = self.autosave_warning.isVisible()
        self.autosave_warning.setText(text)
        self.autosave_warning.show()
        if not shown:
            self.status_message.emit(text)

    def _clear_refusal(self):
        """A refusal stays in view until an edit, undo or redo succeeds: then it no longer describes the graph."""
        if self._showing_refusal:
            self.show_status("")

    # --- the passes -----------------------------------------------------------------------------------------
    def run_forward(self):
        self.backprop.stop()
        self.scene.set_mode("forward")
        if self.scene.values is not None:
            out = self.document.graph.output
            value = self.scene.values.get(out) if out else None
            self.show_status(f"Forward pass: {out} = {short_text(value)}" if value is not None else "Forward pass done")

    def run_backward(self):
        self.backprop.stop()
        self.scene.set_mode("backward")
        if self.scene.adjoints is not None:
            out = self.document.graph.output
            grads = ", ".join(f"∂{out}/∂{n} = {short_text(self.scene.adjoints[n])}" for n in self.document.graph.inputs)
            self.show_status(f"Backward pass: {grads}")

    def step_backward(self):
        self.backprop.pause()
        self.backprop.step()

    def set_playing(self, playing: bool):
        if playing:
            self.backprop.play()
        else:
            self.backprop.pause()

    def set_show_partials(self, shown: bool):
        self.scene.set_show_partials(shown)

    # --- files (the main window's protocol) -----------------------------------------------------------------
    @property
    def file_path(self) -> str:
        return self.document.path

    def open_file(self, path: str) -> None:
        """Load ``path`` into a new graph and only then replace the current one, as one undo step that also makes
        ``path`` the document's file (undo puts the previous file back). Reading, checking and the passes run on a
        worker; a big graph is built a slice at a time; a progress dialog with Cancel shows if it takes a while.
        Cancelled or refused: ValueError, and the graph is as it was."""
        self._load_and_replace(path, f"Open {os.path.basename(path)}", path)
        self.show_status(f"Opened {path}")

    def _load_and_replace(self, path, text: str, file_path: str | None = None) -> None:
        name = os.path.basename(str(path))
        if self._opening is not None:
            raise ValueError("another graph is still being opened")
        with Opening(self.window(), name) as opening:
            self._opening = opening
            try:
                loaded = opening.load(str(path))
                if loaded is None:
                    raise ValueError("opening was cancelled; the graph is unchanged")
                # into a hidden tab: built over the turns of the wait below, not in the turn that shows it
                with self.scene.built_in_slices() if not self.canvas.isVisible() else nullcontext():
                    replaced = self._replace(loaded.graph, text, file_path, loaded.numbers)
                if not replaced:
                    raise ValueError(self.status_label.text() or "the graph was refused")
                if not opening.wait_for(self.scene):
                    self._retract(text)
                    raise ValueError("opening was cancelled; the graph is unchanged")
            except GraphFileError as exc:
                self.show_status(f"Cannot open {name}: {exc}", error=True)
                raise ValueError(str(exc)) from None
            finally:
                self._opening = None

    def _retract(self, text: str):
        """Take the Open just done back, leaving no step behind in the undo history."""
        stack = self.undo_stack
        command = stack.command(stack.index() - 1) if stack.index() > 0 else None
        if command is not None and command.text() == text:
            command.undo()
            command.setObsolete(True)   # undone already: the stack drops it instead of undoing it again
            stack.undo()

    def save_file(self, path: str) -> None:
        try:
            save_graph(self.document.graph, path)
        except GraphFileError as exc:
            raise ValueError(str(exc)) from None
        self.document.set_path(path)
        self.show_status(f"Saved {path}")

    def preset_names(self) -> list[str]:
        return [title for title, _ in list_presets()]

    def apply_preset(self, name: str) -> None:
        """Load a preset by its title or file stem (one undo step)."""
        path = find_preset(name)
        if path is None:
            raise ValueError(f"no graph preset {name!r}; choose from: {', '.join(self.preset_names())}")
        self._replace(load_graph(path), f"Preset {name}")
        self.show_status(f"Preset: {name}. Every value and adjoint is shown; Step backward walks backprop node by "
                         "node.")

    def expand_to_scalars(self) -> None:
        """Replace a graph of vectors and matrices by the same computation with one scalar node per entry (one undo
        step), so the matrix view can be compared with the scalar one."""
        graph = self.document.graph
        if not graph.is_tensor:
            self.show_status("Expand to scalars: this graph already holds only scalars")
            return
        try:
            expanded = expand_to_scalars(graph)
        except GraphError as exc:
            self.show_status(f"Cannot expand to scalars: {exc}", error=True)
            return
        self._replace(expanded, "Expand to scalars")
        self.show_status(f"Expanded to {len(expanded)} scalar nodes: the same computation, one node per entry; "
                         "Undo returns to the tensor graph.")

    def open_expression(self, expression, values: dict[str, float] | None = None) -> None:
        """Expand a typed function into an editable graph (one node per operation); its inputs take ``values`` (the
        surface's selected point with the fixed variables), 0 where none is given."""
        try:
            graph = graph_from_expression(expression, values)
        except GraphError as exc:
            self.show_status(f"Cannot expand {expression}: {exc}", error=True)
            return
        self._replace(graph, "Open function as graph")
        self.show_status(f"Expanded {expression} into {len(graph)} nodes")

    def _replace(self, graph: Graph, text: str, path: str | None = None, numbers: tuple | None = None) -> bool:
        """Put ``graph`` in place (one undo step; ``path``: the file it came from) with its numbers computed at once:
        forward, and backward too when it has an output, so no node reads "value —" while the paths list already
        shows products. ``numbers`` (values, partials, adjoints) already computed for ``graph`` are used instead of
        running the passes again."""
        self.backprop.stop()
        with self.scene.labels_held():   # placed once, for the new graph's numbers and fitted view
            if not self.document.replace(graph, text, path):
                return False
            output = self.document.graph.output
            mode = "backward" if output else "forward"
            if numbers is not None and output == graph.output:
                self.scene.offer_numbers(mode, *numbers)
            else:
                self.scene.set_mode(mode)
            self.canvas.fit_to_view()
        return True

    # --- recovery -------------------------------------------------------------------------------------------
    def _offer_recovery(self):
        self._orphans = self.autosave.orphans()
        if self._orphans:
            self.recovery_label.setText("Gradscape did not close normally last time. Restore the unsaved graph "
                                        f"it autosaved ({os.path.basename(self._orphans[0])})?")
            self.recovery_banner.show()
            # the window shows another tab first: say where the recovery is, once the status bar is connected
            QTimer.singleShot(0, self, lambda: self.status_message.emit(
                "An unsaved graph from a session that did not close normally can be restored on the Graph tab"))

    def restore_recovered(self):
        try:
            self._load_and_replace(self._orphans[0], "Restore autosaved graph")
        except ValueError as exc:
            self.show_status(f"The autosaved graph cannot be restored: {exc}", error=True)
            return
        self.discard_recovered()
        self.show_status("Restored the autosaved graph. Save it to keep it.")

    def discard_recovered(self):
        self.autosave.remove(self._orphans)
        self._orphans = []
        self.recovery_banner.hide()

    def shutdown(self):
        """A normal exit: nothing to recover next time."""
        self.autosave.discard()
        self.autosave.release_orphans()
        self.backprop.stop()

    # --- the other workspaces -------------------------------------------------------------------------------
    def send_to_surface(self, axes: tuple[str, ...]) -> bool:
        """Plot the output over ``axes`` (the other inputs fixed at their values): emitted as ``function_sent``;
        the main window draws it on the Surface tab as one undoable step and shows that tab."""
        g = self.document.graph
        if g.is_tensor:
            return send_to_matrix(self)
        if not self.isSignalConnected(QMetaMethod.fromSignal(self.function_sent)):
            self.show_status("No surface to send to", error=True)
            return False
        try:
            expression = g.compile()
            missing = [a for a in axes if a not in expression.variables]
            if missing:
                raise ValueError(f"{g.output} does not depend on {', '.join(missing)}; choose other axes")
        except (GraphError, ValueError) as exc:
            self.show_status(f"Cannot send to the surface: {exc}", error=True)
            return False
        fixed = {n: g.nodes[n].value for n in g.inputs if n not in axes}
        point = [g.nodes[a].value for a in axes]
        snapshot = g.copy()
        source = lambda a, f: graph_objective(snapshot, a, f)  # noqa: E731
        self.show_status(f"Sent {g.output} = {expression} to the surface over {', '.join(axes)}")
        self.function_sent.emit(expression, tuple(axes), fixed, source, point)
        return True

    # --- protocol extras ------------------------------------------------------------------------------------
    def export_widget(self):
        return self.canvas

    def reset_view(self):
        self.canvas.fit_to_view()

    def shortcuts(self):
        return list(SHORTCUTS)

    def demo(self):
        """The four-input preset after a backward pass, with a path from y highlighted (docs screenshot)."""
        from gui.graph.demo import show_demo
        show_demo(self)
