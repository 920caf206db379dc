"""Graph.structure_version moves with the structure (nodes, formulas, edges, shapes, order, output) and only then;
Graph.version moves with every change; a change that changes nothing moves neither and tells nobody."""
from __future__ import annotations

import pytest

from engine.graph import Graph


def small_graph() -> Graph:
    g = Graph()
    g.add_input("x", 2.0)
    g.add_input("y", 3.0)
    g.add_formula("u", "x*y")
    g.add_formula("f", "sin(u) + x")
    return g


def watched(g: Graph) -> list:
    events = []
    g.subscribe(events.append)
    return events


@pytest.mark.parametrize("edit", [
    lambda g: g.set_value("x", 5.0),
    lambda g: g.move("u", (40.0, 10.0)),
    lambda g: g.move_many({"x": (1.0, 2.0), "y": (3.0, 4.0)}),
    lambda g: g.set_weight("y", True),
    lambda g: g.tidy(),
])
def test_values_positions_and_weight_flags_are_not_structure(edit):
    g = small_graph()
    version, structure = g.version, g.structure_version
    edit(g)
    assert g.version > version
    assert g.structure_version == structure


@pytest.mark.parametrize("edit", [
    lambda g: g.add_input("z", 1.0),
    lambda g: g.add_formula("h", "u*2"),
    lambda g: g.set_formula("f", "u + y"),            # other edges
    lambda g: g.set_formula("f", "cos(u) + x"),       # same edges, another formula
    lambda g: g.set_value("u", 1.0),                  # a formula node becomes an input
    lambda g: g.set_formula("x", "y*2"),              # an input becomes a formula node
    lambda g: g.rename("y", "w"),
    lambda g: g.remove("f"),
    lambda g: g.set_output("u"),
    lambda g: g.set_value("x", [1.0, 2.0]),           # a new shape
    lambda g: g.replace_all(small_graph()),
])
def test_structural_edits_bump_the_structure_version_and_undo_bumps_it_again(edit):
    g = small_graph()
    structure = g.structure_version
    undo = edit(g)
    after = g.structure_version
    assert after > structure
    undo()
    assert g.structure_version > after
    assert g.snapshot() == small_graph().snapshot()


def test_a_value_set_again_changes_nothing_and_tells_nobody():
    g = small_graph()
    g.forward()
    events, version, structure, before = watched(g), g.version, g.structure_version, g.snapshot()
    undo = g.set_value("x", 2.0)
    assert (g.version, g.structure_version, events) == (version, structure, [])
    assert g._cache, "the passes' results are kept (nothing changed)"
    redo = undo()
    redo()
    assert (g.version, g.structure_version, events, g.snapshot()) == (version, structure, [], before)


def test_a_node_moved_where_it_is_changes_nothing():
    g = small_graph()
    g.move("u", (5.0, 6.0))
    events, version = watched(g), g.version
    g.move("u", (5.0, 6.0))
    g.set_output("f")
    assert (g.version, events) == (version, [])


def test_a_changed_value_still_bumps_the_version_and_tells_the_subscribers():
    g = small_graph()
    events, version = watched(g), g.version
    g.set_value("x", 2.5)
    assert g.version == version + 1
    assert [(e.kind, e.name) for e in events] == [("node_changed", "x")]
