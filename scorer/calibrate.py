"""Calibration on the user's own videos: outcome models and reference percentiles.

Exposed by ``vidscore calibrate`` (fitting) and ``vidscore score --model MODEL`` (using).

*Outcome model* (``fit_outcome``): for one dimension, an additive model
``raw = intercept + sum_j f_j(x_j)`` over that dimension's rubric signals, fitted
to the user's outcome (click-through, conversion, completion, GMV, human rating)
by backfitting. Each ``f_j`` is a piecewise-linear shape through binned means of
the partial residual, shrunk toward 0 for small bins, and made monotone with
isotonic regression where the rubric says ``higher`` (increasing) or
``lower``/``penalty`` (decreasing); ``band`` items are left free. Continuous
outcomes are fitted as percentile ranks (robust to heavy tails such as GMV),
binary outcomes (0/1) as 100 x probability. An isotonic map fitted on
out-of-fold predictions turns ``raw`` into a 0-100 score: "expected percentile
of your outcome" or "probability x 100". Contributions stay exact: each signal's
points are ``f_j x (score - baseline) / (raw - intercept)``, one common positive
factor per video, so baseline + points == score.

*Reference model* (``fit_reference``): no labels. Each ``higher``/``lower``
signal is normalised by its percentile in the user's corpus, and each
dimension's score is the percentile of its rubric sum among the corpus: 70
means "better than 70% of your videos".

Model files are JSON: kind, rubric (embedded, with digest), feature schema
(unit, range, kind, extractor and its version for each signal used), package
versions, fitted shapes and mappings, and metrics. :func:`load_model` refuses a
file whose feature schema does not match the registered extractors.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression, isotonic_regression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold, StratifiedKFold

from scorer import __version__
from features.media.errors import ConfigError
from scorer.model import BASELINE, PENALTY_POINTS, Contribution, RubricScorer, ScoredVideo, as_signal_dicts, usable
from scorer.rubric import DIMENSIONS, Rubric, RubricItem
from scorer.rubric_loader import load_rubric, parse_rubric

MODEL_FORMAT = "vidscore-model"
MODEL_FORMAT_VERSION = 1
MIN_ROWS = 20  # outcome models refuse fewer labelled videos
MIN_CLASS = 5  # binary outcomes need this many of each class
MIN_REFERENCE_ROWS = 10
MIN_SIGNAL_ROWS = 10  # a signal needs this many measured videos to get a shape
MAX_BINS = 10
SHRINK = 3.0  # pseudo-count pulling small bins toward 0
BACKFIT_ROUNDS = 40
FOLDS = 5
KEY_COLUMNS = ("sha256", "path", "video", "file", "filename", "name", "id")


# -- reading features and labels --------------------------------------------------------------


@dataclass(frozen=True)
class FeatureRow:
    """One scored video: its path, content hash, signals and the extractor versions that made them."""

    path: str
    sha256: str | None
    signals: dict[str, Any]
    extractors: dict[str, str] = field(default_factory=dict)


def read_features(path: str | Path) -> list[FeatureRow]:
    """Read vidscore results: JSONL (``score --format json`` lines, or ``vidscore export --format jsonl``), a JSON
    object/array, or a CSV table with a ``path`` (or ``sha256``) column and one column per signal (``vidscore
    export --format csv`` tables: the ``signal.<name>`` columns)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"features file {path} does not exist.")
    if path.suffix.lower() == ".csv":
        return _read_feature_csv(path)
    text = path.read_text(encoding="utf-8")
    records: list[Any] = []
    stripped = text.lstrip()
    if stripped.startswith("["):
        records = _load_json(text, path)
    else:
        try:
            records = [json.loads(text)] if stripped.startswith("{") and "\n{" not in text.strip() else []
        except json.JSONDecodeError:
            records = []
        if not records:
            for number, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    try:
                        records.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise ConfigError(f"{path}:{number}: not a JSON line ({exc.msg}).") from None
    rows = []
    for number, record in enumerate(records, 1):
        if isinstance(record, dict) and "result" in record and "signals" not in record:
            record = record["result"]  # a line of `vidscore export --format jsonl`
            if record is None:
                continue  # a video that failed to score
        if not isinstance(record, dict) or not isinstance(record.get("signals"), dict):
            raise ConfigError(f"{path}: record {number} is not a vidscore result (no 'signals' object).")
        video = record.get("video") or {}
        extractors = (record.get("versions") or {}).get("extractors") or {}
        rows.append(FeatureRow(str(video.get("path", "")), video.get("sha256"), dict(record["signals"]),
                               {str(k): str(v) for k, v in extractors.items()}))
    if not rows:
        raise ConfigError(f"{path}: no results found.")
    return rows


