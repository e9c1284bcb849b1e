"""The model-file format: a JSON document with the rubric, feature schema, versions, fitted models and metrics.

The feature schema records unit, range, kind, extractor and extractor version of each signal used;
:func:`load_model` refuses a file whose schema does not match the registered extractors. The extractor
registry is passed in (``extractors``: the registered extractor classes), never imported here.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from features.media.errors import ConfigError
from scorer import __version__
from scorer.calibration.calibrated import CalibratedScorer
from scorer.calibration.dimension import DimensionModel
from scorer.rubric import Rubric
from scorer.rubric_loader import parse_rubric
from scorer.textio import write_text

if TYPE_CHECKING:
    from features.base import Extractor, SignalSpec

MODEL_FORMAT = "vidscore-model"
MODEL_FORMAT_VERSION = 1


def _signal_index(extractors: Iterable[type[Extractor]]) -> dict[str, tuple[type[Extractor], SignalSpec]]:
    """Signal name -> (extractor class declaring it, its spec)."""
    return {spec.name: (cls, spec) for cls in extractors for spec in cls.signals}


def _schema_entry(cls: type[Extractor], spec: SignalSpec) -> dict[str, Any]:
    return {"unit": spec.unit, "low": spec.low, "high": spec.high, "kind": spec.kind,
            "extractor": cls.name, "extractor_version": cls.version}


def feature_schema(
    signals: Sequence[str], extractors: Iterable[type[Extractor]], row_extractors: Sequence[Mapping[str, str]] = ()
) -> dict[str, Any]:
    """Unit, range, kind, extractor and extractor version of each signal; refuses rows made by other versions.

    ``extractors`` are the registered extractor classes; ``row_extractors`` the extractor versions recorded
    with each scored video (``versions.extractors`` of a result).
    """
    current = _signal_index(extractors)
    schema = {}
    for name in sorted(signals):
        if name not in current:
            raise ConfigError(f"signal {name!r} is not registered in this vidscore (run 'vidscore features').")
        cls, spec = current[name]
        versions = {r[cls.name] for r in row_extractors if cls.name in r}
        if versions - {cls.version}:
            raise ConfigError(
                f"your features were made by {cls.name} version(s) {sorted(versions)}, but this vidscore has "
                f"version {cls.version}; re-score the videos before calibrating."
            )
        schema[name] = _schema_entry(cls, spec)
    return schema


def check_schema(schema: Mapping[str, Any], source: str, extractors: Iterable[type[Extractor]]) -> None:
    """Raise ConfigError when the recorded feature schema differs from the registered ``extractors``."""
    current = _signal_index(extractors)
    problems = []
    for name, recorded in schema.items():
        if name not in current:
            problems.append(f"signal {name!r} no longer exists")
            continue
        now = _schema_entry(*current[name])
        for key, value in now.items():
            if recorded.get(key) != value:
                problems.append(f"{name}.{key} was {recorded.get(key)!r}, is now {value!r}")
    if problems:
        raise ConfigError(
            f"model {source} does not match this vidscore's features ({'; '.join(problems[:3])}); refit it with 'vidscore calibrate'."
        )


def package_versions() -> dict[str, str]:
    """Versions of vidscore, Python, numpy, scipy and scikit-learn, recorded in every model file."""
    import scipy
    import sklearn

    return {"vidscore": __version__, "python": platform.python_version(), "numpy": np.__version__,
            "scipy": scipy.__version__, "scikit-learn": sklearn.__version__}


def model_document(
    kind: str,
    rubric: Rubric,
    models: Mapping[str, DimensionModel],
    schema: Mapping[str, Any],
    *,
    target: str | None = None,
    target_kind: str | None = None,
    rows: int,
    metrics: Mapping[str, Any] | None = None,
    dropped: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The JSON document of a model file."""
    return {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "kind": kind,
        "target": target,
        "target_kind": target_kind,
        "rows": rows,
        "rubric": {"name": rubric.name, "version": rubric.version, "digest": rubric.digest(), "data": rubric.data},
        "feature_schema": dict(schema),
        "versions": package_versions(),
        "dimensions": {d: m.as_dict() for d, m in models.items()},
        "metrics": dict(metrics or {}),
        "dropped_signals": dict(dropped or {}),
    }


def save_model(document: Mapping[str, Any], out: str | Path) -> None:
    """Write a model document (from :func:`model_document`) atomically to ``out`` as JSON."""
    write_text(json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n", str(out))


def load_model(path: str | Path, extractors: Iterable[type[Extractor]]) -> CalibratedScorer:
    """Load a model file checked against the registered ``extractors``.

    ConfigError when it is unreadable, malformed or fitted on other features.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"model file {path} does not exist.")
    raw = path.read_bytes()
    try:
        document = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ConfigError(f"{path} is not a vidscore model file (not JSON).") from None
    if not isinstance(document, dict) or document.get("format") != MODEL_FORMAT:
        raise ConfigError(f"{path} is not a vidscore model file (format is not {MODEL_FORMAT!r}).")
    if document.get("format_version") != MODEL_FORMAT_VERSION:
        raise ConfigError(f"{path}: model format version {document.get('format_version')!r} is not supported "
                          f"(this vidscore reads version {MODEL_FORMAT_VERSION}).")
    try:
        check_schema(document["feature_schema"], str(path), extractors)
        known = {name: spec for name, (_, spec) in _signal_index(extractors).items()}
        rubric = parse_rubric(document["rubric"]["data"], f"{path} (embedded rubric)", known)
        if rubric.digest() != document["rubric"]["digest"]:
            raise ConfigError(f"{path}: the embedded rubric was modified after fitting; refit the model.")
        models = {d: DimensionModel.from_dict(d, m) for d, m in document["dimensions"].items()}
        info = {"kind": document["kind"], "target": document.get("target"), "rows": document["rows"],
                "digest": hashlib.sha256(raw).hexdigest(), "path": str(path)}
        return CalibratedScorer(rubric, models, info)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: malformed model file ({type(exc).__name__}: {exc}).") from None
