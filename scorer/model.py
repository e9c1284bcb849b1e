"""The rubric scorer: a scikit-learn-compatible estimator that turns signals into 0-100 scores.

Used by ``vidscore score`` (``--rubric NAME|PATH``, ``--niche ID``). ``RubricScorer``
needs no training data: ``fit`` only resolves the rubric. Each dimension's score
is ``50 + sum(contributions)``; a signal's contribution is
``100 * w * (g - 0.5) / W``, where ``g`` in [0, 1] is how good its value is by
the rubric, ``w`` its weight and ``W`` the total weight of the dimension's
measured (non-penalty) signals. Penalty items subtract ``PENALTY_POINTS * w * s``
(``s`` the penalty strength in [0, 1]) instead. Contributions therefore add up
exactly to the score; a final ``clipped`` amount records any clipping to [0, 100].

Calibrated models (``scorer.calibration``) produce the same :class:`ScoredVideo`; both
scorers satisfy the :class:`Scorer` protocol.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from scorer.rubric import DIMENSIONS, Rubric, RubricItem

BASELINE = 50.0
PENALTY_POINTS = 30.0  # points a full-strength penalty item of weight 1 removes


@dataclass(frozen=True)
class Contribution:
    """One signal's share of one score.

    Attributes:
        item: the rubric item (texts, direction, reference range).
        value: the signal value, or None when not measured.
        goodness: how good the value is in [0, 1] (penalty strength for penalty items), None when unmeasured.
        points: signed score points this signal adds.
        gain: score points expected if the signal were made as good as the rubric/model allows (>= 0).
        typical: (low, high) typical range of the signal shown to users.
        percentile: share (0-100) of the reference corpus this value beats, when a reference model scored it.
    """

    item: RubricItem
    value: float | bool | None
    goodness: float | None
    points: float
    gain: float = 0.0
    typical: tuple[float, float] | None = None
    percentile: float | None = None


@dataclass(frozen=True)
class ScoredVideo:
    """Scores (0-100), baselines and contributions per dimension for one video.

    For every dimension ``baseline + sum(points) + clipped == score`` exactly.
    ``notes`` says per dimension how the score was made (rubric, outcome model, reference corpus).
    """

    scores: dict[str, float]
    contributions: dict[str, list[Contribution]]
    clipped: dict[str, float]
    baseline: dict[str, float]
    notes: dict[str, dict[str, Any]]


class Scorer(Protocol):
    """What the pipeline needs of a scorer: the rubric it uses, an id for ``versions.model``, one-video scoring."""

    rubric_: Rubric

    def model_id(self) -> str:
        """Identifier such as ``rubric:default@1`` or ``outcome:ctr@<digest>``."""
        ...

    def score_one(self, signals: Mapping[str, Any], lang: str = "en", niche: str | None = None) -> ScoredVideo:
        """Scores (0-100) and per-signal contributions for one video's signals."""
        ...


def usable(value: Any) -> bool:
    """True for a finite number or a bool; False for None, text, NaN or infinity."""
    if value is None or isinstance(value, str):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


