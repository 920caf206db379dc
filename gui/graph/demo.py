"""A telling state for screenshots: the chapter's four-input graph after backward, one path from y highlighted."""
from __future__ import annotations

from engine.graph.fileformat import find_preset, load_graph


def show_demo(workspace) -> None:
    path = find_preset("four-inputs")
    if path is None:
        workspace.show_status("The four-input preset is missing", error=True)
        return
    workspace._replace(load_graph(path), "Preset four-inputs")
    workspace.undo_stack.setClean()
    workspace.run_backward()
    if "y" in workspace.document.graph.inputs:
        workspace.paths.set_source("y")
        if workspace.paths.list.count():
            workspace.paths.list.setCurrentRow(0)
    workspace.canvas.fit_to_view()
