"""The backward pass shown one node at a time, from the output back.

Each step reveals one node's adjoint, lights the edges its contributions arrive along, and shows a callout with
each child's contribution (child adjoint × local partial) and their sum. "Step backward" advances by hand; Play
steps on a timer (and pauses). Any edit but a move ends the animation (its numbers would be stale).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QPointF, QRectF, QSizeF, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsSimpleTextItem

from engine.graph import GraphError
from engine.expr.numbers import format_number
from gui.graph.routing import inside
from gui.graph.tensor_face import describe_tensor_step
from gui.graph.scene import GraphScene

STEP_INTERVAL_MS = 900


class BackpropAnimation(QObject):
    stepped = Signal(str)      # a description of the step just shown
    finished = Signal()        # the last step was passed: every adjoint is shown again
    playing_changed = Signal(bool)

    def __init__(self, scene: GraphScene, parent=None):
        super().__init__(parent)
        self.scene = scene
        self.steps: list = []
        self.index = -1
        self.timer = QTimer(self)
        self.timer.setInterval(STEP_INTERVAL_MS)
        self.timer.timeout.connect(self._tick)
        self.callout = QGraphicsRectItem()
        self.callout.setBrush(QBrush(QColor(255, 255, 240, 235)))
        self.callout.setPen(QPen(QColor("#16a34a"), 1.5))
        self.callout.setZValue(10)
        self.callout_text = QGraphicsSimpleTextItem(self.callout)
        font = QFont()
        font.setPointSizeF(9.5)
        self.callout_text.setFont(font)
        self.callout.hide()
        scene.addItem(self.callout)
        scene.graph.subscribe(self._on_graph_event)

    @property
    def running(self) -> bool:
        return 0 <= self.index < len(self.steps)

    def step(self) -> bool:
        """Show the next node; starts from the output the first time. Returns False when there is nothing left."""
        if not self.running:
            if not self._start():
                return False
        elif self.index + 1 >= len(self.steps):
            self.stop()
            self.finished.emit()
            return False
        else:
            self.index += 1
        self._show(self.steps[self.index])
        return True

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def play(self):
        """Step on a timer, from where the animation is (or from the output)."""
        if not self.running and not self._start():
            self.playing_changed.emit(False)
            return
        self._show(self.steps[self.index])
        self.timer.start()
        self.playing_changed.emit(True)

    def pause(self):
        """Stop the timer but keep the current step on screen (Step backward or Play go on from it)."""
        if self.timer.isActive():
            self.timer.stop()
            self.playing_changed.emit(False)

    def stop(self):
        """End the animation and show every adjoint again."""
        self.pause()
        self.steps, self.index = [], -1
        self.callout.hide()
        changed = False
        for edge in self.scene.edges.values():
            if edge.active:
                edge.set_state(active=False)
                changed = True
        for item in self.scene.nodes.values():
            if item.current:
                item.current = False
                item.update()
                changed = True
        if changed:   # redrawing a big graph's overview costs a few hundred ms: only when it shows something else
            self.scene.refresh_overview()
        if self.scene.revealed is not None:
            self.scene.revealed = None
            self.scene.keep_clear = None
            self.scene.refresh_numbers()
        self.scene.set_keep_clear(None)

    def _tick(self):
        if not self.step():
            self.pause()

    def _start(self) -> bool:
        try:
            steps = list(self.scene.graph.backward_steps())
        except GraphError as exc:
            self.stepped.emit(f"Cannot run backward: {exc}")
            return False
        self.scene.set_mode("backward")
        self.steps, self.index = steps, 0
        self.scene.revealed = set()
        return bool(steps)

    def _show(self, step):
        scene = self.scene
        scene.revealed.add(step.node)
        for name, item in scene.nodes.items():
            if item.current != (name == step.node):
                item.current = name == step.node
                item.update()
        scene.keep_clear = None   # the labels take their own spots first; the callout then avoids them
        arriving = {(step.node, c.child) for c in step.contributions}
        for key, edge in scene.edges.items():
            if edge.active != (key in arriving):
                edge.set_state(active=key in arriving)
        scene.refresh_overview()
        scene.refresh_numbers()
        text = self._describe(step)
        self._place_callout(step.node, text)
        self.stepped.emit(text.replace("\n", "   "))

    def _describe(self, step) -> str:
        out = self.scene.graph.output
        if not step.contributions:
            return f"∂{out}/∂{out} = 1  (backprop starts at the output)"
        lines = [f"∂{out}/∂{step.node} = sum over its children:"]
        if self.scene.graph.is_tensor:   # vector-Jacobian products: shapes, and the numbers of small ones
            return describe_tensor_step(lines, step)
        for c in step.contributions:
            lines.append(f"  via {c.child}:  {format_number(c.child_adjoint)} × {format_number(c.local_partial)}"
                         f" = {format_number(c.product)}")
        if len(step.contributions) > 1:
            lines.append(f"  sum = {format_number(step.total)}")
        return "\n".join(lines)

    def _place_callout(self, name: str, text: str):
        """Beside the node the step is at, on no other node and, where it can, on no edge or edge label (the
        contributions it explains arrive along those edges); the labels then keep off it."""
        item = self.scene.nodes[name]
        self.callout_text.setText(text)
        rect = self.callout_text.boundingRect()
        self.callout_text.setPos(6, 4)
        w, h = rect.width() + 12, rect.height() + 8
        self.callout.setRect(0, 0, w, h)
        near = item.sceneBoundingRect().adjusted(-w - 130, -h - 130, w + 130, h + 130)
        area = (near.left(), near.top(), near.right(), near.bottom())
        others = [QRectF(QPointF(r[0], r[1]), QPointF(r[2], r[3]))
                  for n, r in self.scene.layout.nodes.near(area).items() if n is not item]
        labels = [e.tag.sceneBoundingRect() for e in self.scene.shown_labels]
        edges = [(e.sceneBoundingRect(), e.route) for e in self.scene.layout.routes_near(area)]

        def covers(spot: QRectF, bounds: QRectF, route) -> bool:
            box = (spot.left(), spot.top(), spot.right(), spot.bottom())
            return spot.intersects(bounds) and bool(inside(route, box, 4.0))

        def cost(spot: QRectF):
            spot = spot.adjusted(-3, -3, 3, 3)   # the pen and a little air
            covered = sum(covers(spot, bounds, route) for bounds, route in edges)
            return sum(spot.intersects(r) for r in others), covered + sum(spot.intersects(r) for r in labels)

        spots = [QRectF(p, QSizeF(w, h)) for p in _callout_spots(item.sceneBoundingRect(), w, h)]
        best = min(spots, key=lambda s: (cost(s), spots.index(s)))
        self.callout.setPos(best.topLeft())
        self.callout.show()
        self.scene.set_keep_clear(best.adjusted(-2, -2, 2, 2))

    def _on_graph_event(self, event):
        if not (self.running or self.timer.isActive()):
            return
        if event.kind == "node_moved":   # numbers unchanged: the callout just follows its node
            self._place_callout(self.steps[self.index].node, self.callout_text.text())
        else:
            self.stop()


def _callout_spots(body: QRectF, w: float, h: float) -> list[QPointF]:
    """Places beside a node for a w × h callout, nearest first: below, above, right, left, in a few alignments,
    then the same a little further out (where the near ones would cover something)."""
    spots = []
    for away in (0.0, 30.0, 60.0, 90.0):
        below, above = body.bottom() + 6 + away, body.top() - h - 6 - away
        right, left = body.right() + 10 + away, body.left() - w - 10 - away
        xs = (body.left(), body.right() - w, body.center().x() - w / 2)
        ys = (body.top(), body.bottom() - h, body.center().y() - h / 2)
        spots += ([QPointF(x, below) for x in xs] + [QPointF(x, above) for x in xs] + [QPointF(right, y) for y in ys]
                  + [QPointF(left, y) for y in ys])
    return spots
