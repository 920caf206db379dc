"""A Descent scene can say which of its runs is selected ("select_run"): the chapter tour's "step-too-large" step
selects the diverging run, so the eigen-direction plot beside the loss shows its steep error growing without the
user picking it; a tour file whose "select_run" is not one of its runs is refused with the field named."""
import json

import numpy as np
import pytest
from PySide6.QtGui import QColor, QPalette

from gui.tour.format import load_section
from tests.gui.tour_helpers import go_to, open_tour_window

pytestmark = [pytest.mark.gui, pytest.mark.gl]


@pytest.fixture
def tour(qtbot, settings_dir, tmp_path):
    window, panel = open_tour_window(qtbot, tmp_path)
    yield window, panel
    window.workspace("surface").shutdown()


def _highlighted_share(run_list, row: int) -> float:
    """The share of the row's pixels drawn in the list's selection colour."""
    rect = run_list.visualItemRect(run_list.item(row))
    image = run_list.viewport().grab(rect).toImage()
    colour = run_list.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    hits = sum(_near(QColor(image.pixel(x, y)), colour) for x in range(0, image.width(), 3)
               for y in range(0, image.height(), 3))
    return hits / max(1, len(range(0, image.width(), 3)) * len(range(0, image.height(), 3)))


def _near(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 40


def test_the_overshooting_step_selects_the_diverging_run(tour, qtbot):
    window, panel = tour
    descent = window.workspace("descent")
    go_to(qtbot, panel, "descent")
    assert descent.panel.run_list.currentRow() == 0
    go_to(qtbot, panel, "step-too-large")
    calm, wild = descent.model.runs
    assert (calm.hyper["lr"], wild.hyper["lr"]) == (0.1, 0.35)
    # the model: the selected run (the one the panel edits and the eigen plot draws) is the ε = 0.35 run
    assert descent.panel.current_run_id() == wild.run_id and descent.eigen_plot.run_id == wild.run_id
    assert descent.panel.hyper_rows["lr"].box.value() == pytest.approx(0.35)
    # the screen: the run list's second row is current and drawn selected, the first is not
    run_list = descent.panel.run_list
    qtbot.waitUntil(run_list.isVisible, timeout=3000)
    assert run_list.currentRow() == 1 and run_list.item(1).isSelected() and not run_list.item(0).isSelected()
    assert _highlighted_share(run_list, 1) > 0.3 > _highlighted_share(run_list, 0)
    # the eigen plot shows that run: on x² + 3y² at ε = 0.35 the steep (y) error is multiplied by 1 − 0.35·6 = −1.1
    plot = descent.eigen_plot
    qtbot.waitUntil(lambda: plot.isVisible() and len(plot.curves) == 2, timeout=3000)
    steep = 10.0 ** np.asarray(plot.curves[1].yData, dtype=float)
    assert len(steep) == 26 and np.allclose(steep[1:] / steep[:-1], 1.1, rtol=1e-6)
    # a step without "select_run" selects the first run again
    go_to(qtbot, panel, "eigen-directions")
    assert descent.panel.current_run_id() == descent.model.runs[0].run_id and run_list.currentRow() == 0


def _descent_step(**scene_changes):
    runs = [{"method": "gd", "start": [1, 1], "hyper": {"lr": 0.1}}, {"method": "gd", "hyper": {"lr": 0.4}}]
    scene = {"workspace": "descent", "function": "x^2 + y^2", "point": [1, 1], "runs": runs, **scene_changes}
    return {"format": "gradscape.tour", "version": 1, "section": "Test",
            "steps": [{"id": "s", "title": "A step", "text": "f is {run_value:1} there.", "scene": scene}]}


@pytest.mark.parametrize("select_run, words", [
    (2, "steps[0].scene.select_run: must be the index of one of the scene's runs (0 to 1)"),
    (-1, "steps[0].scene.select_run: must be a whole number"),
    ("1", "steps[0].scene.select_run: must be a whole number"),
    (True, "steps[0].scene.select_run: must be a whole number"),
    (0.5, "steps[0].scene.select_run: must be a whole number"),
])
def test_a_select_run_that_is_not_one_of_the_scenes_runs_is_refused(tmp_path, select_run, words):
    path = tmp_path / "09-select.json"
    path.write_text(json.dumps(_descent_step(select_run=select_run)), encoding="utf-8")
    with pytest.raises(ValueError) as refused:
        load_section(path)
    assert str(refused.value).startswith(f"09-select.json: {words}")


def test_select_run_needs_the_scenes_own_runs(tmp_path):
    data = _descent_step(select_run=0)
    del data["steps"][0]["scene"]["runs"]
    data["steps"][0]["text"] = "f is {value} there."
    path = tmp_path / "09-select.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=r"^09-select\.json: steps\[0\]\.scene\.select_run: needs the scene's runs"):
        load_section(path)


def test_a_valid_select_run_loads(tmp_path):
    path = tmp_path / "09-select.json"
    path.write_text(json.dumps(_descent_step(select_run=1)), encoding="utf-8")
    assert load_section(path).steps[0].scene["select_run"] == 1
