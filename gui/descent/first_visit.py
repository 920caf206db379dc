"""The Descent workspace built a piece per turn of the event loop, for the tab's first visit (gui/tab_visits.py).

Building the workspace takes 30-50 ms of the GUI thread, its views and plots 100 ms more, and its 3D view's first
paint (GL set up, the software renderer's programs compiled) 30-50 ms: :func:`in_pieces` does each piece in a turn of
its own while the workspace is hidden, out of the window (so the window is not repainted after each), and the tab's
first show then only draws (parts.py, staging.py).
"""
from __future__ import annotations


def in_pieces(session, parent=None):
    """A generator that builds the workspace a piece per ``yield`` and returns it. Asked for at once (a ``yield``
    returns True: gui.tab_visits.build_at_once), it leaves the views and plots to the first show, which builds what
    is not built yet in turns of its own (parts.py)."""
    from gui.descent.workspace import DescentWorkspace   # (loaded with the tab, see gui.main_window.TAB_MODULES)
    pieces: list = []
    workspace = DescentWorkspace(session, parent, pieces=pieces)
    yield from pieces[0]
    for name in workspace.first_show_parts():
        if (yield):
            break
        workspace.build_ahead(name)
    return workspace
