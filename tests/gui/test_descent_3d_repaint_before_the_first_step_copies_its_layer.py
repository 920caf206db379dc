"""Before the first step every run's trail is empty, so hidden, and its colour was set on it: the 3D view's layer
(surface, axes, text, trails) was then painted afresh on every repaint of the view, a hover or a window repaint
(tens of ms on the software renderer), as if the hidden trail had to be repainted in its new colour. A repaint
that changes nothing only copies the layer; showing the trail (its first step) paints it."""
import pytest

from tests.gui.descent_helpers import open_descent, step

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def _repaint(qtbot, view) -> None:
    with qtbot.waitSignal(view.frameSwapped, timeout=5000):
        view.update()


def test_a_repaint_before_the_first_step_only_copies_the_layer(qtbot):
    w = open_descent(qtbot)
    view = w.surface_view
    assert w.model.runs and all(r.steps == 0 for r in w.model.runs)
    _repaint(qtbot, view)
    before = view.layers.rebuilds
    for _ in range(3):
        _repaint(qtbot, view)
    assert view.layers.rebuilds == before
    step(qtbot, w)                                               # the trails' first pieces: painted in
    _repaint(qtbot, view)
    assert view.layers.rebuilds > before
    before = view.layers.rebuilds
    _repaint(qtbot, view)
    assert view.layers.rebuilds == before
