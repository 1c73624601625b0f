"""Rating-scale presets (``resources/scales/*.json``) and checks on user-defined levels."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from app.core.errors import ValidationError
from app.core.paths import resource_path
from app.core.wording import quoted

DEFAULT_SCALE = "five-level"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True, slots=True)
class LevelSpec:
    """A level as the user (or a preset) defines it, before it is stored."""

    label: str
    colour: str
    value: float | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class ScalePreset:
    key: str
    name: str
    description: str
    best_value: float | None
    worst_value: float | None
    levels: tuple[LevelSpec, ...]


@cache
def presets() -> dict[str, ScalePreset]:
    """Every preset shipped in ``resources/scales``, by key."""
    found: dict[str, ScalePreset] = {}
    for file in sorted(resource_path("scales").glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        levels = tuple(
            LevelSpec(
                label=lv["label"],
                colour=lv["colour"],
                value=lv.get("value"),
                description=lv.get("description", ""),
            )
            for lv in data["levels"]
        )
        preset = ScalePreset(
            key=data["key"],
            name=data["name"],
            description=data.get("description", ""),
            best_value=data.get("best_value"),
            worst_value=data.get("worst_value"),
            levels=levels,
        )
        check_levels(preset.levels)
        found[preset.key] = preset
    return found


def preset(key: str) -> ScalePreset:
    known = presets()
    if key not in known:
        raise ValidationError(
            f"unknown rating scale {quoted(key)}; choose one of: {', '.join(sorted(known))}."
        )
    return known[key]


def check_levels(levels: tuple[LevelSpec, ...] | list[LevelSpec]) -> None:
    """Refuse levels a report could not show unambiguously."""
    seen: set[str] = set()
    for level in levels:
        label = level.label.strip()
        if not label:
            raise ValidationError("a rating level needs a label.")
        if len(label) > 100 or "\n" in label:
            raise ValidationError(
                f"rating label {quoted(label[:40])} is too long or has a line break."
            )
        if label.casefold() in seen:
            raise ValidationError(f"rating label {quoted(label)} is used twice.")
        seen.add(label.casefold())
        if not _COLOUR.match(level.colour):
            raise ValidationError(
                f"colour {quoted(level.colour)} of {quoted(label)} is not #rrggbb."
            )
