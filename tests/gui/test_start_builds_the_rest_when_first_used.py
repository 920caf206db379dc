"""The first window builds and imports only what its first picture needs; the rest (the curve view, the plots'
right-click menus, the overlay items, the critical-point solver, the other tabs) is made the first time it is used,
and then works as if it had always been there."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from tests.gui.surface_helpers import changed_fraction, settle, type_function, widget_pixels

ROOT = Path(__file__).resolve().parents[2]

# started as main.py starts (start_qt, first_window), shown until the 3D view has painted the surface; then the
# collector is installed as main.py does once the first picture is up
FIRST_WINDOW = r"""
import gc, json, sys
sys.path.insert(0, sys.argv[1])
import main
app = main.start_qt()
order = list(sys.modules)
before_qt = [m for m in ("numpy", "OpenGL.GL", "engine") if order.index(m) < order.index("PySide6")]
from PySide6.QtCore import QTimer
window = main.first_window(interactive=False, restore_state=False)
window.resize(1400, 880)
surface = window.workspaces["surface"]
report = {}
def painted():
    if not surface.surfaceView._mesh.visible() or report:
        return
    loaded = [m for m in ("engine.analysis.critical", "engine.optim.descent", "engine.graph", "engine.matrix",
                          "gui.descent.workspace", "gui.graph.workspace", "gui.matrix.workspace",
                          "gui.views.curve_view", "html", "scipy", "sympy") if m in sys.modules]
    from gui.garbage import GuiThreadCollector
    from gui.views.curve_view import CurveView
    report.update(
        modules=loaded, before_qt=before_qt, curve_view_built=surface._curve_view is not None, curve_views=len(window.findChildren(CurveView)),
        contour_overlay_items=sorted(surface.overlays._flat[surface.contourView]),
        contour_menu_built=surface.contourView._viewbox.menu is not None,
        slice_items_made=surface.slice_overlay._items is not None,
        tabs=[type(window.workspaces[k]).__name__ for k in ("descent", "graph", "matrix")],
        gc_enabled=gc.isenabled(), collector_at_first_paint=bool(app.findChildren(GuiThreadCollector)))
    main.settle_after_first_paint(app, 0)
    QTimer.singleShot(50, lambda: (report.update(collector_later=bool(app.findChildren(GuiThreadCollector)),
                                                 frozen=gc.get_freeze_count()), app.quit()))
surface.surfaceView.frameSwapped.connect(painted)
window.show()
app.exec()
print("REPORT", json.dumps(report))
"""


def test_the_first_window_builds_and_imports_only_what_its_picture_needs():
    done = subprocess.run([sys.executable, "-c", FIRST_WINDOW, str(ROOT)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.split("REPORT", 1)[1])
    assert not report["curve_view_built"] and report["curve_views"] == 0
    assert report["contour_overlay_items"] == ["point"]   # the selected point's marker, nothing hidden yet
    assert not report["contour_menu_built"] and not report["slice_items_made"]
    assert report["tabs"] == ["QWidget", "QWidget", "QWidget"]   # placeholders until shown
    assert report["modules"] == []
    # imported before PySide6, whose import hook reads the source of every module imported after it
    assert report["before_qt"] == ["numpy", "OpenGL.GL", "engine"]
    # garbage collection is off during the start; the GUI thread's collector arrives after the first paint and the
    # start's objects are frozen out of its reach
    assert not report["gc_enabled"] and not report["collector_at_first_paint"]
    assert report["collector_later"] and report["frozen"] > 10_000


def _curve_pixels(pixels: np.ndarray) -> int:
    """Pixels of the curve's pen colour (120, 200, 255)."""
    return int(np.sum(np.all(np.abs(pixels.astype(int) - (120, 200, 255)) < 30, axis=-1)))


def test_a_function_of_one_variable_builds_the_curve_view_which_draws_and_picks(qtbot, main_window, surface):
    assert surface._curve_view is None
    type_function(qtbot, surface, "x^3 - x")
    curve = surface.curveView
    assert surface.views.currentWidget() is curve and curve.isVisible()
    qtbot.waitUntil(lambda: _curve_pixels(widget_pixels(curve)) > 300, timeout=5000)
    # a click on the curve selects x there (the view picks like the contour map)
    qtbot.mouseClick(curve.viewport(), Qt.MouseButton.LeftButton, pos=curve.map_to_widget(0.5, 0.5 ** 3 - 0.5))
    settle(qtbot, surface)
    (x,) = main_window.session.point
    assert abs(x - 0.5) < 0.02
    # back to two variables: the surface and the contour map again, the curve view kept for the next time
    type_function(qtbot, surface, "x^2 + y^2")
    assert surface.views.currentIndex() == 0 and surface.curveView is curve
    main_window.reset_view()   # resets every view, the curve's included
    type_function(qtbot, surface, "sin(x)")
    assert surface.views.currentWidget() is curve
    # the x range drawn is the session's (a typed curve's view may be widened to its critical points meanwhile)
    qtbot.waitUntil(lambda: not surface.critical.is_running(), timeout=20000)
    settle(qtbot, surface)
    assert curve.extent[:2] == pytest.approx(main_window.session.box()[0])


def _popup_menu(qtbot):
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=3000)
    return QApplication.activePopupWidget()


def test_the_contour_maps_right_click_menu_is_made_when_first_opened_and_works(qtbot, main_window, surface):
    contour = surface.contourView
    box = contour._viewbox
    assert box.menu is None
    contour.plotItem.setMenuEnabled(True)   # enabling it still makes nothing
    assert box.menu is None
    box.scaleBy((4.0, 4.0))   # zoomed out far past the function's box
    zoomed = box.viewRange()
    qtbot.mouseClick(contour.viewport(), Qt.MouseButton.RightButton, pos=contour.map_to_widget(0.5, 0.5))
    menu = _popup_menu(qtbot)
    assert box.menu is menu and menu.isVisible()
    titles = [a.text() for a in menu.actions()]
    assert "View All" in titles and "Plot Options" in titles   # the plot's own options joined the view's
    next(a for a in menu.actions() if a.text() == "View All").trigger()
    menu.close()
    (x0, x1), _ = box.viewRange()
    assert x1 - x0 < (zoomed[0][1] - zoomed[0][0]) / 2   # back around the box
    assert x0 <= -2.0 and x1 >= 2.0
    # a second right-click shows the same menu again
    qtbot.mouseClick(contour.viewport(), Qt.MouseButton.RightButton, pos=QPoint(contour.width() // 2,
                                                                                 contour.height() // 2))
    assert _popup_menu(qtbot) is box.menu
    box.menu.close()
    contour.plotItem.setMenuEnabled(False)
    assert box.menu is None and box.getContextMenus(None) == []


def test_overlay_items_are_made_when_first_drawn(qtbot, main_window, surface):
    contour = surface.contourView
    flat = surface.overlays._flat[contour]
    assert sorted(flat) == ["point"] and flat["point"].isVisible()
    assert surface.surfaceView._legend.visible()   # shown with the surface
    before = widget_pixels(contour)
    box = surface.inspector.overlay_boxes["gradient"]
    surface.side.currentWidget().ensureWidgetVisible(box)   # scrolled to it, as a person would
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    settle(qtbot, surface)
    assert box.isChecked() and flat["gradient"].isVisible() and len(flat["gradient"].getData()[0]) > 0
    assert changed_fraction(before, widget_pixels(contour)) > 0.0002   # the arrow appeared on the map
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    settle(qtbot, surface)
    assert not box.isChecked() and not flat["gradient"].isVisible()
