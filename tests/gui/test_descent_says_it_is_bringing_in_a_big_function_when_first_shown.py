"""Shown first on a big function, the Descent tab says "Bringing in f…" where its views will be (no empty axes over a
degenerate range) while the function comes in over several turns, then shows the surface and contour map of that
function and the default race restarted on it with the engine's rates. Play while it comes in finishes it at once.
The views keep their size while they come in and when Newton's sentence changes its length."""
import numpy as np
from PySide6.QtCore import Qt

from gui.descent.parts import LOADING
from gui.views.surface_view import BACKGROUND
from tests.engine.huge_formulas import huge_formula, huge_values
from tests.gui.descent_helpers import assert_restarted_with_the_engines_rates, open_descent, remove_all_runs


def _pixels(widget) -> np.ndarray:
    from gui.descent.export import qimage_to_pil
    return np.asarray(qimage_to_pil(widget.grab().toImage())).astype(int)


def _loading(w) -> bool:
    """Both places show the words, on the views' dark background, and neither view is shown."""
    for place, view in ((w.surface_place, "surface_view"), (w.contour_place, "contour_view")):
        if not (place.label.isVisible() and place.label.text() == LOADING):
            return False
        if w.built(view) and getattr(w, view).isVisible():
            return False
    return True


def _shown_on(shift: float, qtbot):
    from gui.session import Session
    session = Session()
    session.set_function(huge_formula(shift=shift), axes=("x", "y"))
    return open_descent(qtbot, session=session, settle=False)


def _oracle_surface(w, shift: float) -> np.ndarray:
    from gui.descent.workspace import GRID
    (x0, x1), (y0, y1) = w.session.box()
    gx, gy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID), indexing="ij")
    return huge_values(gx, gy, shift=shift)


def test_it_says_bringing_in_f_until_the_surface_then_shows_that_function_and_its_race(qtbot):
    w = _shown_on(2.6, qtbot)
    assert w.staging and not w.model.runs
    assert _loading(w)
    picture = _pixels(w.surface_place)
    background = np.all(np.abs(picture - np.array(BACKGROUND)) < 4, axis=-1)
    assert background.mean() > 0.9                           # the views' dark background, not axes and ticks
    assert np.sum(picture.sum(axis=-1) > 3 * 120) > 20       # and light words on it
    seen = []
    w.staged.connect(lambda name: seen.append((name, w.surface_place.revealed, w.contour_place.revealed)))
    qtbot.waitUntil(lambda: not w.staging, timeout=30000)

    names = [name for name, *_ in seen]
    surface, contours = names.index("surface"), names.index("contours")
    assert all(not s and not c for _n, s, c in seen[:surface])   # the words until the surface is drawn
    assert seen[surface][1:] == (True, False)                    # the surface first, the contour map a turn later
    assert all(s and c for _n, s, c in seen[contours:])
    assert not w.surface_place.label.isVisible() and not w.contour_place.label.isVisible()
    assert w.surface_view.isVisible() and w.contour_view.isVisible()

    zs = _oracle_surface(w, 2.6)
    x0, x1, y0, y1, z0, z1 = w.surface_view.extent
    assert (x0, x1, y0, y1) == tuple(v for lo_hi in w.session.box() for v in lo_hi)
    assert np.isclose(z0, zs.min(), rtol=1e-9, atol=1e-12) and np.isclose(z1, zs.max(), rtol=1e-9, atol=1e-12)
    levels = w.contour_view.levels
    assert len(levels) >= 5 and zs.min() <= levels.min() and levels.max() <= zs.max()
    assert w.contour_view.scale.hi - w.contour_view.scale.lo > 0.5 * (zs.max() - zs.min())

    assert [r.method for r in w.model.runs] == ["gd", "momentum", "adam", "newton"]
    assert_restarted_with_the_engines_rates(w)
    from gui.descent.export import qimage_to_pil
    surface = np.asarray(qimage_to_pil(w.surface_view.grabFramebuffer())).reshape(-1, 3)
    assert len(np.unique(surface, axis=0)) > 500                # the coloured, lit surface is drawn


def test_play_while_it_comes_in_finishes_it_at_once_and_the_race_runs(qtbot):
    w = _shown_on(2.9, qtbot)
    assert w.staging and _loading(w)
    qtbot.mouseClick(w.panel.play_button, Qt.MouseButton.LeftButton)
    assert not w.staging
    assert w.surface_place.revealed and w.contour_place.revealed and not _loading(w)
    zs = _oracle_surface(w, 2.9)
    assert np.isclose(w.surface_view.extent[5], zs.max(), rtol=1e-9)
    qtbot.waitUntil(lambda: all(r.steps >= 3 for r in w.model.runs), timeout=20000)
    qtbot.mouseClick(w.panel.play_button, Qt.MouseButton.LeftButton)   # pause
    assert [r.method for r in w.model.runs] == ["gd", "momentum", "adam", "newton"]
    assert_restarted_with_the_engines_rates(w, steps=None)


def test_a_small_function_is_drawn_with_the_first_show(qtbot):
    w = open_descent(qtbot)
    assert not w.staging and not _loading(w)
    assert w.surface_place.revealed and w.contour_place.revealed
    assert w.surface_view.isVisible() and not w.surface_place.label.isVisible()


def test_the_views_keep_their_size_when_newtons_sentence_comes_and_goes(qtbot):
    w = open_descent(qtbot)
    qtbot.waitUntil(lambda: len(w.model.runs) == 4, timeout=20000)
    newton = next(r for r in w.model.runs if r.method == "newton")
    w.panel.select_run(newton.run_id)
    qtbot.mouseClick(w.panel.step_button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    assert "Newton" in w.newton_label.text()
    size, height = w.surface_view.size(), w.newton_label.height()
    remove_all_runs(qtbot, w)
    qtbot.wait(50)
    assert w.newton_label.text() == ""
    assert w.surface_view.size() == size and w.newton_label.height() == height
