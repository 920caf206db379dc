"""Contour lines (vectorized over cells and levels) lie on the level sets: exactly for a plane (linear interpolation
is exact there), to the grid's accuracy for a circle, with gaps where the field is undefined; computed once per field
and level set by the contour view."""
import numpy as np
import pytest

from gui.views import contour_view
from gui.views.contour_lines import contour_levels, contour_segments


def grid(n=41, m=37):
    xs, ys = np.linspace(-2, 2, n), np.linspace(-1.5, 2.5, m)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    return xs, ys, gx, gy


@pytest.mark.parametrize("level", [-3.0, -0.4, 0.0, 1.3, 5.5])
def test_on_a_plane_every_endpoint_is_on_the_level_and_the_line_crosses_the_box(level):
    xs, ys, gx, gy = grid()
    zs = 1.5 * gx - 2.0 * gy + 0.25
    seg = contour_segments(xs, ys, zs, level)
    assert len(seg) > 0 and len(seg) % 2 == 0
    np.testing.assert_allclose(1.5 * seg[:, 0] - 2.0 * seg[:, 1] + 0.25, level, atol=1e-12)
    # the pieces join into one line across the box: its length is the chord's length
    length = np.sum(np.hypot(*(seg[1::2] - seg[0::2]).T))
    t = np.linspace(-2, 2, 200001)
    y = (1.5 * t + 0.25 - level) / 2.0
    inside = (y >= -1.5) & (y <= 2.5)
    chord = np.hypot(t[inside][-1] - t[inside][0], y[inside][-1] - y[inside][0])
    assert length == pytest.approx(chord, rel=1e-5)   # the chord sampled every 2e-5


def test_circles_are_close_to_their_radius_and_levels_come_back_in_the_order_asked():
    xs, ys, gx, gy = grid(161, 161)
    zs = gx ** 2 + (gy - 0.5) ** 2
    levels = [1.0, 0.25, 4.0]
    pieces = contour_levels(xs, ys, zs, levels)
    for level, seg in zip(levels, pieces):
        r = np.hypot(seg[:, 0], seg[:, 1] - 0.5)
        np.testing.assert_allclose(r, np.sqrt(level), atol=2e-3)
    assert len(pieces[2]) > 0   # r = 2 is cut by the box but still drawn inside it


def test_undefined_cells_leave_a_gap_and_a_saddle_cell_gets_two_lines():
    xs, ys, gx, gy = grid(21, 21)
    zs = np.where(gx > 1.0, np.nan, gx * gy)
    seg = contour_segments(xs, ys, zs, 0.3)
    assert np.all(seg[:, 0] <= 1.0 + 1e-12)
    xs2 = ys2 = np.array([0.0, 1.0])
    saddle = np.array([[1.0, -1.0], [-1.0, 1.0]])   # corners 00 and 11 above 0, 10 and 01 below
    two = contour_segments(xs2, ys2, saddle, 0.0)
    assert two.shape == (4, 2)


def test_the_contour_view_contours_a_field_once_per_level_set(monkeypatch):
    xs, ys, gx, gy = grid(51, 51)
    zs = np.sin(gx) * np.cos(gy)
    calls = []
    real = contour_view.contour_levels
    monkeypatch.setattr(contour_view, "contour_levels", lambda *a: calls.append(1) or real(*a))
    first = contour_view._cached_lines(xs, ys, zs, (-0.5, 0.0, 0.5))
    again = contour_view._cached_lines(xs, ys, zs.copy(), (-0.5, 0.0, 0.5))
    assert len(calls) == 1 and again[0] is first[0]
    contour_view._cached_lines(xs, ys, zs, (-0.5, 0.5))
    assert len(calls) == 2
