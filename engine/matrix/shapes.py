"""Shapes of matrix expressions: the default naming convention, user overrides, words for messages, ShapeError.

A shape is ``(rows, cols)``; a scalar is ``(1, 1)`` and a vector is a column ``(n, 1)``. Unless told otherwise,
names starting with ``a``–``g`` are scalars, ``h``–``z`` vectors of length 3 and ``A``–``Z`` 3×3 matrices (the
convention of the best-known online matrix-calculus tool); other names (``_x``) are scalars.
"""
from __future__ import annotations

import numbers
import re
from typing import Mapping

from engine.expr.parser import ParseError

Shape = tuple[int, int]
SCALAR: Shape = (1, 1)
DEFAULT_LENGTH = 3
MAX_DIMENSION = 100_000        # rows or columns of one variable; a typo such as 30000000 is refused, not allocated
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class ShapeError(ParseError):
    """Operands whose shapes do not fit. ``position`` is the 0-based character of the operation in the text;
    ``operation`` names it ("subtract", "multiply", …) and ``shapes`` holds the operands' shapes."""

    def __init__(self, message: str, position: int, operation: str = "", shapes: tuple[Shape, ...] = ()):
        super().__init__(message, position)
        self.args = (f"{message} at column {position + 1}",)
        self.operation = operation
        self.shapes = tuple(shapes)

    def __str__(self) -> str:
        return self.args[0]


class ShapeMismatch(ValueError):
    """Raised by a rule's shape function; the builder adds the position and turns it into a ShapeError."""

    def __init__(self, message: str, operation: str, shapes: tuple[Shape, ...]):
        super().__init__(message)
        self.message = message
        self.operation = operation
        self.shapes = shapes


def default_shape(name: str) -> Shape:
    first = name[0]
    if "h" <= first <= "z":
        return (DEFAULT_LENGTH, 1)
    if "A" <= first <= "Z":
        return (DEFAULT_LENGTH, DEFAULT_LENGTH)
    return SCALAR


def is_scalar(shape: Shape) -> bool:
    return shape == SCALAR


def normalize_shape(value, name: str = "shape") -> Shape:
    """``n`` or ``(n,)`` → the column ``(n, 1)``; ``(r, c)`` → itself. ValueError naming ``name`` otherwise."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (int(value), 1)
    try:
        dims = tuple(value)
    except TypeError:
        raise ValueError(f"{name}: a shape is rows and columns, got {value!r}") from None
    if len(dims) == 1:
        dims = (dims[0], 1)
    if len(dims) != 2 or not all(isinstance(d, numbers.Integral) and not isinstance(d, bool) for d in dims):
        raise ValueError(f"{name}: a shape is two whole numbers (rows, columns), got {value!r}")
    dims = tuple(int(d) for d in dims)
    if not all(1 <= d <= MAX_DIMENSION for d in dims):
        raise ValueError(f"{name}: rows and columns must be between 1 and {MAX_DIMENSION}, got {dims[0]}×{dims[1]}")
    return (dims[0], dims[1])


def normalize_shapes(shapes: Mapping[str, object] | None) -> dict[str, Shape]:
    out: dict[str, Shape] = {}
    for name, value in (shapes or {}).items():
        if not isinstance(name, str) or not NAME.match(name):
            raise ValueError(f"shapes: {name!r} is not a variable name")
        out[name] = normalize_shape(value, name)
    return out


def describe(shape: Shape) -> str:
    """Words for a shape in a message: "a scalar", "a 3×1 vector", "a 1×3 row vector", "a 5×4 matrix"."""
    rows, cols = shape
    if shape == SCALAR:
        return "a scalar"
    if cols == 1:
        return f"a {rows}×1 vector"
    if rows == 1:
        return f"a 1×{cols} row vector"
    return f"a {rows}×{cols} matrix"


def shape_text(shape: Shape) -> str:
    return f"{shape[0]}×{shape[1]}"
