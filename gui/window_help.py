"""Help → Keyboard shortcuts and Help → About for the main window."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from gui import __version__

APP_NAME = "Gradscape"
WINDOW_SHORTCUTS = [
    ("Ctrl+O", "Open a file in the current workspace"), ("Ctrl+S", "Save"), ("Ctrl+Shift+S", "Save as"),
    ("Ctrl+E", "Export an image of the current view"), ("Ctrl+Z", "Undo"), ("Ctrl+Shift+Z / Ctrl+Y", "Redo"),
    ("Ctrl+1…9", "Switch workspace"), ("Ctrl+0", "Reset the view"), ("F1", "This list"), ("Ctrl+Q", "Quit"),
]


def show_shortcuts(parent: QWidget, workspace_rows: list[tuple[str, str]]) -> QMessageBox:
    """A non-modal list of the window's shortcuts followed by the current workspace's."""
    rows = WINDOW_SHORTCUTS + list(workspace_rows)
    table = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in rows)
    box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts", f"<table>{table}</table>",
                      QMessageBox.StandardButton.Close, parent)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.open()
    return box


def about_text() -> str:
    return (f"<b>{APP_NAME}</b> version {__version__}<p>Multivariable calculus for machine learning, made visible: "
            "surfaces, gradients, Taylor models, critical points, optimizer races and backpropagation through "
            "chain-rule graphs.</p>")


def show_about(parent: QWidget) -> None:
    QMessageBox.about(parent, f"About {APP_NAME}", about_text())
