"""A typed point outside the plotted ranges is not accepted silently: the inspector says so and offers to show it;
"Show it" widens the view (one undo step) so the point's marker is drawn."""
import numpy as np
from PySide6.QtCore import Qt

from tests.gui.surface_helpers import settle, type_function, type_point, widget_pixels



def _marker_drawn(qtbot, surface, x, y) -> bool:
    """White pixels of the point marker around (x, y) on the contour map."""
    view = surface.contourView
    qtbot.waitUntil(lambda: view.isVisible())
    pixels = widget_pixels(view)
    p = view.map_to_widget(x, y)
    cx, cy = int(round(p.x())), int(round(p.y()))
    if not (0 <= cx < pixels.shape[1] and 0 <= cy < pixels.shape[0]):
        return False
    patch = pixels[max(cy - 8, 0):cy + 9, max(cx - 8, 0):cx + 9].astype(int)
    return bool(np.any(np.all(patch > 235, axis=-1)))


def test_a_typed_point_outside_the_view_is_named_and_shown_on_request(qtbot, main_window, surface):
    session, inspector = main_window.session, surface.inspector
    type_function(qtbot, surface, "x^2 + y^2")
    type_point(qtbot, surface, "5, 0.5")
    assert inspector.outsideNote.isVisible() and inspector.showPointButton.isVisible()
    assert "outside the view" in inspector.outsideNote.text() and "x = 5" in inspector.outsideNote.text()
    assert not _marker_drawn(qtbot, surface, 5, 0.5)
    qtbot.mouseClick(inspector.showPointButton, Qt.MouseButton.LeftButton)
    settle(qtbot, surface)
    lo, hi = session.domain["x"]
    assert lo == -2 and hi > 5 and session.domain["y"] == (-2, 2)
    assert not inspector.outsideNote.isVisible()
    assert _marker_drawn(qtbot, surface, 5, 0.5)
    main_window.undo_action.trigger()                    # one step: the view goes back, the point stays
    settle(qtbot, surface)
    assert session.domain["x"] == (-2, 2) and session.point.tolist() == [5, 0.5]
    assert inspector.outsideNote.isVisible()


def test_a_point_inside_the_view_shows_no_note(qtbot, main_window, surface):
    type_function(qtbot, surface, "x^2 + y^2")
    type_point(qtbot, surface, "1, 1")
    assert not surface.inspector.outsideNote.isVisible()
