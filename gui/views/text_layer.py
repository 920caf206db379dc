"""A 3D view's text — tick labels, axis names, the colour legend — painted once into a picture, drawn every frame.

pyqtgraph's GLTextItem and GLGradientLegendItem paint with a QPainter on the widget in every frame, each opening a
painter of its own on the GL paint engine (the Surface view's ~25 labels cost ~3 ms a frame on llvmpipe when the
machine is quiet, and much more when it is not), and ``QWidget.grab()`` leaves them out (Qt puts a QOpenGLWidget into
a grab from its framebuffer, which such a painter does not reach), so a window export painted every GL view twice.

Here the text is painted with one QPainter into a transparent off-screen picture only when what it shows changes —
the camera, the view's size, the labels and their anchors, the legend — and each frame draws that picture over the
scene as one blended quad. It is part of the GL frame: ``grabFramebuffer()`` and ``QWidget.grab()`` include it.
The text is painted by the same GL paint engine as before, with premultiplied alpha, so blending the picture over
the scene gives the pixels painting it there directly gave.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from OpenGL import GL
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMatrix4x4, QPainter, QVector3D
from PySide6.QtOpenGL import QOpenGLFramebufferObject, QOpenGLPaintDevice

from gui.views.context_objects import ContextObjects

LEFT_BASELINE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom   # GLTextItem's default alignment


@dataclass(frozen=True)
class Label:
    """Text anchored at a point of the scene: by default its baseline starts there; ``alignment`` moves it as
    GLTextItem does (right: ends there, vertical centre: the middle of its ink there)."""
    anchor: tuple[float, float, float]
    text: str
    font: QFont
    color: QColor
    alignment: Qt.AlignmentFlag = field(default=LEFT_BASELINE)


class ColourLegend:
    """A colour bar at a fixed place of the view (``pos``: its top-left corner in pixels, ``size``: width and
    height), with text beside it at fractions of its height (``labels``: text → 0 at the bottom … 1 at the top)."""

    def __init__(self, changed, pos, size, colormap, font_color) -> None:
        self._changed = changed
        self.pos, self.size, self.colormap = tuple(pos), tuple(size), colormap
        self.font_color = QColor(*font_color)
        self.labels: dict[str, float] = {}
        self._shown = False

    def set(self, pos=None, labels=None) -> None:
        pos = self.pos if pos is None else tuple(pos)
        labels = self.labels if labels is None else dict(labels)
        if pos != self.pos or labels != self.labels:
            self.pos, self.labels = pos, labels
            self._changed()

    def set_visible(self, shown: bool) -> None:
        if shown != self._shown:
            self._shown = shown
            self._changed()

    def visible(self) -> bool:
        return self._shown

    def key(self) -> tuple:
        return self.pos, self.size, tuple(self.labels.items()), self._shown

    def paint(self, painter: QPainter) -> None:
        """As GLGradientLegendItem.paint paints it."""
        bar = QRectF(self.pos[0], self.pos[1], self.size[0], self.size[1])
        gradient = self.colormap.getGradient()
        gradient.setStart(bar.bottomLeft())
        gradient.setFinalStop(bar.topLeft())
        painter.fillRect(bar, gradient)
        painter.setPen(self.font_color)
        for text, position in self.labels.items():
            x = 1.1 * self.size[0] + self.pos[0]
            y = self.size[1] - position * self.size[1] + self.pos[1] + 8
            painter.drawText(QPointF(x, y), text)


class TextLayer:
    """The text of one GLViewWidget (see the module docstring). ``repaints`` counts how often the picture was
    painted (for tests and benchmarks)."""

    def __init__(self, view, legend_pos, legend_size, colormap, font_color) -> None:
        self.view = view
        self.labels: tuple[Label, ...] = ()
        self.legend = ColourLegend(self._changed, legend_pos, legend_size, colormap, font_color)
        self.repaints = 0
        self._content = 0         # counts changes of what is shown
        self._key = None          # what the picture shows: content, size, camera
        # the framebuffer "text" the text is painted in, the texture "text copy" it is copied to, where frames read
        # it; freed in the view's context when that goes (see gui.views.context_objects)
        self.gl_objects = ContextObjects()

    def set_labels(self, labels) -> None:
        labels = tuple(labels)
        if labels != self.labels:
            self.labels = labels
            self._changed()

    def _changed(self) -> None:
        self._content += 1
        self.view.update()

    def key(self) -> tuple:
        """What the picture depends on: a change of any of it paints the picture again."""
        v = self.view
        region = v.getViewport()
        return (self._content, self._pixels(), v.devicePixelRatioF(), tuple(v.viewMatrix().data()),
                tuple(v.projectionMatrix(region, region).data()))

    def _pixels(self) -> tuple[int, int]:
        ratio = self.view.devicePixelRatioF()
        return round(self.view.width() * ratio), round(self.view.height() * ratio)

    def prepare(self) -> bool:
        """Paint the picture again if what it shows has changed (with the view's context current; best before the
        frame's drawing, see :meth:`_paint`); False when there is no text to draw."""
        if not self.labels and not self.legend.visible():
            return False
        width, height = self._pixels()
        if width <= 0 or height <= 0:
            return False
        if self.gl_objects.get("text") is None:   # none yet, or a new context: start over
            self._key = None
        key = self.key()
        if key != self._key:
            target = GL.glGetIntegerv(GL.GL_DRAW_FRAMEBUFFER_BINDING)
            viewport = GL.glGetIntegerv(GL.GL_VIEWPORT)
            try:
                self._paint(width, height)
            finally:
                GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, int(target))
                GL.glViewport(*(int(v) for v in viewport))
            self._key = key
        return True

    def draw(self) -> None:
        """Draw the text over the framebuffer bound now (in the view's context, during a paint)."""
        if self.prepare():
            self._blit()

    def _paint(self, width: int, height: int) -> None:
        """Paint the text into the off-screen framebuffer and copy it into a plain texture, which the frames then
        sample: llvmpipe finishes all pending drawing before a frame samples a texture that is a framebuffer's,
        which would make each frame wait for its surface (~13 ms at 800×600). The copy is flushed at once, so the
        frame's own drawing is not queued behind it."""
        objects = self.gl_objects
        fbo = objects.get("text")
        if fbo is None or fbo.size() != QSize(width, height):
            fbo = objects.put("text", QOpenGLFramebufferObject(QSize(width, height)))
            objects.put("text copy", _new_texture(width, height))
        fbo.bind()
        GL.glViewport(0, 0, width, height)
        GL.glClearColor(0.0, 0.0, 0.0, 0.0)
        GL.glClear(GL.GL_COLOR_BUFFER_BIT)
        device = QOpenGLPaintDevice(QSize(width, height))
        device.setDevicePixelRatio(self.view.devicePixelRatioF())
        painter = QPainter(device)
        try:
            painter.setFont(self.view.font())   # what a painter on the widget starts with
            if self.legend.visible():
                self.legend.paint(painter)
            painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
            project = self._projection()
            for label in self.labels:
                _paint_label(painter, label, project)
        finally:
            painter.end()
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, fbo.handle())
        GL.glBindTexture(GL.GL_TEXTURE_2D, objects.get("text copy"))
        GL.glCopyTexSubImage2D(GL.GL_TEXTURE_2D, 0, 0, 0, 0, 0, width, height)
        GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
        GL.glFlush()
        self.repaints += 1

    def _projection(self) -> QMatrix4x4:
        """Scene → widget pixels, as GLTextItem.compute_projection (with the view's camera)."""
        v = self.view
        rect = QRectF(v.rect())
        to_pixels = QMatrix4x4()
        to_pixels.viewport(rect.left(), rect.bottom(), rect.width(), -rect.height())
        region = v.getViewport()
        return to_pixels * v.projectionMatrix(region, region) * v.viewMatrix()

    def _blit(self) -> None:
        """The picture over the whole viewport as one textured quad, blended as premultiplied colour (the
        fixed-function pipeline of the compatibility profile pyqtgraph runs in: no GL objects that outlive the
        context to clean up); the GL state as it was."""
        program = GL.glGetIntegerv(GL.GL_CURRENT_PROGRAM)
        GL.glPushAttrib(GL.GL_ENABLE_BIT | GL.GL_COLOR_BUFFER_BIT | GL.GL_TEXTURE_BIT | GL.GL_CURRENT_BIT)
        for mode in (GL.GL_PROJECTION, GL.GL_MODELVIEW):
            GL.glMatrixMode(mode)
            GL.glPushMatrix()
            GL.glLoadIdentity()
        try:
            GL.glUseProgram(0)
            GL.glDisable(GL.GL_DEPTH_TEST)
            GL.glEnable(GL.GL_BLEND)
            GL.glBlendFunc(GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA)
            GL.glEnable(GL.GL_TEXTURE_2D)
            GL.glBindTexture(GL.GL_TEXTURE_2D, self.gl_objects.get("text copy"))
            GL.glColor4f(1.0, 1.0, 1.0, 1.0)
            GL.glBegin(GL.GL_QUADS)
            for x, y in ((0, 0), (1, 0), (1, 1), (0, 1)):
                GL.glTexCoord2f(x, y)
                GL.glVertex2f(2 * x - 1, 2 * y - 1)
            GL.glEnd()
        finally:
            for mode in (GL.GL_MODELVIEW, GL.GL_PROJECTION):
                GL.glMatrixMode(mode)
                GL.glPopMatrix()
            GL.glPopAttrib()
            GL.glUseProgram(int(program))


