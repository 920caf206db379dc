"""Export a race: a PNG of the current frame, or the race replayed step by step as a GIF, MP4 or WebM.

The window never waits on an export. Frames are rendered one per timer tick on the GUI thread (the views must render
there; a tick redraws only what the next step adds, then grabs the three views), and handed to a writer thread that
scales, quantizes or encodes each one as it arrives and writes a temporary file that replaces the target only when
complete (engine.files.atomic_write). Cancel works at any moment before the file is in place.

The encoding runs in an ffmpeg process (the binary bundled in the imageio-ffmpeg wheel; no system ffmpeg), fed raw
frames through a pipe, so it never holds Python's lock. Small files: a GIF gets one palette made for what changes
between frames, no dithering, and stores only the rectangle that changed (palettegen/paletteuse), shows at most
MAX_GIF_FRAMES frames (an even sample of the steps) and is scaled to the chosen width; MP4 (H.264) and WebM (VP9)
are many times smaller still.
"""
from __future__ import annotations

import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from engine.files import FileError, atomic_write

MAX_FRAMES = 240          # video
MAX_GIF_FRAMES = 120      # a GIF of every step of a long race is megabytes; an even sample reads the same
GIF_WIDTH = 900
FORMATS = {"gif": "GIF animation", "mp4": "MP4 video (H.264)", "webm": "WebM video (VP9)"}


class _Cancelled(Exception):
    """The user cancelled while the file was being encoded: the temporary is dropped, the target left alone."""


def qimage_to_pil(image: QImage):
    from PIL import Image   # (loaded when first needed: ~17 ms of the tab's first show otherwise)
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = bytes(rgba.constBits())[: rgba.sizeInBytes()]
    return Image.frombuffer("RGBA", (rgba.width(), rgba.height()), data, "raw", "RGBA",
                            rgba.bytesPerLine(), 1).convert("RGB")


def frame_steps(last_step: int, max_frames: int = MAX_FRAMES) -> list[int]:
    """Steps to show: every one up to ``last_step``, or an even sample of them (always the first and the last)."""
    if last_step + 1 <= max_frames:
        return list(range(last_step + 1))
    picked = {round(i * last_step / (max_frames - 1)) for i in range(max_frames)}
    return sorted(picked)


