"""What the user had before the tour, and putting it back when they leave.

Everything a scene changes through a workspace's model goes through that workspace's undo stack (gui.tour.scenes),
so leaving the tour moves each stack back to the index it had when the tour started: the models' own undo restores
them exactly (function, point, ranges, fixed values, runs, graph). The tour's steps stay on the redo side, so
Edit → Redo brings back the last scene. What has no undo (overlay boxes, the side tab, the approximation step, the
direction, the graph's pass and path list, the current tab) is recorded here and set back.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from gui.workspace_protocol import FileWorkspace


@dataclass
class StackMark:
    stack: object
    index: int
    below: object   # the command just below the mark: if it is gone, the history was rewritten under the tour


@dataclass
class TourSnapshot:
    tab: str
    marks: dict[str, StackMark] = field(default_factory=dict)
    surface: dict = field(default_factory=dict)
    graph: dict = field(default_factory=dict)
    domain: dict = field(default_factory=dict)
    auto_starts: set = field(default_factory=set)
    starts: dict = field(default_factory=dict)   # run id -> start: starts the app chose move with no undo step

    @classmethod
    def take(cls, window) -> "TourSnapshot":
        keys = list(window.workspaces)
        current = window.workspaceTabs.currentIndex()
        snap = cls(keys[current] if 0 <= current < len(keys) else keys[0])
        snap.domain = dict(window.session.domain)
        snap.mark_new(window)
        surface = built(window, "surface")
        if surface is not None:
            snap.surface = {"view": surface.view_settings(), "field": surface.controls.gradientFieldBox.isChecked(),
                            "side": surface.side.currentIndex(), "step": surface.approximation.stepEdit.text(),
                            "direction": surface.inspector.directionEdit.text()}
        graph = built(window, "graph")
        if graph is not None:
            snap.graph = {"mode": graph.scene.mode, "partials": graph.scene.show_partials,
                          "source": graph.paths.source.currentText(), "side": graph.side_tabs.currentIndex(),
                          "forward_source": graph.forward_mode.source.currentText()}
        return snap

    def mark_new(self, window) -> None:
        """Mark the undo stacks of workspaces built since (a window may build a tab the first time it is shown):
        what such a workspace held before the tour is what it held when it was built."""
        for key in window.workspaces:
            ws = built(window, key)
            if ws is None or key in self.marks:
                continue
            self.marks[key] = StackMark(ws.undo_stack, ws.undo_stack.index(), _command(ws.undo_stack,
                                                                                     ws.undo_stack.index() - 1))
            if key == "descent":
                self.auto_starts = {r.run_id for r in ws.model.runs if r.auto_start}
                self.starts = {r.run_id: r.start.copy() for r in ws.model.runs}

    def restore(self, window, closing: bool = False) -> list[str]:
        """Put everything back; the workspaces whose history changed under the tour (and so keep the user's later
        edits) are returned by name. ``closing``: the window is closing, so only the workspaces whose work is saved
        in files are put back (what the unsaved-changes guard asks about must be the user's own work); rewinding
        the Descent race then crashed Qt in the closing window."""
        kept = []
        # the Descent last, once it has caught up with the function the others' rewinding restored: a hidden Descent
        # tab defers function changes, and its commands put back runs whose starts belong to the restored function
        # (rewinding it first re-added a run of two coordinates to a function of one, and Qt crashed)
        for key, mark in sorted(self.marks.items(), key=lambda item: item[0] == "descent"):
            if closing and not isinstance(built(window, key), FileWorkspace):
                continue
            if key == "descent":
                built(window, key).catch_up()
            if mark.stack.count() >= mark.index and _command(mark.stack, mark.index - 1) is mark.below:
                mark.stack.setIndex(mark.index)
            else:
                kept.append(key)
        # ranges the tour's functions added (say for u and v) would otherwise greet the user's next function of u, v
        for name in set(window.session.domain) - set(self.domain):
            del window.session.domain[name]
        descent = None if closing else built(window, "descent")
        if descent is not None:   # the runs whose start the app chose keep following the view, as before
            descent.catch_up()    # a hidden Descent tab defers the restored function; rates must follow it first
            for run in descent.model.runs:
                start = self.starts.get(run.run_id)
                if start is not None and len(start) == len(run.start) and not (start == run.start).all():
                    descent.model.set_start(run.run_id, start, by_app=run.run_id in self.auto_starts)
                else:
                    run.auto_start = run.run_id in self.auto_starts
        self._restore_surface(built(window, "surface"))
        self._restore_graph(built(window, "graph"))
        window.show_workspace(self.tab)
        return kept

    def _restore_surface(self, ws) -> None:
        if ws is None or not self.surface:
            return
        ws.apply_view_settings(*self.surface["view"])
        ws.controls.gradientFieldBox.setChecked(self.surface["field"])
        ws.side.setCurrentIndex(self.surface["side"])
        ws.approximation.stepEdit.setText(self.surface["step"])
        ws.inspector.directionEdit.setText(self.surface["direction"])
        ws.inspector.directionEdit.editingFinished.emit()
        ws.flush()
        ws.approximation.refresh()

    def _restore_graph(self, ws) -> None:
        if ws is None or not self.graph:
            return
        ws.set_show_partials(self.graph["partials"])
        ws.scene.set_mode(self.graph["mode"])
        if self.graph["source"]:
            ws.paths.set_source(self.graph["source"])
        if self.graph["forward_source"]:
            ws.forward_mode.source.setCurrentText(self.graph["forward_source"])
        ws.side_tabs.setCurrentIndex(self.graph["side"])


def built(window, key: str):
    """The workspace ``key`` if it exists and is built (a tab the window builds on first use is a placeholder until
    then, with no undo stack)."""
    ws = window.workspaces.get(key)
    return ws if ws is not None and getattr(ws, "undo_stack", None) is not None else None


def _command(stack, index: int):
    return stack.command(index) if 0 <= index < stack.count() else None
