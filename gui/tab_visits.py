"""A tab built on first use, first visited by the user, is built over the next turns of the event loop.

Building the Descent workspace takes 30-50 ms of the GUI thread and showing it for the first time (its first race
set up, its layout and first paint) as long again: done in the turn of the click, the window did not answer for
60-90 ms, more on a busy machine. Now the click only shows the tab's placeholder, saying what comes; the workspace is
built in the turns after it, a piece per turn (its factory may be a generator that yields between pieces, see
:func:`build_at_once`), and put in the tab in a turn of its own, where it is shown and starts its own staged first
show (gui/descent/staging.py).

Whoever needs the workspace at once (the tour, an export, ``main.py --screenshot``, a file it opens, tests) still
gets it built synchronously from ``MainWindow.workspace(key)``, which finishes a build under way. Leaving the tab
before its build started puts the build off until the next visit; a build under way is finished (the pieces are
cheap without a show) and the workspace waits, hidden, in its tab.
"""
from __future__ import annotations

import inspect

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

TURN_MS = 1   # not 0: the placeholder's paint and the user's input come first
ARRIVING = "Bringing in the {title} tab…"


def build_at_once(made):
    """The workspace a factory made: its result, or a generator's last value after all its pieces. Each ``yield``
    of the generator returns True here (None when a turn advances it): a piece that only prepares the tab's first
    show, such as views built ahead while hidden, may leave the rest to that show."""
    if not inspect.isgenerator(made):
        return made
    try:
        if inspect.getgeneratorstate(made) == inspect.GEN_CREATED:
            next(made)
        while True:
            made.send(True)
    except StopIteration as done:
        return done.value


class TabVisits(QObject):
    """The builds of the window's tabs first visited by the user (gui.main_window.MainWindow: its table of tabs not
    built yet, ``_lazy``, gives each tab's factory; its ``install_workspace`` puts a built one in its tab)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self._pieces: dict[str, object] = {}   # key -> the generator of a build under way
        self._turn_due: set[str] = set()
        self._closed = False

    def under_way(self, key: str) -> bool:
        return key in self._pieces

    def visited(self, key: str, placeholder: QWidget, title: str) -> None:
        """The user showed the placeholder of ``key``: say what comes, build it over the next turns."""
        if placeholder.layout() is None:
            label = QLabel(ARRIVING.format(title=title), objectName=f"{placeholder.objectName()}Label",
                           alignment=Qt.AlignmentFlag.AlignCenter)
            QVBoxLayout(placeholder).addWidget(label)
            label.show()   # (the placeholder is shown already)
        self._next_turn(key)

    def finish(self, key: str):
        """The workspace of a build under way, its remaining pieces made now (None if none is under way)."""
        made = self._pieces.pop(key, None)
        return None if made is None else build_at_once(made)

    def close(self) -> None:
        """No build goes on (the window is closing): those under way are dropped."""
        self._closed = True
        for made in self._pieces.values():
            made.close()
        self._pieces.clear()

    def _next_turn(self, key: str) -> None:
        if key not in self._turn_due:
            self._turn_due.add(key)
            QTimer.singleShot(TURN_MS, self, lambda: self._turn(key))

    def _turn(self, key: str) -> None:
        self._turn_due.discard(key)
        window = self.window
        if self._closed:
            return
        if key not in window._lazy:
            self._pieces.pop(key, None)   # built meanwhile (asked for by workspace(key))
            return
        made = self._pieces.get(key)
        if made is None:
            if window.workspaceTabs.currentWidget() is not window.workspaces[key]:
                return   # left before the build began: it waits for the next visit
            factory = window._lazy[key][0]
            made = factory(window.session, window)
            if not inspect.isgenerator(made):
                self._install_later(key, made)   # built in one piece
                return
            self._pieces[key] = made
        try:
            next(made)
        except StopIteration as done:
            del self._pieces[key]
            self._install_later(key, done.value)
            return
        self._next_turn(key)

    def _install_later(self, key: str, widget: QWidget) -> None:
        """The built workspace goes into its tab (and is shown, if current) in a turn of its own."""
        window = self.window
        self._pieces[key] = _ready(widget)
        QTimer.singleShot(TURN_MS, self, lambda: key in window._lazy and not self._closed and self._install(key))

    def _install(self, key: str) -> None:
        widget = self.finish(key)
        if widget is not None:
            self.window.install_workspace(key, widget)


def _ready(widget):
    """A build with no piece left (what ``finish`` returns at once)."""
    return widget
    yield  # noqa: unreachable - makes this a generator
