"""Benchmarks run the app with their own settings and app data (a temporary folder, removed at exit), so they never
rewrite the user's recent files or window state, and a benchmark that crashes leaves no graph autosave behind for
the next start (or test run) to offer. Call before Qt starts; child processes inherit it."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

MARK = "GRADSCAPE_BENCH_HOME"


def use_own_user_files() -> str:
    """Point XDG_CONFIG_HOME and XDG_DATA_HOME at a temporary folder (the parent's, in a child); returns it."""
    home = os.environ.get(MARK)
    if not home:
        home = tempfile.mkdtemp(prefix="gradscape-bench-home-")
        atexit.register(shutil.rmtree, home, ignore_errors=True)
        os.environ[MARK] = home
    os.environ["XDG_CONFIG_HOME"] = os.path.join(home, "config")
    os.environ["XDG_DATA_HOME"] = os.path.join(home, "data")
    return home
