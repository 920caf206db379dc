"""Every step of every section, rendered: its scene loads in its own workspace, its numbers are filled, nothing is
left blank. The pictures are saved under /tmp/tour-shots/ to be looked at."""
from pathlib import Path

from gui.tour.critical_finder import FINDING
from gui.views.capture import grab_with_gl
from tests.gui.surface_helpers import distinct_colours, image_array
from tests.gui.tour_helpers import open_tour_window, settle_window

SHOTS = Path("/tmp/tour-shots")


def test_every_step_renders_its_scene_with_its_numbers(qtbot, settings_dir, tmp_path):
    window, panel = open_tour_window(qtbot, tmp_path)
    SHOTS.mkdir(exist_ok=True)
    assert panel.tour.errors == []
    assert len(panel.steps) >= 20
    for index, (section, step) in enumerate(panel.steps):
        panel.go(index)
        settle_window(qtbot, window)
        qtbot.wait(30)
        assert panel.scene_error == "", (step.id, panel.scene_error)
        expected_tab = "surface" if step.workspace == "surface" else step.workspace
        assert window.current_workspace() is window.workspace(expected_tab), step.id
        text = panel.textLabel.text() + panel.erratumLabel.text()
        assert "could not be computed" not in text and "{" not in panel.textLabel.text(), (step.id, text)
        assert FINDING not in text, step.id   # numbers found on a worker have come
        if step.highlight:
            assert panel.highlight.isVisible() and panel.highlight.target is not None, step.id
            assert panel.highlight.target.isVisible(), (step.id, step.highlight)
        image = grab_with_gl(window)
        image.save(str(SHOTS / f"{index + 1:02d}-{section.key[:2]}-{step.id}.png"))
        pixels = image_array(image)
        workspace = window.current_workspace()
        corner = workspace.mapTo(window, workspace.rect().topLeft())
        region = pixels[corner.y():corner.y() + workspace.height(), corner.x():corner.x() + workspace.width()]
        assert distinct_colours(region) > 200, step.id
    window.close()                       # closing mid-tour leaves the tour first (every workspace restored)
    assert panel.snapshot is None and not panel.isVisible()
