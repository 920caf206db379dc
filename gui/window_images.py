"""File → Export for the main window: an image of the current workspace's view or of the whole window, as PNG.

The picture is grabbed on the UI thread (widgets paint only there); the PNG encoding and the atomic write (~50–180 ms
for a window-sized picture on llvmpipe machines) run on one worker thread, so the window does not stall while a file
is written. Qt releases the interpreter while it encodes. Saves run in the order asked; closing the window waits for
those still running."""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtOpenGLWidgets import QOpenGLWidget
from PySide6.QtWidgets import QFileDialog

from engine.files import FileError
from gui.png_files import save_png
from gui.views.capture import grab_with_gl
from gui.window_files import with_extension


class ImageSaver(QObject):
    """Writes PNG files on one worker thread; ``saved(path)`` or ``failed(path, reason)`` arrive on the UI thread."""
    saved = Signal(str)
    failed = Signal(str, str)
    _finished = Signal(str, str)   # (path, "" or the reason): emitted on the worker, delivered queued

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future] = []
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    def save(self, image: QImage, path: str) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="image-save")
        self._pending = [job for job in self._pending if not job.done()]
        self._pending.append(self._pool.submit(self._write, image, path))

    def busy(self) -> bool:
        return any(not job.done() for job in self._pending)

    def wait(self) -> None:
        """Block until every save asked for is written (at close: nothing asked for is lost)."""
        for job in self._pending:
            job.result()
        self._pending = []

    def _write(self, image: QImage, path: str) -> None:
        try:
            save_png(image, path)
        except FileError as error:
            self._finished.emit(path, str(error))
        except Exception as error:   # a bug must still end in a message, not in silence
            self._finished.emit(path, f"{type(error).__name__}: {error}")
        else:
            self._finished.emit(path, "")

    def _on_finished(self, path: str, reason: str) -> None:
        if reason:
            self.failed.emit(path, reason)
        else:
            self.saved.emit(path)


class ImageExport:
    """The window's image export; mixed into MainWindow, which provides ``current_workspace``, ``_last_directory``,
    ``statusBar`` and ``_show_error``. An export returns once the picture is grabbed; the file follows."""

    def _image_saver(self) -> ImageSaver:
        saver = getattr(self, "image_saver", None)
        if saver is None:
            saver = self.image_saver = ImageSaver(self)
            saver.saved.connect(lambda path: self.statusBar().showMessage(f"Image saved to {path}", 5000))
            saver.failed.connect(lambda _path, reason: self._show_error("Cannot save image",
                                                                        reason[:1].upper() + reason[1:]))
        return saver

    def export_view_dialog(self) -> None:
        self._export_dialog("Export View Image", self.export_view)

    def export_window_dialog(self) -> None:
        self._export_dialog("Export Window Image", self.export_window)

    def _export_dialog(self, title: str, export) -> None:
        path, _ = QFileDialog.getSaveFileName(self, title, self._last_directory(), "PNG image (*.png)")
        if path:
            export(with_extension(path, "(*.png)"))

    def export_view(self, path: str) -> bool:
        """Grab the current workspace's export widget (a GL view read from its framebuffer) and write it to ``path``
        on the saver's thread. False (with the reason shown) when there is no picture to save."""
        widget = self.current_workspace().export_widget()
        image = widget.grabFramebuffer() if isinstance(widget, QOpenGLWidget) else widget.grab()
        return self._save_image(image, path)

    def export_window(self, path: str) -> bool:
        """The whole window, GL views included, written to ``path`` on the saver's thread."""
        return self._save_image(grab_with_gl(self), path)

    def _save_image(self, image, path: str) -> bool:
        image = image.toImage() if hasattr(image, "toImage") else image   # widget.grab() gives a QPixmap
        if image.isNull():
            self._show_error("Cannot save image", "There is no picture to save: the view has no size.")
            return False
        self.statusBar().showMessage(f"Saving {path}…")
        self._image_saver().save(image, path)
        return True

    def wait_for_images(self) -> None:
        """Wait for the image files still being written (the window calls this when it shuts down)."""
        if getattr(self, "image_saver", None) is not None:
            self.image_saver.wait()
