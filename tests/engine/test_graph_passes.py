"""Passes and paths checked against independent references: hand-derived values, central differences, sympy, and the
engine's expression gradients of the compiled graph."""
import itertools
import math

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings

from engine.expr import build as E
from engine import parse
from engine.graph import Graph, graph_from_expression, graph_objective
from engine.graph.samples import four_inputs, layered, three_paths
from tests.engine.graph_helpers import random_dags

def central_difference(g: Graph, name: str, h: float = 1e-6) -> float:
    x = g.nodes[name].value
    up = g.forward({name: x + h})[g.output]
    down = g.forward({name: x - h})[g.output]
    return (up - down) / (2 * h)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_dags())
def test_adjoints_equal_path_sums_compiled_gradients_and_central_differences(g):
    adjoint = g.backward()
    compiled = g.compile()
    at = {n: g.nodes[n].value for n in g.inputs}
    assert float(compiled.evaluate(at)) == pytest.approx(g.forward()[g.output], rel=1e-12, abs=1e-12)
    for name in g.inputs:
        expected = float(E.evaluate_many(compiled.grad((name,)), at)[0])
        scale = max(1.0, abs(expected))
        assert adjoint[name] == pytest.approx(expected, rel=1e-9, abs=1e-12)
        assert g.path_sum(name) == pytest.approx(expected, rel=1e-9, abs=1e-12)
        assert g.forward_mode(name)[g.output] == pytest.approx(expected, rel=1e-9, abs=1e-12)
        assert abs(central_difference(g, name) - expected) < 1e-6 * scale
        listed = list(g.paths(name))
        assert len(listed) == g.path_count(name) == len(set(p.nodes for p in listed))
        assert math.fsum(p.product for p in listed) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(random_dags())
def test_backward_steps_add_up_to_the_backward_pass(g):
    adjoint = g.backward()
    steps = list(g.backward_steps())
    assert steps[0].node == g.output and steps[0].total == 1.0 and steps[0].contributions == []
    done = set()
    for step in steps:
        for c in step.contributions:
            assert c.child in done                      # children are finished before their parents
            assert c.product == c.child_adjoint * c.local_partial
        if step.node != g.output:
            # contributions may cancel: summed in another order they differ by rounding of their own size
            scale = sum(abs(c.product) for c in step.contributions)
            assert step.total == pytest.approx(math.fsum(c.product for c in step.contributions), rel=1e-12,
                                               abs=1e-13 * scale + 1e-300)
        assert step.total == pytest.approx(adjoint[step.node], rel=1e-9, abs=1e-15)
        done.add(step.node)
    assert done == g.ancestors(g.output) | {g.output}


def test_the_chapter_example_against_hand_derivation_and_sympy():
    g = four_inputs()
    w, x, y, z = sympy.symbols("w x y z")
    a, b = (w + x + y + z) ** 2, (w + x - y - z) ** 2
    u, v = (a + b) ** 2, (a - b) ** 2
    f = (u + v) ** 2
    at = {w: -1, x: 0, y: -2, z: 1}
    assert g.forward()["f"] == float(f.subs(at)) == 1024.0
    adjoint = g.backward()
    for s in (w, x, y, z):
        assert adjoint[s.name] == float(sympy.diff(f, s).subs(at)) == -4096.0
        assert g.path_count(s.name) == 4 and g.path_sum(s.name) == -4096.0
    assert adjoint["a"] == 1024.0 and adjoint["b"] == 0.0 and adjoint["u"] == adjoint["v"] == 64.0
    partials = g.local_partials()
    assert partials[("a", "u")] == partials[("a", "v")] == partials[("b", "u")] == 8.0
    assert partials[("b", "v")] == -8.0 and partials[("w", "a")] == -4.0


