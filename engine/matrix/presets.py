"""Matrix presets, stored as data in resources/matrix_presets.json (format ``gradscape.matrix-presets``, v1).

Each preset is an expression with its shapes, the variable whose gradient is shown first, optionally the variables
a descent runs over, fixed values (labels, a penalty weight) and how random values are drawn ("normal" or "spd" for
symmetric positive definite matrices). Answers are not stored: the engine computes them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine import files
from engine.matrix.check import SAMPLINGS, instance
from engine.matrix.node import ShapedExpression, as_value
from engine.matrix.parser import parse_matrix
from engine.matrix.shapes import normalize_shapes
from engine.matrix.workbench import MatrixState, completed

PRESETS_FILE = Path(__file__).resolve().parents[2] / "resources" / "matrix_presets.json"


@dataclass(frozen=True)
class MatrixPreset:
    key: str
    name: str
    expression: str
    shapes: dict = field(default_factory=dict)
    wrt: str = ""
    descend: tuple[str, ...] = ()
    values: dict = field(default_factory=dict)
    sampling: str = "normal"
    compare: tuple[str, ...] = ()
    note: str = ""

    def parse(self) -> ShapedExpression:
        return parse_matrix(self.expression, self.shapes)

    def state(self, seed: int = 0) -> MatrixState:
        """The Matrix workspace's state for this preset: its expression, shapes, fixed values and the rest drawn."""
        return completed(MatrixState(expression=self.expression, shapes=dict(self.shapes), values=dict(
            (k, np.asarray(v, dtype=np.float64).reshape(self.parse().variables[k])) for k, v in self.values.items()),
            wrt=self.wrt, seed=seed, sampling=self.sampling, descend=self.descend, compare=self.compare,
            held=tuple(self.values)))

    def values_for(self, seed: int = 0) -> dict[str, np.ndarray]:
        """Values for every variable: the preset's fixed ones, the rest drawn from ``seed``."""
        return instance(self.parse(), seed, fixed=self.values, samplings=samplings_from(self.sampling))


def samplings_from(sampling: str) -> tuple[str, ...]:
    """The order of distributions tried: "spd" only, or normal first then the domain-aware fallbacks."""
    return ("spd",) if sampling == "spd" else SAMPLINGS


def _preset(entry: dict) -> MatrixPreset:
    shapes = normalize_shapes({k: tuple(v) for k, v in entry.get("shapes", {}).items()})
    preset = MatrixPreset(key=str(entry["key"]), name=str(entry["name"]), expression=str(entry["expression"]),
                          shapes=shapes, wrt=str(entry.get("wrt", "")), descend=tuple(entry.get("descend", ())),
                          values=dict(entry.get("values", {})), sampling=str(entry.get("sampling", "normal")),
                          compare=tuple(entry.get("compare", ())), note=str(entry.get("note", "")))
    expr = preset.parse()
    variables = expr.variables
    if preset.sampling not in ("normal", "spd"):
        raise ValueError(f"sampling must be 'normal' or 'spd', got {preset.sampling!r}")
    for name in (preset.wrt, *preset.descend, *preset.values):
        if name and name not in variables:
            raise ValueError(f"{name!r} is not a variable of {preset.expression!r}")
    for name, value in preset.values.items():
        as_value(value, variables[name], name)
    for formula in preset.compare:
        parse_matrix(formula, variables)
    return preset


def load_presets(path: Path = PRESETS_FILE) -> list[MatrixPreset]:
    """Every preset in file order; a malformed entry raises ValueError naming it (the file ships with the app)."""
    return files.load_presets(path, "gradscape.matrix-presets", _preset, "matrix preset")


def find_preset(presets: list[MatrixPreset], name: str) -> MatrixPreset:
    return files.find_preset(presets, name, "matrix preset")
