"""Everything in the Surface workspace is reachable on a 1024×700 screen, whatever the number of variables: the
controls wrap instead of widening the window, held-fixed variables share lines, and every side panel scrolls."""
import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLabel, QScrollArea

from tests.gui.surface_helpers import settle, show_side_tab, type_function, widget_pixels

SMALL = (1024, 700)


def _inside_window(window, widget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return widget.isVisible() and window.rect().contains(QRect(top_left, widget.size()))


def _scroll_to(qtbot, window, surface, widget):
    """Scroll the current side panel until ``widget`` shows in the window (False if it never does)."""
    scroll = surface.side.currentWidget()
    assert isinstance(scroll, QScrollArea)
    scroll.ensureWidgetVisible(widget)
    qtbot.waitUntil(lambda: _inside_window(window, widget))


def test_a_function_of_six_variables_fits_1024_by_700_and_every_control_is_reachable(qtbot, main_window, surface):
    type_function(qtbot, surface, "x*y + z^2 + w + v + a")
    main_window.resize(*SMALL)
    qtbot.waitUntil(lambda: (main_window.width(), main_window.height()) == SMALL)
    settle(qtbot, surface)
    c = surface.controls
    for widget in [c.resetButton, c.gradientFieldBox, c.resolutionSpin, *c.axis_combos,
                   *(spin for pair in c.range_spins.values() for spin in pair),
                   *(w for slider, edit, _ in c.sliders.values() for w in (slider, edit)),
                   surface.surfaceView, surface.contourView]:
        assert _inside_window(main_window, widget), widget.objectName() or widget
    assert surface.surfaceView.height() >= 250 and surface.contourView.width() >= 200
    # the overlays at the foot of the inspector: scrolled to, then clicked
    box = surface.inspector.overlay_boxes["tangent"]
    _scroll_to(qtbot, main_window, surface, box)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert surface.inspector.overlays_shown()["tangent"]
    # the error plot at the foot of the approximation panel, and the critical points' button
    show_side_tab(qtbot, surface, "Approximation")
    _scroll_to(qtbot, main_window, surface, surface.approximation.plot)
    show_side_tab(qtbot, surface, "Critical points")
    _scroll_to(qtbot, main_window, surface, surface.critical.findButton)


def test_a_typed_value_beside_a_slider_holds_that_variable(qtbot, main_window, surface):
    type_function(qtbot, surface, "x + y + z")
    slider, edit, _ = surface.controls.sliders["z"]
    edit.selectAll()
    qtbot.keyClicks(edit, "pi/4")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    settle(qtbot, surface)
    assert main_window.session.fixed["z"] == np.pi / 4
    assert slider.value() == round((np.pi / 4 + 2) / 4 * 1000)
    edit.selectAll()
    qtbot.keyClicks(edit, "7")                           # outside the slider's range: the range widens
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    settle(qtbot, surface)
    assert main_window.session.fixed["z"] == 7.0 and slider.value() == 1000
    main_window.undo_action.trigger()
    settle(qtbot, surface)
    assert main_window.session.fixed["z"] == np.pi / 4 and edit.text().startswith("0.785398")


def test_the_approximation_panel_shows_no_stray_dashes_over_its_rows(qtbot, main_window, surface):
    show_side_tab(qtbot, surface, "Approximation")
    panel = surface.approximation
    qtbot.waitUntil(lambda: panel.readable["linear_formula"].text() != "—")
    strays = [label for label in panel.findChildren(QLabel) if label.isVisible() and label.text() == "—"]
    assert strays == []
    # pixels: left of the first row's label there is nothing but the panel's background
    first = panel.readable["linear_formula"]
    pixels = widget_pixels(panel)
    row = pixels[first.y():first.y() + first.height(), :6]
    assert np.ptp(row.reshape(-1, 3).astype(int), axis=0).max() < 30
