"""Fixtures shared by the GUI tests; the set-up every test needs (Qt platform, shared GL contexts, settings_dir,
main_window) is in tests/conftest.py."""
import pytest

from gui.session import Session
from tests.gui.graph_helpers import open_workspace


@pytest.fixture
def graph_workspace(qtbot, tmp_path):
    """A Graph workspace on a session of its own, shown and exposed, autosaving under tmp_path."""
    return open_workspace(qtbot, Session(), tmp_path / "autosave")
