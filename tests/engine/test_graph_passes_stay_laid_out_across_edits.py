"""Graph.passes_laid_out tells an editor whether the passes would only run compiled steps (cheap) or compile the
formulas first: false before the first pass and on a fresh copy, true after it and across value and small
structural edits, false again once most of the graph is new. The numbers are the same either way."""
from __future__ import annotations

import pytest

from engine.graph.samples import random_graph


def passed(graph):
    graph.forward()
    graph.local_partials()
    graph.backward()
    return graph


def test_laid_out_after_the_first_pass_and_across_edits():
    g = random_graph(300, seed=4)
    assert not g.passes_laid_out()
    passed(g)
    assert g.passes_laid_out()
    source, out = g.inputs[0], g.output
    g.set_value(source, 0.3)
    g.add_formula("extra", f"sin({source}) * {out}")
    g.set_formula("extra", f"cos({source}) + {out}")
    assert g.passes_laid_out()
    assert not g.copy().passes_laid_out()


def test_not_laid_out_once_most_of_the_graph_is_new():
    g = passed(random_graph(300, seed=4))
    g.replace_all(random_graph(300, seed=5))
    assert not g.passes_laid_out()


def test_the_numbers_do_not_depend_on_it():
    warm = passed(random_graph(200, seed=6))
    source = warm.inputs[1]
    warm.set_value(source, -0.7)
    cold = warm.copy()
    assert warm.passes_laid_out() and not cold.passes_laid_out()
    for name, value in cold.backward().items():
        assert warm.backward()[name] == pytest.approx(value, rel=1e-12, abs=1e-300)
