"""Where graph autosaves live (a light module: the main window asks at start, before the Graph tab is built,
whether a crashed session left one to offer)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

AUTOSAVE_PATTERN = "graph-autosave-*.gsgraph.json"
SETTINGS_KEY = "graph/autosaveDirectory"


def default_autosave_directory() -> Path:
    chosen = QSettings("Gradscape", "Gradscape").value(SETTINGS_KEY)
    if chosen:
        return Path(str(chosen))
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".gradscape") / "autosave"


def autosaves_exist() -> bool:
    """Any graph autosave in the folder (a live session's or a crashed one's: the Graph tab tells them apart)."""
    directory = default_autosave_directory()
    return directory.is_dir() and next(directory.glob(AUTOSAVE_PATTERN), None) is not None
