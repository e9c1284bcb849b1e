"""The rubric scorer: a scikit-learn-compatible estimator that turns signals into 0-100 scores.

``RubricScorer`` needs no training data: ``fit`` only resolves the rubric.
Each dimension's score is ``50 + sum(contributions)``; a signal's contribution
is ``100 * w * (g - 0.5) / W``, where ``g`` in [0, 1] is how good its value is by
the rubric, ``w`` its weight and ``W`` the total weight of the dimension's
measured signals. Penalty items subtract ``penalty_points * strength`` instead.
Contributions therefore add up exactly to the score (a final ``clip`` item
records any clipping to [0, 100]).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from scorer.rubric import DIMENSIONS, Rubric, RubricItem, load_rubric

BASELINE = 50.0
PENALTY_POINTS = 30.0  # points a full-strength penalty item of weight 1 removes


@dataclass(frozen=True)
class Contribution:
    """One signal's share of one score."""

    item: RubricItem
    value: float | bool | None
    goodness: float | None
    points: float


@dataclass(frozen=True)
class ScoredVideo:
    """Scores (0-100) and contributions per dimension for one video."""

    scores: dict[str, float]
    contributions: dict[str, list[Contribution]]
    clipped: dict[str, float]


class RubricScorer(BaseEstimator):
    """Score videos with a rubric (no training needed).

    Args:
        rubric: a :class:`Rubric` or the name/path of one (default "default").
    """

    def __init__(self, rubric: Rubric | str = "default") -> None:
        self.rubric = rubric

    def fit(self, X: Any = None, y: Any = None) -> "RubricScorer":
        """Resolve the rubric; ``X`` and ``y`` are accepted for API compatibility and ignored."""
        self.rubric_ = self.rubric if isinstance(self.rubric, Rubric) else load_rubric(self.rubric)
        self.feature_names_in_ = np.array(sorted(self.rubric_.signals()), dtype=object)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "rubric_"):
            raise NotFittedError("RubricScorer is not fitted yet: call fit() first.")

    def model_id(self) -> str:
        self._check_fitted()
        return f"rubric:{self.rubric_.name}@{self.rubric_.version}"

    def predict(self, X: Sequence[Mapping[str, Any]] | np.ndarray, niche: str | None = None) -> np.ndarray:
        """Scores of shape (n_videos, 3), columns quality, immersion, persuasion (0-100).

        ``X`` is a sequence of signal dicts, or an array whose columns follow ``feature_names_in_``.
        """
        self._check_fitted()
        rows = _as_dicts(X, self.feature_names_in_)
        return np.array(
            [[self.score_one(row, niche=niche).scores[d] for d in DIMENSIONS] for row in rows], dtype=float
        )

    def score_one(self, signals: Mapping[str, Any], lang: str = "en", niche: str | None = None) -> ScoredVideo:
        """Scores and per-signal contributions for one video's signals."""
        self._check_fitted()
        rubric = self.rubric_.for_niche(niche)
        scores: dict[str, float] = {}
        contributions: dict[str, list[Contribution]] = {}
        clipped: dict[str, float] = {}
        for dimension in DIMENSIONS:
            items = rubric.dimensions[dimension]
            measured = [i for i in items if _usable(signals.get(i.signal)) and i.direction != "penalty"]
            total_weight = sum(i.weight for i in measured)
            rows: list[Contribution] = []
            for item in items:
                value = signals.get(item.signal)
                if not _usable(value):
                    rows.append(Contribution(item, None, None, 0.0))
                    continue
                goodness = item.goodness(float(value))
                if item.direction == "penalty":
                    points = -PENALTY_POINTS * item.weight * goodness
                else:
                    points = 100.0 * item.weight * (goodness - 0.5) / total_weight
                rows.append(Contribution(item, value, goodness, points))
            raw = BASELINE + sum(r.points for r in rows)
            score = min(100.0, max(0.0, raw))
            scores[dimension] = score
            contributions[dimension] = rows
            clipped[dimension] = score - raw
        return ScoredVideo(scores=scores, contributions=contributions, clipped=clipped)


def _usable(value: Any) -> bool:
    if value is None or isinstance(value, str):
        return False
    return math.isfinite(float(value))


def _as_dicts(X: Sequence[Mapping[str, Any]] | np.ndarray, names: np.ndarray) -> list[Mapping[str, Any]]:
    if isinstance(X, np.ndarray):
        if X.ndim != 2 or X.shape[1] != len(names):
            raise ValueError(f"X must have shape (n, {len(names)}) with columns {list(names)}, got {X.shape}")
        return [dict(zip(names, row)) for row in X]
    return list(X)
