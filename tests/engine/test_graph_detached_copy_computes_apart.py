"""A detached copy of a graph computes the same passes apart from the live graph (as a worker thread does), and its
results are taken back only while the live graph is unchanged."""
from __future__ import annotations

import pytest

from engine.graph.detached import adopt, detached
from engine.graph.samples import random_graph


def test_a_detached_copy_computes_what_the_live_graph_computes_and_is_taken_back_only_if_unchanged():
    graph = random_graph(300, seed=2, inputs=5)
    graph.backward()   # the live graph has compiled its plans
    source = graph.inputs[0]
    graph.set_value(source, 0.375)   # a value edit keeps the plans
    copy = detached(graph)
    values, partials, adjoints = copy.forward(), copy.local_partials(), copy.backward()
    reference = random_graph(300, seed=2, inputs=5)   # compiled from scratch
    reference.set_value(source, 0.375)
    assert values == pytest.approx(reference.forward(), rel=1e-15)
    assert partials == pytest.approx(reference.local_partials(), rel=1e-15)
    assert adjoints == pytest.approx(reference.backward(), rel=1e-15)

    assert adopt(graph, copy)
    assert graph.forward() == values and graph.backward() == adjoints   # answered from what was taken back

    stale = detached(graph)
    graph.set_value(source, -1.5)   # the live graph changes while the copy computes
    stale.backward()
    assert not adopt(graph, stale)
    reference.set_value(source, -1.5)
    assert graph.backward() == pytest.approx(reference.backward(), rel=1e-15)


def test_a_copy_made_after_a_structural_edit_compiles_apart_and_leaves_the_live_layouts_alone():
    graph = random_graph(120, seed=4, inputs=3)
    graph.backward()
    output = graph.output
    graph.set_formula(output, f"2*({graph.nodes[output].formula}) + 1")
    layouts = {key: (len(layout.template), dict(layout.blocks)) for key, layout in graph._programs.items()}
    copy = detached(graph)
    adjoints = copy.backward()
    assert {key: (len(layout.template), dict(layout.blocks)) for key, layout in graph._programs.items()} == layouts
    assert adopt(graph, copy)
    assert graph.backward() == adjoints
