"""Rubrics: YAML data that says which signals make each score, how much, and in which direction.

Exposed by ``vidscore rubrics list|show|validate`` and ``--rubric NAME|PATH`` on
``vidscore score``. A rubric file looks like this (see ``rubrics/default.yaml``)::

    name: default
    version: "1"
    description: "..."               # optional
    dimensions:
      quality:                        # quality | immersion | persuasion
        - signal: sharpness           # a registered signal (vidscore features)
          weight: 3                   # > 0, relative within the dimension
          direction: higher           # higher | lower | band | penalty
          range: [0.25, 0.75]         # reference range: low -> worst, high -> best (higher)
          target: [a, b]              # band only: the sweet spot inside range
          reason: {en: "...", zh: "..."}       # shown in explanations; {value} is the signal value
          suggestion: {en: "...", zh: "..."}   # shown when the signal is weak
          suggestion_with_evidence: {en: "... {quote} ...", zh: "..."}  # optional, used when evidence exists
          evidence: {cues: [absolute_claim], events: [cut], within_s: [0, 3], screen_text: true, transcript: true}
          missing: 0                  # optional: value to use when the signal is unmeasured (default: leave it out)
    compliance:                       # optional: signals that raise the compliance-risk flag
      - signal: absolute_claim_count
        above: 0                      # flag when value > above (a true bool counts as 1)
        reason: {en: "...", zh: "..."}
        evidence: {cues: [absolute_claim]}
    overlays:                         # optional, selected with --niche ID
      beauty:
        immersion:
          close_up_share: {weight: 4}

Directions: ``higher`` (more is better up to ``range[1]``), ``lower`` (less is
better), ``band`` (best inside ``target``), ``penalty`` (removes points as the
value rises from ``range[0]`` to ``range[1]``; never adds any).

This module holds the rubric's typed records; :mod:`scorer.rubric_loader` reads and validates the files.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

DIMENSIONS = ("quality", "immersion", "persuasion")
DIRECTIONS = ("higher", "lower", "band", "penalty")
LANGS = ("en", "zh")


@dataclass(frozen=True)
class Evidence:
    """Which parts of a result back up an explanation: cue types, event kinds, screen text, speech.

    ``within_s`` limits evidence to a time window in seconds (e.g. the 3-second hook). ``compliance`` quotes the
    risky phrases of the compliance check (each with its category and compliant rewrite).
    """

    cues: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    within_s: tuple[float, float] | None = None
    screen_text: bool = False
    transcript: bool = False
    compliance: bool = False

    def __bool__(self) -> bool:
        return bool(self.cues or self.events or self.screen_text or self.transcript or self.compliance)


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
    suggestion_with_evidence: dict[str, str] = field(default_factory=dict)
    evidence: Evidence = field(default_factory=Evidence)
    missing: float | None = None  # value used when the signal is unmeasured (None: the item is left out)

    def value_in(self, signals: Mapping[str, Any]) -> Any:
        """This item's signal value in ``signals``, with ``missing`` standing in for an unmeasured one."""
        value = signals.get(self.signal)
        if self.missing is not None and (value is None or (isinstance(value, float) and math.isnan(value))):
            return self.missing
        return value

    def goodness(self, value: float) -> float:
        """Map a signal value to [0, 1]: 1 is as good as this rubric cares about.

        For ``penalty`` items the result is the penalty strength in [0, 1] instead.
        """
        v = float(value)
        position = min(1.0, max(0.0, (v - self.low) / (self.high - self.low)))
        if self.direction in ("higher", "penalty"):
            return position
        if self.direction == "lower":
            return 1.0 - position
        assert self.target is not None
        a, b = self.target
        if a <= v <= b:
            return 1.0
        if v < a:
            return min(1.0, max(0.0, (v - self.low) / (a - self.low))) if a > self.low else 0.0
        return min(1.0, max(0.0, (self.high - v) / (self.high - b))) if self.high > b else 0.0


@dataclass(frozen=True)
class ComplianceRule:
    """A signal that raises the compliance-risk flag when its value exceeds ``above``."""

    signal: str
    above: float
    reason: dict[str, str]
    evidence: Evidence = field(default_factory=Evidence)

    def raised(self, value: Any) -> bool:
        if value is None or isinstance(value, str):
            return False
        return float(value) > self.above


@dataclass(frozen=True)
class Rubric:
    """A validated rubric: items per dimension, compliance rules and niche overlays.

    ``data`` is the parsed YAML it came from (embedded in calibrated model files).
    """

    name: str
    version: str
    dimensions: dict[str, tuple[RubricItem, ...]]
    overlays: dict[str, dict[str, dict[str, dict[str, Any]]]] = field(default_factory=dict)
    compliance: tuple[ComplianceRule, ...] = ()
    description: str = ""
    source: str = ""
    data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def for_niche(self, niche: str | None) -> Rubric:
        """This rubric with the overlay of ``niche`` applied (unchanged when there is none)."""
        overlay = self.overlays.get(niche or "")
        if not overlay:
            return self
        dimensions = {}
        for dimension, items in self.dimensions.items():
            changes = overlay.get(dimension) or {}
            dimensions[dimension] = tuple(
                replace(item, **changes[item.signal]) if item.signal in changes else item for item in items
            )
        return replace(self, dimensions=dimensions, name=f"{self.name}+{niche}")

    def signals(self) -> set[str]:
        """Every signal the rubric reads (dimension items and compliance rules)."""
        used = {item.signal for items in self.dimensions.values() for item in items}
        return used | {rule.signal for rule in self.compliance}

    def item(self, dimension: str, signal: str) -> RubricItem:
        """The item of ``signal`` in ``dimension``; KeyError when absent."""
        for item in self.dimensions[dimension]:
            if item.signal == signal:
                return item
        raise KeyError(f"{signal} is not an item of {dimension} in rubric {self.name}")

    def digest(self) -> str:
        """SHA-256 of the rubric's canonical JSON (identifies it inside model files)."""
        return hashlib.sha256(json.dumps(self.data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
