"""The Descent tab, first shown in a window, gives its 3D view and contour map equal widths and most of the height,
the plots below them about a quarter, although its views are built turns after the tab is laid out."""
from __future__ import annotations

from tests.conftest import open_window


def test_the_views_split_the_width_evenly_and_take_three_quarters_of_the_height(qtbot, settings_dir, tmp_path):
    window = open_window(qtbot, tmp_path / "autosave", (1600, 1000))
    descent = window.show_workspace("descent")
    qtbot.waitUntil(lambda: descent.surface_place.revealed and descent.loss_place.revealed, timeout=10000)
    surface, contour = descent.surface_place, descent.contour_place
    assert abs(surface.width() - contour.width()) <= 0.05 * contour.width()
    views, plots = descent.left_splitter.sizes()
    assert plots >= 160 and 2.5 <= views / plots <= 3.5
    assert descent.surface_view.height() > 450 and descent.surface_view.width() > 500
