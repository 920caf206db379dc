"""3D views that are closed and left to Python's garbage collector (a view and its GL items refer to each other, so
only a collection frees them) take nothing of the process-wide OpenGL share group with them: views made afterwards
still draw their surface, and the process does not crash.

It once did (glibc "corrupted size vs. prev_size", a segfault, or a hang in the next ``makeCurrent``): the surface
shader asked ``context.shareGroup()``, whose wrapper PySide makes a child of the context's wrapper; a collection that
cleared it before its parent handed the C++ share group to Python, which deleted it (see
gui/views/context_shader.py). Heap corruption shows up at a random later point, so each check runs in a fresh
process, a few times, and is judged by its exit code and by what the last view drew.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.gl]

ROOT = Path(__file__).resolve().parents[2]
RUNS = 3

SCRIPT = r"""
import gc, sys
sys.path.insert(0, sys.argv[1])
from PySide6.QtCore import QCoreApplication, Qt
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
from PySide6.QtWidgets import QApplication
import numpy as np
app = QApplication([])
gc.disable()   # as the app and the tests do (gui/garbage.py): cycles are freed only by explicit collections
from PySide6.QtTest import QTest
from gui.views.surface_view import SurfaceView
from tests.gui.surface_helpers import distinct_colours, gl_pixels

XS = np.linspace(-2, 2, 21)
GX, GY = np.meshgrid(XS, XS, indexing="ij")


def shown_surface():
    view = SurfaceView()
    view.resize(320, 240)
    view.show()
    QTest.qWaitForWindowExposed(view)
    view.set_surface(XS, XS, np.sin(2 * GX) * np.cos(GY))
    return view


def views_left_behind():
    views = []
    for _ in range(2):   # each drawn before the next is made (the share group's wrapper moved to the newest context)
        views.append(shown_surface())
        views[-1].grabFramebuffer()
        views[-1].close()


for _ in range(3):
    views_left_behind()
    app.processEvents()
    gc.collect()
    app.processEvents()
last = shown_surface()
print("colours", distinct_colours(gl_pixels(last)), flush=True)
last.close()
del last
gc.collect()
"""


def test_views_made_after_collected_ones_draw_and_the_process_survives(tmp_path):
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), QT_QPA_PLATFORM="xcb")   # DISPLAY: pytest-xvfb's server
    for run in range(RUNS):
        done = subprocess.run([sys.executable, "-X", "faulthandler", "-c", SCRIPT, str(ROOT)], env=env,
                              capture_output=True, text=True, timeout=120)   # a hang (one way it failed) raises
        assert done.returncode == 0, f"run {run}: exit {done.returncode}\n{done.stdout}\n{done.stderr[-3000:]}"
        colours = [int(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("colours ")]
        # a shaded surface: ~10,000 colours at this size; its text, grid and colour bar alone ~440
        assert colours and colours[0] > 3000, done.stdout
