"""The GL objects a view makes in its own context, freed in that context before the context goes.

A view's off-screen framebuffers (its text picture's, its layer's, an export's) belong to its context alone:
framebuffer objects are not shared between contexts, and their names are numbered per context. Left to Python's
collector, a ``QOpenGLFramebufferObject`` was freed whenever its wrapper was, most often after the view and its
context were gone; Qt then deleted its name in whichever context of the share group was current next (another
view's), where the same number may name that view's own framebuffer (on drivers that keep them per context, as the
GL spec has it; Mesa shares them across a share group, so there the right one went and no frame showed it). The text picture's texture, a raw GL name, was never deleted at all:
textures belong to the share group, which lives as long as the process, so each closed view left one behind
(4 bytes a pixel of the view).

Here each view keeps its GL objects in a :class:`ContextObjects`. When the view's context is about to be destroyed
(the view is deleted, by Qt or by a collection) they are freed with that context current. By then the view's Python
wrapper may already be dead, so the registry holds the objects but not the view, makes the dying context current on
an off-screen surface of its own when it is not current already, and leaves no context current afterwards, as Qt's
own teardown of a QOpenGLWidget does. Replacing an object (a new size) frees the old one at once: that happens while
the view paints, with its context current.
"""
from __future__ import annotations

from OpenGL import GL
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QOffscreenSurface, QOpenGLContext, QSurfaceFormat
from shiboken6 import Shiboken

_SURFACES: list[QOffscreenSurface] = []   # surfaces to make a dying context current on, one per format


class ContextObjects:
    """Named GL objects (``QOpenGLFramebufferObject``s, or texture names as ``int``) of one view's context.
    ``freed`` counts the objects freed and ``freed_elsewhere`` those freed while another context (or none) was
    current (for tests: always 0)."""

    def __init__(self) -> None:
        self._context = 0   # the address of the context they belong to (0: none yet)
        self._objects: dict[str, object] = {}
        self.freed = 0
        self.freed_elsewhere = 0

    def get(self, name: str):
        """The object called ``name`` (None if there is none: not made yet, or its context is gone)."""
        return self._objects.get(name)

    def put(self, name: str, obj):
        """Keep ``obj`` as ``name`` (freeing the one it replaces now: the view's context must be current); returns
        ``obj``. The first object of a context has that context watched."""
        self._watch()
        old = self._objects.pop(name, None)
        if old is not None:
            self._free(old)
        self._objects[name] = obj
        return obj

    def names(self) -> list[str]:
        return list(self._objects)

    def _watch(self) -> None:
        address = _current()
        if address == 0 or address == self._context:
            return
        self._objects.clear()   # of an earlier context: freed when it went
        self._context = address
        # a function, not a bound method (PySide would keep only a weak reference to this object, which the view's
        # collection may free first): the context keeps the objects until it goes, not the view
        QOpenGLContext.currentContext().aboutToBeDestroyed.connect(lambda: self._context_going())

    def _context_going(self) -> None:
        """The context is about to be destroyed: free the objects with it current. No wrapper of it is kept (it
        could be dead by now, with the view's), so one is made for the moment."""
        address, self._context = self._context, 0
        if not self._objects:
            return
        context = Shiboken.wrapInstance(address, QOpenGLContext)
        made_current = False
        try:
            if _current() != address:
                surface = _surface(context)
                made_current = surface is not None and context.makeCurrent(surface)
                if not made_current:   # no way to reach it: left to Qt, which frees them in some context
                    self._objects.clear()
                    return
            self._context = address
            self.release()
        finally:
            self._context = 0
            if made_current:
                context.doneCurrent()
            Shiboken.invalidate(context)   # the context is going: this wrapper must not outlive it

    def release(self) -> None:
        """Free every object now (their context must be current)."""
        objects, self._objects = list(self._objects.values()), {}
        for obj in objects:
            self._free(obj)

    def _free(self, obj) -> None:
        if _current() != self._context:
            self.freed_elsewhere += 1
        if isinstance(obj, int):
            GL.glDeleteTextures([obj])
        elif Shiboken.isValid(obj):
            Shiboken.delete(obj)   # ~QOpenGLFramebufferObject: its names are deleted in the current context
        self.freed += 1


def _current() -> int:
    """The address of the current context (0: none): the static currentContext() gives a wrapper without a parent,
    or the one that exists already."""
    context = QOpenGLContext.currentContext()
    return 0 if context is None else Shiboken.getCppPointer(context)[0]


def _surface(context: QOpenGLContext) -> QOffscreenSurface | None:
    """An off-screen surface the context can be made current on (of its format, as QOpenGLWidget's own is); None
    when the application is closing down (its surfaces are gone, and the contexts' objects go with the process)."""
    _SURFACES[:] = [s for s in _SURFACES if Shiboken.isValid(s)]
    if QCoreApplication.instance() is None or QCoreApplication.closingDown():
        return None
    fmt = context.format()
    for surface in _SURFACES:
        if surface.requestedFormat() == fmt:
            return surface
    surface = QOffscreenSurface()
    surface.setFormat(fmt)
    surface.create()
    _SURFACES.append(surface)
    return surface


def initialize_gl(view) -> None:
    """``GLViewWidget.initializeGL`` (pyqtgraph's: a GL version check, a vertex array object for a core profile, the
    items not initialized yet) with the view's context taken from the static ``currentContext()`` (Qt makes it
    current for ``initializeGL``). pyqtgraph asks ``self.context()``, and PySide makes the wrapper an instance method
    returns a child of the view's: a cycle collection that clears that child before its parent hands the C++ context
    to Python, which would delete it under the widget (as ``context.shareGroup()`` once deleted the share group, see
    gui/views/context_shader.py). A wrapper from a static function has no parent."""
    context = QOpenGLContext.currentContext()
    fmt = context.format()
    if not context.isOpenGLES() and fmt.version() < (2, 1):
        raise RuntimeError(f"pyqtgraph.opengl: Requires >= OpenGL 2.1; Found {GL.glGetString(GL.GL_VERSION)}")
    if fmt.profile() == QSurfaceFormat.OpenGLContextProfile.CoreProfile and not view.default_vao.isCreated():
        view.default_vao.create()
        view.default_vao.bind()
    for item in view.items:
        if not item.isInitialized():
            item.initialize()