def _paint_label(painter: QPainter, label: Label, project: QMatrix4x4) -> None:
    """GLTextItem.paint, on ``painter``."""
    if not label.text:
        return
    at = project.map(QVector3D(*label.anchor)).toPointF()
    ink = QFontMetrics(label.font).tightBoundingRect(label.text)
    dx = dy = 0.0
    if label.alignment & Qt.AlignmentFlag.AlignRight:
        dx = ink.width()
    if label.alignment & Qt.AlignmentFlag.AlignHCenter:
        dx = ink.width() / 2.0
    if label.alignment & Qt.AlignmentFlag.AlignTop:
        dy = ink.height()
    if label.alignment & Qt.AlignmentFlag.AlignVCenter:
        dy = ink.height() / 2.0
    painter.setPen(label.color)
    painter.setFont(label.font)
    painter.drawText(QPointF(at.x() - dx, at.y() + dy), label.text)


def _new_texture(width: int, height: int) -> int:
    texture = GL.glGenTextures(1)
    GL.glBindTexture(GL.GL_TEXTURE_2D, texture)
    for name in (GL.GL_TEXTURE_MIN_FILTER, GL.GL_TEXTURE_MAG_FILTER):
        GL.glTexParameteri(GL.GL_TEXTURE_2D, name, GL.GL_NEAREST)
    GL.glTexImage2D(GL.GL_TEXTURE_2D, 0, GL.GL_RGBA8, width, height, 0, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, None)
    GL.glBindTexture(GL.GL_TEXTURE_2D, 0)
    return int(texture)
