"""Rubrics: YAML data that says which signals make each score, how much, and in which direction.

A rubric file looks like this (see ``rubrics/default.yaml``)::

    name: default
    version: "1"
    dimensions:
      quality:                      # quality | immersion | persuasion
        - signal: sharpness         # a registered signal (vidscore features)
          weight: 3                 # > 0, relative within the dimension
          direction: higher         # higher | lower | band | penalty
          range: [0.25, 0.75]       # reference range: low -> worst, high -> best (higher)
          target: [a, b]            # band only: the sweet spot inside range
          reason: {en: "...", zh: "..."}       # shown in explanations; {value} is the signal value
          suggestion: {en: "...", zh: "..."}   # shown when the signal is weak
    overlays:                       # optional, selected with --niche ID
      beauty:
        immersion:
          close_up_share: {weight: 4}

``load_rubric`` validates everything on load and raises
:class:`~scorer.errors.ConfigError` naming the file, the entry and the bad value.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from scorer.errors import ConfigError

DIMENSIONS = ("quality", "immersion", "persuasion")
DIRECTIONS = ("higher", "lower", "band", "penalty")
LANGS = ("en", "zh")


@dataclass(frozen=True)
class RubricItem:
    """How one signal contributes to one dimension."""

    signal: str
    weight: float
    direction: str
    low: float
    high: float
    target: tuple[float, float] | None = None
    reason: dict[str, str] = field(default_factory=dict)
    suggestion: dict[str, str] = field(default_factory=dict)

    def goodness(self, value: float) -> float:
        """Map a signal value to [0, 1]: 1 is as good as this rubric cares about.

        For ``penalty`` items the result is the penalty strength in [0, 1] instead.
        """
        span = self.high - self.low
        position = min(1.0, max(0.0, (float(value) - self.low) / span))
        if self.direction == "higher":
            return position
        if self.direction in ("lower",):
            return 1.0 - position
        if self.direction == "penalty":
            return position
        assert self.target is not None
        a, b = self.target
        v = float(value)
        if a <= v <= b:
            return 1.0
        if v < a:
            return max(0.0, (v - self.low) / (a - self.low)) if a > self.low else 0.0
        return max(0.0, (self.high - v) / (self.high - b)) if self.high > b else 0.0


@dataclass(frozen=True)
class Rubric:
    """A validated rubric: items per dimension plus niche overlays."""

    name: str
    version: str
    dimensions: dict[str, tuple[RubricItem, ...]]
    overlays: dict[str, dict[str, dict[str, dict[str, Any]]]] = field(default_factory=dict)
    source: str = ""

    def for_niche(self, niche: str | None) -> "Rubric":
        """This rubric with the overlay of ``niche`` applied (unchanged when there is none)."""
        overlay = self.overlays.get(niche or "")
        if not overlay:
            return self
        dimensions = {}
        for dimension, items in self.dimensions.items():
            changes = overlay.get(dimension, {})
            dimensions[dimension] = tuple(
                replace(item, **changes[item.signal]) if item.signal in changes else item for item in items
            )
        return replace(self, dimensions=dimensions, name=f"{self.name}+{niche}")

    def signals(self) -> set[str]:
        return {item.signal for items in self.dimensions.values() for item in items}


def builtin_rubrics() -> list[str]:
    """Names of the rubrics shipped in the ``rubrics`` package."""
    return sorted(p.name[:-5] for p in resources.files("rubrics").iterdir() if p.name.endswith(".yaml"))


def load_rubric(name_or_path: str, known_signals: set[str] | None = None) -> Rubric:
    """Load and validate a rubric by built-in name or file path.

    ``known_signals`` defaults to every registered signal; an item naming any other signal is refused.
    """
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise ConfigError(f"rubric file {path} does not exist.")
        text, source = path.read_text(encoding="utf-8"), str(path)
    else:
        if name_or_path not in builtin_rubrics():
            raise ConfigError(
                f"unknown rubric {name_or_path!r}; built-in rubrics: {', '.join(builtin_rubrics())} (or give a .yaml path)."
            )
        text = resources.files("rubrics").joinpath(f"{name_or_path}.yaml").read_text(encoding="utf-8")
        source = f"rubrics/{name_or_path}.yaml"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML ({str(exc).splitlines()[0]}).") from None
    if known_signals is None:
        from features.registry import signal_spec_map

        known_signals = set(signal_spec_map())
    return parse_rubric(data, source, known_signals)


def parse_rubric(data: Any, source: str, known_signals: set[str]) -> Rubric:
    """Validate the parsed YAML ``data`` of a rubric; raise ConfigError on the first problem."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: a rubric must be a mapping with 'name', 'version' and 'dimensions'.")
    for key in ("name", "version", "dimensions"):
        if key not in data:
            raise ConfigError(f"{source}: missing '{key}'.")
    dims = data["dimensions"]
    if not isinstance(dims, dict) or set(dims) - set(DIMENSIONS) or not dims:
        raise ConfigError(f"{source}: 'dimensions' must map some of {list(DIMENSIONS)} to lists of items.")
    dimensions: dict[str, tuple[RubricItem, ...]] = {}
    for dimension in DIMENSIONS:
        raw_items = dims.get(dimension) or []
        if not isinstance(raw_items, list):
            raise ConfigError(f"{source}: dimensions.{dimension} must be a list of items.")
        dimensions[dimension] = tuple(
            _parse_item(raw, f"{source}: dimensions.{dimension}[{i}]", known_signals) for i, raw in enumerate(raw_items)
        )
    overlays = data.get("overlays") or {}
    if not isinstance(overlays, dict):
        raise ConfigError(f"{source}: 'overlays' must map niche ids to per-dimension changes.")
    for niche, overlay in overlays.items():
        _check_overlay(overlay, dimensions, f"{source}: overlays.{niche}")
    return Rubric(
        name=str(data["name"]),
        version=str(data["version"]),
        dimensions=dimensions,
        overlays=copy.deepcopy(overlays),
        source=source,
    )


