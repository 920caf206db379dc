"""Tour files are data: the shipped ones load, and a malformed one is refused with the file and the field named while
the rest of the tour still opens."""
import json
import shutil

import pytest

from gui.tour.format import FACT_KEYS
from gui.tour.format import TOUR_DIR, load_section, load_tour, placeholders

GOOD_STEP = {"id": "s", "title": "A step", "text": "f is {value} here.",
             "scene": {"workspace": "surface", "function": "x^2 + y^2", "point": [1, 1]}}


def write(folder, name, data):
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def section(**changes):
    data = {"format": "gradscape.tour", "version": 1, "section": "Test", "steps": [dict(GOOD_STEP)]}
    data.update(changes)
    return data


def step(**changes):
    return section(steps=[{**GOOD_STEP, **changes}])


def test_the_shipped_tour_covers_the_chapter_in_order():
    tour = load_tour()
    assert tour.errors == []
    assert [s.title for s in tour.sections] == [
        "Higher-dimensional differentiation", "Geometry of gradients and gradient descent",
        "A note on mathematical optimization", "Multivariate chain rule", "The backpropagation algorithm",
        "Hessians", "A little matrix calculus", "Exercises"]
    for _section, s in tour.steps():
        for key, _arg in placeholders(s.text + (s.erratum or {}).get("text", "")):
            assert key in FACT_KEYS[s.workspace], (s.id, key)


@pytest.mark.parametrize("data, field", [
    ("{not json", "not valid JSON"),
    (section(format="gradscape.graph"), "format"),
    (section(version=2), "version"),
    (section(steps=[]), "steps"),
    (section(extra=1), "extra: unknown field"),
    (step(text=""), "steps[0].text"),
    (step(text="f is 3.5 here."), "steps[0].text: the number '3.5' is typed"),
    (step(text="f is {nonsense} here."), "steps[0].text: {nonsense}"),
    (step(scene={"workspace": "kitchen"}), "steps[0].scene.workspace"),
    (step(scene={"workspace": "surface", "function": "x^^2"}), "steps[0].scene.function"),
    (step(scene={"workspace": "surface", "function": "x", "point": [1, "a"]}), "steps[0].scene.point[1]"),
    (step(scene={"workspace": "surface", "function": "x", "range": {"x": [2, 1]}}), "steps[0].scene.range.x"),
    (step(scene={"workspace": "surface", "function": "x", "overlays": ["sparkles"]}), "steps[0].scene.overlays"),
    (step(scene={"workspace": "surface", "function": "x", "colour": "red"}), "steps[0].scene.colour"),
    (step(scene={"workspace": "descent", "function": "x", "runs": [{"method": "magic"}]}),
     "steps[0].scene.runs[0].method"),
    (step(exercise={"kind": "gradient", "prompt": "p", "function": "x*"}), "steps[0].exercise.function"),
    (step(exercise={"kind": "choice", "prompt": "p", "options": [{"key": "a", "text": "a", "hint": "h"},
                                                                 {"key": "b", "text": "b", "hint": "h"}]}),
     "steps[0].exercise.options: exactly one"),
    (step(erratum={"printed": "x"}), "steps[0].erratum.text"),
    (section(steps=[GOOD_STEP, GOOD_STEP]), "steps: the id 's' is used twice"),
    (step(conceal=["inspectorFormulas"]), "steps[0].conceal: only an exercise step"),
])
def test_a_malformed_file_is_refused_with_the_file_and_the_field_named(tmp_path, data, field):
    path = write(tmp_path, "09-broken.json", data)
    with pytest.raises(ValueError) as refused:
        load_section(path)
    assert str(refused.value).startswith("09-broken.json: ")
    assert field in str(refused.value)


def test_the_rest_of_the_tour_still_loads_beside_a_broken_file(tmp_path):
    folder = tmp_path / "tour"
    shutil.copytree(TOUR_DIR, folder)
    write(folder, "04b-broken.json", step(text="f is {nonsense} here."))
    write(folder, "10-huge.json", "[" * 300_000)
    tour = load_tour(folder)
    assert len(tour.sections) == len(load_tour().sections)
    assert len(tour.errors) == 2
    assert tour.errors[0].startswith("04b-broken.json: steps[0].text")
    assert tour.errors[1].startswith("10-huge.json: ") and "too large" in tour.errors[1]


def test_the_panel_names_a_refused_file_and_opens_the_others(qtbot, settings_dir, tmp_path):
    from gui.tour.panel import TourPanel
    from tests.conftest import open_window
    folder = tmp_path / "tour"
    shutil.copytree(TOUR_DIR, folder)
    write(folder, "02b-broken.json", section(version=7))
    window = open_window(qtbot, tmp_path / "autosave", (1600, 960))
    window.tour_panel = panel = TourPanel(window, folder)
    panel.start()
    assert panel.errorsLabel.isVisible()
    assert "02b-broken.json: version" in panel.errorsLabel.text()
    assert panel.sectionList.count() == len(load_tour().sections)
    panel.go(len(panel.steps) - 1)
    assert panel.scene_error == ""


def test_a_teacher_can_add_a_section(tmp_path, qtbot, settings_dir):
    from gui.tour.panel import TourPanel
    from tests.conftest import open_window
    folder = tmp_path / "tour"
    folder.mkdir()
    write(folder, "01-bowl.json", step(title="A bowl", text="At {point}, ∇f = {gradient}."))
    window = open_window(qtbot, tmp_path / "autosave", (1600, 960))
    panel = TourPanel(window, folder)
    panel.start()
    qtbot.waitUntil(lambda: not window.workspace("surface")._pending and not window.workspace("surface").turns.busy,
                    timeout=5000)
    assert panel.textLabel.text() == "At (1, 1), ∇f = (2, 2)."