def _load_json(text: str, path: Path) -> list[Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}).") from None
    return data if isinstance(data, list) else [data]


def _number(text: str) -> float | bool | None:
    text = text.strip()
    if text == "" or text.lower() in ("null", "none", "nan", "na"):
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return float(text)


def _read_feature_csv(path: Path) -> list[FeatureRow]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        if "path" not in columns and "sha256" not in columns:
            raise ConfigError(f"{path}: a feature CSV needs a 'path' or 'sha256' column, has {columns}.")
        prefixed = any(c.startswith("signal.") for c in columns)
        rows = []
        for number, record in enumerate(reader, 2):
            signals = {}
            for column, text in record.items():
                if column in ("path", "sha256") or column is None or (prefixed and not column.startswith("signal.")):
                    continue
                column = column.removeprefix("signal.")
                try:
                    signals[column] = _number(text or "")
                except ValueError:
                    continue  # non-numeric columns (titles, errors) are not signals
            rows.append(FeatureRow(record.get("path") or "", record.get("sha256") or None, signals))
    if not rows:
        raise ConfigError(f"{path}: no rows found.")
    return rows


def read_labels(path: str | Path, target: str, key: str | None = None) -> tuple[str, dict[str, float]]:
    """Read ``target`` values from a labels CSV, keyed by ``key`` (default: first of sha256/path/video/file/...).

    Returns (key column, {key value: label}). Refuses missing columns, non-numeric labels and duplicate keys.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"labels file {path} does not exist.")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        if target not in columns:
            raise ConfigError(f"{path}: no column {target!r}; columns are {columns}.")
        if key is None:
            key = next((c for c in KEY_COLUMNS if c in columns), None)
            if key is None:
                raise ConfigError(f"{path}: no key column; add one of {list(KEY_COLUMNS)} or pass --key COLUMN.")
        elif key not in columns:
            raise ConfigError(f"{path}: no key column {key!r}; columns are {columns}.")
        labels: dict[str, float] = {}
        for number, record in enumerate(reader, 2):
            name, text = (record.get(key) or "").strip(), (record.get(target) or "").strip()
            if not name or not text:
                continue
            try:
                value = float(text)
            except ValueError:
                raise ConfigError(f"{path}:{number}: {target} must be a number, got {text!r}.") from None
            if not math.isfinite(value):
                raise ConfigError(f"{path}:{number}: {target} must be finite, got {text!r}.")
            if name in labels:
                raise ConfigError(f"{path}:{number}: key {name!r} appears twice.")
            labels[name] = value
    return key, labels


def join_labels(rows: Sequence[FeatureRow], labels: Mapping[str, float]) -> tuple[list[FeatureRow], np.ndarray]:
    """Pair feature rows with labels by sha256, exact path, file name or file stem (first that matches)."""
    matched, values = [], []
    for row in rows:
        name = Path(row.path).name
        for candidate in (row.sha256, row.path, name, Path(name).stem):
            if candidate and candidate in labels:
                matched.append(row)
                values.append(labels[candidate])
                break
    return matched, np.array(values, dtype=float)


# -- the additive model ------------------------------------------------------------------------


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
    def from_dict(cls, data: Mapping[str, Any]) -> "Shape":
        xs, ys = tuple(map(float, data["xs"])), tuple(map(float, data["ys"]))
        if not xs or len(xs) != len(ys) or any(b < a for a, b in zip(xs, xs[1:])):
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
    def from_dict(cls, dimension: str, data: Mapping[str, Any]) -> "DimensionModel":
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


def _monotone(item: RubricItem) -> int:
    return {"higher": 1, "lower": -1, "penalty": -1}.get(item.direction, 0)


@dataclass(frozen=True)
class _Bins:
    """Quantile bins of one signal's measured values: bin of each value, bin centres (medians), counts."""

    groups: np.ndarray
    centers: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, x: np.ndarray) -> "_Bins":
        n_bins = int(np.clip(len(x) // 8, 2, MAX_BINS))
        unique = np.unique(x)
        if len(unique) <= n_bins:
            groups = np.searchsorted(unique, x)
        else:
            edges = np.unique(np.quantile(x, np.linspace(0, 1, n_bins + 1))[1:-1])
            groups = np.searchsorted(edges, x, side="right")
        labels, groups = np.unique(groups, return_inverse=True)
        medians = np.array([np.median(x[groups == g]) for g in range(len(labels))])
        centers, merged = np.unique(medians, return_inverse=True)  # equal medians become one bin
        groups = merged[groups]
        return cls(groups, centers, np.bincount(groups, minlength=len(centers)).astype(float))

    def fit(self, r: np.ndarray, monotone: int) -> np.ndarray:
        """Bin means of residual ``r``, shrunk toward 0 for small bins, isotonic when ``monotone`` is +1/-1."""
        means = np.bincount(self.groups, weights=r, minlength=len(self.centers)) / (self.counts + SHRINK)
        if monotone and len(self.centers) > 1:
            means = isotonic_regression(means, sample_weight=self.counts, increasing=monotone > 0)
        return means


def _design(rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> np.ndarray:
    """Matrix (n, len(names)) of float signal values, NaN where unmeasured."""
    return np.array(
        [[float(row[n]) if usable(row.get(n)) else np.nan for n in names] for row in rows], dtype=float
    ).reshape(len(rows), len(names))


def _backfit(X: np.ndarray, t: np.ndarray, monotone: Sequence[int]) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    n, k = X.shape
    intercept = float(np.mean(t))
    shapes = [(np.array([0.0]), np.array([0.0])) for _ in range(k)]
    present = ~np.isnan(X)
    bins = [_Bins.of(X[present[:, j], j]) for j in range(k)]
    fitted = np.zeros((n, k))
    for _ in range(BACKFIT_ROUNDS):
        change = 0.0
        for j in range(k):
            mask = present[:, j]
            residual = t - intercept - fitted.sum(axis=1) + fitted[:, j]
            xs, ys = bins[j].centers, bins[j].fit(residual[mask], monotone[j])
            values = np.interp(X[mask, j], xs, ys)
            ys = ys - values.mean()
            new = np.zeros(n)
            new[mask] = values - values.mean()
            change = max(change, float(np.max(np.abs(new - fitted[:, j]))))
            fitted[:, j], shapes[j] = new, (xs, ys)
        if change < 1e-6:
            break
    return intercept, shapes


def _raw_predict(X: np.ndarray, intercept: float, shapes: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    raw = np.full(X.shape[0], intercept)
    for j, (xs, ys) in enumerate(shapes):
        mask = ~np.isnan(X[:, j])
        raw[mask] += np.interp(X[mask, j], xs, ys)
    return raw


def _isotonic_map(raw: np.ndarray, t: np.ndarray) -> tuple[tuple[float, ...], tuple[float, ...]]:
    iso = IsotonicRegression(y_min=0.0, y_max=100.0, out_of_bounds="clip").fit(raw, t)
    return tuple(map(float, iso.X_thresholds_)), tuple(map(float, iso.y_thresholds_))


def _calibration_error(scores: np.ndarray, t: np.ndarray) -> float:
    """Mean |mean score - mean target| over equal-count bins of the score, weighted by bin size (points)."""
    n_bins = int(np.clip(len(scores) // 10, 2, 10))
    order = np.argsort(scores, kind="stable")
    error = 0.0
    for chunk in np.array_split(order, n_bins):
        error += len(chunk) * abs(float(np.mean(scores[chunk]) - np.mean(t[chunk])))
    return error / len(scores)


@dataclass(frozen=True)
class OutcomeFit:
    """A fitted outcome model of one dimension plus its cross-validated metrics."""

    model: DimensionModel
    target_kind: str  # "binary" | "continuous"
    metrics: dict[str, Any]
    signals: tuple[str, ...]
    dropped: dict[str, str]


def fit_outcome(
    rows: Sequence[Mapping[str, Any]],
    y: Sequence[float],
    rubric: Rubric,
    dimension: str,
    target: str = "target",
    folds: int = FOLDS,
    seed: int = 0,
) -> OutcomeFit:
    """Fit an additive, rubric-monotone model of ``y`` on ``dimension``'s signals; refuse unusable data."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {list(DIMENSIONS)}, got {dimension!r}")
    if folds < 2:
        raise ValueError(f"folds must be >= 2, got {folds!r}")
    y = np.asarray(y, dtype=float)
    n = len(rows)
    if len(y) != n:
        raise ValueError(f"rows and labels differ in length ({n} vs {len(y)})")
    if n < MIN_ROWS:
        raise ConfigError(f"only {n} videos have both features and a {target!r} label; calibration needs at least {MIN_ROWS}.")
    if np.ptp(y) == 0:
        raise ConfigError(f"label {target!r} is constant ({y[0]:g} for all {n} videos); nothing to learn from.")
    binary = set(np.unique(y)) <= {0.0, 1.0}
    if binary and min(int(y.sum()), int(n - y.sum())) < MIN_CLASS:
        raise ConfigError(f"label {target!r} is 0/1 with fewer than {MIN_CLASS} videos in one class; add more videos.")
    from scipy.stats import rankdata, spearmanr  # slow to import: only when calibrating

    t = 100.0 * y if binary else 100.0 * (rankdata(y) - 0.5) / n

    items = rubric.dimensions[dimension]
    rows = [impute(row, items) for row in rows]
    names, monotone, dropped = [], [], {}
    for item in items:
        column = _design(rows, [item.signal])[:, 0]
        measured = column[~np.isnan(column)]
        if len(measured) < MIN_SIGNAL_ROWS:
            dropped[item.signal] = f"measured in only {len(measured)} videos"
        elif np.ptp(measured) == 0:
            dropped[item.signal] = f"constant ({measured[0]:g}) in your videos"
        else:
            names.append(item.signal)
            monotone.append(_monotone(item))
    if not names:
        raise ConfigError(f"no {dimension} signal varies across your videos ({'; '.join(f'{k}: {v}' for k, v in dropped.items())}).")
    X = _design(rows, names)

    splitter = (StratifiedKFold(min(folds, MIN_CLASS), shuffle=True, random_state=seed) if binary
                else KFold(min(folds, n // 4), shuffle=True, random_state=seed))
    splits = list(splitter.split(X, y if binary else None))
    oof = np.zeros(n)
    for train, test in splits:
        intercept, shapes = _backfit(X[train], t[train], monotone)
        oof[test] = _raw_predict(X[test], intercept, shapes)
    calibrated = np.zeros(n)
    for train, test in splits:
        xs, ys = _isotonic_map(oof[train], t[train])
        calibrated[test] = np.interp(oof[test], xs, ys)
    metrics: dict[str, Any] = {
        "rows": n,
        "folds": len(splits),
        "spearman": _safe(spearmanr(oof, y).statistic),
        "r2": _safe(1.0 - float(np.sum((t - oof) ** 2)) / float(np.sum((t - t.mean()) ** 2))),
        "calibration_error": round(_calibration_error(calibrated, t), 3),
        "rubric_spearman": _safe(spearmanr(RubricScorer(rubric).fit().predict(rows)[:, DIMENSIONS.index(dimension)], y).statistic),
    }
    if binary:
        metrics["auc"] = _safe(roc_auc_score(y, oof))
        metrics["positive_rate"] = round(float(y.mean()), 4)

    intercept, shapes = _backfit(X, t, monotone)
    map_xs, map_ys = _isotonic_map(oof, t)
    model = DimensionModel(
        dimension,
        intercept,
        tuple(
            Shape(name, tuple(map(float, xs)), tuple(map(float, ys)), _typical(X[:, j]))
            for j, (name, (xs, ys)) in enumerate(zip(names, shapes))
        ),
        map_xs,
        map_ys,
    )
    return OutcomeFit(model, "binary" if binary else "continuous", metrics, tuple(names), dropped)


def _safe(value: Any) -> float | None:
    value = float(value)
    return round(value, 4) if math.isfinite(value) else None


def _typical(column: np.ndarray) -> tuple[float, float]:
    measured = column[~np.isnan(column)]
    if not len(measured):
        return (0.0, 0.0)
    return (float(np.percentile(measured, 10)), float(np.percentile(measured, 90)))


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
            column = _design(imputed, [item.signal])[:, 0]
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
            shapes.append(Shape(item.signal, tuple(map(float, xs)), tuple(map(float, ys)), _typical(column),
                                tuple(map(float, percentiles)) if percentiles is not None else None))
        partial = DimensionModel(dimension, BASELINE, tuple(shapes), (0.0,), (50.0,))
        raws = np.array([partial.raw(row) for row in imputed])
        map_xs, map_ys = _ecdf_knots(raws, max_knots=101)
        models[dimension] = DimensionModel(dimension, BASELINE, tuple(shapes), tuple(map(float, map_xs)),
                                           tuple(map(float, map_ys)))
    return models


# -- the calibrated scorer and model files -----------------------------------------------------


class CalibratedScorer:
    """Scores with fitted :class:`DimensionModel` s where present and the rubric elsewhere.

    Same interface as :class:`~scorer.model.RubricScorer` (``score_one``, ``predict``, ``model_id``, ``rubric_``).
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


def feature_schema(signals: Sequence[str], row_extractors: Sequence[Mapping[str, str]] = ()) -> dict[str, Any]:
    """Unit, range, kind, extractor and extractor version of each signal; refuses rows made by other versions."""
    from features.registry import EXTRACTORS

    current = {spec.name: (cls, spec) for cls in EXTRACTORS for spec in cls.signals}
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
        schema[name] = {"unit": spec.unit, "low": spec.low, "high": spec.high, "kind": spec.kind,
                        "extractor": cls.name, "extractor_version": cls.version}
    return schema


def check_schema(schema: Mapping[str, Any], source: str) -> None:
    """Raise ConfigError when the recorded feature schema differs from the registered extractors."""
    from features.registry import EXTRACTORS

    current = {spec.name: (cls, spec) for cls in EXTRACTORS for spec in cls.signals}
    problems = []
    for name, recorded in schema.items():
        if name not in current:
            problems.append(f"signal {name!r} no longer exists")
            continue
        cls, spec = current[name]
        now = {"unit": spec.unit, "low": spec.low, "high": spec.high, "kind": spec.kind,
               "extractor": cls.name, "extractor_version": cls.version}
        for key, value in now.items():
            if recorded.get(key) != value:
                problems.append(f"{name}.{key} was {recorded.get(key)!r}, is now {value!r}")
    if problems:
        raise ConfigError(
            f"model {source} does not match this vidscore's features ({'; '.join(problems[:3])}); refit it with 'vidscore calibrate'."
        )


def package_versions() -> dict[str, str]:
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
    from scorer.commands.common import write_text

    write_text(json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n", str(out))


def load_model(path: str | Path) -> CalibratedScorer:
    """Load a model file; ConfigError when it is unreadable, malformed or fitted on other features."""
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
        check_schema(document["feature_schema"], str(path))
        rubric = parse_rubric(document["rubric"]["data"], f"{path} (embedded rubric)")
        if rubric.digest() != document["rubric"]["digest"]:
            raise ConfigError(f"{path}: the embedded rubric was modified after fitting; refit the model.")
        models = {d: DimensionModel.from_dict(d, m) for d, m in document["dimensions"].items()}
        info = {"kind": document["kind"], "target": document.get("target"), "rows": document["rows"],
                "digest": hashlib.sha256(raw).hexdigest(), "path": str(path)}
        return CalibratedScorer(rubric, models, info)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: malformed model file ({type(exc).__name__}: {exc}).") from None
