"""The tour's place in the main window: Help → Chapter tour, a "Tour" button on the status bar until the tour has
been opened once, and the dock itself (built on first use)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from gui.window_files import app_settings

OFFERED_KEY = "tour/opened"


def install_tour(window, help_menu) -> None:
    window.tour_panel = None
    action = QAction("Chapter &Tour", window, objectName="chapterTourAction")
    action.setToolTip("Walk through the chapter, section by section, with live scenes and exercises")
    action.triggered.connect(lambda checked=False: open_tour(window))
    help_menu.insertAction(help_menu.actions()[0] if help_menu.actions() else None, action)
    window.tour_action = action
    button = QPushButton("Tour", window, objectName="tourButton")
    button.setToolTip("New here? Take the chapter tour (also in Help → Chapter tour)")
    button.setStyleSheet("QPushButton { background: #eab308; color: #111; font-weight: bold; padding: 2px 12px; }")
    button.clicked.connect(lambda: open_tour(window))
    window.statusBar().insertPermanentWidget(0, button)   # permanent: status messages never cover it
    button.setVisible(window.interactive and not app_settings().value(OFFERED_KEY, False, type=bool))
    window.tour_button = button


def open_tour(window, index: int = 0):
    """Show the tour panel (built on first use) at step ``index``; returns it."""
    if window.tour_panel is None:
        from gui.tour.panel import TourPanel
        window.tour_panel = TourPanel(window)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.tour_panel)
    window.tour_button.hide()
    if window.interactive:
        app_settings().setValue(OFFERED_KEY, True)
    window.tour_panel.start(index)
    return window.tour_panel
