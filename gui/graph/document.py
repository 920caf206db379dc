"""The edited graph: the engine model, the editor's empty operand slots, the undo stack and the file it came from.

Every user edit goes through :meth:`GraphDocument.perform`, which applies it to the model, turns a refusal into a
``refused`` message (nothing changed), and pushes one undo step for what was done.

Until the user marks an output ("Mark output"), the output follows the graph as it is built: it is the one formula
node no other formula uses (the sink), or, while several are unused, the one the previous output now feeds. The
choice is made inside the edit that changes the graph, so undo restores the previous output exactly. A marked output
stays where the user put it until it is deleted.
"""
from __future__ import annotations

import json
import weakref
from typing import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from engine.graph import Graph, GraphError
from gui.graph import tools as T
from gui.graph.commands import GraphEdit, apply_all, combined
from gui.number_box import read_number


class GraphDocument(QObject):
    refused = Signal(str)          # an edit was refused; nothing changed
    slots_changed = Signal()       # an operation's empty operands changed
    path_changed = Signal(str)     # the file this graph was opened from or saved to ("" for none)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.graph = Graph()
        self.slots: dict[str, T.Slots] = {}
        self.output_chosen = False   # the user marked the output; it no longer follows the sink
        self.path = ""   # set by Open (an undo step, so undo restores the previous one) and by Save
        self.undo_stack = QUndoStack(self)

    # --- the one way to edit --------------------------------------------------------------------------------
    def perform(self, text: str, mutations: Sequence[Callable] | Callable, slots_after: dict | None = None,
                output_chosen: bool | None = None, path: str | None = None) -> bool:
        """Apply one edit (several mutations = one step). Returns False, with a ``refused`` message, if refused.
        ``output_chosen`` says whether the user chose the output by this edit (None: unchanged); ``path`` is the
        file the graph comes from after this edit (an Open; None: unchanged), which undo puts back."""
        if callable(mutations):
            mutations = [mutations]
        version = self.graph.version
        try:
            undo = apply_all(mutations)
        except (GraphError, ValueError) as exc:
            self.refused.emit(f"{text} refused: {exc}")
            return False
        chosen = self.output_chosen if output_chosen is None else output_chosen
        if self.graph.output is None:
            chosen = False
        if not chosen:
            target = followed_output(self.graph)
            if target != self.graph.output:
                undo = combined([undo, self.graph.set_output(target)])
        before = (dict(self.slots), self.output_chosen, self.path if path is not None else None)
        after = (before[0] if slots_after is None else dict(slots_after), chosen, path)
        if self.graph.version == version and after == before:
            return True   # nothing changed (a value typed again): no undo step
        self.set_state(after)
        self.undo_stack.push(GraphEdit(self, text, undo, before, after))
        return True

    def set_state(self, state: tuple[dict, bool, str | None]) -> None:
        """The editor's own state an undo step restores: operand slots, whether the user chose the output, and
        the file (for an Open; None where the step does not change it, so a later Save As stands)."""
        slots, self.output_chosen, path = state
        self.set_slots(slots)
        if path is not None:
            self.set_path(path)

    def set_slots(self, slots: dict) -> None:
        if slots != self.slots:
            self.slots = dict(slots)
            self.slots_changed.emit()

    def set_path(self, path: str) -> None:
        if path != self.path:
            self.path = path
            self.path_changed.emit(path)

    # --- edits a gesture asks for ---------------------------------------------------------------------------
    def place(self, tool: T.Tool, pos: tuple[float, float], value=None) -> str | None:
        """Place a new node of the tool's kind at ``pos`` (a Matrix input holding ``value`` if given); returns its
        name, or None if refused."""
        g = self.graph
        name = T.automatic_name(tool, g.nodes)
        slots = None
        if tool.kind == "input":
            mutation = lambda: g.add_input(name, 0.0, pos=pos)  # noqa: E731
        elif tool.kind == "tensor_input":
            mutation = lambda: g.add_input(name, T.tensor_start_value(2, 2) if value is None else value,  # noqa: E731
                                           pos=pos)
        elif tool.kind == "constant":
            mutation = lambda: g.add_formula(name, "1", pos=pos)  # noqa: E731
        elif tool.kind == "formula":
            mutation = lambda: g.add_formula(name, "0", pos=pos)  # noqa: E731
        else:
            empty = T.empty_slots(tool)
            slots = {**self.slots, name: empty}
            mutation = lambda: g.add_formula(name, empty.formula(), pos=pos)  # noqa: E731
        return name if self.perform(f"Add {tool.label} node {name}", mutation, slots) else None

    def connect(self, parent: str, child: str) -> bool:
        """Use ``parent`` in ``child``: fill the next empty operand of an operation, or add it to a formula."""
        g = self.graph
        if parent == child:
            self.refused.emit(f"Connect refused: {parent} cannot use itself")
            return False
        node = g.nodes[child]
        if node.is_input:
            self.refused.emit(f"Connect refused: {child} is an input; make it a formula first (double-click)")
            return False
        slots = self.slots.get(child)
        text = f"Connect {parent} → {child}"
        if slots is not None:
            if parent in slots.operands:
                self.refused.emit(f"{text} refused: {child} already uses {parent}")
                return False
            filled = slots.filled_with(parent)
            table = {**self.slots, child: filled}
            if filled.is_complete():
                del table[child]
            return self.perform(text, lambda: g.set_formula(child, filled.formula()), table)
        try:
            formula = T.connect_formula(node.formula, parent, parent in g.parents(child))
        except ValueError as exc:
            self.refused.emit(f"{text} refused: {exc}")
            return False
        return self.perform(text, lambda: g.set_formula(child, formula))

    def rename(self, old: str, new: str) -> bool:
        new = new.strip()
        if new == old:
            return True
        table = T.slots_after_rename(self.slots, old, new)
        return self.perform(f"Rename {old} → {new}", lambda: self.graph.rename(old, new), table)

    def swap_names(self, a: str, b: str) -> bool:
        """Give ``a`` the name ``b`` and ``b`` the name ``a`` as one step (formulas follow both renames)."""
        g = self.graph
        spare = next(f"_swap{i}" for i in range(len(g.nodes) + 1) if f"_swap{i}" not in g.nodes)
        table = T.slots_after_rename(T.slots_after_rename(T.slots_after_rename(self.slots, a, spare), b, a),
                                     spare, b)
        return self.perform(f"Swap names {a} ↔ {b}", [lambda: g.rename(a, spare), lambda: g.rename(b, a),
                                                       lambda: g.rename(spare, b)], table)

    def edit_content(self, name: str, text: str) -> bool:
        """An input takes a number; any other node a formula (a plain number makes it a constant)."""
        g, text = self.graph, text.strip()
        node = g.nodes[name]
        if node.is_input and text.startswith("["):   # a vector [1, 2] or a matrix [[1, 2], [3, 4]] (JSON, no eval)
            return self.set_tensor_value(name, text)
        if node.is_input:
            try:
                value = read_number(text, name)
            except ValueError:
                self.refused.emit(f"Set {name} refused: {text!r} is not a number (type one, or a formula of "
                                  "numbers such as pi/4)")
                return False
            return self.perform(f"Set {name} = {text}", lambda: g.set_value(name, value))
        return self.perform(f"Edit formula of {name}", lambda: g.set_formula(name, text),
                            T.slots_without(self.slots, [name]))

    def set_tensor_value(self, name: str, value) -> bool:
        """Give an input a vector or matrix (a list, a list of rows, or their JSON text) as one undo step."""
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                self.refused.emit(f"Set {name} refused: {value!r} is not a list of numbers or of rows")
                return False
        return self.perform(f"Set {name}", lambda: self.graph.set_value(name, value))

    def move(self, positions: dict[str, tuple[float, float]]) -> bool:
        label = "Move " + (next(iter(positions)) if len(positions) == 1 else f"{len(positions)} nodes")
        return self.perform(label, lambda: self.graph.move_many(positions))

    def remove(self, names: Sequence[str]) -> bool:
        """Remove nodes as one step; refused (by the model) while a node not being removed still uses one."""
        names = list(names)
        label = "Delete " + (names[0] if len(names) == 1 else f"{len(names)} nodes")
        return self.perform(label, lambda: self.graph.remove_many(names), T.slots_without(self.slots, names))

    def set_output(self, name: str | None) -> bool:
        """The user's choice of output sticks; clearing it lets the output follow the sink again."""
        return self.perform(f"Mark {name} as output" if name else "Clear output",
                            lambda: self.graph.set_output(name), output_chosen=name is not None)

    def replace(self, other: Graph, text: str, path: str | None = None) -> bool:
        """Take another graph (a file, a preset): its output counts as chosen unless it is the one the sink rule
        would pick anyway, so extending a graph built here keeps following along. ``path``: the file it came from
        (an Open), which becomes the document's file within the same undo step."""
        chosen = other.output is not None and other.output != followed_output(other)
        return self.perform(text, lambda: self.graph.replace_all(other), {}, output_chosen=chosen, path=path)


def followed_output(graph: Graph) -> str | None:
    """The output while the user has not chosen one: the single formula node nothing uses; among several, the one
    the current output feeds (building left to right, the output moves along); otherwise the current output. It
    depends only on the structure (the output is part of it), so a value edit of a big graph asks once."""
    known = _FOLLOWED.get(graph)
    if known is not None and known[0] == graph.structure_version:
        return known[1]
    found = _followed_output(graph)
    _FOLLOWED[graph] = (graph.structure_version, found)
    return found


_FOLLOWED: "weakref.WeakKeyDictionary[Graph, tuple]" = weakref.WeakKeyDictionary()


def _followed_output(graph: Graph) -> str | None:
    sinks = [n for n, node in graph.nodes.items() if not node.is_input and not graph.children(n)]
    current = graph.output
    if len(sinks) == 1:
        return sinks[0]
    if current in sinks or not sinks:
        return current
    if current is None:
        return sinks[-1]
    below = graph.descendants(current)
    fed = [n for n in sinks if n in below]
    return fed[0] if len(fed) == 1 else current
