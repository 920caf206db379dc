"""Unexpected errors are reported, not lost: an exception no code caught (in a slot, a timer, an undo command's
undo/redo, a worker thread) is written with its traceback to ``errors.log`` in the app's data folder and shown in one
non-modal box ("Gradscape hit an unexpected error"), with the details one click away. Without this, PySide printed
it to a terminal the user never sees and the window carried on as if the action had worked.

The box never stacks: errors that arrive while it is open are counted in it. A worker thread's error is handed to
the GUI thread (a queued signal); no widget is touched off it. The log keeps its last ~256 kB. Installed by the app
only (``main.py``); tests keep pytest-qt's own handler, which fails the test instead.
"""
from __future__ import annotations

import sys
import threading
import time
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QMessageBox

LOG_NAME = "errors.log"
LOG_KEEP = 256 * 1024   # bytes of the newest entries kept when the log is trimmed


def log_path() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".gradscape") / LOG_NAME


def append_to_log(text: str, path: Path | None = None) -> Path | None:
    """Append one entry; the log is trimmed to its newest LOG_KEEP bytes. The path, or None if it cannot be
    written (the report is then shown without it)."""
    path = path or log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as log:
            log.write(text)
        if path.stat().st_size > 2 * LOG_KEEP:
            data = path.read_bytes()[-LOG_KEEP:]
            path.write_bytes(data[data.find(b"\n") + 1:])
    except OSError:
        return None
    return path


class ErrorReporter(QObject):
    """``report(type, value, tb)`` logs and shows one error; installed as sys.excepthook and threading.excepthook."""

    _arrived = Signal(str, str)   # summary, details (from any thread; delivered on the GUI thread)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.box: QMessageBox | None = None
        self.count = 0
        self._arrived.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> "ErrorReporter":
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.report
        threading.excepthook = lambda args: self.report(args.exc_type, args.exc_value, args.exc_traceback)
        return self

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous

    def report(self, kind, value, tb) -> None:
        if kind is KeyboardInterrupt:
            return
        details = "".join(traceback.format_exception(kind, value, tb))
        summary = f"{kind.__name__}: {value}" if str(value) else kind.__name__
        self._arrived.emit(summary, details)

    def _show(self, summary: str, details: str) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        path = append_to_log(f"--- {stamp}\n{details}\n")
        sys.stderr.write(details)
        self.count += 1
        where = f"The details are saved in {path}." if path else "The details could not be saved."
        text = (f"{summary}\n\nThe last action may not have finished. Undo (Ctrl+Z) takes back what it changed; "
                f"saving to a new file keeps your work. {where}")
        self.window.last_error = summary
        self.window.statusBar().showMessage(f"Unexpected error: {summary}", 15000)
        if not getattr(self.window, "interactive", True):
            return
        if self.box is None:
            self.box = QMessageBox(QMessageBox.Icon.Warning, "Gradscape hit an unexpected error", text,
                                   QMessageBox.StandardButton.Close, self.window)
            self.box.setObjectName("errorReportBox")
            self.box.setWindowModality(Qt.WindowModality.NonModal)
            self.box.finished.connect(self._closed)
            self.count = 1
        elif self.count > 1:
            text = f"{self.count} unexpected errors; the last:\n\n{text}"
        self.box.setText(text)
        self.box.setDetailedText(details)
        self.box.show()

    def _closed(self, _result: int) -> None:
        self.box.deleteLater()
        self.box, self.count = None, 0


def install_error_reporter(window) -> ErrorReporter:
    return ErrorReporter(window).install()