def _parse_item(raw: Any, where: str, known_signals: set[str]) -> RubricItem:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: an item must be a mapping with signal, weight, direction and range.")
    signal = raw.get("signal")
    if signal not in known_signals:
        raise ConfigError(f"{where}: unknown signal {signal!r} (run 'vidscore features' for the list).")
    weight = raw.get("weight")
    if not isinstance(weight, (int, float)) or isinstance(weight, bool) or not weight > 0:
        raise ConfigError(f"{where}: weight must be a positive number, got {weight!r}.")
    direction = raw.get("direction", "higher")
    if direction not in DIRECTIONS:
        raise ConfigError(f"{where}: direction must be one of {list(DIRECTIONS)}, got {direction!r}.")
    bounds = raw.get("range")
    if not (isinstance(bounds, list) and len(bounds) == 2 and all(isinstance(b, (int, float)) for b in bounds)):
        raise ConfigError(f"{where}: range must be [low, high], got {bounds!r}.")
    low, high = float(bounds[0]), float(bounds[1])
    if not high > low:
        raise ConfigError(f"{where}: range high must exceed low, got {bounds!r}.")
    target = raw.get("target")
    if direction == "band":
        if not (isinstance(target, list) and len(target) == 2 and low <= target[0] <= target[1] <= high):
            raise ConfigError(f"{where}: a band item needs target [a, b] with low <= a <= b <= high, got {target!r}.")
        target = (float(target[0]), float(target[1]))
    elif target is not None:
        raise ConfigError(f"{where}: target is only allowed with direction 'band'.")
    texts = {}
    for key in ("reason", "suggestion"):
        value = raw.get(key) or {}
        if not isinstance(value, dict) or set(value) - set(LANGS) or not all(isinstance(v, str) for v in value.values()):
            raise ConfigError(f"{where}: {key} must map 'en'/'zh' to text, got {value!r}.")
        if key == "reason" and "en" not in value:
            raise ConfigError(f"{where}: reason needs at least an 'en' text.")
        texts[key] = value
    return RubricItem(signal, float(weight), direction, low, high, target, texts["reason"], texts["suggestion"])


def _check_overlay(overlay: Any, dimensions: dict[str, tuple[RubricItem, ...]], where: str) -> None:
    if not isinstance(overlay, dict) or set(overlay) - set(DIMENSIONS):
        raise ConfigError(f"{where}: must map dimensions to {{signal: {{weight: ...}}}}.")
    for dimension, changes in overlay.items():
        present = {item.signal for item in dimensions[dimension]}
        for signal, change in (changes or {}).items():
            if signal not in present:
                raise ConfigError(f"{where}.{dimension}: {signal!r} is not an item of that dimension.")
            if not isinstance(change, dict) or set(change) - {"weight"}:
                raise ConfigError(f"{where}.{dimension}.{signal}: only 'weight' can be overlaid.")
            weight = change.get("weight")
            if not isinstance(weight, (int, float)) or not weight > 0:
                raise ConfigError(f"{where}.{dimension}.{signal}: weight must be positive, got {weight!r}.")
