"""Grab a layered GL view for an export without the window waiting on the software renderer.

``QOpenGLWidget.grabFramebuffer()`` renders and reads the frame back in one call: on Mesa's llvmpipe the read waits
until the renderer's threads have drawn everything, and on a busy machine that alone took 100–230 ms. Here the
frame is made in pieces, one per call of the generator (an export takes one per event-loop turn):

1. the view's off-screen layer is brought up to date (the trails' new rows, or the whole layer after a rewind) and
   a fence is set; the generator yields until the renderer has passed it;
2. the layer is copied into a framebuffer of the export's own with the live items on top (the view's framebuffer is
   left alone: the window's compositor may still be reading it, and drawing into it would wait for that), and a
   fence set: llvmpipe's glReadPixels waits for the drawing, even into a buffer;
3. its pixels are read into a pixel buffer object, with another fence;
4. once that fence has passed, the buffer is mapped and copied into a QImage.

Between pieces nothing waits: the fences are polled with a zero timeout. Where this cannot work (no layers, a
multisampled framebuffer, an old GL), the view's own grabFramebuffer() is used.
"""
from __future__ import annotations

import ctypes

import numpy as np
from OpenGL import GL
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage, QPainter, QRegion
from PySide6.QtWidgets import QWidget

MAX_POLLS = 2000   # a fence that never passes (a lost context): give up waiting and read synchronously


def grab_slices(view):
    """A generator grabbing ``view`` (a SurfaceView with layers) as grabFramebuffer() would; its return value
    (StopIteration.value) is the picture as a QImage."""
    layers = getattr(view, "layers", None)
    if layers is None or not layers.enabled or view.format().samples() > 1 or not view.isValid():
        yield
        return view.grabFramebuffer()
    view.makeCurrent()
    if layers.prepare() is None:
        return view.grabFramebuffer()
    yield from _until_drawn(view, _fence())
    view.makeCurrent()
    live = layers.prepare()   # up to date: nothing to draw, the live items to paint
    width, height = layers.size
    target = layers.export_target(width, height)   # freed with the view's context (gui.views.context_objects)
    if live is None or not layers.composite(live, target.handle()):
        return view.grabFramebuffer()
    yield from _until_drawn(view, _fence())   # llvmpipe's glReadPixels, even into a buffer, waits for the drawing
    view.makeCurrent()
    buffer = _read_async(target.handle(), width, height)
    try:
        yield from _until_drawn(view, _fence())
        view.makeCurrent()
        return _mapped_image(buffer, width, height)
    finally:
        _release(view, lambda: GL.glDeleteBuffers(1, [buffer]))


def _fence():
    fence = GL.glFenceSync(GL.GL_SYNC_GPU_COMMANDS_COMPLETE, 0)
    GL.glFlush()
    return fence


def _until_drawn(view, fence):
    """Yield until the renderer has passed ``fence`` (then delete it)."""
    try:
        for _ in range(MAX_POLLS):
            view.makeCurrent()
            if GL.glClientWaitSync(fence, 0, 0) in (GL.GL_ALREADY_SIGNALED, GL.GL_CONDITION_SATISFIED):
                return
            yield
        view.makeCurrent()
        GL.glClientWaitSync(fence, GL.GL_SYNC_FLUSH_COMMANDS_BIT, 10**9)
    finally:
        _release(view, lambda: GL.glDeleteSync(fence))


def _release(view, delete) -> None:
    """Free a GL object in the view's context, also when an export is abandoned mid-frame (the generator is
    closed later, maybe after the view is gone: then the context took the object with it)."""
    try:
        view.makeCurrent()
        delete()
    except RuntimeError:
        pass


def _read_async(framebuffer: int, width: int, height: int) -> int:
    """Queue a read of ``framebuffer`` into a new pixel buffer object (returned)."""
    buffer = GL.glGenBuffers(1)
    GL.glBindBuffer(GL.GL_PIXEL_PACK_BUFFER, buffer)
    GL.glBufferData(GL.GL_PIXEL_PACK_BUFFER, width * height * 4, None, GL.GL_STREAM_READ)
    GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, framebuffer)
    GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 4)
    GL.glReadPixels(0, 0, width, height, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, ctypes.c_void_p(0))
    GL.glBindBuffer(GL.GL_PIXEL_PACK_BUFFER, 0)
    return buffer


def _mapped_image(buffer: int, width: int, height: int) -> QImage:
    """The pixel buffer's rows, top row first (GL's first row is the bottom one), as an opaque QImage like
    grabFramebuffer's."""
    GL.glBindBuffer(GL.GL_PIXEL_PACK_BUFFER, buffer)
    try:
        address = GL.glMapBufferRange(GL.GL_PIXEL_PACK_BUFFER, 0, width * height * 4, GL.GL_MAP_READ_BIT)
        rows = np.ctypeslib.as_array(ctypes.cast(address, ctypes.POINTER(ctypes.c_uint8)), shape=(height, width, 4))
        pixels = np.ascontiguousarray(rows[::-1])
        GL.glUnmapBuffer(GL.GL_PIXEL_PACK_BUFFER)
    finally:
        GL.glBindBuffer(GL.GL_PIXEL_PACK_BUFFER, 0)
    pixels[..., 3] = 255
    image = QImage(pixels.data, width, height, 4 * width, QImage.Format.Format_RGBA8888)
    return image.convertToFormat(QImage.Format.Format_RGB32)


def widget_in_strips(widget, strips: int = 2):
    """A generator grabbing a raster widget (a plot) as ``widget.grab()`` would, a horizontal strip per call, so a
    busy machine's slow paint of the contour map is split across turns of the event loop; returns the QImage."""
    ratio = widget.devicePixelRatioF()
    width, height = widget.width(), widget.height()
    image = QImage(round(width * ratio), round(height * ratio), QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(ratio)
    image.fill(0)
    edges = [round(height * k / strips) for k in range(strips + 1)]
    for top, bottom in zip(edges[:-1], edges[1:]):
        painter = QPainter(image)
        try:
            QWidget.render(widget, painter, QPoint(0, top), QRegion(0, top, width, bottom - top))   # not the view's
        finally:
            painter.end()
        if bottom < height:
            yield
    return image
