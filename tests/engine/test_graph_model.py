"""The graph model: mutations, their refusals, events and undo, as an editor uses them."""
import math

import pytest

from engine.graph import Graph, GraphError, GraphEvent
from tests.engine.graph_helpers import Mirror, assert_invariants


def chapter_graph() -> Graph:
    g = Graph()
    for name, value in zip("wxyz", (-1.0, 0.0, -2.0, 1.0)):
        g.add_input(name, value)
    for name, formula in [("a", "(w+x+y+z)^2"), ("b", "(w+x-y-z)^2"), ("u", "(a+b)^2"), ("v", "(a-b)^2"),
                          ("f", "(u+v)^2")]:
        g.add_formula(name, formula)
    return g


def refused(g: Graph, action, *needles):
    """Run a mutation that must be refused: GraphError naming the problem, no change, no event."""
    before, events = g.snapshot(), []
    g.subscribe(events.append)
    with pytest.raises(GraphError) as info:
        action()
    g.unsubscribe(events.append)
    assert g.snapshot() == before and events == []
    for needle in needles:
        assert needle in str(info.value), str(info.value)
    return info.value


def test_reading_the_chapter_graph():
    g = chapter_graph()
    assert g.inputs == ("w", "x", "y", "z") and g.output == "f"
    assert g.parents("a") == ("w", "x", "y", "z") and g.parents("v") == ("a", "b")
    assert g.children("a") == ("u", "v") and g.children("f") == ()
    assert len(g.edges()) == 14 and ("b", "v") in g.edges()
    node = g.nodes["u"]
    assert not node.is_input and node.formula == "(a+b)^2" and node.expression.variables == ("a", "b")
    assert g.nodes["w"].is_input and g.nodes["w"].value == -1.0


def test_output_follows_a_new_formula_that_uses_it_but_not_one_that_does_not():
    g = Graph()
    g.add_input("x", 1.0)
    g.add_formula("s", "sin(x)")
    assert g.output == "s"
    g.add_formula("c", "cos(x)")
    assert g.output == "s"
    g.add_formula("f", "s*c")
    assert g.output == "f"


def test_mutations_emit_the_events_a_view_needs():
    g = chapter_graph()
    mirror = Mirror(g)
    g.add_input("t", 2.0, pos=(10, 20))
    g.add_formula("q", "t*f")
    g.set_value("t", 3.0)
    g.move("t", (30, 40))
    g.rename("t", "temperature")
    g.set_output("u")
    g.remove("q")
    kinds = [(e.kind, e.name) for e in mirror.events]
    assert kinds == [("node_added", "t"), ("node_added", "q"), ("output_changed", "q"), ("node_changed", "t"),
                     ("node_moved", "t"), ("node_renamed", "temperature"), ("node_changed", "q"),
                     ("output_changed", "u"), ("node_removed", "q")]
    assert mirror.events[5] == GraphEvent("node_renamed", "temperature", "t")
    assert mirror.agrees()


def test_every_mutation_returns_an_undo_that_returns_its_redo():
    g = chapter_graph()
    start = g.snapshot()
    mutations = [lambda: g.add_input("t", 2.0), lambda: g.add_formula("q", "t*f"), lambda: g.set_value("t", 5),
                 lambda: g.set_formula("t", "w*2"), lambda: g.move("q", (5, 5)), lambda: g.rename("a", "alpha"),
                 lambda: g.set_output("q"), lambda: g.remove("q"), lambda: g.remove("alpha", force=True),
                 lambda: g.replace_all(Graph())]
    undos, states = [], [start]
    for mutate in mutations:
        undos.append(mutate())
        states.append(g.snapshot())
        assert_invariants(g)
    redos = []
    for undo, state in zip(reversed(undos), reversed(states[:-1])):
        redos.append(undo())
        assert g.snapshot() == state
        assert_invariants(g)
    for redo, state in zip(reversed(redos), states[1:]):
        redo()
        assert g.snapshot() == state


