"""Gestures on the graph editor, as a person makes them (clicks, drags, typing), for the graph workspace tests."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QColor, QHelpEvent
from PySide6.QtWidgets import (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox, QLineEdit,
                               QListWidget, QScrollBar, QTabBar, QToolButton, QToolTip, QWidget)

from gui.graph.items import HEADER_HEIGHT, LABEL_TEXT, NODE_HEIGHT, NODE_WIDTH
from gui.graph.workspace import GraphWorkspace


def open_workspace(qtbot, autosave_dir) -> GraphWorkspace:
    """A Graph workspace shown large enough for every preset and exposed, so gestures and pixels are real."""
    ws = GraphWorkspace(autosave_dir=autosave_dir)
    qtbot.addWidget(ws)
    ws.resize(1500, 900)
    ws.show()
    qtbot.waitExposed(ws)
    return ws


def labels_placed(qtbot, ws):
    """Wait until the labels around the view are placed (those that do not fit in the turn of a change follow
    over the next turns)."""
    qtbot.waitUntil(lambda: ws.scene.view_settled)


def button(ws, name: str) -> QToolButton:
    found = ws.findChild(QToolButton, name)
    assert found is not None, f"no button {name}"
    return found


def click_button(qtbot, ws, name: str):
    qtbot.mouseClick(button(ws, name), Qt.MouseButton.LeftButton)


def visible(ws, x: float, y: float) -> tuple[float, float]:
    """The scene point (x, y) pixels right of and below the canvas's visible top-left corner (at zoom 1)."""
    origin = ws.canvas.mapToScene(QPoint(0, 0))
    return origin.x() + x, origin.y() + y


def zoom_to(ws, scale: float):
    """Zoom as the user does (the view then stops following the fit), to ``scale`` (1: the editor's natural size)."""
    ws.canvas.zoom_by(scale / ws.canvas.transform().m11())


def view_point(ws, scene_point) -> QPoint:
    return ws.canvas.mapFromScene(QPointF(*scene_point))


def click_canvas(qtbot, ws, scene_point, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.mouseClick(ws.canvas.viewport(), Qt.MouseButton.LeftButton, modifier, view_point(ws, scene_point))


def place(qtbot, ws, tool: str, scene_point) -> str:
    """Choose a palette tool, click the canvas there; returns the new node's name."""
    before = set(ws.document.graph.nodes)
    click_button(qtbot, ws, f"tool_{tool}")
    click_canvas(qtbot, ws, scene_point)
    if tool == "matrix":   # the shape popup: Enter takes the shape offered
        qtbot.keyClick(ws.canvas.shape_popup, Qt.Key.Key_Return)
    added = set(ws.document.graph.nodes) - before
    assert len(added) == 1, ws.status_label.text()
    return added.pop()


def node_point(ws, name: str, part: str) -> tuple[float, float]:
    """A scene point on a node: its name header, its body, or its output port."""
    pos = ws.scene.nodes[name].pos()
    offset = {"header": (NODE_WIDTH / 3, HEADER_HEIGHT / 2), "body": (NODE_WIDTH / 3, HEADER_HEIGHT + 12),
              "port": (NODE_WIDTH, NODE_HEIGHT / 2), "centre": (NODE_WIDTH / 2, NODE_HEIGHT / 2 + 10)}[part]
    return pos.x() + offset[0], pos.y() + offset[1]


def editor(ws) -> QLineEdit:
    return ws.canvas.findChild(QLineEdit, "graphInlineEditor")


def type_into_node(qtbot, ws, name: str, part: str, text: str):
    """Double-click a node's header (rename) or body (value/formula), type, press Enter."""
    qtbot.mouseDClick(ws.canvas.viewport(), Qt.MouseButton.LeftButton, pos=view_point(ws, node_point(ws, name, part)))
    edit = editor(ws)
    assert edit.isVisible()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def drag(qtbot, ws, start, end, steps: int = 6):
    viewport = ws.canvas.viewport()
    a, b = view_point(ws, start), view_point(ws, end)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    for i in range(1, steps + 1):
        qtbot.mouseMove(viewport, a + (b - a) * (i / steps))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)


def connect(qtbot, ws, parent: str, child: str):
    drag(qtbot, ws, node_point(ws, parent, "port"), node_point(ws, child, "centre"))


CHAPTER_POINT = (-1.0, 0.0, -2.0, 1.0)   # w, x, y, z


