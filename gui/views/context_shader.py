"""A shader program compiled once per OpenGL share group, not once per process.

pyqtgraph's ``ShaderProgram`` compiles on first use and keeps that program id for good. A program declared at module
level (the surface's shader) then outlives the context it was compiled in: a SurfaceView made, closed and made again
in a process whose contexts do not share objects asks the new context for a program id it never made
("glGetAttribLocation: invalid value", and no surface). Here each share group (the contexts that share objects: all
of them when Qt's AA_ShareOpenGLContexts is set, as main.py does) gets its own program, compiled in it on first use
and forgotten when the group is destroyed.

The group is asked for with the static ``QOpenGLContextGroup.currentContextGroup()``, never with
``context.shareGroup()``: PySide makes an object returned by a method a child of the wrapper it was called on, so the
group's one wrapper became a child of the newest context's wrapper (the view's, which pyqtgraph's ``initializeGL``
keeps). When a closed view and its items were left to the garbage collector, that wrapper, older than its parent,
could be cleared first, and shiboken's clear gives a child's C++ object back to Python: the collector then deleted
the process-wide share group under every live context (heap corruption, "corrupted size vs. prev_size", or a hang in
the next ``makeCurrent``). A wrapper from a static function has no parent, so no clear hands it anything.
"""
from __future__ import annotations

from pyqtgraph.opengl import shaders
from PySide6.QtGui import QOpenGLContext, QOpenGLContextGroup
from shiboken6 import Shiboken


class ContextShaderProgram(shaders.ShaderProgram):
    """A ``ShaderProgram`` whose compiled program belongs to the current context's share group."""

    def __init__(self, name, shader_list, uniforms=None):
        super().__init__(name, shader_list, uniforms)
        self._programs: dict[int, int] = {}   # share group (its address) → program id

    def program(self, *, es2_compat: bool = False) -> int:
        if QOpenGLContext.currentContext() is None:
            return super().program(es2_compat=es2_compat)
        group = QOpenGLContextGroup.currentContextGroup()   # not context.shareGroup(): see the module's note
        key = Shiboken.getCppPointer(group)[0]
        if key not in self._programs:
            self.prog = None   # compile anew, in this group
            self._programs[key] = super().program(es2_compat=es2_compat)
            group.destroyed.connect(lambda *_args, key=key: self._programs.pop(key, None))
        self.prog = self._programs[key]
        return self.prog
