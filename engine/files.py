"""The one file helper: atomic saves, file modes, capped reads of regular files only, strict JSON, and the cleanup of
temporaries a killed save left behind. Every file Gradscape writes or reads goes through here.

A save writes a temporary file in the target's folder (named ``.<target>.<random>.gradscape-tmp``), flushes it to
disk and renames it over the target in one step, so a crash leaves either the old file or the new one, never half a
file; the temporary never outlives a save that fails, and one left by a killed process is removed by
:func:`remove_stale_temporaries` at the next start.
"""
from __future__ import annotations

import json
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import Callable, IO, Iterable, Sequence, TypeVar

TEMP_SUFFIX = ".gradscape-tmp"
STALE_SECONDS = 60.0   # a temporary older than this belongs to no save still running
PRESETS_MAX_BYTES = 1024 * 1024
T = TypeVar("T")


class FileError(ValueError):
    """A file could not be read or written; the message names the file and the reason."""


class HeaderError(FileError):
    """A JSON file whose "format" or "version" this app does not read; ``field`` names which of the two."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def check_header(data: object, fmt: str, versions: Sequence[int], what: str) -> int:
    """The version of a Gradscape JSON file's data (``{"format": fmt, "version": v, …}`` with v in ``versions``);
    HeaderError otherwise, saying it is not a Gradscape ``what`` file or which versions this app reads. A version
    must be a JSON integer: 1.0 and true are not."""
    if not isinstance(data, dict):
        raise HeaderError("format", f"not a Gradscape {what} file (the top level is not a JSON object)")
    if data.get("format") != fmt:
        raise HeaderError("format", f"not a Gradscape {what} file (format {data.get('format')!r}, expected {fmt!r})")
    version = data.get("version")
    if type(version) is not int or version not in versions:
        readable = " and ".join(map(str, versions))
        raise HeaderError("version", f"unsupported version {version!r} (this Gradscape reads {what} files of "
                                     f"version {readable})")
    return version


def file_mode(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (mkstemp's are owner-only)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write(path: str | os.PathLike, content: bytes | str | Callable[[IO[bytes]], None]) -> None:
    """Write ``content`` (bytes, text as UTF-8, or a function that writes to a binary stream) to ``path``
    atomically. Raises FileError naming the file; the target is untouched on any failure."""
    target = Path(path)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent or ".")
    except OSError as err:
        raise FileError(f"cannot save {target}: {err.strerror or err}") from None
    try:
        os.chmod(temp, file_mode(target))
        with os.fdopen(fd, "wb") as stream:
            if callable(content):
                content(stream)
            else:
                stream.write(content.encode("utf-8") if isinstance(content, str) else content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, target)
    except OSError as err:
        _remove_quietly(temp)
        raise FileError(f"cannot save {target}: {err.strerror or err}") from None
    except BaseException:
        _remove_quietly(temp)
        raise


def read_capped(path: str | os.PathLike, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``. A FIFO, device, directory or socket is refused without
    blocking (it is opened non-blocking and checked before any read), and so is a larger file."""
    name = os.fspath(path)
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        raise FileError(f"cannot read {name}: {err.strerror or err}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileError(f"cannot read {name}: not a regular file ({_kind(info.st_mode)})")
        if info.st_size > max_bytes:
            raise FileError(f"cannot read {name}: the file is too large (over {_size_text(max_bytes)})")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise FileError(f"cannot read {name}: the file is too large (over {_size_text(max_bytes)})")
        return b"".join(chunks)
    except OSError as err:
        raise FileError(f"cannot read {name}: {err.strerror or err}") from None
    finally:
        os.close(fd)


def loads_json(raw: bytes) -> object:
    """Strict JSON from UTF-8 bytes: no NaN/Infinity, nesting and huge numbers refused with a message."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise FileError(f"not UTF-8 text (invalid byte at offset {err.start})") from None
    try:
        return json.loads(text.removeprefix("\ufeff"), parse_constant=_reject_constant, parse_int=_checked_int)
    except json.JSONDecodeError as err:
        raise FileError(f"not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})") from None
    except RecursionError:
        raise FileError("not valid: JSON nested too deeply") from None


def remove_stale_temporaries(folder: str | os.PathLike, older_than: float = STALE_SECONDS) -> list[Path]:
    """Delete the temporaries of saves that were killed (older than ``older_than`` seconds) in ``folder``."""
    removed = []
    now = time.time()
    try:
        candidates = list(Path(folder).glob(f".*{TEMP_SUFFIX}"))
    except OSError:
        return removed
    for temp in candidates:
        try:
            if temp.is_file() and now - temp.stat().st_mtime > older_than:
                temp.unlink()
                removed.append(temp)
        except OSError:
            continue
    return removed


def load_presets(path: str | os.PathLike, fmt: str, build: Callable[[dict], T], what: str = "preset",
                 entries: Callable[[dict], Iterable[dict]] = lambda data: data["presets"]) -> list[T]:
    """Every entry of a presets file that ships with the app (``{"format": fmt, "version": 1, …}``), in file order,
    each made by ``build(entry)``; ``entries`` picks them from the data (default: its "presets" list). A malformed
    file or entry raises ValueError naming the file or the entry's key: a bad shipped preset is a bug to report."""
    try:
        data = loads_json(read_capped(path, PRESETS_MAX_BYTES))
    except FileError as err:
        raise ValueError(f"{path}: {err}") from None
    try:
        check_header(data, fmt, (1,), f"{what}s")
    except HeaderError as err:
        raise ValueError(f"{path}: {err}") from None
    built = []
    for entry in entries(data):
        try:
            if not isinstance(entry, dict):
                raise TypeError("a preset must be a JSON object")
            built.append(build(entry))
        except (KeyError, TypeError, ValueError) as error:
            key = entry.get("key", entry.get("name", "?")) if isinstance(entry, dict) else "?"
            raise ValueError(f"{what} {key!r}: {error}") from error
    return built


def find_preset(presets: Sequence[T], name: str, what: str = "preset") -> T:
    """A preset by its key or display name (case-insensitive); KeyError listing the keys otherwise."""
    wanted = name.strip().lower()
    for preset in presets:
        if wanted in (preset.key.lower(), preset.name.lower()):
            return preset
    raise KeyError(f"no {what} {name!r}; choose from: {', '.join(p.key for p in presets)}")


class TooLarge(float):
    """An integer in a JSON file too large for a float (1e309 and beyond): it reads as ±inf, which every loader's
    "must be finite" check refuses naming the field, and remembers its number of ``digits`` for the message."""

    digits: int = 0


def _checked_int(text: str) -> int | float:
    digits = len(text.lstrip("-"))
    if digits <= 309:
        value = int(text)
        try:
            float(value)
            return value
        except OverflowError:
            pass
    huge = TooLarge("-inf" if text.startswith("-") else "inf")   # int(text) itself is refused past 4300 digits
    huge.digits = digits
    return huge


def _reject_constant(name: str):
    raise FileError(f"non-finite number {name} is not allowed")


def _kind(mode: int) -> str:
    for test, kind in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a pipe"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "not a file"


def _size_text(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
