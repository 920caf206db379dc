"""Function presets, stored as data in resources/functions.json (format ``gradscape.presets``, version 1), read by
the engine's one presets loader."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine import parse
from engine import files

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


def _preset(entry: dict) -> Preset:
    parse(entry["formula"])
    return Preset(name=entry["name"], key=entry["key"], formula=entry["formula"], group=entry["group"],
                  domain={k: (float(v[0]), float(v[1])) for k, v in entry.get("domain", {}).items()},
                  point=tuple(float(v) for v in entry["point"]) if "point" in entry else None,
                  fixed={k: float(v) for k, v in entry.get("fixed", {}).items()},
                  note=entry.get("note", ""))


def _grouped(data: dict) -> list[dict]:
    """The entries of every group, each told its group's name."""
    return [{**entry, "group": group["name"]} if isinstance(entry, dict) else entry
            for group in data["groups"] for entry in group["presets"]]


def load_presets(path: Path = PRESETS_FILE) -> list[Preset]:
    """Every preset in file order; a malformed entry raises ValueError naming it (the file ships with the app)."""
    return files.load_presets(path, "gradscape.presets", _preset, entries=_grouped)


def find_preset(presets: list[Preset], name: str) -> Preset:
    """A preset by key or display name (case-insensitive)."""
    return files.find_preset(presets, name)