def build_chapter_graph(qtbot, ws):
    """Inputs by clicking (automatic names x, y, z, w) with values typed; formula nodes renamed and typed; u wired
    by dragging from the output ports of a and b, then its formula finished by typing."""
    placed = [place(qtbot, ws, "input", visible(ws, 100, 60 + 150 * i)) for i in range(4)]
    assert placed == ["x", "y", "z", "w"]
    for name, value in zip("wxyz", CHAPTER_POINT):
        type_into_node(qtbot, ws, name, "body", repr(value))
    columns = {"a": visible(ws, 350, 130), "b": visible(ws, 350, 450), "u": visible(ws, 600, 130),
               "v": visible(ws, 600, 450), "f": visible(ws, 850, 290)}
    formulas = {"a": "(w+x+y+z)^2", "b": "(w+x-y-z)^2", "v": "(a-b)^2", "f": "(u+v)^2"}
    for name, where in columns.items():
        auto = place(qtbot, ws, "formula", where)
        type_into_node(qtbot, ws, auto, "header", name)
        if name in formulas:
            type_into_node(qtbot, ws, name, "body", formulas[name])
        elif name == "u":
            connect(qtbot, ws, "a", "u")
            connect(qtbot, ws, "b", "u")
            assert ws.document.graph.nodes["u"].formula == "a + b"
            type_into_node(qtbot, ws, "u", "body", "(a+b)^2")
    click_button(qtbot, ws, "tool_select")
    click_canvas(qtbot, ws, (columns["f"][0] + 20, columns["f"][1] + 40))   # select f
    click_button(qtbot, ws, "markOutputButton")


CONTROLS = (QAbstractButton, QComboBox, QAbstractSlider, QAbstractSpinBox, QLineEdit, QListWidget)


def controls_without_tooltips(root: QWidget) -> list[str]:
    """Every control a user can operate under ``root`` (shown or not) that has no tooltip; scroll bars, the line
    edits inside spin boxes and a tab bar's scroll arrows (Qt's own parts, which show their owner's tooltip) are not
    the app's controls."""
    missing = []
    for w in root.findChildren(QWidget):
        if isinstance(w, CONTROLS) and not isinstance(w, QScrollBar) and not w.objectName().startswith("qt_") \
                and not isinstance(w.parentWidget(), QTabBar) and not w.toolTip():
            missing.append(f"{type(w).__name__} {w.objectName() or getattr(w, 'text', lambda: '')()}")
    return missing


def hover_tooltip(widget: QWidget) -> str:
    """The tooltip text Qt shows when the pointer rests on ``widget`` (the help event the hover timer sends)."""
    centre = widget.rect().center()
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, centre, widget.mapToGlobal(centre)))
    shown = QToolTip.text() if QToolTip.isVisible() else ""
    QToolTip.hideText()
    return shown


def reviewer_graph():
    """The graph of the third review's step-backward screenshot (b04_stepback.png), nodes where the reviewer put
    them: y → u = y^2 → a = exp(u), y → v = sin(y) → b = 3*v, and f = a*u + b^2 (u→a a short edge)."""
    from engine.graph import Graph
    g = Graph()
    g.add_input("y", 0.7, pos=(0.0, 200.0))
    for name, formula, pos in (("u", "y^2", (160.0, 110.0)), ("a", "exp(u)", (275.0, 65.0)),
                               ("v", "sin(y)", (160.0, 225.0)), ("b", "3*v", (275.0, 225.0)),
                               ("f", "a*u + b^2", (400.0, 135.0))):
        g.add_formula(name, formula, pos=pos)
    g.set_output("f")
    return g


def menu_action(mw, text: str) -> QAction:
    for action in mw.findChildren(QAction):
        if action.text().replace("&", "") == text:
            return action
    raise AssertionError(f"no menu action {text!r}")


def label_ink(ws, key) -> int:
    """Pixels of the label text colour inside the label's box, as drawn in the viewport."""
    image = ws.canvas.viewport().grab().toImage()
    rect = ws.canvas.mapFromScene(ws.scene.edges[key].tag.sceneBoundingRect()).boundingRect()
    target, count = QColor(LABEL_TEXT), 0
    for x in range(max(rect.left(), 0), min(rect.right(), image.width())):
        for y in range(max(rect.top(), 0), min(rect.bottom(), image.height())):
            c = image.pixelColor(x, y)
            if abs(c.red() - target.red()) < 45 and abs(c.green() - target.green()) < 45 and c.blue() < 80:
                count += 1
    return count


def scene_picture(scene, source, width: int, height: int):
    """The scene's items (no labels, no overview) in the scene rect ``source``, drawn into a width × height image on
    a transparent background, antialiased."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    with scene.every_item_drawn(False):
        scene.render(painter, QRectF(image.rect()), source)
    painter.end()
    return image
