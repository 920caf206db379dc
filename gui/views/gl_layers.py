"""Paint a GL view in layers, so that an animation frame redraws only what moved.

The still layer (the surface mesh, its grid and axes) and everything trails have accumulated so far are rendered
into an off-screen framebuffer (colour and depth) once per camera, size and surface; a frame then copies it to the
screen (a blit, whatever the mesh or the trails), draws the trails' newest pieces into it first, and paints the
live items (markers, arrows) on top, depth-tested against the copied surface so hills still hide trails.

Items declare their layer when added: :class:`AccumulatingLines` / :class:`AccumulatingPoints` hold a trail that only
grows (each is painted in full when the layer is rebuilt, else only its new rows); ``live`` items are painted every
frame; everything else is still. The view's text (its ``text``, a :class:`gui.views.text_layer.TextLayer`) is drawn
into the still layer after the still items, so a frame costs no text.
If the GL driver refuses a step (no depth blit), the view falls back to painting everything every frame.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import QSize
from PySide6.QtOpenGL import QOpenGLFramebufferObject, QOpenGLFramebufferObjectFormat

from gui.views.context_objects import ContextObjects


class _Accumulating:
    """A GL item whose rows only grow between rebuilds: :meth:`set_rows` gives all rows so far; the layer paints
    them all when it is rebuilt (``full``) and only those it has not painted yet otherwise."""

    def _init_rows(self) -> None:
        self.pos = np.zeros((0, 3), np.float32)   # every row so far (painting swaps in the rows to paint)
        self._painted = 0
        self.needs_rebuild = False
        self.full = True

    def set_rows(self, rows: np.ndarray) -> None:
        if len(rows) < self._painted:
            self.needs_rebuild = True   # fewer rows than painted (a replay of an earlier step): start over
        self.pos = np.ascontiguousarray(rows, dtype=np.float32)
        self.update()

    def set_look(self, **look) -> None:
        """Colour, size…: a change repaints the whole layer (the painted rows have the old look)."""
        changed = {k: v for k, v in look.items() if not _same(getattr(self, k, None), v)}
        if changed:
            super().setData(**changed)
            self.needs_rebuild = True

    @property
    def pending(self) -> int:
        return len(self.pos) - self._painted

    def paint(self) -> None:
        every = self.pos
        rows = every if self.full else every[self._painted:]
        self._painted = len(every)
        self.needs_rebuild = False
        if len(rows) == 0:
            return
        self.pos = rows
        self.dirty_bits |= type(self.dirty_bits).POSITION
        try:
            super().paint()
        finally:
            self.pos = every


class AccumulatingLines(_Accumulating, gl.GLLinePlotItem):
    def __init__(self, **kwds):
        super().__init__(mode="lines", **kwds)
        self._init_rows()


class AccumulatingPoints(_Accumulating, gl.GLScatterPlotItem):
    def __init__(self, **kwds):
        super().__init__(**kwds)
        self._init_rows()


def _same(a, b) -> bool:
    try:
        return bool(np.array_equal(a, b))
    except Exception:  # noqa: BLE001 - incomparable looks are different looks
        return False


class LayeredPainter:
    """The off-screen layer of one GLViewWidget and the three-pass paint (see the module docstring)."""

    def __init__(self, view):
        self.view = view
        self.live: set[int] = set()   # id()s of items painted every frame
        self.enabled = True
        self.rebuilds = 0             # how often the layer was painted in full (for tests and benchmarks)
        # the framebuffers "layer" (colour and depth) and "export" (an export's, see gui.descent.gl_grab), freed in
        # the view's context when that goes (see gui.views.context_objects)
        self.gl_objects = ContextObjects()
        self._key = None
        self._size = (0, 0)

    @property
    def size(self) -> tuple[int, int]:
        """The layer's size in pixels when it was last prepared."""
        return self._size

    def layer_of(self, item) -> str:
        if isinstance(item, _Accumulating):
            return "accumulating"
        if id(item) in self.live:
            return "live"
        return "still"

    def invalidate(self) -> None:
        self._key = None

    def paint(self) -> bool:
        """Paint the view; False if layers cannot be used here (the caller then paints the usual way)."""
        live = self.prepare()
        return live is not None and self.composite(live)

    def prepare(self) -> list | None:
        """Bring the off-screen layer up to date (painted afresh, or only the trails' new rows drawn into it) and
        return the live items; None if layers cannot be used. Needs the view's context current. An export calls it
        apart from :meth:`composite`, to let the renderer finish in between without the window waiting."""
        v = self.view
        region = v.getViewport()
        width, height = int(region[2]), int(region[3])
        if width <= 0 or height <= 0:
            return None
        items = [i for i in v.items if i.parentItem() is None]
        layers = {name: [i for i in items if self.layer_of(i) == name] for name in ("still", "accumulating", "live")}
        key = (width, height, tuple(v.viewMatrix().data()), tuple(v.projectionMatrix(region, region).data()),
               tuple((id(i), i.visible()) for i in layers["still"] + layers["accumulating"]), v.opts["bgcolor"],
               _text_key(v))
        # (a hidden trail's new look waits: it is not painted, and showing it changes the key)
        rebuild = key != self._key or any(i.needs_rebuild and i.visible() for i in layers["accumulating"])
        if rebuild and key[-1] is not None:
            v.text.prepare()   # before the layer's drawing
        if not self._bind_layer(width, height):
            return None
        v.setProjection(region, region)
        v.setModelview()
        if rebuild:
            GL.glClearColor(*v.opts["bgcolor"])
            GL.glClear(GL.GL_DEPTH_BUFFER_BIT | GL.GL_COLOR_BUFFER_BIT)
            self.rebuilds += 1
        for item in layers["accumulating"]:
            item.full = rebuild
        if rebuild:
            self._draw(layers["still"])
            if getattr(v, "text", None) is not None:
                v.text.draw()
        self._draw([i for i in layers["accumulating"] if rebuild or i.pending])
        self._key, self._size = key, (width, height)
        return layers["live"]

    def composite(self, live, target: int | None = None) -> bool:
        """Copy the prepared layer (colour and depth) into the view's framebuffer (or the framebuffer ``target``, of
        the same size) and paint the live items over it."""
        width, height = self._size
        target = self.view.defaultFramebufferObject() if target is None else target
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, self.gl_objects.get("layer").handle())
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, target)
        GL.glBlitFramebuffer(0, 0, width, height, 0, 0, width, height,
                             GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT, GL.GL_NEAREST)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, target)
        if GL.glGetError() != GL.GL_NO_ERROR:
            self.enabled, self._key = False, None
            return False
        GL.glViewport(0, 0, width, height)
        self._draw(live)
        return True

    def export_target(self, width: int, height: int) -> QOpenGLFramebufferObject:
        """A framebuffer of this size (colour and depth) for an export to compose the frame in (see
        :meth:`composite`), kept for the next export; needs the view's context current."""
        return self._framebuffer("export", width, height)

    def _framebuffer(self, name: str, width: int, height: int) -> QOpenGLFramebufferObject:
        fbo = self.gl_objects.get(name)
        if fbo is None or fbo.size() != QSize(width, height):
            fmt = QOpenGLFramebufferObjectFormat()
            fmt.setAttachment(QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
            fbo = self.gl_objects.put(name, QOpenGLFramebufferObject(QSize(width, height), fmt))
        return fbo

    def _bind_layer(self, width: int, height: int) -> bool:
        fbo = self.gl_objects.get("layer")
        if fbo is None or fbo.size() != QSize(width, height):
            fbo = self._framebuffer("layer", width, height)
            self._key = None
        if not fbo.isValid() or not fbo.bind():
            self.enabled = False
            return False
        GL.glViewport(0, 0, width, height)
        return True

    def _draw(self, items) -> None:
        """Paint these top-level items (and their children) the way GLViewWidget.drawItemTree does."""
        v = self.view
        saved = v.items
        v.items = list(items)
        try:
            v.drawItemTree()
        finally:
            v.items = saved


def _text_key(view) -> tuple | None:
    """What the view's text layer shows (a change repaints the layer)."""
    text = getattr(view, "text", None)
    return None if text is None else text.key()