def format_of(path: str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "gif"


class _Writer:
    """Runs on the writer thread: feeds the frames from a queue (until None) to an ffmpeg process (the binary of the
    imageio-ffmpeg wheel) that scales, quantizes or encodes them, then copies its output into ``stream``. The
    process does the heavy work outside Python, so the window keeps its event loop."""

    def __init__(self, fmt: str, frame_ms: int, width: int | None, frames: queue.Queue, cancelled):
        self.fmt, self.frame_ms, self.width, self.frames, self.cancelled = fmt, frame_ms, width, frames, cancelled

    def _next(self) -> QImage | None:
        image = self.frames.get()
        if self.cancelled():
            raise _Cancelled
        return image

    def write(self, stream) -> None:
        first = self._next()
        if first is None:
            raise ValueError("there were no frames to write")
        size = (first.width(), first.height())
        with tempfile.TemporaryDirectory(prefix="gradscape-export-") as folder:
            out, log = Path(folder) / f"race.{self.fmt}", Path(folder) / "ffmpeg.log"
            with open(log, "wb") as errors:
                with subprocess.Popen(_politely(self._command(size, out)), stdin=subprocess.PIPE,
                                      stdout=subprocess.DEVNULL, stderr=errors) as process:
                    try:
                        image = first
                        while image is not None:
                            frame = _bgra(image, size)
                            process.stdin.write(memoryview(frame.constBits())[: 4 * size[0] * size[1]])
                            image = self._next()
                    except BaseException:
                        process.kill()   # cancelled or failed: the Popen context closes the pipe and waits
                        raise
                    process.stdin.close()
                    code = process.wait()
            if code != 0:
                lines = log.read_text(errors="replace").strip().splitlines()
                raise ValueError(f"ffmpeg: {lines[-1]}" if lines else f"ffmpeg stopped with status {code}")
            if self.fmt == "gif":   # ffmpeg gives every frame the same delay: the last one lingers
                out.write_bytes(hold_last_gif_frame(out.read_bytes(), max(1200, self.frame_ms)))
            with open(out, "rb") as encoded:
                shutil.copyfileobj(encoded, stream)

    def _command(self, size: tuple[int, int], out: Path) -> list[str]:
        import imageio_ffmpeg
        fps = 1000.0 / self.frame_ms
        scale = f"scale='min({self.width},iw)':-2:flags=lanczos" if self.width else "scale=trunc(iw/2)*2:-2"
        hold = f"tpad=stop_mode=clone:stop_duration={max(1.2, self.frame_ms / 1000):.2f}"   # linger on the end
        head = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo",
                "-pix_fmt", RAW_PIXEL_FORMAT, "-s", f"{size[0]}x{size[1]}", "-r", f"{fps:.4f}", "-i", "-"]
        if self.fmt == "gif":
            palette = ("split[a][b];[a]palettegen=max_colors=255:stats_mode=diff[p];"
                       "[b][p]paletteuse=dither=none:diff_mode=rectangle")
            return head + ["-vf", f"{scale},{palette}", "-loop", "0", str(out)]
        codec = {"mp4": ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-movflags", "+faststart"],
                 "webm": ["-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "36", "-deadline", "realtime", "-cpu-used", "8"]}
        return head + ["-vf", f"{scale},{hold}", "-pix_fmt", "yuv420p", *codec[self.fmt], str(out)]


def _politely(command: list[str]) -> list[str]:
    """The encoder at a low priority where the system has ``nice``: on a machine with few cores it would otherwise
    take the CPU from the window, whose event loop must keep running while it encodes."""
    nice = shutil.which("nice")
    return [nice, "-n", "15", *command] if nice else command


def hold_last_gif_frame(data: bytes, ms: int) -> bytes:
    """The GIF with its last frame shown for ``ms`` (the delay of its last graphic control extension), found by
    walking the GIF's blocks (GIF89a: extensions 0x21, images 0x2C, each followed by data sub-blocks)."""
    def skip_sub_blocks(i: int) -> int:
        while data[i]:
            i += data[i] + 1
        return i + 1
    flags = data[10]
    i = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    last_delay = None
    while i < len(data) and data[i] != 0x3B:
        if data[i] == 0x21:
            if data[i + 1] == 0xF9:
                last_delay = i + 4
            i = skip_sub_blocks(i + 2)
        elif data[i] == 0x2C:
            packed = data[i + 9]
            i += 10 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0)
            i = skip_sub_blocks(i + 1)   # after the LZW minimum code size
        else:
            raise ValueError("not a GIF ffmpeg writes")
    if last_delay is None:
        return data
    out = bytearray(data)
    out[last_delay: last_delay + 2] = int(round(ms / 10)).to_bytes(2, "little")
    return bytes(out)


# Qt's 32-bit RGB pixel is the native integer 0xAARRGGBB: bytes B, G, R, A on a little-endian machine, A, R, G, B on a
# big-endian one; ffmpeg is told which
RAW_PIXEL_FORMAT = "bgra" if sys.byteorder == "little" else "argb"


def _bgra(image: QImage, size: tuple[int, int]) -> QImage:
    """The frame at the size of the first one, as 32-bit RGB: in memory ffmpeg's ``RAW_PIXEL_FORMAT`` rows,
    which need no padding, so the pipe takes Qt's own bytes. Converting them here (numpy, Qt) would hold Python's
    lock on this thread for milliseconds a frame while the window's event loop waits for it; ffmpeg converts."""
    if (image.width(), image.height()) != size:
        image = image.scaled(size[0], size[1])
    if image.format() not in (QImage.Format.Format_RGB32, QImage.Format.Format_ARGB32):
        image = image.convertToFormat(QImage.Format.Format_RGB32)
    return image


class RaceExporter(QObject):
    """Renders ``steps`` with ``render(step)`` and writes them to ``path`` on a thread. ``render`` returns the
    frame's QImage, or a generator that renders it in slices (one per timer tick) and returns it."""

    progressed = Signal(int, int)   # frames done, frames in all (the writing phase reports total, total)
    finished = Signal(str)          # path written
    failed = Signal(str)            # a message for the user
    cancelled = Signal()

    def __init__(self, render: Callable[[int], QImage], steps: list[int], path: str, frame_ms: int = 80,
                 width: int | None = GIF_WIDTH, parent: QObject | None = None):
        super().__init__(parent)
        if not steps:
            raise ValueError("there is nothing to export yet: the race has no steps")
        self.path, self.format = str(path), format_of(str(path))
        self._render, self._steps, self._frame_ms, self._width = render, list(steps), int(frame_ms), width
        self._frames: queue.Queue = queue.Queue(maxsize=8)   # a slow writer holds the renderer back, not memory
        self._rendered = 0
        self._slices = None   # the frame being rendered slice by slice
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next_frame)
        self._writer: threading.Thread | None = None
        self._write_error: str | None = None
        self._cancelled = False
        self._saved = False              # the file is in place: a cancel arriving now is too late to undo it
        self._lock = threading.Lock()    # orders cancel() against the writer's final move
        self._poll = QTimer(self)
        self._poll.setInterval(30)
        self._poll.timeout.connect(self._check_writer)
        self.running = False

    @property
    def total(self) -> int:
        return len(self._steps)

    def start(self) -> None:
        self.running = True
        writer = _Writer(self.format, self._frame_ms, self._width, self._frames, lambda: self._cancelled)
        self._writer = threading.Thread(target=self._write, args=(writer,), name="race-writer", daemon=True)
        self._writer.start()
        self._timer.start()
        self._poll.start()

    def cancel(self) -> None:
        if not self.running:
            return
        with self._lock:
            if self._saved:
                return   # too late: the file is written, and the export will report it as saved
            self._cancelled = True
        self._timer.stop()
        self._offer(None)   # wake the writer so it sees the cancel

    def _offer(self, item) -> bool:
        """Queue a frame without blocking the GUI thread; False if the writer is behind (try again next tick)."""
        try:
            self._frames.put_nowait(item)
            return True
        except queue.Full:
            return False

    def _next_frame(self) -> None:
        if self._rendered == self.total:
            if self._offer(None):
                self._timer.stop()
            return
        if self._frames.full():
            return   # the writer is behind: wait a tick rather than block the window
        try:
            image = self._render_slice()
        except Exception as exc:  # a rendering failure ends the export with a message, not a crash
            self._write_error = f"could not render a frame: {exc}"
            self.cancel()
            return
        if image is None:
            return   # more slices of this frame next tick
        self._offer(image.copy())
        self._rendered += 1
        self.progressed.emit(self._rendered, self.total)

    def _render_slice(self) -> QImage | None:
        """One slice of the current frame; the frame's image once it is complete."""
        if self._slices is None:
            result = self._render(self._steps[self._rendered])
            if isinstance(result, QImage):
                return result
            self._slices = result
        try:
            next(self._slices)
            return None
        except StopIteration as done:
            self._slices = None
            return done.value

    def _write(self, writer: _Writer) -> None:
        """Encode to a temporary file and move it into place unless cancelled first. Any failure (PIL or FFmpeg
        raise ValueError, MemoryError, …) becomes a message: the thread must never die silently."""
        target = Path(self.path)

        def encode(stream) -> None:
            writer.write(stream)
            with self._lock:
                if self._cancelled:
                    raise _Cancelled
        try:
            atomic_write(target, encode)
            self._saved = True
        except _Cancelled:
            pass
        except (OSError, FileError) as exc:
            self._write_error = f"could not write {target.name}: {getattr(exc, 'strerror', None) or exc}"
        except Exception as exc:  # noqa: BLE001 - reported to the user, see the docstring
            self._write_error = f"could not encode the {self.format.upper()}: {exc or type(exc).__name__}"
        finally:
            while not self._frames.empty():   # the GUI thread may still hold a frame for a full queue
                self._frames.get_nowait()

    def _check_writer(self) -> None:
        if self._writer is not None and not self._writer.is_alive():
            self._poll.stop()
            self._timer.stop()
            if self._saved:
                self._finish()
            else:
                error = self._write_error if not self._cancelled or self._rendered < self.total else None
                self._finish(error=error or ("" if self._cancelled else "the file was not written"),
                             cancelled=self._cancelled and not self._write_error)

    def _finish(self, error: str | None = None, cancelled: bool = False) -> None:
        self.running = False
        if cancelled:
            self.cancelled.emit()
        elif error:
            self.failed.emit(error)
        else:
            self.finished.emit(self.path)
