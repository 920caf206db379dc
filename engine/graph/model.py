"""Chain-rule computation graphs: named nodes, each an input (a value) or a formula over other nodes' names.

The model validates every mutation before touching anything, stores it, then tells its subscribers (plain Python
callbacks, no Qt). Each mutation returns an :class:`Undo`: calling it reverts the change and returns the Undo that
re-applies it, so an editor's undo commands are one line each way.

Decisions a user of the editor sees:

- ``remove(name)`` is refused while other formulas use the node (the message names them); ``remove(name,
  force=True)`` removes the node together with everything that depends on it, as one undoable step.
- ``set_value`` on a formula node turns it into an input holding that value; ``set_formula`` on an input turns it
  into a formula node. Both keep the node's name, position and the edges to its children.
- ``add_formula`` makes the new node the output when the graph has none yet, or when the new node uses the current
  output (building left to right, the output follows along). It is part of the same undo step.
- The edges of a formula node are exactly the node names its text mentions, in order of first mention, even when the
  formula simplifies one away (``a*0``): such an edge has local partial 0.

Passes, paths and conversions live in passes, tensor_passes, paths, compile and tensor_compile; their entry points
are the methods of :class:`engine.graph.entry_points.GraphPasses`, which Graph inherits.
"""
from __future__ import annotations

from collections import deque
from types import MappingProxyType
from typing import Callable, Iterable, Mapping

from engine.graph.compile import layered_layout
from engine.graph.entry_points import GraphPasses
from engine.graph.events import Announcer
from engine.graph.nodes import (EVENT_KINDS, GraphError, GraphEvent, Node, Undo, check_name, check_pos, check_value,
                                events_for, parse_formula, rename_in_formula, replace_node, structure_of,
                                topological_names)
from engine.graph.tensor import NodeShapes, check_input_value, parse_node_formula, reshaped, value_text
from engine.graph.tensor import renamed_node as tensor_renamed_node

__all__ = ["Graph", "GraphError", "GraphEvent", "Node", "Undo", "EVENT_KINDS", "check_name", "check_value",
           "check_pos", "parse_formula", "rename_in_formula"]

_KEEP = object()