class RubricScorer(BaseEstimator):
    """Score videos with a rubric (no training needed).

    Args:
        rubric: a validated :class:`Rubric` (``scorer.scorers.registered_rubric(name)`` loads one by name).
        niche: niche overlay applied by :meth:`predict` (None: no overlay).
    """

    def __init__(self, rubric: Rubric, niche: str | None = None) -> None:
        self.rubric = rubric
        self.niche = niche

    def fit(self, X: Any = None, y: Any = None) -> RubricScorer:
        """Resolve the rubric; ``X`` and ``y`` are accepted for API compatibility and ignored."""
        if not isinstance(self.rubric, Rubric):
            raise ValueError(f"rubric must be a Rubric (scorer.scorers.registered_rubric loads one by name), "
                             f"got {type(self.rubric).__name__}")
        self.rubric_ = self.rubric
        self.feature_names_in_ = np.array(sorted(self.rubric_.signals()), dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "rubric_"):
            raise NotFittedError("RubricScorer is not fitted yet: call fit() first.")

    def model_id(self) -> str:
        self._check_fitted()
        return f"rubric:{self.rubric_.name}@{self.rubric_.version}"

    def predict(self, X: Any) -> np.ndarray:
        """Scores of shape (n_videos, 3), columns quality, immersion, persuasion (0-100).

        ``X`` is a sequence of signal dicts, a pandas DataFrame, or an array whose columns follow
        ``feature_names_in_``.
        """
        self._check_fitted()
        rows = as_signal_dicts(X, self.feature_names_in_)
        return np.array(
            [[self.score_one(row, niche=self.niche).scores[d] for d in DIMENSIONS] for row in rows], dtype=float
        )

    def contributions(self, X: Any, dimension: str) -> np.ndarray:
        """Per-signal points of ``dimension``, shape (n_videos, n_items) in the rubric's item order."""
        self._check_fitted()
        if dimension not in DIMENSIONS:
            raise ValueError(f"dimension must be one of {list(DIMENSIONS)}, got {dimension!r}")
        rows = as_signal_dicts(X, self.feature_names_in_)
        return np.array(
            [[c.points for c in self.score_one(row, niche=self.niche).contributions[dimension]] for row in rows],
            dtype=float,
        ).reshape(len(rows), -1)

    def score_one(self, signals: Mapping[str, Any], lang: str = "en", niche: str | None = None) -> ScoredVideo:
        """Scores and per-signal contributions for one video's signals."""
        self._check_fitted()
        rubric = self.rubric_.for_niche(niche)
        scores: dict[str, float] = {}
        contributions: dict[str, list[Contribution]] = {}
        clipped: dict[str, float] = {}
        for dimension in DIMENSIONS:
            rows = score_items(rubric.dimensions[dimension], signals)
            raw = BASELINE + sum(r.points for r in rows)
            score = min(100.0, max(0.0, raw))
            rows = [replace(r, gain=min(100.0, max(0.0, raw + r.gain)) - score) for r in rows]  # clipping-aware
            scores[dimension] = score
            contributions[dimension] = rows
            clipped[dimension] = score - raw
        notes = {d: {"method": "rubric", "rubric": f"{rubric.name}@{rubric.version}"} for d in DIMENSIONS}
        return ScoredVideo(scores, contributions, clipped, {d: BASELINE for d in DIMENSIONS}, notes)


def score_items(items: Sequence[RubricItem], signals: Mapping[str, Any]) -> list[Contribution]:
    """Rubric arithmetic for one dimension: one :class:`Contribution` per item."""
    measured = [i for i in items if usable(i.value_in(signals)) and i.direction != "penalty"]
    total_weight = sum(i.weight for i in measured)
    rows: list[Contribution] = []
    for item in items:
        value = item.value_in(signals)
        if not usable(value):
            rows.append(Contribution(item, None, None, 0.0, 0.0, (item.low, item.high)))
            continue
        goodness = item.goodness(float(value))
        if item.direction == "penalty":
            points = -PENALTY_POINTS * item.weight * goodness
            gain = -points
        else:
            points = 100.0 * item.weight * (goodness - 0.5) / total_weight
            gain = 100.0 * item.weight * (1.0 - goodness) / total_weight
        rows.append(Contribution(item, value, goodness, points, gain, (item.low, item.high)))
    return rows


def as_signal_dicts(X: Any, names: Sequence[str] | np.ndarray) -> list[Mapping[str, Any]]:
    """Rows of ``X`` (dicts, DataFrame or 2-D array with columns ``names``) as signal dicts."""
    if hasattr(X, "to_dict") and hasattr(X, "columns"):
        return list(X.to_dict("records"))
    if isinstance(X, np.ndarray):
        if X.ndim != 2 or X.shape[1] != len(names):
            raise ValueError(f"X must have shape (n, {len(names)}) with columns {list(names)}, got {X.shape}")
        return [dict(zip(names, row)) for row in X]
    rows = list(X)
    if not all(isinstance(row, Mapping) for row in rows):
        raise ValueError("X must be a sequence of {signal: value} dicts, a DataFrame or a 2-D array")
    return rows
