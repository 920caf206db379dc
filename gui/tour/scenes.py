"""Putting a tour step's scene into the workspaces: one handler per scene kind, each ONE undo step per workspace it
touches (a macro named after the step), so Edit → Undo takes a scene back and leaving the tour can restore exactly.

A new scene kind is one function ``apply_<kind>(window, scene, label)`` registered in ``HANDLERS``. View settings
that have no undo (overlay boxes, the side tab, the approximation step) are set directly; the tour snapshots and
restores them itself (gui.tour.state).
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from engine import parse
from gui.descent.commands import AddRunCommand, RemoveRunCommand
from gui.descent.runs import PALETTE, RunSpec
from gui.surface.commands import ChangeFunctionCommand
from gui.tour.critical_finder import critical_finder
from gui.tour.format import OVERLAY_NAMES


TOUCHES = {"surface": ("surface",), "descent": ("surface", "descent"), "graph": ("graph",), "matrix": ("matrix",)}


def workspace(window, key: str):
    """The window's workspace ``key``, built now if the window builds it on first use (None if it has none)."""
    if key not in window.workspaces:
        return None
    return window.workspace(key) if hasattr(window, "workspace") else window.workspaces[key]


@contextmanager
def one_step(stack, label: str):
    """Everything pushed inside is one undo step on ``stack`` (nothing pushed: no step at all)."""
    before = stack.index()
    stack.beginMacro(label)
    try:
        yield
    finally:
        stack.endMacro()
        if stack.index() == before + 1 and stack.command(before).childCount() == 0:
            stack.undo()          # an empty macro would be an undo step that does nothing
            stack.setIndex(before)


def apply_surface(window, scene: dict, label: str) -> None:
    """The Surface tab shown first: a Descent tab left shown would work out the new function's race at once. The
    Surface draws the scene over its next turns (gui/views/redraw_turns.py); the step's numbers do not read its
    drawing (gui/tour/facts.py)."""
    ws = workspace(window, "surface")
    window.show_workspace("surface")

    def rest() -> None:
        _surface_view(ws, scene)
        window.show_workspace("surface")
    _surface_function(ws, scene, label, then=rest)


def _surface_function(ws, scene: dict, label: str, then) -> None:
    """The function, axes, fixed values, ranges and point in one undo step on the Surface stack, then ``then()``
    (a big function is prepared first, as every function that comes to the Surface: see its change_function)."""
    if "function" not in scene:
        then()
        return
    f = parse(scene["function"])
    names = f.variables
    axes = tuple(scene.get("axes") or (names if len(names) <= 2 else names[:2]))
    point, domain = scene.get("point"), {k: tuple(v) for k, v in scene.get("range", {}).items()}

    def drawn(_command) -> None:
        if point is None:
            ws.session.set_point(None)
        then()
    ws.change_function(f, lambda: ChangeFunctionCommand(
        ws.session, scene["function"], axes=axes, fixed=scene.get("fixed"), domain=domain,
        point=None if point is None else np.asarray(point, float), label=label),
        axes=axes, fixed=scene.get("fixed"), domain=domain, then=drawn)


def _surface_view(ws, scene: dict) -> None:
    shown = set(scene.get("overlays", []))
    for key in OVERLAY_NAMES:
        ws.inspector.set_overlay(key, key in shown)
    ws.controls.gradientFieldBox.setChecked(bool(scene.get("gradient_field", False)))
    if "direction" in scene:
        ws.inspector.directionEdit.setText(", ".join(f"{v:g}" for v in scene["direction"]))
        ws.inspector.directionEdit.editingFinished.emit()
    if "offset" in scene:
        ws.approximation.stepEdit.setText(", ".join(f"{v:g}" for v in scene["offset"]))
    if scene.get("find_critical"):
        critical_finder(ws).find()   # on the panel's worker; the step's text fills in when they are listed
    show_side_tab(ws.side, scene.get("side", "inspect"))
    ws.approximation.refresh()


def show_side_tab(tabs, side: str) -> None:
    """The side tab whose title starts like ``side`` ("inspect", "approximation", "critical", "slices"); the
    tabs are found by title, so a tab added or moved by the workspace does not shift the tour's choice."""
    for i in range(tabs.count()):
        if tabs.tabText(i).replace("&", "").lower().startswith(side[:5]):
            tabs.setCurrentIndex(i)
            return
    raise SceneUnavailable(f"the Surface workspace has no {side!r} tab")


