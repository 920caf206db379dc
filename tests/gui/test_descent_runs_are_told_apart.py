"""Runs can be told apart and Newton says once what it does: eight runs get eight distinguishable colours (none white,
so none vanishes on the contour lines or the run list), each drawn in its colour; on a saddle Newton's explanation
names the damped step and the λ it used instead of repeating the verdict."""
import itertools

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gui.descent.runs import PALETTE, RunSpec
from tests.gui.descent_helpers import colour_pixels, hex_rgb, open_descent

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def test_eight_runs_get_eight_distinguishable_colours_each_drawn(qtbot):
    w = open_descent(qtbot, size=(1500, 950))
    for run in list(w.model.runs):
        w.model.remove_run(run.run_id)
    w.session.set_function("x^2 + y^2")
    for k in range(8):
        angle = 2 * np.pi * k / 8
        w.model.add_run(RunSpec("gd", {"lr": 0.05}, w.model.next_colour(), 1.6 * np.array([np.cos(angle),
                                                                                          np.sin(angle)])))
    colours = [r.colour for r in w.model.runs]
    assert len(set(colours)) == 8
    rgb = [np.array(hex_rgb(c)) for c in colours]
    assert all(np.linalg.norm(a - b) > 70 for a, b in itertools.combinations(rgb, 2))
    assert all(min(c) < 200 and max(c) > 90 for c in rgb)     # not near white, not near black
    w.model.step(6)
    image = w.contour_view.grab().toImage()
    for run in w.model.runs:
        p = w.contour_view.map_to_widget(*run.descent.points[3])
        patch = image.copy(p.x() - 4, p.y() - 4, 9, 9)
        assert colour_pixels(patch, hex_rgb(run.colour), tolerance=45) > 0, run.colour
    assert set(PALETTE) >= set(colours)


def test_newton_on_a_saddle_names_the_damped_step_once(qtbot):
    w = open_descent(qtbot)
    w.session.set_function("x^2 - y^2")
    for run in list(w.model.runs):
        w.model.remove_run(run.run_id)
    w.model.add_run(RunSpec("newton", {"lr": 1.0, "damping": 0.0}, "#ff2dcc", np.array([0.5, 0.5])))
    qtbot.mouseClick(w.panel.step_button, Qt.MouseButton.LeftButton)
    text = w.newton_label.text()
    # (by hand) H = diag(2, −2): indefinite; λ = max(|−2|, 0.1·2) − (−2) = 4, so H + 4I = diag(6, 2)
    assert "damped step" in text and "H + 4·I" in text and "λ = 4" in text and "indefinite" in text
    assert text.count("eigenvalues") == 1 and text.count("no minimum") == 1
    newton = w.model.runs[0]
    np.testing.assert_allclose(newton.descent.points[1], [0.5 - 1.0 / 6, 0.5 + 1.0 / 2])
