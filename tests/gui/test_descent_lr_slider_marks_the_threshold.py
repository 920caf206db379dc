"""The learning-rate slider carries the threshold: on x² + 25y² gradient descent's mark sits at η = 2/λmax = 0.04 (the
pixel of the mark is where the slider puts its own handle for 0.04, and it maps back to 0.04), the groove beyond it
is tinted red; the mark follows the method (momentum 2(1+β)/λmax, Nesterov 2(1+β)/((1+2β)λmax)), the momentum
typed, the start and the function, and is hidden — with the reason in the line — where the quadratic model has no
minimum or the method is adaptive. Checked on the model, the widgets and the slider's pixels."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionSlider

from gui.descent.threshold_slider import MARK_COLOUR
from tests.gui.descent_helpers import add_run, click_contour, remove_all_runs, type_into

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def choose_method(qtbot, w, label):
    """Pick a method in the selected run's combo with the keyboard (as a user without a mouse would)."""
    combo = w.panel.method_combo
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentText() != label:
        qtbot.keyClick(combo, Qt.Key.Key_Down)


def handle_centre_for(row, value) -> int:
    """Where the slider itself draws its handle for ``value`` (its own style), then puts the old value back."""
    kept = row.value()
    row.set_value(value)
    option = QStyleOptionSlider()
    row.slider.initStyleOption(option)
    rect = row.slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                             QStyle.SubControl.SC_SliderHandle, row.slider)
    row.set_value(kept)
    return rect.center().x()


def settle(row) -> None:
    """Let the panel lay out what changed: the new line may bring the side panel's scroll bar (or take it away),
    which lays the panel out once more."""
    for _ in range(5):
        before = row.slider.geometry()
        QApplication.processEvents()
        if row.slider.geometry() == before:
            return


def slider_pixels(row) -> np.ndarray:
    QApplication.processEvents()
    image = row.slider.grab().toImage()
    from gui.descent.export import qimage_to_pil
    return np.asarray(qimage_to_pil(image)).astype(int)


def red_columns(pixels) -> np.ndarray:
    """The x of every column with at least a few pixels of the mark's colour."""
    red = np.all(np.abs(pixels - np.array(MARK_COLOUR.getRgb()[:3])) < 30, axis=-1)
    return np.flatnonzero(red.sum(axis=0) >= 4)


def tinted(pixels, x0, x1) -> int:
    """Pixels between columns x0 and x1 where red clearly dominates (the tint over the groove)."""
    part = pixels[:, x0:x1]
    return int(np.sum((part[..., 0] - part[..., 1] > 40) & (part[..., 0] - part[..., 2] > 30)))


def gd_on_the_narrow_bowl(qtbot, w):
    """One gradient-descent run on x² + 25y² (λ = 2, 50), started off both axes."""
    w.session.set_function("x^2+25*y^2")
    remove_all_runs(qtbot, w)
    add_run(w, "Gradient descent")
    click_contour(qtbot, w, 1.0, 0.5)


def test_the_mark_sits_at_two_over_lambda_max_and_the_region_beyond_is_red(qtbot, descent_workspace):
    w = descent_workspace
    gd_on_the_narrow_bowl(qtbot, w)
    row, mark = w.panel.hyper_rows["lr"], w.panel.step_size.mark
    type_into(qtbot, row.box, "0.01")
    assert mark.isVisible() and mark.threshold == pytest.approx(0.04)
    settle(row)                                                 # the panel lays out the new line first
    x = mark.mark_x()
    assert abs(x - handle_centre_for(row, 0.04)) <= 1          # where the slider's own handle shows 0.04
    assert mark.value_at(x - 1) <= 0.04 <= mark.value_at(x + 1)     # and that pixel reads back as 0.04 (± a pixel)
    assert mark.value_at(x) == pytest.approx(0.04, rel=0.1)
    assert "0.04" in row.slider.toolTip()
    pixels = slider_pixels(row)
    columns = red_columns(pixels)
    assert columns.size and abs(float(np.median(columns)) - x) <= 2     # the painted tick is at that pixel
    assert tinted(pixels, x + 3, pixels.shape[1] - 2) > 60            # the groove beyond the mark is tinted
    assert tinted(pixels, 2, x - 3) < 5                               # and the stable side is not
    w.grab().save("/tmp/why-slider-gd.png")
    row.slider.grab().save("/tmp/why-slider-gd-closeup.png")


def test_the_mark_follows_method_momentum_start_and_function(qtbot, descent_workspace):
    w = descent_workspace
    gd_on_the_narrow_bowl(qtbot, w)
    row, mark, line = w.panel.hyper_rows["lr"], w.panel.step_size.mark, w.panel.step_size
    gd_x = mark.mark_x()

    choose_method(qtbot, w, "Momentum")
    run = w.model.runs[0]
    assert run.method == "momentum" and mark.threshold == pytest.approx(2 * (1 + run.hyper["momentum"]) / 50)
    type_into(qtbot, w.panel.hyper_rows["momentum"].box, "0.9")
    assert run.hyper["momentum"] == 0.9 and mark.threshold == pytest.approx(2 * 1.9 / 50)
    assert mark.mark_x() > gd_x and "0.076" in row.slider.toolTip()

    choose_method(qtbot, w, "Nesterov")
    beta = w.model.runs[0].hyper["momentum"]
    assert mark.threshold == pytest.approx(2 * (1 + beta) / ((1 + 2 * beta) * 50))
    assert "2(1+β)/((1+2β)λmax)" in line.text()

    choose_method(qtbot, w, "Gradient descent")
    w.session.set_function("x^4+y^2")              # f'' = 12x² along x: the threshold depends on the start
    click_contour(qtbot, w, 1.0, 0.5)
    assert mark.threshold == pytest.approx(2 / 12, rel=0.05)
    click_contour(qtbot, w, 0.5, 0.5)
    assert mark.threshold == pytest.approx(2 / (12 * w.model.runs[0].start[0] ** 2), rel=1e-9)

    w.session.set_function("x^2-y^2")              # a saddle: no minimum in the model, no mark, and the line says why
    assert not mark.isVisible() and mark.mark_x() is None
    assert "no η threshold" in line.text() and "no minimum" in line.text()
    assert red_columns(slider_pixels(row)).size == 0


def test_adaptive_methods_say_the_threshold_does_not_apply(qtbot, descent_workspace):
    w = descent_workspace
    w.session.set_function("x^2+25*y^2")
    remove_all_runs(qtbot, w)
    add_run(w, "Adam")
    line, mark = w.panel.step_size, w.panel.step_size.mark
    assert line.isVisible() and "does not apply to Adam" in line.text()
    assert not mark.isVisible() and red_columns(slider_pixels(w.panel.hyper_rows["lr"])).size == 0
    remove_all_runs(qtbot, w)
    add_run(w, "Newton")
    assert "Newton rescales" in line.text() and mark.threshold == pytest.approx(2.0)
