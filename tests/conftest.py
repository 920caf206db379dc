"""Test set-up shared by every test.

GUI tests run on Qt's xcb platform inside the Xvfb server that pytest-xvfb starts, because OpenGL views render only
there (Mesa llvmpipe). Contexts must be shared before the QApplication exists, or only the first GLViewWidget in the
process renders (pyqtgraph caches compiled shader programs process-wide).
"""
import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
_runtime = Path(tempfile.gettempdir()) / f"gradscape-runtime-{os.getuid()}"
_runtime.mkdir(mode=0o700, exist_ok=True)
_runtime.chmod(0o700)
os.environ.setdefault("XDG_RUNTIME_DIR", str(_runtime))
# no test reads or writes the user's settings and app data (recent files, window state, graph autosaves), nor the
# apps they start: a crashed session's autosave there made the first window build the Graph tab to offer it
_home = Path(tempfile.mkdtemp(prefix="gradscape-test-home-"))
atexit.register(shutil.rmtree, _home, ignore_errors=True)
os.environ["XDG_CONFIG_HOME"] = str(_home / "config")
os.environ["XDG_DATA_HOME"] = str(_home / "data")

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

# CI explores the same examples every run (a failure there is reproducible); local runs keep exploring new ones.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def _share_gl_contexts():
    try:
        from PySide6.QtCore import QCoreApplication, Qt
    except ImportError:  # engine-only runs need no Qt
        return
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


_share_gl_contexts()


@pytest.fixture
def settings_dir(tmp_path, monkeypatch):
    """Isolated QSettings and app-data storage (autosaves) so tests never touch the user's files."""
    from PySide6.QtCore import QSettings
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    # QSettings(organization, application), what the app uses, is always NativeFormat: both paths must move
    for settings_format in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    return tmp_path / "settings"


def open_window(qtbot, autosave_dir=None, size=(1300, 820)):
    """The whole window, shown and exposed; with ``autosave_dir`` the graph autosaves there."""
    from PySide6.QtCore import QSettings
    from gui.graph.files import SETTINGS_KEY
    from gui.main_window import MainWindow
    if autosave_dir is not None:
        QSettings("Gradscape", "Gradscape").setValue(SETTINGS_KEY, str(autosave_dir))
    window = MainWindow(restore_state=False)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def main_window(qtbot, settings_dir):
    """The whole window, shown on the Surface tab, with the first picture drawn."""
    window = open_window(qtbot)
    window.show_workspace("surface")
    workspace = window.workspaces["surface"]
    qtbot.waitUntil(lambda: not workspace._pending and not workspace.turns.busy, timeout=5000)
    yield window
    workspace.shutdown()


@pytest.fixture
def surface(main_window):
    return main_window.workspaces["surface"]