def test_backward_steps_show_a_node_summing_its_children():
    steps = {s.node: s for s in four_inputs().backward_steps()}
    a = steps["a"]
    assert [(c.child, c.child_adjoint, c.local_partial, c.product) for c in a.contributions] == \
        [("u", 64.0, 8.0, 512.0), ("v", 64.0, 8.0, 512.0)]
    assert a.total == 1024.0
    assert [c.product for c in steps["b"].contributions] == [512.0, -512.0] and steps["b"].total == 0.0


def test_the_three_path_preset_has_three_paths_and_non_trivial_partials():
    g = three_paths()
    listed = list(g.paths("y"))
    assert g.path_count("y") == 3
    assert [p.nodes for p in listed] == [("y", "u", "a", "f"), ("y", "u", "f"), ("y", "v", "b", "f")]
    partials = g.local_partials()
    assert all(abs(v) > 1e-3 and abs(abs(v) - 1.0) > 1e-3 for v in partials.values())
    for path in listed:
        expected = math.prod(partials[e] for e in zip(path.nodes, path.nodes[1:]))
        assert path.product == pytest.approx(expected, rel=1e-15)
    assert sum(p.product for p in listed) == pytest.approx(g.backward()["y"], rel=1e-12)
    assert g.backward()["y"] == pytest.approx(central_difference(g, "y"), rel=1e-7)


def test_a_depth_60_layered_graph_has_exactly_2_to_the_60_paths_and_lists_lazily():
    g = layered(60)
    assert g.path_count("x") == 2 ** 60 == 1152921504606846976
    assert g.path_count("x", "p1") == 1 and g.path_count("x", "q2") == 2 and g.path_count("p30", "f") == 2 ** 30
    first = list(itertools.islice(g.paths("x"), 3))
    assert [len(p.nodes) for p in first] == [62, 62, 62] and first[0].nodes[:3] == ("x", "p1", "p2")
    assert first[1].nodes[-3:] == ("p59", "q60", "f")
    assert g.path_sum("x") == pytest.approx(g.backward()["x"], rel=1e-9)
    assert g.path_sum("x") == pytest.approx(central_difference(g, "x"), rel=1e-5)
    assert g.compile().node_count() < 10 * len(g.nodes)
    assert g.path_count("x", "x") == 1 and list(g.paths("x", "x"))[0].nodes == ("x",)
    assert g.path_count("f", "x") == 0 and list(g.paths("f", "x")) == []


def test_forward_mode_takes_one_sweep_per_input_and_agrees_with_backward():
    g = four_inputs()
    tangent = g.forward_mode("w")
    assert tangent == {"w": 1.0, "x": 0.0, "y": 0.0, "z": 0.0, "a": -4.0, "b": 0.0, "u": -32.0, "v": -32.0,
                       "f": -4096.0}


@pytest.mark.parametrize("text", ["x*exp(-x^2-y^2)", "log(exp(x) + exp(y))", "sin(x*y)/(1 + x^2) - sqrt(y^2 + 1)",
                                  "tanh(x) + sigmoid(y)*relu(x) + abs(y) + x^3", "2.5", "x"])
def test_expanding_an_expression_gives_one_node_per_operation_and_compiles_back(text):
    f = parse(text)
    values = {"x": 0.3, "y": -0.7}
    g = graph_from_expression(f, values)
    operations = [n for n in E.topological_order([f]) if n.op not in ("var", "const")]
    assert len(g.nodes) == len(f.variables) + max(len(operations), 0 if f.variables else 1)
    assert set(g.inputs) == set(f.variables)
    assert g.forward()[g.output] == pytest.approx(float(f.evaluate({k: values[k] for k in f.variables})), rel=1e-12)
    at = {k: values[k] for k in f.variables}
    for name, derivative in zip(f.variables, f.grad()):
        assert g.backward()[name] == pytest.approx(float(derivative.evaluate(at)), rel=1e-9, abs=1e-12)
    positions = [node.pos for node in g.nodes.values()]
    assert len(set(positions)) == len(positions)
    for parent, child in g.edges():
        assert g.nodes[parent].pos[0] < g.nodes[child].pos[0]


