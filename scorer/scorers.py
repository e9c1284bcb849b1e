"""Which scorer scores a video: the rubric scorer, or a calibrated model file checked against the extractors.

Sits above scoring (:mod:`scorer.model`, :mod:`scorer.calibration`) and the extractor registry, and binds
the registry (:data:`features.registry.EXTRACTORS`) to calibration, which never imports it. Both are
imported only when a model file is used, so rubric scoring loads neither.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from features.media.errors import ConfigError
from scorer.model import RubricScorer, Scorer
from scorer.rubric import Rubric
from scorer.rubric_loader import load_rubric

if TYPE_CHECKING:
    from scorer.calibration.calibrated import CalibratedScorer


def registered_rubric(name_or_path: str = "default") -> Rubric:
    """A rubric by built-in name or YAML path, validated against the registered signals (names and ranges)."""
    from features.registry import signal_spec_map

    return load_rubric(name_or_path, signal_spec_map())


def load_model(path: str | Path) -> CalibratedScorer:
    """Load a model file from ``vidscore calibrate``, checked against the registered extractors.

    ConfigError when it is unreadable, malformed or fitted on other features.
    """
    from features.registry import EXTRACTORS
    from scorer.calibration import modelfile

    return modelfile.load_model(path, EXTRACTORS)


def feature_schema(signals: Sequence[str], row_extractors: Sequence[Mapping[str, str]] = ()) -> dict[str, Any]:
    """The model file's feature schema of ``signals`` from the registered extractors (unit, range, kind,
    extractor, version); ConfigError when ``row_extractors`` (each video's recorded versions) differ."""
    from features.registry import EXTRACTORS
    from scorer.calibration import modelfile

    return modelfile.feature_schema(signals, EXTRACTORS, row_extractors)


def resolve_scorer(rubric: str | None = None, model: str | None = None) -> tuple[Rubric, Scorer]:
    """(rubric, scorer) for ``--rubric`` / ``--model``; a model carries its own rubric."""
    if model:
        if rubric:
            raise ConfigError("--model already contains the rubric it was fitted with; drop --rubric.")
        scorer = load_model(model)
        return scorer.rubric_, scorer
    loaded = registered_rubric(rubric or "default")
    return loaded, RubricScorer(loaded).fit()
