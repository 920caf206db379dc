"""Exporting a race: GIF, MP4 or WebM at a chosen width, written by an ffmpeg process while the window keeps its
event loop; the GIF stays small (one palette, only what changed, at most MAX_GIF_FRAMES frames); its frames show
the loss plot's axis title once (no ghost) and keep the whole race's axes."""
import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QTimer

from gui.descent.export import MAX_GIF_FRAMES, hold_last_gif_frame
from tests.gui.descent_helpers import open_descent

pytestmark = [pytest.mark.gui, pytest.mark.gl]


def export(qtbot, w, path, **options):
    ticks = []
    watchdog = QTimer()
    watchdog.setInterval(5)
    watchdog.timeout.connect(lambda: ticks.append(1))
    watchdog.start()
    frames = []
    exporter = w.export_gif(str(path), **options)
    exporter.progressed.connect(lambda done, total: frames.append(done))
    with qtbot.waitSignal(exporter.finished, timeout=120000):
        pass
    watchdog.stop()
    return exporter, ticks, frames


@pytest.mark.parametrize("suffix, magic", [("mp4", (4, b"ftyp")), ("webm", (0, b"\x1a\x45\xdf\xa3"))])
def test_videos_are_written_at_the_chosen_width(qtbot, tmp_path, suffix, magic):
    w = open_descent(qtbot)
    w.model.step(12)
    path = tmp_path / f"race.{suffix}"
    exporter, ticks, frames = export(qtbot, w, path, width=320)
    data = path.read_bytes()
    offset, signature = magic
    assert data[offset: offset + len(signature)] == signature and exporter.total == 13
    assert list(tmp_path.iterdir()) == [path]                      # no temporary left behind
    # the event loop ran between frames: the watchdog ticked more often than frames were rendered
    assert len(ticks) > len(frames)


def test_a_long_race_makes_a_small_gif_of_sampled_frames_without_ghosts(qtbot, tmp_path):
    w = open_descent(qtbot, size=(1500, 950))
    w.panel.max_steps_spin.setValue(300)
    w.model.step(300)
    path = tmp_path / "race.gif"
    exporter, ticks, frames = export(qtbot, w, path, width=640)
    with Image.open(path) as gif:
        assert gif.n_frames == exporter.total == MAX_GIF_FRAMES and gif.width == 640
        gif.seek(2)
        third = np.asarray(gif.convert("RGB")).copy()
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB")).copy()
        assert gif.info["duration"] >= 1000                       # the end lingers
    assert path.stat().st_size < 2_500_000                        # 7.4 MB before (201 full frames of 900 px)
    bottom = slice(int(0.8 * third.shape[0]), None)
    # the loss plot keeps the whole race's axes, so only the curves differ between frames there
    changed = np.any(third[bottom] != last[bottom], axis=-1).mean()
    assert 0 < changed < 0.2
    assert not w.export_progress.isVisible() and "Saved" in w.export_status.text()


def test_the_last_gif_frame_gets_the_hold():
    from io import BytesIO
    frames = [Image.new("RGB", (8, 8), (80 * k, 40, 200 - 60 * k)) for k in range(3)]
    stream = BytesIO()
    frames[0].save(stream, format="GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)
    held = hold_last_gif_frame(stream.getvalue(), 1500)
    with Image.open(BytesIO(held)) as gif:
        delays = []
        for k in range(gif.n_frames):
            gif.seek(k)
            delays.append(gif.info["duration"])
    assert delays == [80, 80, 1500]
