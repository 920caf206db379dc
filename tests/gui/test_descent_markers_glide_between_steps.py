"""Frame rate is not step rate: at a slow speed (2 steps/s) the player still draws a frame every ~16 ms, and each
run's marker glides from its previous iterate to the new one between two steps, on the contour map, on the surface
and on the curve; at full speed, when paused and when a race ends, markers sit on their iterates."""
import numpy as np
import pytest

from gui.descent import player as player_module
from gui.descent.runs import RunSpec
from tests.gui.descent_helpers import open_descent
from tests.gui.test_descent_frames_cost_the_same_at_any_step import FakeClock, one_gd_run

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def play_slowly(w, speed=2.0):
    """Play at ``speed`` steps/s with frames driven by the test (16 ms each); the first step lands at once."""
    w.player.set_speed(speed)
    w.player._clock = FakeClock(player_module.FRAME_MS)
    w.player.play()
    w.player._timer.setInterval(10 ** 8)   # still playing, but the test draws the frames itself


def ticks(w, n):
    for _ in range(n):
        w.player._tick()


def along(p, a, b) -> tuple[float, float]:
    """Where ``p`` projects on segment a→b (0 at a, 1 at b) and its distance from the line through them."""
    d = b - a
    t = float(np.dot(p - a, d) / np.dot(d, d))
    return t, float(np.linalg.norm(p - (a + t * d)))


def marker_2d(w, run_id) -> np.ndarray:
    x, y = w.race2d._runs[run_id].marker.getData()
    return np.array([x[0], y[0]])


def test_between_two_steps_the_marker_lies_between_the_two_trail_points(qtbot):
    w = open_descent(qtbot)
    run_id = one_gd_run(w, lr=0.05)
    play_slowly(w)
    run = w.model.run(run_id)
    assert run.steps == 1                                   # pressing play took the first step
    first, second = (np.asarray(p, dtype=float) for p in run.descent.points[:2])
    trail = w.race2d._runs[run_id].trail
    assert trail.shown_counts() == (1, 2)                   # the trail already reaches the new iterate
    assert np.allclose(trail.dots.view(2), [first, second])
    seen = []
    for _ in range(3):
        ticks(w, 5)                                         # 80 ms more: 0.16 of a step at 2 steps/s
        assert run.steps == 1                               # no step taken, yet the marker moved
        t, off = along(marker_2d(w, run_id), first, second)
        assert 0 < t < 1 and off < 1e-9 * np.linalg.norm(second - first) + 1e-12
        seen.append(t)
    assert seen == sorted(seen) and seen[-1] - seen[0] > 0.2   # moving towards the new iterate, frame by frame
    # (by hand) after 15 frames of 16 ms at 2 steps/s the marker is 15 · 0.032 = 0.48 of the way
    assert seen[-1] == pytest.approx(0.48, abs=1e-9)
    lifted = w.race3d._lift(w.race3d._surface_at(np.array([first, second])))
    pos = np.asarray(w.race3d._runs[run_id].marker.pos, dtype=float).reshape(-1, 3)[0]
    t3, _ = along(pos[:2], lifted[0, :2].astype(float), lifted[1, :2].astype(float))
    assert 0 < t3 < 1 and t3 == pytest.approx(0.48, abs=1e-4)   # the 3D marker glides along the same step


def white_near(image, centre, radius=7) -> int:
    """Near-white pixels (the marker's outline) within ``radius`` px of ``centre``."""
    from gui.descent.export import qimage_to_pil
    a = np.asarray(qimage_to_pil(image)).astype(int)
    ys, xs = np.mgrid[0:a.shape[0], 0:a.shape[1]]
    near = (xs - centre[0]) ** 2 + (ys - centre[1]) ** 2 <= radius ** 2
    return int(np.sum(near & np.all(a > 225, axis=-1)))


def test_the_marker_is_drawn_where_it_glides(qtbot):
    """The pixels: the white-ringed marker shows up on the way between the iterates without a step being taken."""
    w = open_descent(qtbot)
    w.session.set_function("x^2 + y^2", axes=("x", "y"))
    qtbot.wait(20)
    run_id = one_gd_run(w, lr=0.25, start=(-1.5, 1.0))
    play_slowly(w, speed=1.0)
    first, second = (np.asarray(p, dtype=float) for p in w.model.run(run_id).descent.points[:2])
    assert np.allclose(second, (-0.75, 0.5))                # (by hand) x − 0.25 · 2x
    where = first + 0.64 * (second - first)                 # 40 frames of 16 ms at 1 step/s
    point = w.contour_view.map_to_widget(*where)
    centre = (point.x(), point.y())
    ticks(w, 2)
    qtbot.wait(30)
    early = w.contour_view.grab().toImage()
    ticks(w, 38)
    qtbot.wait(30)
    late = w.contour_view.grab().toImage()
    assert w.model.run(run_id).steps == 1
    assert white_near(early, centre) == 0                   # the marker has not got there yet
    assert white_near(late, centre) >= 6                    # now its white ring is drawn there


def test_fast_play_pause_and_the_end_of_a_race_put_markers_on_their_iterates(qtbot, monkeypatch):
    w = open_descent(qtbot)
    run_id = one_gd_run(w, lr=0.05)
    monkeypatch.setattr(player_module, "FRAME_BUDGET_S", 10.0)
    play_slowly(w, speed=300.0)                             # several steps a frame: no gliding
    ticks(w, 3)
    run = w.model.run(run_id)
    assert np.allclose(marker_2d(w, run_id), run.descent.points[-1])
    w.player.pause()
    play_slowly(w)
    ticks(w, 10)
    assert not np.allclose(marker_2d(w, run_id), run.descent.points[-1])   # gliding
    w.player.pause()
    assert np.allclose(marker_2d(w, run_id), run.descent.points[-1])       # paused: on the iterate
    w.model.set_max_steps(run.steps + 1)
    play_slowly(w)                                          # takes the last step at once
    assert w.model.all_finished() and w.player.playing      # still playing: the marker glides to the end
    ticks(w, 10)
    assert not np.allclose(marker_2d(w, run_id), run.descent.points[-1])
    ticks(w, 40)                                            # the step's half second is over
    assert not w.player.playing
    assert np.allclose(marker_2d(w, run_id), run.descent.points[-1])


def test_on_the_curve_the_marker_glides_along_the_curve(qtbot):
    w = open_descent(qtbot)
    w.session.set_function("x^2 + 1", axes=("x",))
    qtbot.wait(20)
    for run in list(w.model.runs):
        w.model.remove_run(run.run_id)
    run_id = w.model.add_run(RunSpec("gd", {"lr": 0.1}, "#ff3b30", np.array([1.5])))
    play_slowly(w)
    ticks(w, 12)
    x, y = w.race1d._runs[run_id].marker.getData()
    x0, x1 = (float(p[0]) for p in w.model.run(run_id).descent.points[:2])
    assert min(x0, x1) < x[0] < max(x0, x1)
    assert y[0] == pytest.approx(x[0] ** 2 + 1)            # on the curve f(x) = x² + 1, not on the chord
