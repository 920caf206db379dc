"""Function presets, stored as data in resources/functions.json (format ``gradscape.presets``, version 1)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from engine import ParseError, parse

PRESETS_FILE = Path(__file__).resolve().parents[2] / "resources" / "functions.json"


@dataclass(frozen=True)
class Preset:
    name: str
    key: str
    formula: str
    group: str
    domain: dict[str, tuple[float, float]] = field(default_factory=dict)
    point: tuple[float, ...] | None = None
    fixed: dict[str, float] = field(default_factory=dict)
    note: str = ""


def load_presets(path: Path = PRESETS_FILE) -> list[Preset]:
    """Every preset in file order; a malformed entry raises ValueError naming it (the file ships with the app)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("format") != "gradscape.presets" or data.get("version") != 1:
        raise ValueError(f"{path}: not a version-1 Gradscape presets file")
    presets = []
    for group in data["groups"]:
        for entry in group["presets"]:
            try:
                parse(entry["formula"])
            except ParseError as error:
                raise ValueError(f"preset {entry.get('name')!r}: {error}") from error
            presets.append(Preset(
                name=entry["name"], key=entry["key"], formula=entry["formula"], group=group["name"],
                domain={k: (float(v[0]), float(v[1])) for k, v in entry.get("domain", {}).items()},
                point=tuple(float(v) for v in entry["point"]) if "point" in entry else None,
                fixed={k: float(v) for k, v in entry.get("fixed", {}).items()},
                note=entry.get("note", "")))
    return presets


def find_preset(presets: list[Preset], name: str) -> Preset:
    """A preset by key or display name (case-insensitive)."""
    wanted = name.strip().lower()
    for preset in presets:
        if wanted in (preset.key.lower(), preset.name.lower()):
            return preset
    raise KeyError(f"no preset {name!r}; choose from: {', '.join(p.key for p in presets)}")
