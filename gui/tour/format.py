"""Tour files: ``resources/tour/NN-name.json`` (format ``gradscape.tour``, version 1, UTF-8 JSON), one per section.

    {"format": "gradscape.tour", "version": 1, "section": "Hessians",
     "steps": [{"id": "quadratic", "title": "…", "text": "… {gradient} …", "highlight": "pointInspector",
                "scene": {"workspace": "surface", "function": "x*exp(-x^2-y^2)", "point": [-1, 0]},
                "erratum": {"printed": "…", "text": "… {quadratic_formula} …"},
                "exercise": {"kind": "gradient", "function": "…", "prompt": "…"}}]}

A step's text never carries numbers of its own: it names them as ``{key}`` or ``{key:argument}`` and the panel fills
them from the live scene (see gui.tour.facts). Every file is validated into new objects before it is used; a file that
fails is refused with its name and the field (``steps[2].scene.point: …``), and the other files still load.
This module is pure Python (no Qt), so files can be checked without a window.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from engine import ParseError, parse
from engine.analysis.answers import EXERCISE_KINDS
from engine.files import FileError, HeaderError, check_header, loads_json, read_capped

FORMAT, VERSION = "gradscape.tour", 1
TOUR_DIR = Path(__file__).resolve().parents[2] / "resources" / "tour"
MAX_BYTES = 256 * 1024
PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([A-Za-z0-9_.]+))?\}")
WORKSPACES = ("surface", "descent", "graph", "matrix")

# what each workspace's scene may say (type checkers below); unknown keys are refused so a typo never passes silently
SURFACE_KEYS = {"function": "formula", "range": "ranges", "point": "numbers", "fixed": "values",
                "overlays": "names", "gradient_field": "bool", "side": "name", "offset": "numbers",
                "direction": "numbers", "find_critical": "bool", "axes": "names", "printed_formula": "formula",
                "parts": "formulas"}
SCENE_KEYS = {
    "surface": SURFACE_KEYS,
    "descent": {**SURFACE_KEYS, "runs": "runs", "steps": "count", "select_run": "count"},
    "graph": {"preset": "name", "values": "values", "mode": "name", "paths_from": "name", "path": "count",
              "forward_from": "name"},
    "matrix": {"preset": "name", "expression": "text", "shapes": "shapes", "wrt": "name", "answer": "text",
               "seed": "count", "compare": "texts"},
}
# the numbers a step's text may name, per workspace (gui.tour.facts fills them from the live scene)
SURFACE_FACTS = ("function", "point", "value", "gradient", "gradient_norm", "steepest", "hessian", "eigenvalues",
                 "kind", "linear_formula", "quadratic_formula", "offset", "target", "linear_estimate",
                 "quadratic_estimate", "true_value", "linear_error", "quadratic_error", "direction", "directional",
                 "cos_angle", "partial", "gradient_sum", "critical", "lowest", "printed_value", "printed_error",
                 "part_gradient", "along", "gradient_formula", "second_formula")
DESCENT_FACTS = SURFACE_FACTS + ("run_method", "run_start", "run_lr", "run_steps", "run_end", "run_value",
                                 "run_status", "run_threshold", "run_factor")
MATRIX_FACTS = ("expression", "value", "gradient", "gradient_formula", "wrt", "fd_error", "verdict", "values",
                "compare", "answer")
GRAPH_FACTS = ("value", "adjoint", "partial", "path_count", "path_sum", "output", "edge_count", "forward_tangent")
FACT_KEYS = {"surface": SURFACE_FACTS, "descent": DESCENT_FACTS, "graph": GRAPH_FACTS, "matrix": MATRIX_FACTS}
SIDES = ("inspect", "approximation", "critical", "slices")
OVERLAY_NAMES = ("gradient", "tangent", "quadratic", "eigen")
GRAPH_MODES = ("forward", "backward", "partials")


class TourFileError(ValueError):
    """A tour file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    text: str
    scene: dict
    highlight: str = ""
    erratum: dict | None = None
    exercise: dict | None = None
    conceal: tuple[str, ...] = ()   # objectNames hidden while the exercise is open (they would give the answer away)

    @property
    def workspace(self) -> str:
        return self.scene["workspace"]


@dataclass(frozen=True)
class Section:
    key: str          # the file's stem, e.g. "06-hessians"
    title: str
    steps: tuple[Step, ...]
    path: str = ""


@dataclass
class Tour:
    sections: list[Section] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)   # one line per refused file

    def steps(self) -> list[tuple[Section, Step]]:
        return [(s, step) for s in self.sections for step in s.steps]


def load_tour(folder: str | Path = TOUR_DIR) -> Tour:
    """Every ``*.json`` in ``folder`` in name order; a refused file adds a line to ``errors`` and is skipped."""
    tour = Tour()
    try:
        paths = sorted(Path(folder).glob("*.json"))
    except OSError as err:
        tour.errors.append(f"{folder}: cannot list the tour files ({err.strerror or err})")
        return tour
    for path in paths:
        try:
            tour.sections.append(load_section(path))
        except TourFileError as err:
            tour.errors.append(str(err))
    if not paths:
        tour.errors.append(f"{folder}: no tour files (*.json)")
    return tour


