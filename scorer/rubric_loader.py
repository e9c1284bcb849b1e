"""Read and validate rubric files into :class:`~scorer.rubric.Rubric` records.

``load_rubric`` validates everything on load and raises :class:`~features.media.errors.ConfigError`
naming the file, the entry and the bad value (the file format is described in :mod:`scorer.rubric`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Set
from importlib import resources
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from features.media.data_files import load_yaml
from features.media.errors import ConfigError
from scorer.rubric import DIMENSIONS, DIRECTIONS, LANGS, ComplianceRule, Evidence, Rubric, RubricItem

TOP_KEYS = {"name", "version", "description", "dimensions", "compliance", "overlays"}
ITEM_KEYS = {"signal", "weight", "direction", "range", "target", "reason", "suggestion",
             "suggestion_with_evidence", "evidence", "missing"}
EVIDENCE_KEYS = {"cues", "events", "within_s", "screen_text", "transcript", "compliance"}
OVERLAY_KEYS = {"weight"}

def builtin_rubrics() -> list[str]:
    """Names of the rubrics shipped in the ``rubrics`` package."""
    return sorted(p.name[:-5] for p in resources.files("rubrics").iterdir() if p.name.endswith(".yaml"))


def load_rubric(name_or_path: str, known_signals: Set[str] | Mapping[str, Any]) -> Rubric:
    """Load and validate a rubric by built-in name or file path.

    ``known_signals``: the signals a rubric may name (the extractors' registry, passed in by the caller:
    :func:`scorer.scorers.registered_rubric`); an item naming any other signal is refused.
    """
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists() or "/" in name_or_path:
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
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML ({str(exc).splitlines()[0]}).") from None
    return parse_rubric(data, source, known_signals)


def parse_rubric(data: Any, source: str, known_signals: Set[str] | Mapping[str, Any]) -> Rubric:
    """Validate the parsed YAML ``data`` of a rubric; raise ConfigError on the first problem.

    ``known_signals`` is a set of names or a name -> ``SignalSpec`` mapping (then ranges are checked too).
    """
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: a rubric must be a mapping with 'name', 'version' and 'dimensions'.")
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {unknown}; allowed: {sorted(TOP_KEYS)}.")
    for key in ("name", "version", "dimensions"):
        if key not in data:
            raise ConfigError(f"{source}: missing '{key}'.")
    for key in ("name", "version"):
        if not isinstance(data[key], (str, int, float)) or not str(data[key]).strip():
            raise ConfigError(f"{source}: '{key}' must be a non-empty string, got {data[key]!r}.")
    dims = data["dimensions"]
    if not isinstance(dims, dict) or not dims or set(dims) - set(DIMENSIONS):
        raise ConfigError(f"{source}: 'dimensions' must map some of {list(DIMENSIONS)} to lists of items.")
    dimensions: dict[str, tuple[RubricItem, ...]] = {}
    for dimension in DIMENSIONS:
        raw_items = dims.get(dimension) or []
        if not isinstance(raw_items, list):
            raise ConfigError(f"{source}: dimensions.{dimension} must be a list of items.")
        items = tuple(
            _parse_item(raw, f"{source}: dimensions.{dimension}[{i}]", known_signals) for i, raw in enumerate(raw_items)
        )
        seen: set[str] = set()
        for item in items:
            if item.signal in seen:
                raise ConfigError(f"{source}: dimensions.{dimension} lists signal {item.signal!r} twice.")
            seen.add(item.signal)
        dimensions[dimension] = items
    compliance = data.get("compliance") or []
    if not isinstance(compliance, list):
        raise ConfigError(f"{source}: 'compliance' must be a list of {{signal, above, reason}} rules.")
    rules = tuple(_parse_rule(raw, f"{source}: compliance[{i}]", known_signals) for i, raw in enumerate(compliance))
    overlays = data.get("overlays") or {}
    if not isinstance(overlays, dict):
        raise ConfigError(f"{source}: 'overlays' must map niche ids to per-dimension changes.")
    for niche, overlay in overlays.items():
        _check_overlay(overlay, dimensions, f"{source}: overlays.{niche}")
    description = data.get("description") or ""
    if not isinstance(description, str):
        raise ConfigError(f"{source}: 'description' must be text, got {description!r}.")
    return Rubric(
        name=str(data["name"]),
        version=str(data["version"]),
        dimensions=dimensions,
        overlays=copy.deepcopy(overlays),
        compliance=rules,
        description=description,
        source=source,
        data=copy.deepcopy(data),
    )


def _check_signal(signal: Any, where: str, known_signals: Set[str] | Mapping[str, Any]) -> str:
    """``signal`` when it names a known signal; ConfigError otherwise."""
    if not isinstance(signal, str) or signal not in known_signals:
        raise ConfigError(f"{where}: unknown signal {signal!r} (run 'vidscore features' for the list).")
    return signal


def _texts(raw: Any, key: str, where: str, required: bool) -> dict[str, str]:
    value = raw.get(key) or {}
    if not isinstance(value, dict) or set(value) - set(LANGS) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"{where}: {key} must map 'en'/'zh' to text, got {value!r}.")
    if required and "en" not in value:
        raise ConfigError(f"{where}: {key} needs at least an 'en' text.")
    for lang, text in value.items():
        try:
            text.format(value=0, quote="", quotes="", at="", rewrites="")
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(
                f"{where}: {key}.{lang} has a bad placeholder ({exc}); allowed: {{value}}, {{quote}}, {{quotes}}, {{at}}, {{rewrites}}."
            ) from None
    return value


def _parse_evidence(raw: Any, where: str) -> Evidence:
    if raw is None:
        return Evidence()
    if not isinstance(raw, dict) or set(raw) - EVIDENCE_KEYS:
        raise ConfigError(f"{where}: evidence must be a mapping with keys among {sorted(EVIDENCE_KEYS)}, got {raw!r}.")
    lists = {}
    for key in ("cues", "events"):
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: evidence.{key} must be a list of names, got {value!r}.")
        lists[key] = tuple(value)
    window = raw.get("within_s")
    if window is not None:
        if not (isinstance(window, list) and len(window) == 2 and all(_is_number(v) for v in window)
                and 0 <= window[0] < window[1]):
            raise ConfigError(f"{where}: evidence.within_s must be [start, end] seconds with start < end, got {window!r}.")
        window = (float(window[0]), float(window[1]))
    flags = {}
    for key in ("screen_text", "transcript", "compliance"):
        value = raw.get(key, False)
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: evidence.{key} must be true or false, got {value!r}.")
        flags[key] = value
    return Evidence(lists["cues"], lists["events"], window, flags["screen_text"], flags["transcript"], flags["compliance"])


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _parse_item(raw: Any, where: str, known_signals: Set[str] | Mapping[str, Any]) -> RubricItem:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: an item must be a mapping with signal, weight, direction and range.")
    unknown = sorted(set(raw) - ITEM_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(ITEM_KEYS)}.")
    signal = _check_signal(raw.get("signal"), where, known_signals)
    where = f"{where} ({signal})"
    weight = raw.get("weight")
    if not _is_number(weight) or not weight > 0:
        raise ConfigError(f"{where}: weight must be a positive number, got {weight!r}.")
    direction = raw.get("direction", "higher")
    if direction not in DIRECTIONS:
        raise ConfigError(f"{where}: direction must be one of {list(DIRECTIONS)}, got {direction!r}.")
    if "range" not in raw:
        raise ConfigError(f"{where}: missing range [low, high].")
    bounds = raw["range"]
    if not (isinstance(bounds, list) and len(bounds) == 2 and all(_is_number(b) for b in bounds)):
        raise ConfigError(f"{where}: range must be [low, high], got {bounds!r}.")
    low, high = float(bounds[0]), float(bounds[1])
    if not high > low:
        raise ConfigError(f"{where}: range high must exceed low, got {bounds!r}.")
    if isinstance(known_signals, Mapping):
        spec = known_signals[signal]
        if high <= spec.low or low >= spec.high:
            raise ConfigError(
                f"{where}: range {bounds!r} lies outside the signal's possible values [{spec.low:g}, {spec.high:g}]."
            )
    target = raw.get("target")
    if direction == "band":
        if not (isinstance(target, list) and len(target) == 2 and all(_is_number(t) for t in target)
                and low <= target[0] <= target[1] <= high):
            raise ConfigError(f"{where}: a band item needs target [a, b] with low <= a <= b <= high, got {target!r}.")
        target = (float(target[0]), float(target[1]))
    elif target is not None:
        raise ConfigError(f"{where}: target is only allowed with direction 'band'.")
    missing = raw.get("missing")
    if missing is not None and not _is_number(missing):
        raise ConfigError(f"{where}: missing must be a number (the value of an unmeasured signal), got {missing!r}.")
    return RubricItem(
        signal=signal,
        weight=float(weight),
        direction=direction,
        low=low,
        high=high,
        target=target,
        reason=_texts(raw, "reason", where, required=True),
        suggestion=_texts(raw, "suggestion", where, required=False),
        suggestion_with_evidence=_texts(raw, "suggestion_with_evidence", where, required=False),
        evidence=_parse_evidence(raw.get("evidence"), where),
        missing=None if missing is None else float(missing),
    )


def _parse_rule(raw: Any, where: str, known_signals: Set[str] | Mapping[str, Any]) -> ComplianceRule:
    if not isinstance(raw, dict) or set(raw) - {"signal", "above", "reason", "evidence"}:
        raise ConfigError(f"{where}: a compliance rule is a mapping with signal, above, reason and optional evidence.")
    signal = _check_signal(raw.get("signal"), where, known_signals)
    above = raw.get("above", 0)
    if not _is_number(above):
        raise ConfigError(f"{where} ({signal}): above must be a number, got {above!r}.")
    return ComplianceRule(signal, float(above), _texts(raw, "reason", where, required=True),
                          _parse_evidence(raw.get("evidence"), where))


def _check_overlay(overlay: Any, dimensions: dict[str, tuple[RubricItem, ...]], where: str) -> None:
    if not isinstance(overlay, dict) or set(overlay) - set(DIMENSIONS):
        raise ConfigError(f"{where}: must map dimensions to {{signal: {{weight: ...}}}}.")
    for dimension, changes in overlay.items():
        if not isinstance(changes, dict):
            raise ConfigError(f"{where}.{dimension}: must map signals to {{weight: ...}}.")
        present = {item.signal for item in dimensions[dimension]}
        for signal, change in changes.items():
            if signal not in present:
                raise ConfigError(f"{where}.{dimension}: {signal!r} is not an item of that dimension.")
            if not isinstance(change, dict) or not change or set(change) - OVERLAY_KEYS:
                raise ConfigError(f"{where}.{dimension}.{signal}: only 'weight' can be overlaid, got {change!r}.")
            weight = change.get("weight")
            if not _is_number(weight) or not weight > 0:
                raise ConfigError(f"{where}.{dimension}.{signal}: weight must be a positive number, got {weight!r}.")
