"""The fitted model of one dimension: per-signal shapes, an intercept and a 0-100 score map.

Shared by outcome fitting, reference percentiles, the calibrated scorer and the model-file format.
Scores are in [0, 100]; shape values are score points before the map.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from scorer.model import Contribution, usable
from scorer.rubric import RubricItem


@dataclass(frozen=True)
class Shape:
    """A signal's fitted contribution curve: piecewise-linear through (xs, ys), constant outside.

    ``percentiles`` (reference models) gives the corpus percentile at each knot; ``typical`` is the
    10th-90th percentile of the signal in the data it was fitted on.
    """

    signal: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    typical: tuple[float, float]
    percentiles: tuple[float, ...] | None = None

    def __call__(self, value: float) -> float:
        return float(np.interp(float(value), self.xs, self.ys))

    def percentile(self, value: float) -> float | None:
        if self.percentiles is None:
            return None
        value = float(value)
        if value > self.xs[-1] or value < self.xs[0]:
            return 100.0 if value > self.xs[-1] else 0.0  # beyond every video of the corpus
        return float(np.interp(value, self.xs, self.percentiles))

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"signal": self.signal, "xs": list(self.xs), "ys": list(self.ys),
                               "typical": list(self.typical)}
        if self.percentiles is not None:
            out["percentiles"] = list(self.percentiles)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Shape:
        xs, ys = tuple(map(float, data["xs"])), tuple(map(float, data["ys"]))
        if not xs or len(xs) != len(ys) or any(b < a for a, b in pairwise(xs)):
            raise ValueError(f"shape of {data.get('signal')!r} needs equal-length xs/ys with xs ascending")
        pct = data.get("percentiles")
        return cls(str(data["signal"]), xs, ys, tuple(map(float, data["typical"])),
                   tuple(map(float, pct)) if pct is not None else None)


@dataclass(frozen=True)
class DimensionModel:
    """An additive model of one dimension: ``raw = intercept + sum shapes``, ``score = map(raw)`` in [0, 100]."""

    dimension: str
    intercept: float
    shapes: tuple[Shape, ...]
    map_xs: tuple[float, ...]
    map_ys: tuple[float, ...]

    def to_score(self, raw: float) -> float:
        return float(np.clip(np.interp(raw, self.map_xs, self.map_ys), 0.0, 100.0))

    def raw(self, signals: Mapping[str, Any]) -> float:
        return self.intercept + sum(s(signals[s.signal]) for s in self.shapes if usable(signals.get(s.signal)))

    def score(self, items: Sequence[RubricItem], signals: Mapping[str, Any]) -> tuple[float, float, list[Contribution]]:
        """(score, baseline, contributions); baseline + sum(points) == score."""
        signals = impute(signals, items)
        shapes = {s.signal: s for s in self.shapes}
        parts = {name: shape(signals[name]) for name, shape in shapes.items() if usable(signals.get(name))}
        raw = self.intercept + sum(parts.values())
        score, baseline = self.to_score(raw), self.to_score(self.intercept)
        delta = raw - self.intercept
        if abs(delta) > 1e-9:
            factor = (score - baseline) / delta
        else:
            factor = (self.to_score(self.intercept + 1.0) - self.to_score(self.intercept - 1.0)) / 2.0
        rows = []
        for item in items:
            value = signals.get(item.signal)
            shape = shapes.get(item.signal)
            if shape is None or not usable(value):
                typical = shape.typical if shape else (item.low, item.high)
                rows.append(Contribution(item, value if usable(value) else None, None, 0.0, 0.0, typical))
                continue
            f, best, worst = parts[item.signal], max(shape.ys), min(shape.ys)
            goodness = (f - worst) / (best - worst) if best > worst else 0.5
            gain = max(0.0, self.to_score(raw + best - f) - score)
            rows.append(Contribution(item, value, goodness, f * factor, gain, shape.typical, shape.percentile(value)))
        return score, baseline, rows

    def as_dict(self) -> dict[str, Any]:
        return {"intercept": self.intercept, "shapes": [s.as_dict() for s in self.shapes],
                "map": {"xs": list(self.map_xs), "ys": list(self.map_ys)}}

    @classmethod
    def from_dict(cls, dimension: str, data: Mapping[str, Any]) -> DimensionModel:
        xs, ys = tuple(map(float, data["map"]["xs"])), tuple(map(float, data["map"]["ys"]))
        if not xs or len(xs) != len(ys):
            raise ValueError(f"{dimension}: map needs equal-length, non-empty xs/ys")
        return cls(dimension, float(data["intercept"]), tuple(Shape.from_dict(s) for s in data["shapes"]), xs, ys)


def impute(signals: Mapping[str, Any], items: Sequence[RubricItem]) -> dict[str, Any]:
    """``signals`` with each item's ``missing`` value standing in for its unmeasured signal."""
    out = dict(signals)
    for item in items:
        out[item.signal] = item.value_in(signals)
    return out


def design(rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> np.ndarray:
    """Matrix (n, len(names)) of float signal values, NaN where unmeasured."""
    return np.array(
        [[float(row[n]) if usable(row.get(n)) else np.nan for n in names] for row in rows], dtype=float
    ).reshape(len(rows), len(names))


def typical_range(column: np.ndarray) -> tuple[float, float]:
    """10th and 90th percentile of the measured (non-NaN) values of ``column``; (0, 0) when none are."""
    measured = column[~np.isnan(column)]
    if not len(measured):
        return (0.0, 0.0)
    return (float(np.percentile(measured, 10)), float(np.percentile(measured, 90)))
