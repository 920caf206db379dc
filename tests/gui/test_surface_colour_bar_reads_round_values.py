"""Colour bars read well: a log bar is labelled with round, distinct, well-spread values of f and no "0" (log 0
does not exist), and a value that is zero up to rounding is printed 0 (Himmelblau's minima, found as 7.9e−31,
are listed as 0 beside the exact 0s)."""
import numpy as np
import pytest

from tests.gui.surface_helpers import choose_preset, find_critical_points, widget_pixels


def _bar_ticks(view):
    """(label, fraction) pairs the contour view's colour bar draws."""
    return [(label, float(t)) for t, label in view.colour_bar.axis._tickLevels[0]]


def _significant_digits(label: str) -> int:
    digits = f"{float(label.replace('−', '-')):g}".split("e")[0]
    return len(digits.replace("-", "").replace(".", "").strip("0"))


@pytest.mark.parametrize("key", ["singular", "rosenbrock", "beale"])
def test_a_log_bar_shows_round_distinct_well_spread_values(qtbot, main_window, surface, key):
    choose_preset(qtbot, surface, key)
    view = surface.contourView
    assert view.scale.kind == "log"
    ticks = _bar_ticks(view)
    labels = [label for label, _ in ticks]
    assert len(ticks) >= 3 and "0" not in labels and len(set(labels)) == len(labels)
    assert all(_significant_digits(label) <= 2 for label in labels), labels
    assert np.min(np.diff([t for _, t in ticks])) >= 0.15
    # the surface view's legend says the same
    legend = set(surface.surfaceView._legend.labels)
    assert set(labels) <= legend and "0" not in legend
    # pixels: the labels are drawn under the bar, spread across it (text in each third of the bar's width)
    pixels = widget_pixels(view).astype(int)
    bar = view.colour_bar.sceneBoundingRect()
    top = view.mapFromScene(bar.topLeft())
    bottom = view.mapFromScene(bar.bottomRight())
    strip = pixels[bottom.y() - 22:bottom.y(), top.x():bottom.x()]
    text = np.max(strip, axis=-1) > 120
    thirds = np.array_split(text, 3, axis=1)
    assert sum(bool(part.any()) for part in thirds) >= 2


def test_the_singular_bar_no_longer_reads_0_125_0_126_0_135(qtbot, main_window, surface):
    choose_preset(qtbot, surface, "singular")
    labels = [label for label, _ in _bar_ticks(surface.contourView)]
    assert not {"0.125", "0.126", "0.135"} & set(labels)


def test_minima_zero_to_rounding_are_listed_as_0(qtbot, main_window, surface):
    choose_preset(qtbot, surface, "himmelblau")
    results = find_critical_points(qtbot, surface)
    minima = [row for row, c in enumerate(results) if c.kind == "minimum"]
    assert len(minima) == 4
    assert any(0 < abs(results[row].value) < 1e-20 for row in minima)   # the engine's numbers, unrounded
    shown = [surface.critical.table.item(row, 2).text() for row in minima]
    assert shown == ["0"] * 4
