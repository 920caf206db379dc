"""File → Export for the main window: an image of the current workspace's view or of the whole window, as PNG."""
from __future__ import annotations

from PySide6.QtOpenGLWidgets import QOpenGLWidget
from PySide6.QtWidgets import QFileDialog

from gui.views.capture import grab_with_gl
from gui.window_files import with_extension


class ImageExport:
    """The window's image export; mixed into MainWindow, which provides ``current_workspace``, ``_last_directory``,
    ``statusBar`` and ``_show_error``."""

    def export_view_dialog(self) -> None:
        self._export_dialog("Export View Image", self.export_view)

    def export_window_dialog(self) -> None:
        self._export_dialog("Export Window Image", self.export_window)

    def _export_dialog(self, title: str, export) -> None:
        path, _ = QFileDialog.getSaveFileName(self, title, self._last_directory(), "PNG image (*.png)")
        if path:
            export(with_extension(path, "(*.png)"))

    def export_view(self, path: str) -> bool:
        """The current workspace's export widget (a GL view read from its framebuffer) saved to ``path``."""
        widget = self.current_workspace().export_widget()
        image = widget.grabFramebuffer() if isinstance(widget, QOpenGLWidget) else widget.grab()
        return self._save_image(image, path)

    def export_window(self, path: str) -> bool:
        """The whole window, GL views included, saved to ``path``."""
        return self._save_image(grab_with_gl(self), path)

    def _save_image(self, image, path: str) -> bool:
        if image.save(path):
            self.statusBar().showMessage(f"Image saved to {path}", 5000)
            return True
        self._show_error("Cannot save image", f"Could not write {path}.")
        return False
