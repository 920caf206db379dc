"""PNG files from QImages: encoded in memory, then written atomically (engine.files.atomic_write), so a failure never
leaves half a file. QImage and QBuffer are reentrant: any thread may call these."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage

from engine.files import FileError, atomic_write


def png_bytes(image: QImage, name: str = "the picture") -> bytes:
    """``image`` encoded as PNG; FileError naming ``name`` when Qt cannot encode it."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    encoded = image.save(buffer, "PNG")
    buffer.close()
    if not encoded:
        raise FileError(f"could not encode {name} as PNG")
    return bytes(data)


def save_png(image: QImage, path: str) -> None:
    """Write ``image`` to ``path`` as PNG, atomically; FileError (naming the file) on failure."""
    atomic_write(path, png_bytes(image, Path(path).name))
