"""The passes keep compiled code between calls and reuse it across edits (graph_passes.Layout/Plan). Whatever was
reused, a pass must give exactly what a graph compiled from scratch gives: the reference is a fresh copy."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.graph import Graph, GraphError
from tests.engine.graph_helpers import BINARY, UNARY, random_dags

EDITS = ("set_formula", "set_value", "rename", "remove", "add_formula", "set_output", "undo", "to_formula")


def results(g: Graph) -> list[str]:
    """Every pass at the graph's values and at other values, as text (exact, and nan equals nan)."""
    other = {n: 0.25 + 0.5 * i for i, n in enumerate(g.inputs)}
    found = [repr(list(g.forward().items())), repr(list(g.forward(other).items())),
             repr(list(g.local_partials().items())), repr(list(g.local_partials(other).items()))]
    if g.output is not None:
        found += [repr(list(g.backward().items())), repr(list(g.backward(other).items()))]
    return found


def apply(g: Graph, edit: str, data, undo: list) -> None:
    names = list(g.nodes)
    if not names:   # force-removal can empty the graph
        undo.append(g.add_input(f"i{len(undo)}", 0.5))
        return
    pick = lambda: data.draw(st.sampled_from(names))   # noqa: E731
    a, b = pick(), pick()
    formula = data.draw(st.sampled_from(BINARY if a != b else UNARY)).format(a=a, b=b)
    try:
        if edit == "set_formula":
            undo.append(g.set_formula(pick(), formula))
        elif edit == "set_value":
            undo.append(g.set_value(pick(), data.draw(st.floats(-2, 2))))
        elif edit == "rename":
            undo.append(g.rename(pick(), f"r{len(undo)}"))
        elif edit == "remove" and len(names) > 2:
            undo.append(g.remove(pick(), force=True))
        elif edit == "add_formula":
            undo.append(g.add_formula(f"m{len(undo)}", formula))
        elif edit == "set_output":
            undo.append(g.set_output(pick()))
        elif edit == "to_formula" and g.inputs:
            undo.append(g.set_formula(g.inputs[0], "3"))
        elif edit == "undo" and undo:
            undo.append(undo.pop()())
    except GraphError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_dags(), st.data())
def test_passes_after_any_edits_equal_a_graph_compiled_from_scratch(g, data):
    results(g)   # compile everything before the edits, so that the edits meet compiled code
    undo = []
    for edit in data.draw(st.lists(st.sampled_from(EDITS), min_size=1, max_size=12)):
        apply(g, edit, data, undo)
        assert results(g) == results(g.copy())


def test_a_long_editing_session_keeps_results_exact_and_memory_bounded():
    g = Graph()
    g.add_input("x", 0.3)
    g.add_input("y", -1.2)
    g.add_formula("u", "x*y")
    g.add_formula("f", "tanh(u) + y")
    formulas = ("sin(x) + y^2", "exp(x)*y", "x/y - 1", "sigmoid(x - y)")
    for k in range(1500):
        g.set_formula("u", formulas[k % len(formulas)])
        if k % 7 == 0:
            g.set_value("y", -1.2 + k / 1000)
        assert results(g) == results(g.copy())
    for layout in g._programs.values():   # registers left behind by edits are reclaimed, not kept forever
        assert len(layout.template) <= 2 * layout.used + 4096 + 64
