"""The Paths panel's listing is found from the structure alone: the same paths, in the same order, and the same
exact count as the engine's numeric walk and counter, on random graphs (and for an input with no path, and for the
output itself)."""
from __future__ import annotations

import itertools

import pytest

from engine.graph.paths import count_over_paths, path_trails, sum_steps
from engine.graph.samples import random_graph
from gui.graph.path_listing import PathListing


@pytest.mark.parametrize("seed", range(6))
def test_trails_and_counts_match_the_engines_walk_and_counter(seed):
    g = random_graph(60 + 20 * seed, seed=seed, inputs=4)
    for source in list(g.inputs) + [g.output]:
        steps = sum_steps(g, source, g.output)
        assert count_over_paths(steps, source, g.output) == g.path_count(source)
        expected = [p.nodes for p in itertools.islice(g.paths(source), 300)]
        assert list(itertools.islice(path_trails(g, source), 300)) == expected
        between = [source] + [name for name, _ in steps] if steps is not None else []
        assert list(itertools.islice(path_trails(g, source, between=between), 300)) == expected


def test_the_listing_multiplies_the_partials_as_the_engine_does():
    g = random_graph(300, seed=11, inputs=5)
    partials = g.local_partials()
    for source in g.inputs:
        listing = PathListing(g, source, limit=50)
        engine_paths = list(itertools.islice(g.paths(source), 50))
        assert listing.count == g.path_count(source)
        assert listing.paths == [p.nodes for p in engine_paths]
        assert listing.products(partials) == [p.product for p in engine_paths]   # the same floats, bit for bit
        assert listing.path_sum(partials) == pytest.approx(g.path_sum(source), rel=1e-12, abs=1e-300)
