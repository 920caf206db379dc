"""Autosave with crash recovery, and exporting the canvas as PNG or SVG.

Autosave writes the graph (atomically, through engine.graph_io) a moment after each unsaved edit to a file named
after this process. A clean exit removes it; a file left behind by a process that is no longer running is what a
crash leaves, and the next start offers to restore it.
"""
from __future__ import annotations

import os
from pathlib import Path

import shiboken6

from PySide6.QtCore import QObject, QRectF, QSettings, QSize, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter

from engine.graph.fileformat import GraphFileError, save_graph
from gui.graph.document import GraphDocument

AUTOSAVE_DELAY_MS = 1500
AUTOSAVE_PATTERN = "graph-autosave-*.gsgraph.json"
SETTINGS_KEY = "graph/autosaveDirectory"


def default_autosave_directory() -> Path:
    chosen = QSettings("Gradscape", "Gradscape").value(SETTINGS_KEY)
    if chosen:
        return Path(str(chosen))
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".gradscape") / "autosave"


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Autosave(QObject):
    def __init__(self, document: GraphDocument, directory: Path | str | None = None, parent=None):
        super().__init__(parent)
        self.document = document
        self.directory = Path(directory) if directory is not None else default_autosave_directory()
        self.path = self.directory / f"graph-autosave-{os.getpid()}-{id(self):x}.gsgraph.json"
        self.last_error = ""
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_DELAY_MS)
        self.timer.timeout.connect(self.save_now)
        document.undo_stack.indexChanged.connect(self._on_edited)
        document.undo_stack.cleanChanged.connect(self._on_clean_changed)

    def _on_edited(self, _index=None):
        stack = self.document.undo_stack
        if not shiboken6.isValid(stack) or not shiboken6.isValid(self.timer):
            return   # the stack empties itself while being destroyed at exit
        if not stack.isClean():
            self.timer.start()

    def _on_clean_changed(self, clean: bool):
        if clean and shiboken6.isValid(self.timer):
            self.timer.stop()
            self.discard()

    def save_now(self) -> bool:
        """Write the autosave file now (if there is anything unsaved). False, with last_error set, if it failed."""
        self.timer.stop()
        if self.document.undo_stack.isClean():
            return False
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            save_graph(self.document.graph, self.path)
        except (OSError, GraphFileError, ValueError) as exc:
            self.last_error = f"Autosave failed: {exc}"
            return False
        return True

    def discard(self):
        """Remove this session's autosave file (after a save, or on a normal exit)."""
        self.timer.stop()
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            self.last_error = f"Could not remove the autosave file: {exc}"

    def orphans(self) -> list[Path]:
        """Autosave files left by processes that are no longer running, newest first."""
        if not self.directory.is_dir():
            return []
        found = []
        for path in self.directory.glob(AUTOSAVE_PATTERN):
            try:
                pid = int(path.name.split("-")[2])
            except (IndexError, ValueError):
                continue
            if path != self.path and not _process_alive(pid):
                found.append(path)
        return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)

    @staticmethod
    def remove(paths) -> None:
        for path in paths:
            try:
                Path(path).unlink()
            except OSError:
                pass


def _render_rect(scene) -> QRectF | None:
    scene.ensure_layout()
    rect = None
    for item in scene.items():
        if item.isVisible() and item.parentItem() is None:
            r = item.sceneBoundingRect()
            rect = r if rect is None else rect.united(r)
    return rect.adjusted(-30, -30, 30, 30) if rect is not None and scene.nodes else None


def export_png(scene, path: str, scale: float = 2.0) -> None:
    """The whole graph (not just the visible part) as a PNG, on the canvas colour, at ``scale`` × scene size."""
    rect = _render_rect(scene)
    if rect is None:
        raise ValueError("the graph is empty: nothing to export")
    image = QImage(QSize(int(rect.width() * scale), int(rect.height() * scale)), QImage.Format.Format_ARGB32)
    image.fill(QColor("#fbfbfa"))
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, QRectF(image.rect()), rect, Qt.AspectRatioMode.KeepAspectRatio)
    painter.end()
    if not image.save(path, "PNG"):
        raise OSError(f"could not write {path}")


def export_svg(scene, path: str) -> None:
    """The whole graph as an SVG drawing (vector: text stays text)."""
    from PySide6.QtSvg import QSvgGenerator
    rect = _render_rect(scene)
    if rect is None:
        raise ValueError("the graph is empty: nothing to export")
    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setSize(QSize(int(rect.width()), int(rect.height())))
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    generator.setTitle("Gradscape chain-rule graph")
    painter = QPainter(generator)
    scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    painter.end()
    if not Path(path).is_file():
        raise OSError(f"could not write {path}")
