"""Helpers for the tour's GUI tests: the whole window with the tour open, and the step a test wants."""
from __future__ import annotations

from tests.conftest import open_window


def open_tour_window(qtbot, tmp_path, size=(1600, 960)):
    """The whole window with the chapter tour open on its first step (graph autosaves under tmp_path)."""
    from gui.tour.install import open_tour
    window = open_window(qtbot, tmp_path / "autosave", size)
    window.show_workspace("surface")
    panel = open_tour(window)
    qtbot.waitExposed(panel)
    return window, panel


def step_index(panel, step_id: str) -> int:
    return next(i for i, (_s, step) in enumerate(panel.steps) if step.id == step_id)


def go_to(qtbot, panel, step_id: str):
    panel.go(step_index(panel, step_id))
    settle_window(qtbot, panel.window_)
    return panel.current_step()


def settle_window(qtbot, window) -> None:
    """Until the tour's step (if the tour is open) has its scene applied, drawn and its text filled (numbers found
    on a worker included), and the Surface and Descent have drawn what they were asked to."""
    panel = getattr(window, "tour_panel", None)
    if panel is not None:
        qtbot.waitUntil(lambda: panel.settled, timeout=15000)
    surface, descent = window.workspaces["surface"], window.workspaces.get("descent")
    qtbot.waitUntil(lambda: not surface._pending and not surface.turns.busy, timeout=5000)
    if descent is not None and hasattr(descent, "settled"):   # (a placeholder until first shown)
        qtbot.waitUntil(lambda: descent.settled, timeout=10000)   # its race and views come over several turns
