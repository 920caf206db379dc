"""Fixtures shared by the GUI tests; the set-up every test needs (Qt platform, shared GL contexts, settings_dir,
main_window) is in tests/conftest.py."""
import gc
import threading

import pytest

import engine.expr.methods as methods
import gui.surface.preparing as preparing
from gui.descent.workspace import DescentWorkspace
from gui.session import Session
from tests.conftest import open_window
from tests.gui.graph_helpers import open_workspace
from tests.gui.matrix_helpers import open_matrix


@pytest.fixture(scope="session", autouse=True)
def _garbage_collected_on_the_gui_thread(qapp):
    """As in the app (main.py): no automatic collection, so a worker thread never runs a Qt destructor."""
    from gui.garbage import collect_on_gui_thread
    collector = collect_on_gui_thread(qapp)
    yield
    collector.stop()


@pytest.fixture(autouse=True)
def _leftovers_collected_after_each_test():
    """What a test leaves behind is collected here, on the GUI thread, not later on some worker."""
    yield
    gc.collect(1)


@pytest.fixture
def graph_workspace(qtbot, tmp_path):
    """A Graph workspace on its own (no window, so nothing to send to), shown and exposed, autosaving under
    tmp_path."""
    return open_workspace(qtbot, tmp_path / "autosave")


@pytest.fixture
def window_on_graph(qtbot, settings_dir, tmp_path):
    """The whole window, shown on the Graph tab, autosaving into the test's folder."""
    mw = open_window(qtbot, tmp_path / "autosave", (1500, 950))
    return mw, mw.show_workspace("graph")


@pytest.fixture
def descent_workspace(qtbot):
    """A Descent workspace on a session of its own, shown, exposed and active."""
    session = Session()
    w = DescentWorkspace(session)
    qtbot.addWidget(w)
    w.resize(1300, 800)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.settled, timeout=20000)   # the first show draws over several turns
    w.activateWindow()
    qtbot.waitActive(w)
    w.setFocus()
    return w


@pytest.fixture
def matrix_workspace(qtbot):
    """A Matrix workspace on the factorization preset, shown and exposed; any running descent stopped after."""
    workspace = open_matrix(qtbot)
    yield workspace
    workspace.shutdown()


@pytest.fixture
def held(monkeypatch):
    """A big function's preparation (gui/surface/preparing.py) waits at its last step until the test sets the gate
    (so the test sees the window while the worker is busy); the threads that build Hessians are recorded."""
    gate, built_on = threading.Event(), []
    real_scales, real_hessian = preparing.typical_scales, methods.hessian_of

    def typical_scales(*args):
        gate.wait(30)
        return real_scales(*args)

    def hessian_of(f, variables):
        built_on.append(threading.current_thread())
        return real_hessian(f, variables)

    monkeypatch.setattr(preparing, "typical_scales", typical_scales)
    monkeypatch.setattr(methods, "hessian_of", hessian_of)
    yield gate, built_on
    gate.set()
