"""One repaint of the window per animation frame, however many plots the frame changed.

A QGraphicsScene processes its changed items in a queued call after the frame, and in that call Qt repaints the
window at once (a synchronous UpdateRequest to the top-level widget). A window holding a QOpenGLWidget is composed
in OpenGL on every repaint: with the contour map and the loss plot changing, each frame was composed twice (on a
software renderer ~12 ms each). :meth:`OnePaint.flush` processes every scene's pending changes right after the frame
is drawn, holds the repaints they ask for, and asks for one repaint instead, which the event loop then does for
everything at once.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt


class OnePaint(QObject):
    def __init__(self, scenes, parent: QObject | None = None):
        super().__init__(parent)
        self.scenes = list(scenes)
        self._holding = False
        self._held = False
        self._window = None

    def flush(self, window) -> None:
        """Let the scenes mark what changed now, with one repaint of ``window`` (the top-level widget) for all."""
        if window is not self._window:
            if self._window is not None:
                self._window.removeEventFilter(self)
            self._window = window
            window.installEventFilter(self)
        self._holding, self._held = True, False
        try:
            for scene in self.scenes:
                # pyqtgraph moves a plot's items to its new ranges when the scene is about to paint; done then,
                # it dirties them again after the paint, and the window is repainted twice
                scene.prepareForPaint()
                QCoreApplication.sendPostedEvents(scene, QEvent.Type.MetaCall)
        finally:
            self._holding = False
        if self._held:
            QCoreApplication.postEvent(window, QEvent(QEvent.Type.UpdateRequest), Qt.EventPriority.LowEventPriority.value)

    def eventFilter(self, watched, event) -> bool:
        if self._holding and event.type() == QEvent.Type.UpdateRequest and watched is self._window:
            self._held = True
            return True
        return False
