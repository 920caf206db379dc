"""The Surface workspace's file: ``*.gssurface.json`` (format ``gradscape.surface``, version 1, UTF-8 JSON).

    {"format": "gradscape.surface", "version": 1, "function": "x*exp(-x^2 - y^2)", "axes": ["x", "y"],
     "fixed": {}, "domain": {"x": [-2, 2], "y": [-2, 2]}, "point": [-1, 0], "resolution": 101,
     "overlays": {"gradient": true, "tangent": false, "quadratic": false, "eigen": false}}

Loading validates everything into a new :class:`SurfaceDocument` before anything is applied; saving is atomic.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from engine import ParseError, parse
from engine.files import atomic_write, check_header, loads_json, read_capped
from gui.session import check_axes, check_range

FORMAT, VERSION = "gradscape.surface", 1
FILE_FILTER = "Gradscape surface (*.gssurface.json)"
MAX_BYTES = 1_000_000


@dataclass
class SurfaceDocument:
    function: str
    axes: tuple[str, ...]
    fixed: dict[str, float] = field(default_factory=dict)
    domain: dict[str, tuple[float, float]] = field(default_factory=dict)
    point: tuple[float, ...] | None = None
    resolution: int = 101
    overlays: dict[str, bool] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"format": FORMAT, "version": VERSION, "function": self.function, "axes": list(self.axes),
                "fixed": self.fixed, "domain": {k: list(v) for k, v in self.domain.items()},
                "point": None if self.point is None else list(self.point), "resolution": self.resolution,
                "overlays": self.overlays}


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number")
    return float(value)


def _mapping(data: dict, key: str, what: str) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be an object of name: value pairs")
    return value


def document_from_json(data) -> SurfaceDocument:
    check_header(data, FORMAT, (VERSION,), "surface")
    text = data.get("function")
    if not isinstance(text, str):
        raise ValueError("the function is missing")
    try:
        names = parse(text).variables
    except ParseError as error:
        raise ValueError(f"the function does not parse: {error}") from None
    axes = _axes(data.get("axes"), names)
    fixed = {str(k): _number(v, f"fixed value of {k}") for k, v in _mapping(data, "fixed", "fixed").items()}
    domain = {}
    for axis, pair in _mapping(data, "domain", "domain").items():
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f"the range of {axis} must be [low, high]")
        lo, hi = _number(pair[0], f"range of {axis}"), _number(pair[1], f"range of {axis}")
        check_range(str(axis), lo, hi)
        domain[str(axis)] = (lo, hi)
    point = data.get("point")
    if point is not None:
        if not isinstance(point, list) or len(point) != len(axes):
            raise ValueError("the point needs one number per axis")
        point = tuple(_number(v, "a point coordinate") for v in point)
    resolution = data.get("resolution", 101)
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 11 <= resolution <= 401:
        raise ValueError("the grid resolution must be a whole number from 11 to 401")
    overlays = _mapping(data, "overlays", "overlays")
    if not all(isinstance(v, bool) for v in overlays.values()):
        raise ValueError("each overlay must be true or false")
    return SurfaceDocument(text, axes, fixed, domain, point, resolution, {str(k): v for k, v in overlays.items()})


def _axes(value, names: tuple[str, ...]) -> tuple[str, ...]:
    """The file's axes, checked as the Session checks them (a missing list: the function's variables)."""
    if value is None or value == []:
        value = list(names) if names else ["x"]
    if not isinstance(value, list):
        raise ValueError("the axes must be a list of variable names")
    axes = tuple(value)
    check_axes(names, axes)
    return axes


def check_function_text(text: str, *, from_graph: bool = False) -> None:
    """Refuse (ValueError) a function text that would not load back: a file must reopen as what was saved.

    A function sent from a large chain-rule graph is shown as a description ("<expression of N nodes …>") because
    its formula, written out, would be far too long; such a function is kept by saving the graph."""
    try:
        parse(text)
    except ParseError:
        if from_graph:
            raise ValueError("this function came from a chain-rule graph and is too long to write out as a formula, "
                             "so a surface file could not reopen it. Save the graph instead (Graph tab, File → "
                             "Save), and send it to the surface again after opening it.") from None
        raise ValueError("this function cannot be written as a formula that reads back, so nothing was "
                         "saved.") from None


def load_document(path: str) -> SurfaceDocument:
    return document_from_json(loads_json(read_capped(path, MAX_BYTES)))


def save_document(document: SurfaceDocument, path: str) -> None:
    """Atomic (see :func:`engine.files.atomic_write`); the file keeps an existing file's permissions."""
    atomic_write(path, json.dumps(document.to_json(), indent=2, ensure_ascii=False) + "\n")
