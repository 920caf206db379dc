"""The Matrix workspace's file: ``*.gsmatrix.json`` (format ``gradscape.matrix``, version 1, UTF-8 JSON).

    {"format": "gradscape.matrix", "version": 1, "expression": "norm2(X - U*V)^2",
     "shapes": {"X": [6, 5], "U": [6, 2], "V": [2, 5]}, "values": {"X": [[…], …], …}, "wrt": "V", "answer": "",
     "seed": 1, "sampling": "normal", "descend": {"variables": ["U", "V"], "method": "gd", "lr": null},
     "compare": ["U*V", "X"], "held": []}

``held`` (optional) names the values the answer check keeps, such as a preset's ±1 labels.

Every field is checked (types, names, shapes, finite numbers, sizes) into a new :class:`MatrixState` before anything
is replaced; a refusal names the problem. Saving is atomic (:func:`engine.files.atomic_write`).
"""
from __future__ import annotations

import json
import math

import numpy as np

from engine.files import atomic_write, check_header, loads_json, read_capped
from engine.matrix.parser import MAX_LENGTH
from engine.matrix.shapes import NAME
from engine.matrix.workbench import DESCENT_METHODS, MAX_SIDE, SAMPLINGS, MatrixState, completed

FORMAT, VERSION = "gradscape.matrix", 1
FILE_FILTER = "Gradscape matrix (*.gsmatrix.json)"
MAX_BYTES = 2_000_000
MAX_COMPARE = 4


def state_to_json(state: MatrixState) -> dict:
    """The file's JSON object; ValueError if a value is not finite (the file could not be read back)."""
    for name, value in state.values.items():
        if not np.all(np.isfinite(value)):
            raise ValueError(f"the values of {name} are not all finite numbers, so the file could not be read back")
    return {"format": FORMAT, "version": VERSION, "expression": state.expression,
            "shapes": {n: list(s) for n, s in state.shapes.items()},
            "values": {n: np.asarray(v, dtype=np.float64).tolist() for n, v in state.values.items()},
            "wrt": state.wrt, "answer": state.answer, "seed": state.seed, "sampling": state.sampling,
            "descend": {"variables": list(state.descend), "method": state.method, "lr": state.lr},
            "compare": list(state.compare), "held": list(state.held)}


def _text(data: dict, key: str, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or len(value) > MAX_LENGTH:
        raise ValueError(f"{key} must be text of at most {MAX_LENGTH} characters")
    return value


def _name(value, what: str) -> str:
    if not isinstance(value, str) or not NAME.match(value):
        raise ValueError(f"{what}: {value!r} is not a variable name")
    return value


def _mapping(data: dict, key: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ValueError(f"{key} must be an object of name: value pairs")
    return value


def _whole(value, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{what} must be a whole number from {low} to {high}")
    return value


def _shape(value, name: str) -> tuple[int, int]:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError(f"the shape of {name} must be [rows, columns]")
    return (_whole(value[0], f"the rows of {name}", 1, MAX_SIDE), _whole(value[1], f"the columns of {name}", 1,
                                                                           MAX_SIDE))


def _matrix(value, name: str, shape: tuple[int, int]) -> np.ndarray:
    rows = value if isinstance(value, list) else None
    if rows is None or len(rows) != shape[0] or not all(isinstance(r, list) and len(r) == shape[1] for r in rows):
        raise ValueError(f"the values of {name} must be {shape[0]} rows of {shape[1]} numbers")
    for row in rows:
        for v in row:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"the values of {name} must be finite numbers")
    return np.array(rows, dtype=np.float64)


def state_from_json(data) -> MatrixState:
    check_header(data, FORMAT, (VERSION,), "matrix")
    expression = _text(data, "expression")
    shapes = {_name(n, "shapes"): _shape(s, n) for n, s in _mapping(data, "shapes").items()}
    state = MatrixState(expression=expression, shapes=shapes)
    used = state.shapes_used()
    values = {}
    for name, value in _mapping(data, "values").items():
        if _name(name, "values") not in used:
            raise ValueError(f"values for {name}, which the expression does not use")
        values[name] = _matrix(value, name, used[name])
    wrt = _text(data, "wrt")
    if wrt and wrt not in used:
        raise ValueError(f"the gradient is taken with respect to {wrt}, which the expression does not use")
    descend = _mapping(data, "descend")
    variables = descend.get("variables", [])
    if not isinstance(variables, list) or any(_name(v, "descend") not in used for v in variables):
        raise ValueError("descend.variables must list variables of the expression")
    method = descend.get("method", "gd")
    if method not in DESCENT_METHODS:
        raise ValueError(f"descend.method must be one of {', '.join(DESCENT_METHODS)}")
    lr = descend.get("lr")
    if lr is not None and (isinstance(lr, bool) or not isinstance(lr, (int, float)) or not 0 < lr < 1e6):
        raise ValueError("descend.lr must be null or a number between 0 and 1e6")
    sampling = data.get("sampling", "normal")
    if sampling not in SAMPLINGS:
        raise ValueError(f"sampling must be one of {', '.join(SAMPLINGS)}")
    compare = data.get("compare", [])
    if not isinstance(compare, list) or len(compare) > MAX_COMPARE or not all(
            isinstance(c, str) and len(c) <= MAX_LENGTH for c in compare):
        raise ValueError(f"compare must be a list of at most {MAX_COMPARE} formulas")
    held = data.get("held", [])
    if not isinstance(held, list) or any(_name(v, "held") not in values for v in held):
        raise ValueError("held must list variables whose values the file gives")
    return completed(state.replace(
        held=tuple(dict.fromkeys(held)), values=values, wrt=wrt, answer=_text(data, "answer"), seed=_whole(data.get("seed", 0), "seed", 0, 2 ** 32),
        sampling=sampling, descend=tuple(dict.fromkeys(variables)), method=method,
        lr=None if lr is None else float(lr), compare=tuple(compare)))


def load_state(path) -> MatrixState:
    return state_from_json(loads_json(read_capped(path, MAX_BYTES)))


def save_state(state: MatrixState, path) -> None:
    """Atomic; the file keeps an existing file's permissions."""
    atomic_write(path, json.dumps(state_to_json(state), indent=1, ensure_ascii=False) + "\n")