def apply_descent(window, scene: dict, label: str) -> None:
    """The race first, then the function: removing the user's runs before the function changes keeps their starts
    as the user left them (starts the app chose follow a new function), so undo brings them back unchanged; and
    removed before a hidden tab is shown, they are not restarted on the function it catches up with (a tab never
    shown makes its first race first: that is what leaving the tour gives back).
    The whole scene is one batch of the Descent workspace: the runs, the function and the steps are set at once
    (the step's numbers read them), and the race and the views are drawn once, after, over the next turns."""
    surface, ws = workspace(window, "surface"), workspace(window, "descent")
    with ws.batch():
        if ws.first_race_due():
            window.show_workspace("descent")
        with one_step(ws.undo_stack, label):
            for run in list(ws.model.runs) if "runs" in scene else ():
                ws.undo_stack.push(RemoveRunCommand(ws.model, run.run_id))
            window.show_workspace("descent")
            for i, run in enumerate(scene.get("runs", ())):
                hyper = {**ws.model.default_hyper(run["method"]), **run.get("hyper", {})}
                start = np.asarray(run["start"] if "start" in run else scene["point"], float)
                spec = RunSpec(run["method"], hyper, PALETTE[i % len(PALETTE)], start,
                               auto_lr="lr" not in run.get("hyper", {}))
                ws.undo_stack.push(AddRunCommand(ws.model, spec))
        if "runs" in scene:
            ws.panel.select_run(ws.model.runs[scene.get("select_run", 0)].run_id)

        def rest() -> None:
            ws.model.choose_all_rates()   # the step's numbers name them
            if scene.get("steps"):
                ws.model.step(int(scene["steps"]))
            ws.redraw()   # (held until the batch ends; a big function's comes in later turns, drawn at once)
        _surface_function(surface, scene, label, then=rest)


def apply_graph(window, scene: dict, label: str) -> None:
    ws = workspace(window, "graph")
    window.show_workspace("graph")
    with one_step(ws.undo_stack, label):
        if "preset" in scene:
            ws.apply_preset(scene["preset"])
        for name, value in scene.get("values", {}).items():
            if ws.document.graph.nodes[name].value != value:
                ws.document.edit_content(name, repr(float(value)))
    mode = scene.get("mode", "backward")
    ws.set_show_partials(mode == "partials")
    if mode == "forward":
        ws.run_forward()
    else:
        ws.run_backward()
    if "forward_from" in scene:
        ws.side_tabs.setCurrentWidget(ws.forward_mode)
        ws.forward_mode.source.setCurrentText(scene["forward_from"])
        ws.forward_mode.push()
    if "paths_from" in scene:
        ws.side_tabs.setCurrentWidget(ws.paths)
        ws.paths.set_source(scene["paths_from"])
        ws.paths.refresh()
        if "path" in scene and scene["path"] < ws.paths.list.count():
            ws.paths.list.setCurrentRow(scene["path"])
    ws.canvas.fit_to_view()


def apply_matrix(window, scene: dict, label: str) -> None:
    """A preset and/or expression, shapes, "with respect to", a typed answer and comparisons: one undo step."""
    from engine.matrix.presets import find_preset
    from engine.matrix.workbench import MatrixState, completed
    ws = workspace(window, "matrix")
    if ws is None:
        raise SceneUnavailable("this step needs the Matrix workspace, which this window does not have")
    preset = find_preset(ws.presets, scene["preset"]) if "preset" in scene else None
    state = preset.state(scene.get("seed", 0)) if preset is not None else MatrixState(seed=scene.get("seed", 0))
    changes = {"answer": "", **{key: scene[key] for key in ("expression", "wrt", "answer") if key in scene}}
    if "shapes" in scene:
        changes["shapes"] = {name: tuple(shape) for name, shape in scene["shapes"].items()}
    if "compare" in scene:
        changes["compare"] = tuple(scene["compare"])
    ws.runner.stop()
    ws.model.push_state(completed(state.replace(**changes)), label)
    ws.note.setText(preset.note if preset is not None else "")
    window.show_workspace("matrix")


def matrix_facts(window, scene: dict):
    from gui.tour.facts import MatrixFacts
    ws = workspace(window, "matrix")
    if ws is None:
        raise SceneUnavailable("the Matrix workspace is not available")
    return MatrixFacts(ws, scene)


class SceneUnavailable(RuntimeError):
    """A scene this window cannot show (its workspace is missing)."""


HANDLERS = {"surface": apply_surface, "descent": apply_descent, "graph": apply_graph, "matrix": apply_matrix}


def apply_scene(window, scene: dict, label: str) -> None:
    HANDLERS[scene["workspace"]](window, scene, label)
