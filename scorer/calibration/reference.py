"""Reference models: no labels, scores become percentiles (0-100) of the user's own corpus.

Each ``higher``/``lower`` signal is normalised by its percentile in the corpus; each dimension's score is
the percentile of its rubric sum among the corpus, so 70 means "better than 70% of your videos".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from features.media.errors import ConfigError
from scorer.calibration.dimension import (
    DimensionModel,
    Shape,
    design,
    impute,
    typical_range,
)
from scorer.model import BASELINE, PENALTY_POINTS
from scorer.rubric import DIMENSIONS, Rubric

MIN_REFERENCE_ROWS = 10


def _ecdf_knots(values: np.ndarray, max_knots: int = 41) -> tuple[np.ndarray, np.ndarray]:
    """Knots (x, percentile 0-100) of "share of ``values`` this x beats" (ties count half)."""
    xs = np.unique(np.percentile(values, np.linspace(0, 100, max_knots)))
    below = np.searchsorted(np.sort(values), xs, side="left")
    equal = np.searchsorted(np.sort(values), xs, side="right") - below
    return xs, 100.0 * (below + 0.5 * equal) / len(values)


def fit_reference(rows: Sequence[Mapping[str, Any]], rubric: Rubric) -> dict[str, DimensionModel]:
    """Percentile models of every dimension over the user's corpus ``rows`` (no labels)."""
    n = len(rows)
    if n < MIN_REFERENCE_ROWS:
        raise ConfigError(f"a reference corpus needs at least {MIN_REFERENCE_ROWS} scored videos, got {n}.")
    models = {}
    for dimension in DIMENSIONS:
        items = rubric.dimensions[dimension]
        total = sum(i.weight for i in items if i.direction != "penalty") or 1.0
        imputed = [impute(row, items) for row in rows]
        shapes = []
        for item in items:
            column = design(imputed, [item.signal])[:, 0]
            measured = column[~np.isnan(column)]
            if not len(measured):
                continue
            percentiles = None
            if item.direction in ("higher", "lower"):
                xs, percentiles = _ecdf_knots(measured)
                goodness = percentiles / 100.0 if item.direction == "higher" else 1.0 - percentiles / 100.0
            else:
                xs = np.unique([item.low, *(item.target or ()), item.high])
                goodness = np.array([item.goodness(x) for x in xs])
            if item.direction == "penalty":
                ys = -PENALTY_POINTS * item.weight * goodness
            else:
                ys = 100.0 * item.weight * (goodness - 0.5) / total
            shapes.append(Shape(item.signal, tuple(map(float, xs)), tuple(map(float, ys)), typical_range(column),
                                tuple(map(float, percentiles)) if percentiles is not None else None))
        partial = DimensionModel(dimension, BASELINE, tuple(shapes), (0.0,), (50.0,))
        raws = np.array([partial.raw(row) for row in imputed])
        map_xs, map_ys = _ecdf_knots(raws, max_knots=101)
        models[dimension] = DimensionModel(dimension, BASELINE, tuple(shapes), tuple(map(float, map_xs)),
                                           tuple(map(float, map_ys)))
    return models