def test_expanded_names_are_readable():
    g = graph_from_expression(parse("x*exp(-x^2-y^2)"))
    assert set(g.nodes) == {"x", "y", "pow1", "pow2", "neg1", "sub1", "exp1", "mul1"}
    assert g.output == "mul1" and g.nodes["exp1"].formula == "exp(sub1)"


def test_graph_objective_gradient_comes_from_the_backward_pass_and_hessian_from_the_compiled_output():
    g = three_paths()
    g.add_input("k", 2.0)
    g.set_formula("f", "a*b + u^2 + k*y")
    objective = graph_objective(g, ("y",))
    assert objective.variables == ("y",) and objective.fixed == {"k": 2.0}
    assert objective.value(np.array([0.5])) == pytest.approx(g.forward()["f"])
    assert objective.gradient(np.array([0.5]))[0] == pytest.approx(g.backward()["y"], rel=1e-15)
    h = 1e-5
    second = (objective.gradient([0.5 + h])[0] - objective.gradient([0.5 - h])[0]) / (2 * h)
    assert objective.hessian(np.array([0.5]))[0, 0] == pytest.approx(second, rel=1e-6)
    g.set_value("k", 100.0)   # the objective keeps the graph as it was
    assert objective.value([0.5]) != pytest.approx(g.forward()["f"])
    both = graph_objective(g, ("y", "k"))
    assert both.gradient([0.5, 100.0])[1] == pytest.approx(0.5)


def test_compiled_text_is_given_only_when_it_is_small():
    from engine.graph.compile import compiled_text
    text = compiled_text(four_inputs())
    assert parse(text).evaluate(w=-1.0, x=0.0, y=-2.0, z=1.0) == 1024.0
    assert compiled_text(layered(60)) is None   # 2⁶⁰ paths: the text would never end
    assert compiled_text(layered(3), limit=20) is None and compiled_text(layered(3), limit=10_000) is not None


def test_formulas_of_one_shape_over_different_names_each_get_their_own_values():
    g = Graph()
    for name, value in (("a", 1.0), ("b", 2.0), ("c", 5.0)):
        g.add_input(name, value)
    for name, formula in (("p", "b - a"), ("q", "c - b"), ("r", "a - c"), ("s", "b*0 + a"), ("t", "c*0 + b"),
                          ("f", "p*q + r^2 + s/t")):
        g.add_formula(name, formula)
    values = g.forward()
    assert [values[n] for n in "pqrst"] == [1.0, 3.0, -4.0, 1.0, 2.0]
    partials = g.local_partials()
    assert partials[("a", "p")] == -1.0 and partials[("b", "q")] == -1.0 and partials[("c", "r")] == -1.0
    assert partials[("b", "s")] == 0.0 and partials[("a", "s")] == 1.0 and partials[("c", "t")] == 0.0
    assert g.backward()["b"] == pytest.approx(3.0 - 1.0 - 0.25)   # via p, q and t (= b)


def test_a_branch_the_output_ignores_cannot_poison_the_adjoints():
    g = Graph()
    g.add_input("x", 0.0)
    g.add_formula("side", "log(x)")      # ∂side/∂x = 1/0 = inf, but f does not use side
    g.add_formula("f", "x^2 + 3*x")
    g.set_output("f")
    assert g.local_partials()[("x", "side")] == math.inf
    assert g.backward() == {"x": 3.0, "side": 0.0, "f": 1.0}
    assert [s.node for s in g.backward_steps()] == ["f", "x"]
    g.add_input("y", 0.0)
    g.set_formula("f", "x^2 + 3*x + log(y)")
    assert g.local_partials()[("y", "f")] == math.inf
    assert g.forward_mode("x")["f"] == 3.0   # y does not move with x, so its inf partial plays no part
