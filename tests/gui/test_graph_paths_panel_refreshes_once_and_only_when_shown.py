"""The Paths panel after edits: a burst of edits costs one refresh, on the next event-loop turn, and the panel then
shows the current sum over paths, equal to backprop's adjoint and to central differences on the engine graph; a
value edit keeps the listing (no path is searched for again, only the products change); with the Paths tab hidden an
edit does no path work at all, and showing the tab shows the current numbers."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

import engine.graph.entry_points as entry_points
import gui.graph.path_listing as path_listing
from engine.expr.numbers import format_number
from engine.graph.paths import path_count, paths   # the engine's own, not the methods the spies wrap
from tests.gui.graph_helpers import type_into_node

pytestmark = pytest.mark.gui

NUMBER = r"−?[0-9.]+(?:e[−+-]?[0-9]+)?"


def central_difference(graph, source: str, h: float = 1e-6) -> float:
    """d output / d source by central differences on the engine graph (independent of paths and backprop)."""
    out, x = graph.output, graph.nodes[source].value
    up, down = graph.forward({source: x + h})[out], graph.forward({source: x - h})[out]
    return (up - down) / (2 * h)


def shown_sum_and_adjoint(ws) -> tuple[float, float]:
    """The two numbers as shown (six significant digits)."""
    text = ws.paths.sum_label.text()
    found = re.search(f"Sum over all paths: ({NUMBER}).*backprop ∂f/∂y: ({NUMBER})", text)
    assert found, text
    return tuple(float(n.replace("−", "-")) for n in found.groups())


def shown_products(ws) -> dict[tuple, str]:
    listed = ws.paths.list
    return {listed.item(i).data(Qt.ItemDataRole.UserRole): listed.item(i).text().split("product ")[-1]
            for i in range(listed.count())}


def expected_products(graph) -> dict[tuple, str]:
    partials = graph.local_partials()
    found = {}
    for path in paths(graph, "y"):
        product = 1.0
        for a, b in zip(path.nodes, path.nodes[1:]):
            product *= partials[a, b]
        found[tuple(path.nodes)] = format_number(product)
    return found


class Calls:
    """Counts calls of the functions it wraps (spies: each still does its work)."""

    def __init__(self, monkeypatch):
        self.monkeypatch, self.counts = monkeypatch, {}

    def spy(self, owner, name: str):
        real = getattr(owner, name)
        self.counts[name] = 0

        def counted(*args, **kwargs):
            self.counts[name] += 1
            return real(*args, **kwargs)
        self.monkeypatch.setattr(owner, name, counted)

    def total(self) -> int:
        return sum(self.counts.values())


@pytest.fixture
def chapter(graph_workspace):
    ws = graph_workspace
    ws.apply_preset("four-inputs")
    ws.paths.set_source("y")
    assert ws.side_tabs.currentWidget() is ws.paths and ws.paths.isVisible()
    return ws


def test_a_burst_of_edits_refreshes_once_and_then_shows_the_current_sum(qtbot, chapter, monkeypatch):
    ws, g = chapter, chapter.document.graph
    refreshes = []
    real = ws.paths.refresh
    monkeypatch.setattr(ws.paths, "refresh", lambda: (refreshes.append(g.version), real())[1])
    before = shown_sum_and_adjoint(ws)
    for name, value in (("w", "1.5"), ("x", "-0.75"), ("y", "2.25"), ("z", "0.5")):   # one burst
        assert ws.document.edit_content(name, value)
    assert refreshes == []            # nothing inside the edits ...
    qtbot.waitUntil(lambda: len(refreshes) == 1)
    qtbot.wait(30)                    # ... and one refresh after them, at the final version, however long we wait
    assert refreshes == [g.version]
    total, adjoint = shown_sum_and_adjoint(ws)
    assert (total, adjoint) != before
    reference = central_difference(g, "y")
    assert total == pytest.approx(reference, rel=1e-5) and adjoint == pytest.approx(reference, rel=1e-5)
    assert format_number(g.backward()["y"]) in ws.paths.sum_label.text()   # the numbers as the model holds them
    assert "agree" in ws.paths.sum_label.text()
    assert shown_products(ws) == expected_products(g)
    # and the pixels: the sum's label is drawn with text on it
    image = ws.paths.sum_label.grab().toImage()
    dark = sum(QColor(image.pixel(x, y)).lightness() < 110
               for x in range(0, image.width(), 2) for y in range(0, image.height(), 2))
    assert dark > 20


def test_a_value_edit_keeps_the_listing_and_changes_only_the_numbers(qtbot, chapter, monkeypatch):
    ws, g = chapter, chapter.document.graph
    calls = Calls(monkeypatch)
    for name in ("path_count", "paths", "path_sum"):
        calls.spy(entry_points, name)
    calls.spy(path_listing.PathListing, "__init__")
    type_into_node(qtbot, ws, "y", "body", "-1.25")   # typed into the node, as a user edits a value
    qtbot.waitUntil(lambda: shown_products(ws) == expected_products(g))
    assert calls.total() == 0   # no path searched for again: the products were multiplied along the kept listing
    assert shown_sum_and_adjoint(ws)[0] == pytest.approx(central_difference(g, "y"), rel=1e-5)
    type_into_node(qtbot, ws, "u", "body", "a * b + y")   # a formula edit can change the paths: listed again
    qtbot.waitUntil(lambda: calls.counts["__init__"] == 1)
    qtbot.waitUntil(lambda: shown_products(ws) == expected_products(g))
    assert ws.paths.count_label.text().startswith(f"{path_count(g, 'y')} paths from y to f")
    assert shown_sum_and_adjoint(ws)[0] == pytest.approx(central_difference(g, "y"), rel=1e-5)


def test_with_the_paths_tab_hidden_an_edit_does_no_path_work_and_showing_it_shows_current_numbers(
        qtbot, chapter, monkeypatch):
    ws, g = chapter, chapter.document.graph
    bar = ws.side_tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())   # Forward mode
    assert not ws.paths.isVisible()
    calls = Calls(monkeypatch)
    for name in ("path_count", "paths", "path_sum"):
        calls.spy(entry_points, name)
    for name in ("__init__", "products", "path_sum"):
        calls.spy(path_listing.PathListing, name)
    type_into_node(qtbot, ws, "y", "body", "0.875")          # a value edit ...
    type_into_node(qtbot, ws, "v", "body", "(a - b)^2 + y")      # ... and a structural one
    qtbot.wait(30)
    assert g.nodes["v"].formula == "(a - b)^2 + y"
    assert calls.total() == 0, calls.counts
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(0).center())   # Paths again
    assert ws.paths.isVisible()
    assert calls.counts["__init__"] == 1   # brought up to date as it was shown, before anything else ran
    total, adjoint = shown_sum_and_adjoint(ws)
    reference = central_difference(g, "y")
    assert total == pytest.approx(reference, rel=1e-5) and adjoint == pytest.approx(reference, rel=1e-5)
    assert shown_products(ws) == expected_products(g)
    assert ws.paths.count_label.text().startswith(f"{path_count(g, 'y')} paths from y to f")
