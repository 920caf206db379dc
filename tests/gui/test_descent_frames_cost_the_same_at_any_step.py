"""The Descent animation is paced by the display and draws only what moved: the player takes as many steps per ~16 ms
frame as the speed asks (from the time that passed), trails and the loss curves are appended to, the 3D view repaints
its surface only when the camera or the surface changes, and a finished run costs nothing."""
import numpy as np
import pytest

from gui.descent import player as player_module
from gui.descent.runs import RunSpec
from tests.gui.descent_helpers import colour_pixels, hex_rgb, open_descent

pytestmark = [pytest.mark.gui, pytest.mark.gl]


class FakeClock:
    """Stands in for the player's QElapsedTimer: each restart() reports ``ms`` milliseconds since the last (none
    right after start())."""

    def __init__(self, ms):
        self.ms, self.started = ms, False

    def start(self):
        self.started = True

    def restart(self):
        elapsed = 0 if self.started else self.ms
        self.started = False
        return elapsed


def one_gd_run(w, lr=0.01, start=(-1.0, 0.5)):
    for run in list(w.model.runs):
        w.model.remove_run(run.run_id)
    w.model.set_max_steps(100000)
    return w.model.add_run(RunSpec("gd", {"lr": lr}, "#ff3b30", np.array(start)))


@pytest.mark.parametrize("speed, ticks, expected_steps", [(10.0, 63, 10), (300.0, 21, 100)])
def test_each_frame_takes_the_steps_the_speed_asks_for(qtbot, monkeypatch, speed, ticks, expected_steps):
    w = open_descent(qtbot)
    run_id = one_gd_run(w)
    redraws = []
    w.model.runs_advanced.connect(lambda: redraws.append(1))
    w.player.set_speed(speed)
    w.player._clock = FakeClock(player_module.FRAME_MS)
    monkeypatch.setattr(player_module, "FRAME_BUDGET_S", 10.0)   # no budget cut on a slow test machine
    w.player.play()                       # takes the first step at once
    w.player._timer.stop()                # the test drives the frames itself
    for _ in range(ticks):
        w.player._tick()
    steps = w.model.run(run_id).steps
    # (by hand) 1 + ⌊speed · 16 ms · ticks⌋ steps: 1 + 10.08 at 10/s, 1 + 100.8 at 300/s (fractions carry over)
    assert steps == 1 + expected_steps
    assert len(redraws) == w.player.frames_drawn <= ticks + 1        # one redraw per frame that moved, never more
    if speed == 10.0:
        assert w.player.frames_drawn == 1 + expected_steps           # most frames at 10/s take no step, draw nothing


def test_trails_and_the_loss_curve_grow_by_what_one_step_adds(qtbot):
    w = open_descent(qtbot)
    run_id = one_gd_run(w)
    w.model.step(300)
    qtbot.wait(50)
    items2d, items3d = w.race2d._runs[run_id], w.race3d._runs[run_id]
    held = items2d.trail.segments.steps, items3d.pairs.size, items3d.points.size
    image_before = w.contour_view.grab().toImage()
    painted_from_scratch = []
    real = type(items2d.trail)._paint_range
    items2d.trail._paint_range = lambda painter, start, end: (painted_from_scratch.append(start == (0, 0)),
                                                              real(items2d.trail, painter, start, end))
    rebuilds = w.surface_view.layers.rebuilds
    w.surface_view.grabFramebuffer()
    w.model.step(1)
    w.contour_view.grab()
    w.surface_view.grabFramebuffer()
    run = w.model.run(run_id)
    assert items2d.trail.segments.steps == held[0] + 1                 # one step more, nothing rebuilt
    assert items3d.pairs.size - held[1] == 16 and items3d.points.size == held[2] + 1  # 8 pieces on the surface
    assert painted_from_scratch and not any(painted_from_scratch)      # only the new piece was painted
    assert w.surface_view.layers.rebuilds == rebuilds                  # the surface was not painted again
    x, y = w.loss_plot.curve(run_id).getData()
    assert len(x) == run.steps + 1 and np.allclose(y, run.descent.values)
    assert colour_pixels(image_before, hex_rgb("#ff3b30")) > 100       # the trail is drawn where it is
    p = w.contour_view.map_to_widget(*run.descent.points[150])
    patch = image_before.copy(p.x() - 3, p.y() - 3, 7, 7)
    assert colour_pixels(patch, hex_rgb("#ff3b30")) > 0


def test_the_3d_view_repaints_its_surface_only_when_the_camera_moves_and_keeps_the_trail(qtbot):
    w = open_descent(qtbot)
    run_id = one_gd_run(w, start=(-1.2, -0.8))
    w.model.step(1)                       # the trail's first piece: it joins the cached layer once
    w.surface_view.grabFramebuffer()
    before = w.surface_view.grabFramebuffer()
    rebuilds = w.surface_view.layers.rebuilds
    w.model.step(40)
    after = w.surface_view.grabFramebuffer()
    assert w.surface_view.layers.rebuilds == rebuilds
    red = hex_rgb("#ff3b30")
    assert colour_pixels(after, red) > colour_pixels(before, red) + 30          # the trail appears in 3D …
    array = np.asarray(after.convertToFormat(after.Format.Format_RGB32).constBits()).reshape(-1, 4)[:, :3]   # no row padding
    assert len(np.unique(array, axis=0)) > 500                                  # … over a real, shaded surface
    w.surface_view.setCameraPosition(azimuth=-20.0)
    turned = w.surface_view.grabFramebuffer()
    assert w.surface_view.layers.rebuilds == rebuilds + 1                      # a new camera: painted afresh once
    assert colour_pixels(turned, red) > colour_pixels(before, red) + 30        # with the whole trail
    assert w.model.run(run_id).steps == 41


def test_a_finished_run_is_not_drawn_again(qtbot):
    w = open_descent(qtbot)
    done = one_gd_run(w, start=(-np.sqrt(0.5), 0.0))     # the minimum of x·exp(−x²−y²): converged at once
    other = w.model.add_run(RunSpec("gd", {"lr": 0.01}, "#00e5ff", np.array([0.5, 0.5])))
    assert w.model.run(done).descent.status == "converged"
    items = w.race2d._runs[done]
    calls = []
    items.marker.move_to = lambda *a, **k: calls.append(1)
    w.model.step(3)
    assert w.model.run(other).steps == 3 and calls == []

