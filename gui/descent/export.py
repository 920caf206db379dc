"""Export a race: a PNG of the current frame, or the race replayed step by step as a GIF, MP4 or WebM.

The window never waits on an export. Frames are rendered one per timer tick on the GUI thread (the views must render
there; a tick redraws only what the next step adds, then grabs the three views), and handed to a writer thread that
scales, quantizes or encodes each one as it arrives and writes a temporary file that replaces the target only when
complete (engine.files.atomic_write). Cancel works at any moment before the file is in place.

Small files: a GIF shares one palette over all its frames without dithering (so unchanged areas compress and the
encoder stores only the rectangle that changed), shows at most MAX_GIF_FRAMES frames (an even sample of the steps)
and is scaled to the chosen width; MP4 (H.264) and WebM (VP9) are encoded with PyAV's bundled FFmpeg (a pip wheel,
no system ffmpeg) and are many times smaller still.
"""
from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Callable

from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice, QObject, QTimer, Signal
from PySide6.QtGui import QImage

from engine.files import FileError, atomic_write

MAX_FRAMES = 240          # video
MAX_GIF_FRAMES = 120      # a GIF of every step of a long race is megabytes; an even sample reads the same
GIF_WIDTH = 900
FORMATS = {"gif": "GIF animation", "mp4": "MP4 video (H.264)", "webm": "WebM video (VP9)"}
_CODECS = {"mp4": ("mp4", "libx264"), "webm": ("webm", "libvpx-vp9")}


class _Cancelled(Exception):
    """The user cancelled while the file was being encoded: the temporary is dropped, the target left alone."""


def qimage_to_pil(image: QImage) -> Image.Image:
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = bytes(rgba.constBits())[: rgba.sizeInBytes()]
    return Image.frombuffer("RGBA", (rgba.width(), rgba.height()), data, "raw", "RGBA",
                            rgba.bytesPerLine(), 1).convert("RGB")


def save_image_atomically(image: QImage, path: str) -> None:
    """Write a PNG atomically (see :func:`engine.files.atomic_write`), so a failure never leaves half a file."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError(f"could not encode an image for {Path(path).name}")
    atomic_write(path, bytes(buffer.data()))


def frame_steps(last_step: int, max_frames: int = MAX_FRAMES) -> list[int]:
    """Steps to show: every one up to ``last_step``, or an even sample of them (always the first and the last)."""
    if last_step + 1 <= max_frames:
        return list(range(last_step + 1))
    picked = {round(i * last_step / (max_frames - 1)) for i in range(max_frames)}
    return sorted(picked)


def format_of(path: str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "gif"


def scaled(image: Image.Image, width: int | None) -> Image.Image:
    """At most ``width`` pixels wide (None: as rendered), even sizes (video encoders need them)."""
    w, h = image.size
    if width is not None and w > width:
        w, h = width, round(h * width / w)
    w, h = w - w % 2, h - h % 2
    return image if (w, h) == image.size else image.resize((w, h), Image.LANCZOS)


class _Writer:
    """Runs on the writer thread: takes PIL frames from a queue until None, writes them to a binary stream."""

    def __init__(self, fmt: str, frame_ms: int, width: int | None, frames: queue.Queue, cancelled):
        self.fmt, self.frame_ms, self.width, self.frames, self.cancelled = fmt, frame_ms, width, frames, cancelled

    def _next(self):
        image = self.frames.get()
        if self.cancelled():
            raise _Cancelled
        return image if image is None else scaled(qimage_to_pil(image), self.width)

    def write(self, stream) -> None:
        (self._write_gif if self.fmt == "gif" else self._write_video)(stream)
        if self.cancelled():
            raise _Cancelled

    def _write_gif(self, stream) -> None:
        first = self._next()
        if first is None:
            raise ValueError("there were no frames to write")
        palette = first.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
        frames = [palette]
        while (image := self._next()) is not None:
            if image.size != first.size:
                image = image.resize(first.size)
            frames.append(image.quantize(palette=palette, dither=Image.Dither.NONE))
        durations = [self.frame_ms] * (len(frames) - 1) + [max(1200, self.frame_ms)]
        frames[0].save(stream, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0,
                       optimize=False, disposal=1)

    def _write_video(self, stream) -> None:
        import av
        container_format, codec = _CODECS[self.fmt]
        container = av.open(stream, mode="w", format=container_format)
        try:
            video = None
            while (image := self._next()) is not None:
                if video is None:
                    video = container.add_stream(codec, rate=max(1, round(1000 / self.frame_ms)))
                    video.width, video.height = image.size
                    video.pix_fmt = "yuv420p"
                    size = image.size
                if image.size != size:
                    image = image.resize(size)
                for packet in video.encode(av.VideoFrame.from_image(image)):
                    container.mux(packet)
            if video is None:
                raise ValueError("there were no frames to write")
            for packet in video.encode():
                container.mux(packet)
        finally:
            container.close()


class RaceExporter(QObject):
    """Renders ``steps`` with ``render(step)`` one per timer tick and writes them to ``path`` on a thread."""

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
            image = self._render(self._steps[self._rendered]).copy()
        except Exception as exc:  # a rendering failure ends the export with a message, not a crash
            self._write_error = f"could not render a frame: {exc}"
            self.cancel()
            return
        self._offer(image)
        self._rendered += 1
        self.progressed.emit(self._rendered, self.total)

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
