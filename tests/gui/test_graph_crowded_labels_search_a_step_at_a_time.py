"""A label with no free spot searches hundreds of spots (and may move other labels): that search is spread over
many steps of the labeller, each trying a bounded number of spots, and ends where one uninterrupted search ends."""
from __future__ import annotations

import pytest

from gui.graph import labels
from gui.graph.labels import SPOTS_PER_STEP, label_steps, place_labels
from gui.graph.spatial import GridIndex

pytestmark = pytest.mark.gui


def crowd(count: int = 5):
    """``count`` parallel short edges packed between two columns of nodes, each with a label too wide for the gap
    (every spot of the first ones is taken: they push each other and search hundreds of spots)."""
    requests, crossing = [], {}
    for i in range(count):
        points = [(100.0 + 4 * k, 200.0 + 3 * i) for k in range(30)]
        requests.append((f"e{i:02d}", points, [(90.0, 14.0), (50.0, 26.0), (30.0, 12.0)]))
        crossing[f"e{i:02d}"] = [points]
    nodes = [(40.0, 150.0 + 40 * j, 100.0, 180.0 + 40 * j) for j in range(8)] + \
        [(216.0, 150.0 + 40 * j, 276.0, 180.0 + 40 * j) for j in range(8)]
    return requests, crossing, nodes


def test_a_crowded_search_yields_often_and_places_as_one_search_does(monkeypatch):
    requests, crossing, nodes = crowd()
    at_once = place_labels(requests, crossing, nodes)
    asked = [0]
    real_near = GridIndex.near

    def counted(self, r):
        asked[0] += 1
        return real_near(self, r)
    monkeypatch.setattr(GridIndex, "near", counted)
    steps, per_step = label_steps(requests, crossing, nodes), []
    try:
        while True:
            asked[0] = 0
            next(steps)
            per_step.append(asked[0])
    except StopIteration as done:
        stepped = done.value
    assert stepped == at_once
    assert len(per_step) > 2 * len(requests)   # more steps than labels: the crowded ones search over several
    # a step tries at most a batch of spots (each spot asks the index once or twice, a pushed label's own search
    # a batch more)
    assert max(per_step) <= 4 * SPOTS_PER_STEP
    assert labels.SPOTS_PER_STEP == SPOTS_PER_STEP
