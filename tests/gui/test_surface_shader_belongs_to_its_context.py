"""The surface's shader program belongs to an OpenGL share group, not to the process: a SurfaceView made, closed and
made again in a process whose GL contexts do not share objects draws its surface again, with no GL error from the
mesh (the program used to be compiled once, in the first view's context, and asked of the next one). Run in a fresh
process, since the tests' own process shares every context (tests/conftest.py)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.gl]

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import numpy as np
from PySide6.QtWidgets import QApplication
app = QApplication([])   # no AA_ShareOpenGLContexts: each view's context is a share group of its own
from gui.views.surface_view import SurfaceView
from tests.gui.surface_helpers import distinct_colours, gl_pixels
xs = np.linspace(-2, 2, 41)
gx, gy = np.meshgrid(xs, xs, indexing="ij")
for k in range(3):
    view = SurfaceView()
    view.resize(320, 280)
    view.show()
    for _ in range(20):
        app.processEvents()
    view.set_surface(xs, xs, np.sin(gx + k) * np.cos(gy))
    for item in view._decorations:   # pyqtgraph's own line and text programs are not what is tested here
        item.setVisible(False)
    print("colours", distinct_colours(gl_pixels(view)), flush=True)
    view.close()
    view.deleteLater()
    for _ in range(20):
        app.processEvents()
"""


def test_a_surface_view_made_again_in_an_unshared_context_draws_its_surface_without_gl_errors():
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    colours = [int(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("colours")]
    assert len(colours) == 3 and min(colours) > 2000   # each view drew a lit, coloured surface (the legend alone: ~250)
    assert "GridMeshItem" not in done.stderr and "invalid value" not in done.stderr, done.stderr
