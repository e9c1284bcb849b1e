"""The calibrated scorer: fitted dimension models where present, the rubric elsewhere (scores 0-100)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from scorer.calibration.dimension import DimensionModel
from scorer.model import RubricScorer, ScoredVideo, as_signal_dicts
from scorer.rubric import DIMENSIONS, Rubric


class CalibratedScorer:
    """Scores with fitted :class:`DimensionModel` s where present and the rubric elsewhere.

    Same interface as :class:`~scorer.model.RubricScorer` (``score_one``, ``predict``, ``model_id``, ``rubric_``);
    satisfies :class:`~scorer.model.Scorer`.
    """

    def __init__(self, rubric: Rubric, models: Mapping[str, DimensionModel], info: Mapping[str, Any]) -> None:
        unknown = sorted(set(models) - set(DIMENSIONS))
        if unknown:
            raise ValueError(f"models must be keyed by {list(DIMENSIONS)}, got {unknown}")
        self.rubric_ = rubric
        self.models = dict(models)
        self.info = dict(info)
        self._rubric_scorer = RubricScorer(rubric).fit()
        self.feature_names_in_ = self._rubric_scorer.feature_names_in_

    def model_id(self) -> str:
        return f"{self.info.get('kind', 'model')}:{self.info.get('target') or 'corpus'}@{self.info.get('digest', '')[:12]}"

    def predict(self, X: Any) -> np.ndarray:
        """Scores of shape (n_videos, 3), columns quality, immersion, persuasion (0-100)."""
        rows = as_signal_dicts(X, self.feature_names_in_)
        return np.array([[self.score_one(r).scores[d] for d in DIMENSIONS] for r in rows], dtype=float)

    def score_one(self, signals: Mapping[str, Any], lang: str = "en", niche: str | None = None) -> ScoredVideo:
        scored = self._rubric_scorer.score_one(signals, lang=lang, niche=niche)
        scores, contributions = dict(scored.scores), dict(scored.contributions)
        clipped, baseline, notes = dict(scored.clipped), dict(scored.baseline), dict(scored.notes)
        for dimension, model in self.models.items():
            score, base, rows = model.score(self.rubric_.dimensions[dimension], signals)
            scores[dimension], baseline[dimension], contributions[dimension] = score, base, rows
            clipped[dimension] = score - base - sum(r.points for r in rows)
            notes[dimension] = {"method": self.info.get("kind"), "target": self.info.get("target"),
                                "rows": self.info.get("rows"), "model": self.model_id()}
        return ScoredVideo(scores, contributions, clipped, baseline, notes)