def test_rename_rewrites_formulas_but_keeps_their_text_as_typed():
    g = Graph()
    g.add_input("x", 1.0)
    g.add_input("xx", 2.0)
    g.add_formula("f", "x*xx +   sin(x)^2")
    g.rename("x", "speed")
    assert g.nodes["f"].formula == "speed*xx +   sin(speed)^2"
    assert g.parents("f") == ("speed", "xx") and list(g.nodes) == ["speed", "xx", "f"]
    assert g.forward()["f"] == pytest.approx(2.0 + math.sin(1.0) ** 2)


def test_remove_is_refused_while_used_and_force_removes_the_dependents_in_one_step():
    g = chapter_graph()
    refused(g, lambda: g.remove("a"), "'a'", "u, v")
    before = g.snapshot()
    undo = g.remove("a", force=True)
    assert sorted(g.nodes) == ["b", "w", "x", "y", "z"] and g.output is None
    undo()
    assert g.snapshot() == before


def test_remove_many_takes_a_selection_whose_users_are_all_inside_it():
    g = chapter_graph()
    refused(g, lambda: g.remove_many(["u", "v"]), "'u'", "f")
    g.remove_many(["u", "v", "f"])
    assert sorted(g.nodes) == ["a", "b", "w", "x", "y", "z"]


def test_set_value_turns_a_formula_node_into_an_input_and_set_formula_turns_it_back():
    g = chapter_graph()
    g.set_value("u", 3.0)
    assert g.nodes["u"].is_input and g.parents("u") == () and g.children("u") == ("f",)
    assert g.forward()["f"] == (3.0 + 16.0) ** 2
    g.set_formula("u", "a*b")
    assert not g.nodes["u"].is_input and g.parents("u") == ("a", "b")
    assert g.forward()["f"] == (0.0 + 16.0) ** 2


def test_a_name_that_simplifies_away_keeps_its_edge_with_partial_zero():
    g = Graph()
    g.add_input("a", 2.0)
    g.add_formula("f", "a*0 + 1")
    assert g.edges() == [("a", "f")]
    assert g.local_partials() == {("a", "f"): 0.0} and g.backward()["a"] == 0.0


@pytest.mark.parametrize("bad", ["1x", "a b", "", "x-y", "é", None, 3, "pi", "e", "exp", "sigmoid", "n" * 65])
def test_invalid_names_are_refused(bad):
    g = chapter_graph()
    refused(g, lambda: g.add_input(bad, 1.0))
    refused(g, lambda: g.add_formula(bad, "w"))
    refused(g, lambda: g.rename("w", bad))


def test_duplicate_names_are_refused():
    g = chapter_graph()
    refused(g, lambda: g.add_input("a", 1.0), "already", "'a'")
    refused(g, lambda: g.add_formula("w", "x"), "already", "'w'")
    refused(g, lambda: g.rename("u", "v"), "already", "'v'")
    refused(g, lambda: g.rename("u", "u"), "'u'")


def test_unknown_names_are_refused():
    g = chapter_graph()
    refused(g, lambda: g.add_formula("q", "w + nobody*k"), "unknown", "nobody, k")
    refused(g, lambda: g.set_formula("a", "ghost"), "unknown", "ghost")
    for action in (lambda: g.remove("ghost"), lambda: g.rename("ghost", "g2"), lambda: g.set_value("ghost", 1),
                   lambda: g.set_formula("ghost", "w"), lambda: g.move("ghost", (0, 0)),
                   lambda: g.set_output("ghost"), lambda: g.parents("ghost"), lambda: g.children("ghost")):
        refused(g, action, "ghost")


def test_cycles_are_refused_naming_the_cycle():
    g = chapter_graph()
    assert refused(g, lambda: g.set_formula("a", "f + w")).message == "cycle: a → u → f → a"
    assert refused(g, lambda: g.set_formula("w", "b")).message == "cycle: w → b → w"
    assert refused(g, lambda: g.set_formula("u", "u + 1")).message == "cycle: u → u"
    assert refused(g, lambda: g.add_formula("q", "q*2")).message == "cycle: q → q"


