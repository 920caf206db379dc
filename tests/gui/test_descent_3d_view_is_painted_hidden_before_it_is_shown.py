"""The Descent's 3D view is painted with its new surface while still hidden, its text and its still layer each in a
turn of its own, so the turn that shows it only copies the layer to the screen (issue 12: its first frame held the
window for 50-75 ms). That holds only if nothing the layer depends on changes at the show: the view is told its size
before (the show's resize used to fit its camera anew, and the layer and text were painted twice)."""
import numpy as np
import pytest

from gui.descent.export import qimage_to_pil
from tests.gui.descent_helpers import open_descent

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def test_the_surface_is_painted_hidden_and_shown_without_painting_it_again(qtbot):
    w = open_descent(qtbot, settle=False)
    counts, shown_frames = {}, []

    def after(stage: str) -> None:
        if w.built("surface_view"):
            view = w.surface_view
            counts[stage] = (view.layers.rebuilds, view.text.repaints, w.surface_place.revealed, len(shown_frames))
            if stage == "views":
                view.frameSwapped.connect(lambda: shown_frames.append(1))
    w.staged.connect(after)
    qtbot.waitUntil(lambda: w.settled, timeout=20000)
    rebuilds_views, texts_views, shown, _frames = counts["views"]
    assert not shown                                              # the new surface set on the hidden view
    assert counts["text"][1] == texts_views + 1 and counts["text"][0] == rebuilds_views
    assert counts["layer"][0] == rebuilds_views + 1 and counts["layer"][1] == texts_views + 1
    assert counts["surface"][2]                                  # shown at the next turn…
    assert counts["layer"][3] == 0 and counts["contours"][3] > 0  # …and painted on screen then…
    assert counts["contours"][:2] == counts["layer"][:2]         # …without painting the layer or the text again
    frame = np.asarray(qimage_to_pil(w.surface_view.grabFramebuffer()))[..., :3].reshape(-1, 3)
    assert len(np.unique(frame, axis=0)) > 200                    # what it shows: the lit, coloured surface
