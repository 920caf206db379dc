"""Export a race: a PNG of the current frame, or an animated GIF of the race replayed step by step.

The GIF is made one frame per timer tick on the GUI thread (the views must render there), so the window stays
responsive and the work can be cancelled between frames; the encoded frames are written by a background thread to
a temporary file that replaces the target only when complete.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice, QObject, QTimer, Signal
from PySide6.QtGui import QImage

from engine.files import FileError, atomic_write

MAX_FRAMES = 240
GIF_WIDTH = 900


class _Cancelled(Exception):
    """The user cancelled while the GIF was being encoded: the temporary is dropped, the target left alone."""


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


class GifExporter(QObject):
    progressed = Signal(int, int)   # frames done, frames in all (the writing phase reports total, total)
    finished = Signal(str)          # path written
    failed = Signal(str)            # a message for the user
    cancelled = Signal()

    def __init__(self, render: Callable[[int], QImage], steps: list[int], path: str, frame_ms: int = 80,
                 parent: QObject | None = None):
        super().__init__(parent)
        if not steps:
            raise ValueError("there is nothing to export yet: the race has no steps")
        self._render, self._steps, self.path, self._frame_ms = render, list(steps), str(path), int(frame_ms)
        self._frames: list[Image.Image] = []
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next_frame)
        self._writer: threading.Thread | None = None
        self._write_error: str | None = None
        self._cancelled = False
        self._saved = False              # the file is in place: a cancel arriving now is too late to undo it
        self._lock = threading.Lock()    # orders cancel() against the writer's final move
        self.running = False

    @property
    def total(self) -> int:
        return len(self._steps)

    def start(self) -> None:
        self.running = True
        self._timer.start()

    def cancel(self) -> None:
        if not self.running:
            return
        with self._lock:
            if self._saved:
                return   # too late: the file is written, and the export will report it as saved
            self._cancelled = True
        self._timer.stop()
        if self._writer is None:
            self._finish(cancelled=True)

    def _next_frame(self) -> None:
        try:
            image = qimage_to_pil(self._render(self._steps[len(self._frames)]))
        except Exception as exc:  # a rendering failure ends the export with a message, not a crash
            self._timer.stop()
            self._finish(error=f"could not render a frame: {exc}")
            return
        if image.width > GIF_WIDTH:
            image = image.resize((GIF_WIDTH, round(image.height * GIF_WIDTH / image.width)), Image.LANCZOS)
        self._frames.append(image.quantize(colors=255, method=Image.Quantize.FASTOCTREE))
        self.progressed.emit(len(self._frames), self.total)
        if len(self._frames) == self.total:
            self._timer.stop()
            self._start_writing()

    def _start_writing(self) -> None:
        self._writer = threading.Thread(target=self._write, name="gif-writer", daemon=True)
        self._writer.start()
        self._poll = QTimer(self)
        self._poll.setInterval(30)
        self._poll.timeout.connect(self._check_writer)
        self._poll.start()

    def _write(self) -> None:
        """Encode to a temporary file and move it into place unless cancelled first. Any failure (PIL raises
        ValueError, MemoryError, …) becomes a message: the thread must never die silently."""
        target = Path(self.path)
        durations = [self._frame_ms] * (len(self._frames) - 1) + [max(1200, self._frame_ms)]

        def encode(stream) -> None:
            self._frames[0].save(stream, format="GIF", save_all=True, append_images=self._frames[1:],
                                 duration=durations, loop=0, disposal=1)
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
            self._write_error = f"could not encode the GIF: {exc or type(exc).__name__}"

    def _check_writer(self) -> None:
        if self._writer is not None and not self._writer.is_alive():
            self._poll.stop()
            if self._saved:
                self._finish()
            else:
                self._finish(error=self._write_error or ("" if self._cancelled else "the GIF was not written"),
                             cancelled=self._cancelled)

    def _finish(self, error: str | None = None, cancelled: bool = False) -> None:
        self.running = False
        self._frames = []
        if cancelled:
            self.cancelled.emit()
        elif error:
            self.failed.emit(error)
        else:
            self.finished.emit(self.path)
