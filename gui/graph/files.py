"""Autosave with crash recovery (exporting the canvas as PNG or SVG is gui.graph.exporting's, named here too).

Autosave writes the graph (atomically, through engine.graph.fileformat) a moment after an unsaved edit, and while
edits keep coming, at least every MAX_WAIT_S seconds of steady work, so a crash loses at most those last seconds.
Each session's autosave file is owned through a QLockFile held while the app runs: a clean exit removes both; a file
whose lock nobody holds any more (the owner crashed: Qt sees its process is gone) is what the next start offers to
restore. A failing autosave (an unwritable folder) is reported through ``failed``; ``saved`` follows the next
success. Temporaries of saves killed mid-way are removed at start.
"""
from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import shiboken6

from PySide6.QtCore import QLockFile, QObject, Qt, QTimer, Signal

from engine.files import remove_stale_temporaries
from engine.graph.fileformat import GraphFileError, save_graph
from gui.graph.autosave_place import AUTOSAVE_PATTERN, SETTINGS_KEY, default_autosave_directory  # noqa: F401
from gui.graph.build import SYNC_NODES
from gui.graph.document import GraphDocument
from gui.graph.exporting import export_png, export_svg  # noqa: F401 - the toolbar imports them from here
from gui.worker_pace import quick_thread_switches

AUTOSAVE_DELAY_MS = 1500   # after the last edit of a burst
MAX_WAIT_S = 5.0           # during steady editing: never longer than this since the first unsaved edit


def lock_for(path: Path) -> QLockFile:
    lock = QLockFile(str(path) + ".lock")
    lock.setStaleLockTime(0)   # stale only when its process is gone, however long a session runs
    return lock


class Autosave(QObject):
    failed = Signal(str)   # an autosave could not be written: the reason, naming the folder
    saved = Signal()       # an autosave was written (after a failure: the work is safe again)
    _written = Signal(object)   # from the worker: "" when a background write succeeded, else the exception

    def __init__(self, document: GraphDocument, directory: Path | str | None = None, parent=None):
        super().__init__(parent)
        self.document = document
        self.directory = Path(directory) if directory is not None else default_autosave_directory()
        self.path = self.directory / f"graph-autosave-{uuid.uuid4().hex[:12]}.gsgraph.json"
        self.lock = lock_for(self.path)
        self.last_error = ""
        self.clock = time.monotonic
        self._unsaved_since: float | None = None
        self._held: list[QLockFile] = []   # locks of crashed sessions' files while they are offered
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_DELAY_MS)
        self.timer.timeout.connect(self._autosave)
        self._writer: threading.Thread | None = None   # a big graph's autosave being written on a worker
        self._written.connect(self._on_written, Qt.ConnectionType.QueuedConnection)
        document.undo_stack.indexChanged.connect(self._on_edited)
        document.undo_stack.cleanChanged.connect(self._on_clean_changed)
        remove_stale_temporaries(self.directory)

    def _on_edited(self, _index=None):
        stack = self.document.undo_stack
        if not shiboken6.isValid(stack) or not shiboken6.isValid(self.timer):
            return   # the stack empties itself while being destroyed at exit
        if stack.isClean():
            return
        now = self.clock()
        if self._unsaved_since is None:
            self._unsaved_since = now
        if now - self._unsaved_since >= MAX_WAIT_S:
            self._autosave()   # steady editing never pauses long enough for the timer: save now anyway
        else:
            self.timer.start()

    def _on_clean_changed(self, clean: bool):
        if clean and shiboken6.isValid(self.timer):
            self.timer.stop()
            self.discard()

    def _autosave(self):
        """A small graph is written at once; a big one's file (≈100 ms to encode and write 5,000 nodes) on a
        worker, from a copy of the graph as it is now, so the window does not stall while the user edits."""
        if len(self.document.graph) <= SYNC_NODES:
            self.save_now()
        else:
            self._save_in_background()

    def save_now(self) -> bool:
        """Write the autosave file now (if there is anything unsaved). False, with last_error set and ``failed``
        emitted, if it could not be written."""
        self._join()
        if not self._ready():
            return False
        try:
            save_graph(self.document.graph, self.path)
        except (OSError, GraphFileError, ValueError) as exc:
            self._report(exc)
            return False
        self._on_written("")
        return True

    def _ready(self) -> bool:
        """Whether there is something to write and the file is ours to write (else ``failed`` was emitted)."""
        self.timer.stop()
        if self.document.undo_stack.isClean():
            return False
        self._unsaved_since = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if not self.lock.isLocked() and not self.lock.tryLock(0):
                raise OSError(f"cannot lock {self.lock.fileName()} (error {self.lock.error().name})")
        except OSError as exc:
            self._report(exc)
            return False
        return True

    def _save_in_background(self):
        if self._writer is not None and self._writer.is_alive():
            self.timer.start()   # one write at a time: this one follows a moment later
            return
        if not self._ready():
            return
        graph, path, written = self.document.graph.copy(), self.path, self._written

        def write():
            try:
                with quick_thread_switches():   # the window's thread gets the interpreter back within 0.5 ms
                    save_graph(graph, path)
                error = None
            except (OSError, GraphFileError, ValueError) as exc:
                error = exc
            try:
                written.emit(error or "")
            except RuntimeError:   # the workspace was closed meanwhile
                pass

        self._writer = threading.Thread(target=write, name="graph-autosave", daemon=True)
        self._writer.start()

    def _join(self):
        """Wait for a background write under way (so files land in order, and a discarded file stays gone)."""
        if self._writer is not None:
            self._writer.join()
            self._writer = None

    def _on_written(self, error):
        if error:
            self._report(error)
            return
        self.last_error = ""
        self.saved.emit()

    def _report(self, exc):
        reason = f"{exc.strerror} ({exc.filename})" if isinstance(exc, OSError) and exc.strerror else exc
        self.last_error = f"Autosave into {self.directory} failed: {reason}"
        self.failed.emit(f"{self.last_error}. Save the graph to keep your work.")

    def discard(self):
        """Remove this session's autosave file (after a save, or on a normal exit)."""
        self.timer.stop()
        self._join()
        self._unsaved_since = None
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            self.last_error = f"Could not remove the autosave file: {exc}"
        if self.lock.isLocked():
            self.lock.unlock()

    def release_orphans(self):
        """Stop holding the crashed sessions' files (they stay for the next start to offer)."""
        for lock in self._held:
            lock.unlock()
        self._held = []

    def orphans(self) -> list[Path]:
        """Autosave files whose owner is no longer running, newest first. This session takes their locks, so a
        second window started at the same time does not offer them too."""
        if not self.directory.is_dir():
            return []
        for lock_path in self.directory.glob(AUTOSAVE_PATTERN + ".lock"):   # a crash before the first autosave
            target = Path(str(lock_path).removesuffix(".lock"))
            lock = lock_for(target)
            if not target.exists() and lock.tryLock(0):
                lock.unlock()   # removes the lock file
        found = []
        for path in self.directory.glob(AUTOSAVE_PATTERN):
            if path == self.path or not path.is_file():
                continue
            lock = lock_for(path)
            if lock.tryLock(0):
                self._held.append(lock)
                found.append(path)
        return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)

    def remove(self, paths) -> None:
        for path in paths:
            try:
                Path(path).unlink()
            except OSError:
                pass
        self.release_orphans()