def load_section(path: str | Path) -> Section:
    path = Path(path)
    try:
        data = loads_json(read_capped(path, MAX_BYTES))
        return section_from_json(data, path.stem, str(path))
    except (FileError, ValueError) as err:
        raise TourFileError(f"{path.name}: {err}") from None


def section_from_json(data, key: str, path: str = "") -> Section:
    try:
        check_header(data, FORMAT, (VERSION,), "tour")
    except HeaderError as err:
        raise ValueError(f"{err.field}: {err}") from None
    _only(data, {"format", "version", "section", "steps"}, "")
    title = _text(data.get("section"), "section")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        raise ValueError("steps: must be a non-empty list")
    parsed = tuple(_step(s, f"steps[{i}]") for i, s in enumerate(steps))
    ids = [s.id for s in parsed]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise ValueError(f"steps: the id {duplicate!r} is used twice")
    return Section(key, title, parsed, path)


def _step(data, where: str) -> Step:
    if not isinstance(data, dict):
        raise ValueError(f"{where}: must be an object")
    _only(data, {"id", "title", "text", "scene", "highlight", "erratum", "exercise", "conceal"}, where)
    text = _text(data.get("text"), f"{where}.text")
    _no_typed_numbers(text, f"{where}.text")
    scene = _scene(data.get("scene"), f"{where}.scene")
    _known_numbers(text, scene["workspace"], f"{where}.text")
    erratum = data.get("erratum")
    if erratum is not None:
        if not isinstance(erratum, dict):
            raise ValueError(f"{where}.erratum: must be an object with printed and text")
        _only(erratum, {"printed", "text"}, f"{where}.erratum")
        _text(erratum.get("printed"), f"{where}.erratum.printed")
        erratum_text = _text(erratum.get("text"), f"{where}.erratum.text")
        _no_typed_numbers(erratum_text, f"{where}.erratum.text")
        _known_numbers(erratum_text, scene["workspace"], f"{where}.erratum.text")
    exercise = data.get("exercise")
    if exercise is not None:
        _exercise(exercise, f"{where}.exercise")
    conceal = data.get("conceal", [])
    _names(conceal, f"{where}.conceal")
    if conceal and exercise is None:
        raise ValueError(f"{where}.conceal: only an exercise step hides controls")
    return Step(_name(data.get("id"), f"{where}.id"), _text(data.get("title"), f"{where}.title"), text, scene,
                _optional_name(data.get("highlight"), f"{where}.highlight"), erratum, exercise, tuple(conceal))


def _kind(data, where: str, key: str, choices) -> str:
    """``data[key]`` of an object, which must be one of ``choices``."""
    if not isinstance(data, dict):
        raise ValueError(f"{where}: must be an object with a {key}")
    value = data.get(key)
    if value not in choices:
        raise ValueError(f"{where}.{key}: must be one of {', '.join(choices)} (got {value!r})")
    return value


def _scene(data, where: str) -> dict:
    workspace = _kind(data, where, "workspace", WORKSPACES)
    keys = SCENE_KEYS[workspace]
    _only(data, {"workspace", *keys}, where)
    for key, kind in keys.items():
        if key in data:
            CHECKS[kind](data[key], f"{where}.{key}")
    if workspace in ("surface", "descent"):
        _check_surface_values(data, where)
    if "select_run" in data:
        _check_selected_run(data, where)
    return dict(data)


def _check_surface_values(data: dict, where: str) -> None:
    if data.get("side") is not None and data["side"] not in SIDES:
        raise ValueError(f"{where}.side: must be one of {', '.join(SIDES)}")
    unknown = [o for o in data.get("overlays", []) if o not in OVERLAY_NAMES]
    if unknown:
        raise ValueError(f"{where}.overlays: unknown overlay {unknown[0]!r} (choose from {', '.join(OVERLAY_NAMES)})")
    if "function" not in data and any(k in data for k in ("range", "point", "fixed")):
        raise ValueError(f"{where}.function: needed when the scene sets a range, point or fixed values")


def _check_selected_run(data: dict, where: str) -> None:
    """``select_run`` is the index of one of the scene's own runs (the run list selects it, so its plots show)."""
    runs = len(data.get("runs", []))
    if not data["select_run"] < runs:
        raise ValueError(f"{where}.select_run: must be the index of one of the scene's runs (0 to {runs - 1})"
                         if runs else f"{where}.select_run: needs the scene's runs to choose from")


def _exercise(data, where: str) -> None:
    kind = _kind(data, where, "kind", EXERCISE_KINDS)
    _text(data.get("prompt"), f"{where}.prompt")
    try:
        EXERCISE_KINDS[kind].validate(data)
    except ValueError as err:
        raise ValueError(f"{where}.{err}") from None