class Graph(GraphPasses, Announcer):
    """A chain-rule graph. Read it through ``nodes``, ``output`` and the query methods; change it by mutations."""

    def __init__(self):
        self._nodes: dict[str, Node] = {}
        self._children: dict[str, set[str]] = {}
        self._output: str | None = None
        self._subscribers: list[Callable[[GraphEvent], None]] = []
        self._topo: tuple[str, ...] | None = None
        self._rank: dict[str, int] | None = None   # node → place in node order, for ordering children
        self._cache: dict = {}   # results of passes at the current version (see graph_passes)
        self._plans: dict = {}   # compiled pass plans, valid until the structure changes
        self._programs: dict = {}   # each node's compiled formula and registers, kept across edits (graph_passes)
        self._tensor: bool | None = None   # does any node hold a vector or matrix (then passes use tensor_passes)
        self._inputs: tuple[str, ...] | None = None   # the input names, until the structure changes
        self.version = 0   # increases with every change: a cheap "did anything change" for caches and views
        self.structure_version = 0   # increases only when the structure changes (see _changed)

    # --- reading ----------------------------------------------------------------------------------------------
    @property
    def nodes(self) -> Mapping[str, Node]:
        return MappingProxyType(self._nodes)

    @property
    def output(self) -> str | None:
        return self._output

    @property
    def inputs(self) -> tuple[str, ...]:
        """The input nodes' names, in node order (kept until the structure changes: a value edit keeps them)."""
        if self._inputs is None:
            self._inputs = tuple(n for n, node in self._nodes.items() if node.is_input)
        return self._inputs

    @property
    def weights(self) -> tuple[str, ...]:
        """The inputs marked as weights, in node order."""
        return tuple(n for n, node in self._nodes.items() if node.is_input and node.weight)

    @property
    def is_tensor(self) -> bool:
        """Whether any node is a tensor node (a vector or matrix, or a formula in the matrix syntax)."""
        if self._tensor is None:
            self._tensor = any(node.shape is not None for node in self._nodes.values())
        return self._tensor

    def shape(self, name: str) -> tuple[int, int]:
        """The shape of the node's value: (1, 1) for a scalar."""
        return self.node(name).value_shape

    def __len__(self) -> int:
        return len(self._nodes)

    def node(self, name: str) -> Node:
        try:
            return self._nodes[name]
        except (KeyError, TypeError):
            raise GraphError(f"no node named {name!r}") from None

    def parents(self, name: str) -> tuple[str, ...]:
        return self.node(name).parents

    def children(self, name: str) -> tuple[str, ...]:
        """The nodes whose formulas use ``name``, in node order."""
        self.node(name)
        kids = self._children.get(name, ())
        if not kids:
            return ()
        if self._rank is None:
            self._rank = {n: i for i, n in enumerate(self._nodes)}
        return tuple(sorted(kids, key=self._rank.__getitem__))

    def edges(self) -> list[tuple[str, str]]:
        return [(p, n) for n, node in self._nodes.items() for p in node.parents]

    def topological_order(self) -> tuple[str, ...]:
        """Every node after all of its parents; iterative, stable (follows node order)."""
        if self._topo is None:
            self._topo = topological_names(self._nodes)
        return self._topo

    def descendants(self, name: str) -> set[str]:
        """Every node that depends on ``name``, directly or not."""
        self.node(name)
        found, stack = set(), [name]
        while stack:
            for child in self._children.get(stack.pop(), ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return found

    def ancestors(self, name: str) -> set[str]:
        """Every node ``name`` depends on, directly or not."""
        self.node(name)
        found, stack = set(), [name]
        while stack:
            for parent in self._nodes[stack.pop()].parents:
                if parent not in found:
                    found.add(parent)
                    stack.append(parent)
        return found

    def snapshot(self) -> tuple:
        """Everything that defines the graph, comparable with ==: nodes in order, and the output."""
        return tuple(self._nodes.values()), self._output

    def copy(self) -> "Graph":
        """An independent graph with the same nodes and output (no subscribers)."""
        other = Graph()
        other._nodes.update(self._nodes)   # nodes are immutable: sharing them is copying them
        other._children = {n: set(kids) for n, kids in self._children.items()}
        other._output = self._output
        other._topo, other._rank, other._tensor, other._inputs = self._topo, self._rank, self._tensor, self._inputs
        return other

    # --- mutations --------------------------------------------------------------------------------------------
    def add_input(self, name: str, value=0.0, pos=(0.0, 0.0)) -> Undo:
        """An input holding a number, a vector (a list) or a matrix (a list of rows)."""
        self._check_new_name(name)
        value, shape = check_input_value(value)
        node = Node(name, value=value, pos=check_pos(pos), shape=shape)
        return self._commit({name: node}, label=f"Add input {name}")

    def add_formula(self, name: str, formula: str, pos=(0.0, 0.0)) -> Undo:
        self._check_new_name(name)
        expression, parents, shape = self._checked_formula(name, formula)
        node = Node(name, formula=formula, pos=check_pos(pos), parents=parents, expression=expression, shape=shape)
        output = name if self._output is None or self._output in parents else _KEEP
        return self._commit({name: node}, output=output, label=f"Add {name} = {formula}")

    def remove(self, name: str, force: bool = False) -> Undo:
        """Remove a node; with ``force``, also every node that depends on it. Refused while others use it."""
        self.node(name)
        doomed = {name} | (self.descendants(name) if force else set())
        return self.remove_many(doomed)

    def remove_many(self, names: Iterable[str]) -> Undo:
        """Remove several nodes in one step (e.g. a selection). Refused while nodes outside the set use them."""
        doomed = set(names)
        for n in doomed:
            self.node(n)
        for n in [n for n in self._nodes if n in doomed]:
            if self._children[n] <= doomed:
                continue
            users = [c for c in self.children(n) if c not in doomed]
            if users:
                raise GraphError(f"cannot remove '{n}': used by {', '.join(users)} (remove or change those first)")
        order = [n for n in self.topological_order() if n in doomed]
        output = None if self._output in doomed else _KEEP
        kept = tuple(n for n in self._nodes if n not in doomed)   # so that undo puts them back where they were
        label = f"Remove {', '.join(order)}" if 0 < len(order) <= 3 else f"Remove {len(order)} nodes"
        return self._commit({n: None for n in order}, output=output, order=kept, label=label)

    def rename(self, old: str, new: str) -> Undo:
        """Rename a node; formulas that use it are rewritten, keeping the rest of their text as typed."""
        node = self.node(old)
        if new == old:
            raise GraphError(f"'{old}' already has that name")
        self._check_new_name(new)
        updates: dict[str, Node | None] = {
            old: None, new: tensor_renamed_node(node, old, new, {p: self._nodes[p].value_shape for p in node.parents})}
        for child in self.children(old):
            kid = self._nodes[child]
            updates[child] = tensor_renamed_node(kid, old, new, {p: self._nodes[p].value_shape for p in kid.parents})
        order = tuple(new if n == old else n for n in self._nodes)
        output = new if self._output == old else _KEEP
        return self._commit(updates, output=output, order=order, renamed=(old, new), label=f"Rename {old} to {new}")

    def set_value(self, name: str, value) -> Undo:
        """Set an input's value (a number, vector or matrix); a formula node becomes an input holding ``value``.
        A new shape re-infers the shapes of the nodes that use it; refused (nothing changes) if one no longer fits."""
        node = self.node(name)
        v, shape = check_input_value(value)
        updates = self._reshaped({name: Node(name, value=v, pos=node.pos, shape=shape, weight=node.weight)})
        return self._commit(updates, label=f"Set {name} = {value_text(v)}")

    def set_weight(self, name: str, weight: bool) -> Undo:
        """Mark an input as a weight (training changes it) or as data; formula nodes cannot be weights."""
        node = self.node(name)
        if not node.is_input:
            raise GraphError(f"'{name}' is a formula node; only inputs can be marked as weights")
        if node.weight == bool(weight):
            raise GraphError(f"'{name}' is already {'a weight' if weight else 'not a weight'}")
        return self._commit({name: replace_node(node, weight=bool(weight))},
                            label=f"{'Mark' if weight else 'Unmark'} {name} as a weight")

    def set_formula(self, name: str, formula: str) -> Undo:
        """Set a node's formula; an input becomes a formula node. Refused if it would close a cycle."""
        node = self.node(name)
        expression, parents, shape = self._checked_formula(name, formula)
        cycle = self._cycle_through(name, parents)
        if cycle:
            raise GraphError("cycle: " + " → ".join(cycle))
        new = Node(name, formula=formula, pos=node.pos, parents=parents, expression=expression, shape=shape)
        return self._commit(self._reshaped({name: new}), label=f"Set {name} = {formula}")

    def move(self, name: str, pos) -> Undo:
        return self.move_many({name: pos})

    def move_many(self, positions: Mapping[str, object]) -> Undo:
        """Move several nodes in one step (a dragged selection, an automatic layout)."""
        updates = {}
        for name, pos in positions.items():
            node = self.node(name)
            updates[name] = replace_node(node, pos=check_pos(pos))
        names = list(updates)
        label = f"Move {names[0]}" if len(names) == 1 else f"Move {len(names)} nodes"
        return self._commit(updates, label=label)

    def tidy(self) -> Undo:
        """Lay the graph out in columns by depth, inputs on the left (one undoable move)."""
        return self.move_many(layered_layout(self))

    def set_output(self, name: str | None) -> Undo:
        if name is not None:
            self.node(name)
        return self._commit({}, output=name, label=f"Set output to {name}" if name else "Clear output")

    def replace_all(self, other: "Graph") -> Undo:
        """Take all of ``other``'s nodes and output (Open, presets). Emits one 'reset'.

        ``other``'s compiled formulas come along (they are for exactly these nodes), so a graph read and computed
        elsewhere (the editor loads big files on a worker thread) is not compiled a second time."""
        if not isinstance(other, Graph):
            raise GraphError("replace_all needs a Graph")
        if other._programs:
            self._programs, other._programs = other._programs, {}
        return self._restore(other._nodes, other._output, emit=True)

    # --- internals --------------------------------------------------------------------------------------------
    def require_output(self) -> str:
        if self._output is None:
            raise GraphError("the graph has no output: choose the node to differentiate")
        return self._output

    def _check_new_name(self, name: str) -> None:
        check_name(name)
        if name in self._nodes:
            raise GraphError(f"there is already a node named '{name}'")

    def _checked_formula(self, name: str, formula: str) -> tuple:
        expression, parents, shape = parse_node_formula(name, formula, NodeShapes(self._nodes, {}))
        if name in parents:
            raise GraphError(f"cycle: {name} → {name}")
        unknown = [p for p in parents if p not in self._nodes]
        if unknown:
            raise GraphError(f"the formula of '{name}' uses unknown name{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(unknown)}")
        return expression, parents, shape

    def _reshaped(self, updates: dict) -> dict:
        """``updates`` and, when they change a node's shape, the nodes using it parsed again (see tensor.reshaped)."""
        return reshaped(self, updates)

    def _cycle_through(self, name: str, parents: tuple[str, ...]) -> list[str] | None:
        """The cycle name → … → p → name that giving ``name`` these parents would close, if any."""
        # breadth first, children in node order: the shortest cycle, named the same way every time
        wanted, came_from, queue = set(parents), {name: None}, deque([name])
        rank = {n: i for i, n in enumerate(self._nodes)} if wanted else {}
        while queue and wanted:
            current = queue.popleft()
            for child in sorted(self._children.get(current, ()), key=rank.__getitem__):
                if child in came_from:
                    continue
                came_from[child] = current
                if child in wanted:
                    chain = [child]
                    while came_from[chain[-1]] is not None:
                        chain.append(came_from[chain[-1]])
                    return chain[::-1] + [name]
                queue.append(child)
        return None

    def _commit(self, updates: Mapping[str, Node | None], output=_KEEP, order=None, renamed=None,
                label: str = "") -> Undo:
        """Apply a validated change, emit its events, and return the Undo that restores what it replaced. A change
        that changes nothing (an input set to the value it holds, a node moved where it is) bumps no version, emits
        nothing and returns an Undo that does nothing."""
        before = {n: self._nodes.get(n) for n in updates}
        old_output = self._output
        old_order = tuple(self._nodes) if order is not None else None
        if (all(before[n] == node for n, node in updates.items()) and output in (_KEEP, old_output)
                and (order is None or tuple(order) == old_order) and renamed is None):
            return _unchanged(label)
        for n in updates:
            if n in self._nodes:
                self._unlink(self._nodes[n])
        for n, node in updates.items():
            if node is None:
                self._nodes.pop(n, None)
            else:   # an existing key keeps its place in the node order
                self._nodes[n] = node
                self._children.setdefault(n, set())
        for node in updates.values():
            if node is not None:
                self._link(node)
        for n in updates:
            if n not in self._nodes:
                self._children.pop(n, None)
        if order is not None:
            kept = dict(self._nodes)
            self._nodes.clear()
            self._nodes.update((n, kept[n]) for n in order)
        if output is not _KEEP:
            self._output = output
        self._changed(structural=order is not None
                      or any(structure_of(before[n]) != structure_of(updates[n]) for n in updates),
                      output=self._output != old_output)
        self._emit(events_for(before, updates, renamed, old_output, self._output))
        inverse = (renamed[1], renamed[0]) if renamed else None
        return Undo(lambda: self._commit(before, old_output, old_order, inverse, label), label)

    def _restore(self, nodes: Mapping[str, Node], output: str | None, emit: bool = False) -> Undo:
        old_nodes, old_output, new_nodes = dict(self._nodes), self._output, dict(nodes)
        self._nodes.clear()
        self._nodes.update(new_nodes)
        self._children = {n: set() for n in self._nodes}
        for node in self._nodes.values():
            self._link(node)
        self._output = output
        self._changed(structural=True)
        if emit:
            self._emit([GraphEvent("reset")])
        return Undo(lambda: self._restore(old_nodes, old_output, emit=True), "Replace graph")

    def _link(self, node: Node) -> None:
        for p in node.parents:
            self._children[p].add(node.name)

    def _unlink(self, node: Node) -> None:
        for p in node.parents:
            self._children[p].discard(node.name)

    def _changed(self, structural: bool, output: bool = False) -> None:
        """Every change bumps ``version``; a structural one (nodes added, removed, renamed or reordered, a formula,
        its edges or a shape changed, another output) also bumps ``structure_version``. Values, positions and weight
        flags are not structure: the topological order, the paths and the compiled plans stay."""
        self.version += 1
        self._cache.clear()
        if structural or output:   # plans are kept per output: another output needs no new plan
            self.structure_version += 1
        if structural:
            self._topo = self._rank = self._tensor = self._inputs = None
            self._plans = {}


def _unchanged(label: str) -> Undo:
    """The Undo of a change that changed nothing: undoing and redoing it change nothing either."""
    undo = Undo(lambda: undo, label)
    return undo
