"""What the Graph scene draws at each zoom, and where its labels go (a part of GraphScene, kept apart for size).

- Zoomed out below OVERVIEW_SCALE, a graph of at least OVERVIEW_MIN_NODES nodes is drawn by one overview item; the
  node, edge and label items (children of one layer item) are hidden at once.
- Labels are placed and shown only at LABEL_SCALE or closer, and only for the edges passing the view and a margin
  of REGION_MARGIN around it; elsewhere they stay hidden until the view comes near. A label whose edge, text and
  surroundings did not change since it was placed keeps its spot; one whose text changed keeps it if it is still
  clear; the rest are placed afresh (gui.graph.labels). So a value edit or a pass moves few labels, and panning
  places only the labels coming into view.
"""
from __future__ import annotations

import time
from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QGraphicsItem

from gui.graph import routing
from gui.graph.items import NODE_HEIGHT, NODE_WIDTH, PORT_RADIUS, NodeItem
from gui.graph.labels import label_steps
from gui.graph.overview import OVERVIEW_MIN_NODES, OVERVIEW_SCALE
from gui.graph.spatial import Rect
from gui.graph.build import LABEL_TURN, SLICE, run_steps

ARROW_ROOM = 12.0
LABEL_SCALE = 0.5       # labels (and node text) are readable at this zoom or closer: only then are labels drawn
REGION_MARGIN = 0.15    # labels are placed for the view and this fraction of its size around it


class Layer(QGraphicsItem):
    """The parent of every node, edge and label item: hidden at once when the overview stands in for them."""

    def __init__(self):
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)

    def boundingRect(self) -> QRectF:
        return QRectF()

    def paint(self, painter, option, widget=None):
        pass



