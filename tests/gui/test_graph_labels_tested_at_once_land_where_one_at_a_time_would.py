"""Edge labels are placed by testing a tier's spots at once (arrays), estimating overlaps and filling the index of
edge cells lazily; each label must land exactly where the rules applied one spot at a time put it (label_reference:
the grid index asked once per spot, the edges a spot covers counted by brute force over every point). The indexes
underneath answer as brute force does too."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gui.graph.edge_cells import EdgeCells
from gui.graph.labels import place_labels
from gui.graph.spatial import GridIndex, overlaps
from tests.gui.label_reference import edges_covered, reference_place

FORMS = [(90.0, 14.0), (50.0, 26.0), (30.0, 12.0)]


def line(a, b, spacing=5.0):
    """Points about ``spacing`` apart from a to b, as an edge's run."""
    count = max(2, int(np.hypot(b[0] - a[0], b[1] - a[1]) // spacing) + 1)
    return np.column_stack([np.linspace(a[0], b[0], count), np.linspace(a[1], b[1], count)])


def crowd(count):
    """``count`` parallel short edges packed between two columns of nodes, each label too wide for the gap: they
    push each other, and the last ones take the spot overlapping least."""
    requests, runs = [], {}
    for i in range(count):
        points = line((100.0, 200.0 + 3 * i), (216.0, 200.0 + 3 * i), 4.0)
        requests.append((f"e{i:02d}", points, FORMS))
        runs[f"e{i:02d}"] = [points]
    nodes = [(40.0, 150.0 + 40 * j, 100.0, 180.0 + 40 * j) for j in range(8)] + \
        [(216.0, 150.0 + 40 * j, 276.0, 180.0 + 40 * j) for j in range(8)]
    arrows = [(r[0] - 14, r[1], r[0], r[3]) for r in nodes]
    return requests, runs, nodes, arrows


def fan(count):
    """One node feeding ``count`` others on an arc: short edges converging on one port, crossing near it."""
    hub = (0.0, 0.0, 60.0, 40.0)
    nodes, requests, runs = [hub], [], {}
    for i in range(count):
        angle = -1.2 + 2.4 * i / max(count - 1, 1)
        x, y = 60.0 + 170.0 * np.cos(angle), 20.0 + 170.0 * np.sin(angle)
        nodes.append((x, y - 15, x + 60, y + 15))
        points = line((60.0, 20.0), (x, y))
        key = f"hub->{i}"
        requests.append((key, points, [(70.0 + 5 * i, 14.0), (40.0, 26.0), (24.0, 12.0)]))
        runs[key] = [points]
    return requests, runs, nodes, [(r[0] - 14, r[1], r[0], r[3]) for r in nodes[1:]]


def placements(*args, **kwargs):
    return list(place_labels(*args, **kwargs).items())


@pytest.mark.parametrize("count", [3, 5, 7])
def test_a_crowd_pushing_and_overlapping_lands_as_one_spot_at_a_time(count):
    requests, runs, nodes, arrows = crowd(count)
    assert placements(requests, runs, nodes, arrows) == list(reference_place(requests, runs, nodes, arrows).items())


@pytest.mark.parametrize("count", [4, 9, 14])
def test_a_fan_of_crossing_edges_lands_as_one_spot_at_a_time(count):
    requests, runs, nodes, arrows = fan(count)
    assert placements(requests, runs, nodes, arrows) == list(reference_place(requests, runs, nodes, arrows).items())


def test_kept_and_preferred_labels_land_as_one_spot_at_a_time():
    requests, runs, nodes, arrows = fan(10)
    fixed = {"hub->0": ((100.0, 0.0, 170.0, 14.0), 0)}
    preferred = {"hub->5": ((150.0, 10.0, 220.0, 24.0), 0), "hub->6": ((60.0, 15.0, 100.0, 41.0), 1)}
    requests = [r for r in requests if r[0] not in fixed]
    got = placements(requests, runs, nodes, arrows, fixed, preferred)
    assert got == list(reference_place(requests, runs, nodes, arrows, fixed, preferred).items())
    assert dict(got)["hub->0"] == fixed["hub->0"]


corner = st.tuples(st.integers(-6, 12), st.integers(-6, 12))


@st.composite
def scenes(draw):
    """A few nodes on a coarse grid (some near block edges, some at negative coordinates), edges between them, and
    labels of two or three forms."""
    places = draw(st.lists(corner, min_size=2, max_size=7, unique=True))
    nodes = [(40.0 * x, 35.0 * y, 40.0 * x + 50.0, 35.0 * y + 28.0) for x, y in places]
    pairs = draw(st.lists(st.tuples(st.integers(0, len(nodes) - 1), st.integers(0, len(nodes) - 1))
                          .filter(lambda p: p[0] != p[1]), min_size=1, max_size=9, unique=True))
    requests, runs = [], {}
    for a, b in pairs:
        points = line((nodes[a][2], nodes[a][1] + 14.0), (nodes[b][0], nodes[b][1] + 14.0))
        width = draw(st.floats(20.0, 110.0))
        forms = [(width, 14.0), (width / 2, 26.0), (18.0, 12.0)][draw(st.integers(0, 1)):]
        requests.append((f"{a}->{b}", points, forms))
        runs[f"{a}->{b}"] = [points]
    return requests, runs, nodes, [(r[0] - 14, r[1], r[0], r[3]) for r in nodes]


@given(scenes())
@settings(max_examples=40, deadline=None)
def test_generated_scenes_land_as_one_spot_at_a_time(scene):
    requests, runs, nodes, arrows = scene
    assert placements(requests, runs, nodes, arrows) == list(reference_place(requests, runs, nodes, arrows).items())


rects = st.tuples(st.floats(-400, 400), st.floats(-400, 400), st.floats(0, 300), st.floats(0, 300)).map(
    lambda r: (r[0], r[1], r[0] + r[2], r[1] + r[3]))


@given(st.lists(st.tuples(st.sampled_from(["soft", "node", "label"]), rects), max_size=30), rects)
@settings(max_examples=200, deadline=None)
def test_count_near_says_what_brute_force_says(held, query):
    index = GridIndex(160.0, extents=False)
    for n, (kind, r) in enumerate(held):
        index.add((kind, n), r)
    touched = [kind for kind, r in held if overlaps(query, r)]
    expected = -1 if any(kind != "soft" for kind in touched) else len(touched)
    assert index.count_near(query, "soft") == expected


@given(st.lists(st.lists(st.tuples(st.floats(-500, 500), st.floats(-500, 500)), min_size=1, max_size=200),
                min_size=1, max_size=6),
       st.lists(rects, min_size=1, max_size=20))
@settings(max_examples=100, deadline=None)
def test_edges_crossing_a_rect_are_counted_as_brute_force_counts(runs, asked):
    runs = {f"e{n}": [np.array(points, dtype=float)] for n, points in enumerate(runs)}
    cells = EdgeCells()
    for _ in cells.sort(runs):
        pass
    for r in asked:
        assert cells.crossing(r, "e0") == edges_covered(runs, r, "e0")


def test_points_on_block_and_cell_edges_count_once():
    runs = {"a": [line((-320.0, 0.0), (320.0, 0.0), 10.0)], "b": [line((0.0, -160.0), (0.0, 160.0), 10.0)],
            "c": [np.array([[160.0, 160.0], [159.99999999999997, 160.0], [-160.0, -1e-14]])]}
    cells = EdgeCells()
    for _ in cells.sort(runs):
        pass
    for r in [(-30.0, -30.0, 30.0, 30.0), (140.0, 140.0, 180.0, 180.0), (-180.0, -20.0, -140.0, 20.0)]:
        assert cells.crossing(r, None) == edges_covered(runs, r, None)
