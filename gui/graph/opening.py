"""Opening a graph file without freezing the window.

The file is read, checked and its passes are run on a worker thread (the engine imports no Qt and the loaded graph is
a new object no one else touches), while the window keeps painting. After PROGRESS_DELAY_MS a progress dialog with
Cancel appears; until then (and while it shows) the user's clicks and keys are held back, so nothing is edited
half-way through an open. Then the loaded graph replaces the current one (one undo step) and a big graph's items are
built a slice at a time under the same dialog. Cancel at any point leaves the graph as it was: during the build the
Open is taken back out of the undo history.

``Busy`` is the waiting part (dialog, Cancel, input held back, a local event loop around a worker or around work done a
slice per event-loop turn), which exporting uses too. ``Opening.load`` and ``Opening.wait_for`` run a local event loop, so callers (the main window's File → Open protocol) still see one call that
returns once the graph is in place, or raises ValueError.
"""
from __future__ import annotations

import threading
from typing import NamedTuple

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from engine.graph import Graph, GraphError
from engine.graph.fileformat import load_graph
from gui.garbage import holding_full_collections
from gui.graph import slices
from gui.progress_bar import ProgressBar
from gui.worker_pace import quick_thread_switches

PROGRESS_DELAY_MS = 400
_INPUT = {QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
          QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.Wheel, QEvent.Type.ShortcutOverride}


class Loaded(NamedTuple):
    graph: Graph
    numbers: tuple | None     # (values, partials, adjoints or None), or None when the passes refused the graph


def load_with_numbers(path: str) -> Loaded:
    """Read and check the file and run its passes (forward, local partials, backward when it has an output)."""
    graph = load_graph(path)
    try:
        numbers = (graph.forward(), graph.local_partials(), graph.backward() if graph.output else None)
    except GraphError:
        numbers = None   # the scene runs the passes itself and reports why they fail
    return Loaded(graph, numbers)


class Busy(QObject):
    """Long work the window waits for without freezing: after PROGRESS_DELAY_MS a progress dialog with Cancel shows;
    the user's clicks and keys to the window are held back until the work is done (``with Busy(...)``)."""

    _finished = Signal()   # may be emitted by a worker thread; delivered in the window's thread

    def __init__(self, window: QWidget, title: str, heading: str = "Opening graph", text: str = "",
                 name: str = "graphOpenProgress"):
        super().__init__()
        self.name = name
        self.window = window
        self.title = title
        self.heading = heading
        self.text = text or f"Opening {title}…"
        self.cancelled = False
        self.loop = QEventLoop()
        self.dialog: QProgressDialog | None = None
        self._finished.connect(self.loop.quit, Qt.ConnectionType.QueuedConnection)
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.setInterval(PROGRESS_DELAY_MS)
        self._show_timer.timeout.connect(self._show_dialog)

    def __enter__(self):
        QApplication.instance().installEventFilter(self)
        self._show_timer.start()
        self._holding = holding_full_collections()   # a full collection's pause waits until the work is done
        self._holding.__enter__()
        return self

    def __exit__(self, *exc):
        self._holding.__exit__(None, None, None)
        QApplication.instance().removeEventFilter(self)
        self._show_timer.stop()
        if self.dialog is not None:
            self.dialog.hide()
            self.dialog.deleteLater()
        return False

    def run_on_worker(self, work, cancellable: bool = True):
        """``work()`` on a worker thread while the window's event loop runs: its result (None if cancelled; its
        exception is raised here). Work that is not ``cancellable`` (writing the file) is waited for anyway."""
        result: dict = {}

        def run():
            try:
                result["value"] = work()
            except Exception as exc:  # noqa: BLE001 - handed to the window's thread
                result["error"] = exc
            self._finished.emit()

        # every event reaches this object's Python event filter: with the default switch interval each one waited
        # up to 5 ms for the interpreter while the worker ran Python (the progress dialog took 70 ms to show)
        with quick_thread_switches():
            threading.Thread(target=run, name="graph-work", daemon=True).start()
            self.loop.exec()
            while not cancellable and not result:
                self.loop.exec()   # Cancel came too late: the file is being written
        if self.cancelled and cancellable:
            return None   # the worker finishes on its own; its result is dropped
        if "error" in result:
            raise result["error"]
        return result["value"]

    def run_in_slices(self, step, first_now: bool = True) -> bool:
        """Call ``step()`` now (``first_now``; else in a turn of its own: what came before it may have used this
        turn) and then once per event-loop turn (its turn in gui.graph.slices' queue, so it never shares a turn
        with the scene's own slices) until it returns True; False if cancelled first (an exception it raises is
        raised here)."""
        if self.cancelled:
            return False
        if first_now and step():
            return True
        failed: list[BaseException] = []

        def task(_deadline: float) -> bool:
            try:
                if step():
                    self.loop.quit()
                    return False
                return True
            except Exception as exc:  # noqa: BLE001 - raised again below, outside the event loop
                failed.append(exc)
                self.loop.quit()
                return False
        queue = slices.shared()
        queue.want(task)
        try:
            self.loop.exec()
        finally:
            queue.drop(task)
        if failed:
            raise failed[0]
        return not self.cancelled

    def cancel(self):
        self.cancelled = True
        self.loop.quit()

    def progress(self, text: str, done: int, total: int):
        self.text = text
        if self.dialog is not None:
            self.dialog.setLabelText(text)
            self.dialog.setMaximum(total)
            self._bar.setValue(done)   # painted with the dialog's next frame, not in the middle of the work

    def _show_dialog(self):
        dialog = QProgressDialog(self.text, "Cancel", 0, 0, self.window)
        self._bar = ProgressBar()   # QProgressDialog.setValue would repaint at once (see gui.progress_bar)
        dialog.setBar(self._bar)
        dialog.setObjectName(self.name)
        dialog.setWindowTitle(self.heading)
        # not modal: a modal dialog's setValue() runs the event loop itself, re-entering the work it reports on;
        # the user's input is held back by eventFilter instead
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        dialog.show()
        self.dialog = dialog

    def eventFilter(self, obj, event):
        """Hold back the user's input to the window while the work runs (the dialog's own Cancel still works)."""
        if event.type() in _INPUT and isinstance(obj, QWidget):
            dialog = self.dialog
            return not (dialog is not None and (obj is dialog or dialog.isAncestorOf(obj)))
        return False


class Opening(Busy):
    """One open in progress: a worker, a progress dialog shown if it takes a while, and Cancel."""

    def load(self, path: str) -> Loaded | None:
        """The file read and checked on a worker (None if cancelled); its errors are raised here."""
        return self.run_on_worker(lambda: load_with_numbers(path))

    def wait_for(self, scene) -> bool:
        """Wait while the scene builds its items (progress shown); False if cancelled."""
        if not scene.building or self.cancelled:
            return not self.cancelled
        scene.built.connect(self.loop.quit)
        scene.progress.connect(self._on_progress)
        try:
            self.loop.exec()
        finally:
            scene.built.disconnect(self.loop.quit)
            scene.progress.disconnect(self._on_progress)
        return not self.cancelled

    def _on_progress(self, done: int, total: int):
        self.progress(f"Building {self.title}…", done, total)