class LevelOfDetail:
    """Mixed into GraphScene: uses its nodes, edges, layout, overview, layer, numbers and keep_clear area."""

    def set_view(self, rect: QRectF, scale: float):
        """Where the canvas looks and at what zoom: decides overview or items, and where labels are placed."""
        if not shiboken6.isValid(self.overview):
            return   # the scene is being destroyed
        self.view_rect, self.view_scale = QRectF(rect), scale
        self._apply_level()
        if self._everywhere:
            return   # every label is being placed (for an export); the view's own follow once that is done
        if self.labels_readable:
            if self.region is None or not _contains(self.region, _view(rect)):
                self._labels_dirty = True
            self._place_labels_when_ready()   # also those left dirty while no view was shown
        elif self.shown_labels or self.region is not None or self._labeller is not None:
            self._hide_labels()

    @property
    def view_settled(self) -> bool:
        """Whether what the view shows is complete: every item built, the edges near it routed, its labels placed
        (a big graph gets there a slice at a time)."""
        region = self._label_rect()
        return not self.building and not (self._labels_dirty and self.labels_readable) and \
            self._labeller is None and (region is None or not self.layout.pending_near(region))

    @property
    def overview_shown(self) -> bool:
        return len(self.nodes) >= OVERVIEW_MIN_NODES and self.view_scale < OVERVIEW_SCALE

    @property
    def labels_readable(self) -> bool:
        """Labels are placed and drawn only when the zoom makes them readable."""
        return self.view_scale >= LABEL_SCALE

    def _apply_level(self):
        overview = self.overview_shown
        if overview != self.overview.isVisible():
            self.layer.setVisible(not overview)
            self.overview.setVisible(overview)
        if overview and self.overview.stale:
            self.overview.rebuild(self.nodes.values(), self.edges.values())

    @contextmanager
    def every_item_drawn(self, labels: bool = True):
        """Draw the items, not the overview (and the labels only if ``labels``), while rendering the whole graph."""
        self.layer.show()
        self.overview.hide()
        hidden = [] if labels else [e for e in self.shown_labels if e.tag.isVisible()]
        for edge in hidden:
            edge.tag.hide()
        try:
            yield
        finally:
            for edge in hidden:
                edge.tag.show()
            self._apply_level()

    def _label_rect(self) -> Rect | None:
        if self.view_rect is None:
            return None
        r, m = self.view_rect, REGION_MARGIN
        return _view(r.adjusted(-r.width() * m, -r.height() * m, r.width() * m, r.height() * m))

    def _hide_labels(self):
        for edge in self.shown_labels:
            edge.tag.hide()
        self.shown_labels = set()
        self._spots = {}
        self.region = None
        self._labeller = None

    @contextmanager
    def labels_held(self):
        """Place no label until the block ends, then place them once: a new graph, its numbers and the view's fit
        each asked for labels (for the old view, without numbers, with them, for the fitted view), and a graph of
        40 nodes spent ~80 ms placing them four times in the turn that opened it."""
        self._labels_held += 1
        try:
            yield
        finally:
            self._labels_held -= 1
            if not self._labels_held and shiboken6.isValid(self.overview):
                self._place_labels_when_ready()

    def _place_labels_when_ready(self, everywhere: bool = False):
        """Place the labels of the edges passing the view's surroundings (or every label), once those edges are
        routed; labels elsewhere are hidden until the view comes near them. A small graph's are placed at once
        unless that takes over LABEL_TURN seconds, a big one's a slice at a time (what was shown stays until the
        new places are known)."""
        everywhere = everywhere or self._everywhere
        if self.building or not self._labels_dirty or self._labels_held:
            return
        if not everywhere and (self.view_rect is None and not self.small or self._views_hidden()):
            return   # a big graph not yet in a view, or no view shown (a hidden tab): labels wait for one
        region = None if everywhere or self.view_rect is None else self._label_rect()
        if region is not None and not self.labels_readable:
            self._hide_labels()
            return
        if (self.layout.pending_near(region) if region is not None else self.layout.pending):
            return   # the routes there are still coming; placed when they are
        self._labels_dirty = False
        self.region = region
        self._labeller = self._label_steps(region)
        if not self._working:   # within the scene's work its slices drive the labeller
            if not self._label(time.perf_counter() + (LABEL_TURN if self.small else SLICE)):
                self._continue()

    def _views_hidden(self) -> bool:
        """Whether views show this scene but none is visible (a file opened from another tab: its canvas is
        shown, fitted and labelled a moment later)."""
        views = self.views()
        return bool(views) and not any(view.isVisible() for view in views)

    def _label(self, deadline: float | None) -> bool:
        """Go on placing labels until ``deadline``; whether they are all placed."""
        done, _ = run_steps(self._labeller, deadline)
        if done:
            self._labeller = None
        return done

    def _label_steps(self, region: Rect | None):
        whole = region if region is not None else _everything()
        stamp = (self.layout.moves, region)
        edges = self.layout.routes_near(whole) if region is not None else [e for e in self.edges.values() if e.route]
        runs = {}
        cache = self._runs if self._runs[0] == whole else (whole, {})
        for edge in edges:
            known = cache[1].get(edge)
            if known is None or known[0] is not edge.route:
                known = cache[1][edge] = (edge.route, routing.inside(edge.route, whole, 5.0))
                yield   # a long edge's points take a while
            if known[1]:
                runs[edge] = known[1]
        self._runs = cache
        rects = list(self.layout.nodes.near(whole).values())
        # a port lies inside its node's rect; listed again, covering it costs double when a crowded graph leaves a
        # label no clear spot, so the label covers a node's text before the port the user drags from
        obstacles = rects + [_port_rect(n) for n in self.layout.nodes.near(whole)]
        if self.keep_clear is not None:
            obstacles.append(_view(self.keep_clear))
        # where it can, a label also keeps off the arrowheads just left of a node
        arrows = [(r[0] - ARROW_ROOM, r[1], r[0], r[3]) for r in rects]
        requests, fixed, preferred = yield from self._label_requests(runs)
        placed = yield from label_steps(requests, runs, obstacles, arrows, fixed, preferred, name=lambda e: e.key)
        yield from self._show_labels(placed, fixed)
        spots = {}
        for n, (e, spot) in enumerate(placed.items()):
            spots[e] = (spot, e.route, e._label_for, stamp, bool(self.layout.nodes.near(spot[0])))
            if n % 128 == 127:   # a whole graph's 1,600 labels took ~17 ms
                yield
        self._spots = spots

    def _show_labels(self, placed: dict, fixed: dict):
        """Show the labels where they were placed: those that move are hidden first and shown in their new places
        a few at a time (never two on one spot in between); those that stay are not touched."""
        staying = {e for e, spot in fixed.items() if e in self.shown_labels and self._spots.get(e, (None,))[0] == spot}
        for n, edge in enumerate(self.shown_labels - staying):
            edge.tag.hide()
            if n % 64 == 63:
                yield
        self.shown_labels = set(staying)
        for n, (edge, (rect, form)) in enumerate(placed.items()):
            if edge not in staying:
                edge.tag.place(rect, form)
                edge.tag.set_stale(self.board.stale)
                edge.tag.show()
                self.shown_labels.add(edge)
                if n % 16 == 15:
                    yield

    def _label_requests(self, runs: dict):
        """The labels to place, and those that keep their spots: a label whose edge, text and surroundings did not
        change stays (fixed); one whose text changed keeps its spot if it is still clear. A generator (measuring
        new texts takes time) returning (requests, fixed, preferred)."""
        requests, fixed, preferred = [], {}, {}
        for n, (edge, parts) in enumerate(runs.items()):
            if edge.partial is None:
                continue
            if n % 4 == 3:   # a label's text is measured in each of its forms
                yield
            sizes = edge.label_sizes()
            before = self._spots.get(edge)
            if before is not None and before[1] is edge.route and not self._blocked(before[0][0], before[3]):
                (rect, form), text = before[0], before[2]
                if text == edge._label_for:
                    fixed[edge] = (rect, form)
                    continue
                w, h = sizes[form]
                cx, cy = (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2
                spot = ((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), form)
                if before[4] and before[3] == (self.layout.moves, self.region):
                    fixed[edge] = spot   # forced onto a node by a crowd that has not changed: no better spot now
                    continue
                preferred[edge] = spot
            requests.append((edge, max(parts, key=len), sizes))
        return requests, fixed, preferred

    def _blocked(self, rect: Rect, stamp: tuple) -> bool:
        """Whether a node (or the callout's area) now covers a label placed at ``rect`` when nodes had moved
        ``stamp[0]`` times, for the region ``stamp[1]`` (a label a crowded spot forced onto a node stays put until
        something moves or the region changes)."""
        if stamp != (self.layout.moves, self.region) and self.layout.nodes.near(rect):
            return True
        return self.keep_clear is not None and self.keep_clear.intersects(QRectF(QPointF(rect[0], rect[1]),
                                                                                   QPointF(rect[2], rect[3])))

    def refresh_overview(self):
        """Node or edge states changed: the overview draws them again (now if shown)."""
        if not shiboken6.isValid(self.overview):
            return   # the scene is being destroyed
        self.overview.stale = True
        if self.overview.isVisible():
            self.overview.rebuild(self.nodes.values(), self.edges.values())


def _port_rect(item: NodeItem) -> Rect:
    p = item.pos()
    x, y = p.x() + NODE_WIDTH, p.y() + NODE_HEIGHT / 2
    return x - PORT_RADIUS, y - PORT_RADIUS, x + PORT_RADIUS, y + PORT_RADIUS


def _view(r: QRectF) -> Rect:
    return r.left(), r.top(), r.right(), r.bottom()


def _contains(outer: Rect, inner: Rect) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _everything() -> Rect:
    return -1e12, -1e12, 1e12, 1e12