def test_bad_formulas_are_refused_with_the_parse_position():
    g = chapter_graph()
    error = refused(g, lambda: g.add_formula("q", "w + * x"), "bad formula for 'q'", "character 5")
    assert error.position == 4
    refused(g, lambda: g.set_formula("a", "sin(w"), "bad formula", "never closed")
    refused(g, lambda: g.set_formula("a", "foo(w)"), "unknown function 'foo'")
    refused(g, lambda: g.set_formula("a", 12), "must be text")
    refused(g, lambda: g.set_formula("a", "x" * 2001), "too long")


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "1.0", None, True])
def test_non_finite_or_non_numeric_values_and_positions_are_refused(bad):
    g = chapter_graph()
    refused(g, lambda: g.add_input("q", bad), "value")
    refused(g, lambda: g.set_value("w", bad), "value")
    refused(g, lambda: g.move("w", (0.0, bad)), "position")
    refused(g, lambda: g.add_formula("q", "w", pos=(bad, 0.0)), "position")


def test_positions_must_be_pairs():
    g = chapter_graph()
    refused(g, lambda: g.move("w", (1.0, 2.0, 3.0)), "two numbers")
    refused(g, lambda: g.move("w", 5), "two numbers")


def test_passes_need_an_output():
    g = Graph()
    g.add_input("x", 1.0)
    with pytest.raises(GraphError, match="no output"):
        g.backward()
    with pytest.raises(GraphError, match="no output"):
        g.compile()
    assert g.forward() == {"x": 1.0}


def test_pass_inputs_override_only_inputs_and_change_nothing():
    g = chapter_graph()
    before = g.snapshot()
    assert g.forward({"w": 1.0})["a"] == 0.0 and g.snapshot() == before
    with pytest.raises(GraphError, match="not an input"):
        g.forward({"a": 1.0})
    with pytest.raises(GraphError, match="finite"):
        g.forward({"w": math.nan})


def test_replace_all_emits_one_reset_and_undo_restores():
    g = chapter_graph()
    mirror = Mirror(g)
    other = Graph()
    other.add_input("p", 4.0)
    other.add_formula("q", "p^2")
    before = g.snapshot()
    undo = g.replace_all(other)
    assert [e.kind for e in mirror.events] == ["reset"] and list(g.nodes) == ["p", "q"] and g.output == "q"
    other.set_value("p", 5.0)
    assert g.nodes["p"].value == 4.0
    undo()
    assert g.snapshot() == before and mirror.agrees()


def test_a_subscriber_that_raises_does_not_stop_the_others_and_the_error_surfaces():
    g = Graph()
    heard = []

    def broken(event):
        raise RuntimeError("view bug")

    g.subscribe(broken)
    g.subscribe(heard.append)
    with pytest.raises(RuntimeError, match="view bug"):
        g.add_input("x", 1.0)
    assert heard == [GraphEvent("node_added", "x")] and "x" in g.nodes
    g.unsubscribe(broken)
    g.add_input("y", 1.0)
    assert heard[-1] == GraphEvent("node_added", "y")


def test_a_10000_deep_chain_sorts_and_runs_without_recursion():
    g = Graph()
    g.add_input("x0", 0.5)
    for k in range(1, 10001):
        g.add_formula(f"x{k}", f"0.9999*x{k - 1} + 0.0001")
    order = g.topological_order()
    assert order[0] == "x0" and order[-1] == "x10000"
    assert g.forward()["x10000"] == pytest.approx(1 - 0.5 * 0.9999 ** 10000, rel=1e-12)
    assert g.backward()["x0"] == pytest.approx(0.9999 ** 10000, rel=1e-9)
    assert g.path_count("x0") == 1
    assert g.compile().node_count() < 40000


def test_tidy_lays_out_columns_by_depth_without_overlaps():
    g = chapter_graph()
    g.tidy()
    pos = {n: node.pos for n, node in g.nodes.items()}
    assert len(set(pos.values())) == len(pos)
    assert pos["w"][0] < pos["a"][0] < pos["u"][0] < pos["f"][0]
    assert pos["a"][0] == pos["b"][0] and pos["u"][0] == pos["v"][0]


def test_replace_all_needs_a_graph():
    g = chapter_graph()
    refused(g, lambda: g.replace_all({"nodes": []}), "needs a Graph")


def test_an_objective_over_something_that_is_not_an_input_is_refused():
    from engine.graph import graph_objective
    g = chapter_graph()
    with pytest.raises(GraphError, match="a: not input"):
        graph_objective(g, ("w", "a"))
    with pytest.raises(GraphError, match="no output"):
        graph_objective(Graph(), ("w",))