# --- typed checks ---------------------------------------------------------------------------------------------------
def _only(data: dict, allowed: set, where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        prefix = f"{where}." if where else ""
        raise ValueError(f"{prefix}{extra[0]}: unknown field (allowed: {', '.join(sorted(allowed))})")


def _text(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: must be non-empty text")
    if len(value) > 4000:
        raise ValueError(f"{where}: longer than 4000 characters")
    return value


def _name(value, where: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.\-]{0,80}", value):
        raise ValueError(f"{where}: must be a name (letters, digits, _ . -)")
    return value


def _optional_name(value, where: str) -> str:
    return "" if value is None else _name(value, where)


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{where}: must be a finite number")
    return float(value)


def _list_of(check, what: str, most: int = 1000):
    """A checker of a list whose every item passes ``check`` (``what`` names the items in the message)."""
    def checked(value, where: str) -> None:
        if not isinstance(value, list) or not len(value) <= most:
            raise ValueError(f"{where}: must be a list of {what}" + (f" (at most {most})" if most < 1000 else ""))
        for i, v in enumerate(value):
            check(v, f"{where}[{i}]")
    return checked


def _map_of(check, what: str):
    """A checker of an object whose every value passes ``check``."""
    def checked(value, where: str) -> None:
        if not isinstance(value, dict):
            raise ValueError(f"{where}: must be an object of name: {what} pairs")
        for k, v in value.items():
            check(v, f"{where}.{k}")
    return checked


def _range(value, where: str) -> None:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError(f"{where}: must be [low, high]")
    lo, hi = _number(value[0], f"{where}[0]"), _number(value[1], f"{where}[1]")
    if not lo < hi:
        raise ValueError(f"{where}: low must be below high")


def _formula(value, where: str) -> None:
    _text(value, where)
    try:
        parse(value)
    except ParseError as err:
        raise ValueError(f"{where}: {err}") from None


def _numbers(value, where: str) -> None:
    if isinstance(value, list) and not value:
        raise ValueError(f"{where}: must be a list of 1 to 8 numbers")
    _list_of(_number, "numbers", 8)(value, where)


_values, _ranges, _formulas = _map_of(_number, "number"), _map_of(_range, "[low, high]"), _map_of(_formula, "formula")
_texts, _names = _list_of(_text, "texts"), _list_of(_name, "names")


def _bool(value, where: str) -> None:
    if not isinstance(value, bool):
        raise ValueError(f"{where}: must be true or false")


def _count(value, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        raise ValueError(f"{where}: must be a whole number from 0 to 100000")


def _runs(value, where: str) -> None:
    if not isinstance(value, list) or not 1 <= len(value) <= 8:
        raise ValueError(f"{where}: must be a list of 1 to 8 runs")
    from engine.optim.descent import METHODS
    for i, run in enumerate(value):
        if not isinstance(run, dict):
            raise ValueError(f"{where}[{i}]: must be an object with a method")
        _only(run, {"method", "start", "hyper"}, f"{where}[{i}]")
        if run.get("method") not in METHODS:
            raise ValueError(f"{where}[{i}].method: must be one of {', '.join(METHODS)}")
        if "start" in run:
            _numbers(run["start"], f"{where}[{i}].start")
        if "hyper" in run:
            _values(run["hyper"], f"{where}[{i}].hyper")


def _shapes(value, where: str) -> None:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: must be an object of name: [rows, cols] pairs")
    for k, v in value.items():
        if not isinstance(v, list) or len(v) != 2 or not all(isinstance(n, int) and 1 <= n <= 100 for n in v):
            raise ValueError(f"{where}.{k}: must be [rows, cols], each 1 to 100")


CHECKS = {"formula": _formula, "ranges": _ranges, "numbers": _numbers, "values": _values, "names": _names,
          "bool": _bool, "name": _name, "count": _count, "runs": _runs, "text": _text, "shapes": _shapes, "formulas": _formulas, "texts": _texts}


def _no_typed_numbers(text: str, where: str) -> None:
    """Numbers in a step's text come from the live scene: digits outside ``{…}`` and outside `quoted formulas` are
    refused (names such as x1 are fine; an erratum's ``printed`` quotes the chapter and is not checked)."""
    outside = re.sub(r"`[^`]*`", "", PLACEHOLDER.sub("", text))
    found = re.search(r"(?<![A-Za-z_\d])\d+(?:\.\d+)?", outside)
    if found:
        raise ValueError(f"{where}: the number {found.group()!r} is typed into the text; name it as a "
                         f"{{placeholder}} filled from the scene")


def _known_numbers(text: str, workspace: str, where: str) -> None:
    for key, _arg in placeholders(text):
        if key not in FACT_KEYS[workspace]:
            raise ValueError(f"{where}: {{{key}}} is not a number the {workspace} scene can show "
                             f"(choose from {', '.join(FACT_KEYS[workspace])})")


def placeholders(text: str) -> list[tuple[str, str]]:
    """(key, argument) of every ``{key}`` / ``{key:argument}`` in ``text``."""
    return [(m.group(1), m.group(2) or "") for m in PLACEHOLDER.finditer(text)]
