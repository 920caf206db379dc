"""Shapes are inferred when a node is added or edited; an edit whose shapes do not fit is refused like any invalid
edit, naming both shapes, and the graph is left exactly as it was."""
import pytest

from engine.graph import Graph, GraphError
from engine.graph.samples import mlp


def refused(graph: Graph, action, *needles) -> str:
    before, version = graph.snapshot(), graph.version
    with pytest.raises(GraphError) as info:
        action()
    assert graph.snapshot() == before and graph.version == version
    for needle in needles:
        assert needle in str(info.value), str(info.value)
    return str(info.value)


def test_shapes_are_inferred_from_the_parents():
    g = mlp()
    assert {n: g.shape(n) for n in ("h1", "a1", "yhat", "loss")} == {"h1": (3, 1), "a1": (3, 1), "yhat": (1, 1),
                                                                  "loss": (1, 1)}
    g.add_formula("G", "W1'*W1")
    assert g.shape("G") == (2, 2) and g.node("G").is_tensor


def test_adding_a_formula_whose_shapes_do_not_fit_is_refused():
    g = mlp()
    refused(g, lambda: g.add_formula("bad", "W1*W2"), "3×2", "1×3")
    refused(g, lambda: g.add_formula("bad", "x + b1"), "2×1", "3×1")


def test_editing_a_formula_or_a_value_re_infers_the_users_or_is_refused():
    g = mlp()
    refused(g, lambda: g.set_formula("h1", "W1*x"+" + x"), "3×1", "2×1")
    refused(g, lambda: g.set_value("x", [1.0, 2.0, 3.0]), "3×2", "3×1")
    refused(g, lambda: g.set_value("W1", [[1.0, 2.0, 3.0]]), "h1", "1×3", "2×1")
    # two levels down: s = tanh(v) takes a 2-vector, but then W*s is 1×3 by 2×1: refused, nothing changed
    g = Graph()
    g.add_input("v", [1.0, 2.0, 3.0])
    g.add_input("W", [[1.0, 2.0, 3.0]])
    g.add_formula("s", "tanh(v)")
    g.add_formula("f", "W*s")
    refused(g, lambda: g.set_value("v", [1.0, 2.0]), "'f'", "1×3", "2×1")


def test_a_new_shape_that_fits_flows_down_and_undo_restores_it():
    g = Graph()
    g.add_input("v", [1.0, 2.0, 3.0])
    g.add_formula("s", "tanh(v)")
    g.add_formula("f", "sum(s .* s)")
    before = g.snapshot()
    undo = g.set_value("v", [1.0, 2.0])
    assert g.shape("s") == (2, 1) and g.shape("f") == (1, 1)
    assert float(g.forward()["f"][0, 0]) == pytest.approx(sum(__import__("math").tanh(t) ** 2 for t in (1, 2)))
    undo()
    assert g.snapshot() == before and g.shape("s") == (3, 1)


def test_a_scalar_graph_stays_a_scalar_graph():
    g = Graph()
    g.add_input("a", 2.0)
    g.add_formula("f", "a^2 + sin(a)")
    assert not g.is_tensor and isinstance(g.forward()["f"], float) and isinstance(g.backward()["a"], float)


def test_scalar_only_requests_on_a_tensor_graph_are_refused_by_name():
    g = mlp()
    with pytest.raises(GraphError, match="Expand to scalars"):
        g.compile()
    with pytest.raises(GraphError, match="has no entry"):
        g.forward_mode("x", entry=(2, 0))   # forward mode is offered (tensor_forward_mode), per entry of an input
    g.set_output("h1")
    with pytest.raises(GraphError, match="3×1 vector"):
        g.backward()


def test_renaming_tensor_nodes_keeps_their_shapes_and_adjoints():
    import numpy as np
    from engine.graph.fileformat import find_preset, load_graph
    graph = load_graph(find_preset("mlp"))
    before = graph.backward()
    graph.rename("h1", "z1")      # a tensor formula node renamed itself
    graph.rename("W1", "Wa")      # an input whose children are tensor formulas
    after = graph.backward()
    assert graph.nodes["z1"].shape == (3, 1)
    assert np.allclose(before["W1"], after["Wa"]) and np.allclose(before["h1"], after["z1"])
