"""Exporting the whole graph (not just the visible part) as a PNG or an SVG, without freezing the window.

First every edge is routed and, when they are readable at the export's scale, every label placed: the scene does that
a slice per event-loop turn (``GraphScene.finish_layout``). Then its items are drawn, bottom first, as many per
event-loop turn as take about BAND_SECONDS; a PNG is encoded on a worker thread. After a moment a progress
dialog with Cancel shows (gui.graph.opening.Busy) and the user's input to the window is held back meanwhile. Cancel
(until the file is being written) writes nothing and raises ValueError; the file is written atomically, on a
worker, once everything is ready.
"""
from __future__ import annotations

import os
import time

from PySide6.QtCore import QBuffer, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from engine.files import atomic_write
from gui.graph.slices import SLICE
from gui.graph.detail import LABEL_SCALE
from gui.graph.opening import Busy
from gui.png_files import png_bytes

MAX_EXPORT_PIXELS = 12000   # the longer side of an exported PNG (a huge graph is scaled down to fit)
BAND_SECONDS = SLICE        # drawing time aimed at per event-loop turn (a paint of the canvas may share it)
BACKGROUND_ROWS = 256       # the background is filled this many rows at a time
CANCELLED = "export was cancelled; nothing was written"


def export_png(scene, path: str, scale: float = 2.0) -> None:
    """The whole graph as a PNG, on the canvas colour, at ``scale`` × scene size (less for a graph too big for
    that; labels are left out when that makes them unreadable, as on screen)."""
    with _busy(scene, path) as busy:
        rect = _laid_out(scene, busy, labels=False)
        scale = min(scale, MAX_EXPORT_PIXELS / max(rect.width(), rect.height()))
        labels = scale >= LABEL_SCALE
        if labels:
            rect = _laid_out(scene, busy, labels=True)
            scale = min(scale, MAX_EXPORT_PIXELS / max(rect.width(), rect.height()))
        image = QImage(QSize(int(rect.width() * scale), int(rect.height() * scale)), QImage.Format.Format_ARGB32)
        painter = QPainter(image)   # _draw fills it with the canvas colour first
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        _paint(scene, busy, painter, image.width(), image.height(), rect, labels)
        busy.progress(f"Encoding {os.path.basename(path)}…", 0, 0)
        data = busy.run_on_worker(lambda: png_bytes(image, os.path.basename(path)))
        if data is None:
            raise ValueError(CANCELLED)
        _write(busy, path, data)


def _paint(scene, busy, painter, width, height, rect, labels: bool) -> None:
    """Draw the graph with ``painter`` and end it; a cancelled drawing raises ValueError(CANCELLED)."""
    try:
        drawn = _draw(scene, busy, painter, width, height, rect, labels)
    finally:
        painter.end()
    if not drawn:
        raise ValueError(CANCELLED)


def export_svg(scene, path: str) -> None:
    """The whole graph as an SVG drawing (vector: text stays text)."""
    from PySide6.QtSvg import QSvgGenerator
    with _busy(scene, path) as busy:
        rect = _laid_out(scene, busy, labels=True)
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(QSize(int(rect.width()), int(rect.height())))
        generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
        generator.setTitle("Gradscape chain-rule graph")
        _paint(scene, busy, painter=QPainter(generator), width=rect.width(), height=rect.height(), rect=rect,
               labels=True)
        _write(busy, path, bytes(buffer.data()))


def _busy(scene, path: str) -> Busy:
    views = scene.views()
    window = views[0].window() if views else None
    name = os.path.basename(path)
    return Busy(window, name, "Exporting graph", f"Exporting {name}…", "graphExportProgress")


def _laid_out(scene, busy: Busy, labels: bool) -> QRectF:
    """Every edge routed and (``labels``) every label placed, a slice per turn; the rect to export."""
    def step() -> bool:
        deadline = None if scene.small else time.perf_counter() + SLICE
        if scene.finish_layout(labels, deadline):
            return True
        edges = len(scene.edges)
        routed = edges - len(scene.layout.dirty)
        busy.progress(f"Routing edges for {busy.title}…" if routed < edges else f"Placing labels for {busy.title}…",
                      routed if routed < edges else 0, edges if routed < edges else 0)
        return False
    if not busy.run_in_slices(step, first_now=scene.small):   # a big one's first slice in a turn of its own
        scene.stop_finishing()
        raise ValueError(CANCELLED)
    bounds = scene.layout.bounds()
    if bounds is None or not scene.nodes:
        raise ValueError("the graph is empty: nothing to export")
    rect = QRectF(bounds[0], bounds[1], bounds[2] - bounds[0], bounds[3] - bounds[1])
    for edge in scene.shown_labels if labels else ():
        rect = rect.united(edge.tag.sceneBoundingRect())
    return rect.adjusted(-30, -30, 30, 30)


def _draw(scene, busy: Busy, painter: QPainter, width: float, height: float, source: QRectF, labels: bool) -> bool:
    """Draw the items in ``source`` onto the painter's 0..width × 0..height, bottom first, as many per event-loop
    turn as take about BAND_SECONDS (each item once: a long edge is not stroked again for every band of the
    picture); False if cancelled."""
    with scene.every_item_drawn(labels):
        items = scene.items(source, Qt.ItemSelectionMode.IntersectsItemBoundingRect, Qt.SortOrder.AscendingOrder)
    base = QTransform.fromTranslate(-source.left(), -source.top()) * \
        QTransform.fromScale(width / source.width(), height / source.height())
    # the canvas colour first, in bands (filling a 12000-pixel-wide image at once takes a while)
    bands = [QRectF(0, y, width, BACKGROUND_ROWS) for y in range(0, int(height) + 1, BACKGROUND_ROWS)]
    queue = list(reversed(bands + items))   # taken from the end

    def step() -> bool:
        deadline = time.perf_counter() + BAND_SECONDS
        while queue:   # at least one piece a turn, however slow the pieces
            item = queue.pop()
            if isinstance(item, QRectF):
                painter.fillRect(item, scene.backgroundBrush())
            else:
                option = QStyleOptionGraphicsItem()
                option.exposedRect = item.boundingRect()
                painter.save()
                painter.setTransform(item.sceneTransform() * base)
                painter.setOpacity(item.effectiveOpacity())
                item.paint(painter, option, None)
                painter.restore()
            if time.perf_counter() >= deadline:
                break
        busy.progress(f"Drawing {busy.title}…", len(items) + len(bands) - len(queue), len(items) + len(bands))
        return not queue
    return busy.run_in_slices(step, first_now=scene.small)


def _write(busy: Busy, path: str, data: bytes) -> None:
    """Write the file atomically on a worker (its disk may be slow); FileError (a ValueError) names the file and
    nothing is half-written. Cancel no longer stops it."""
    busy.progress(f"Writing {os.path.basename(path)}…", 0, 0)
    busy.run_on_worker(lambda: atomic_write(path, data), cancellable=False)
