"""Outcome models: backfitting rubric-monotone shapes to the user's outcome, isotonic 0-100 mapping, k-fold metrics.

Continuous outcomes are fitted as percentile ranks (0-100), binary (0/1) outcomes as 100 x probability.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression, isotonic_regression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold, StratifiedKFold

from features.media.errors import ConfigError
from scorer.calibration.dimension import (
    DimensionModel,
    Shape,
    design,
    impute,
    typical_range,
)
from scorer.model import RubricScorer
from scorer.rubric import DIMENSIONS, Rubric, RubricItem

MIN_ROWS = 20  # outcome models refuse fewer labelled videos
MIN_CLASS = 5  # binary outcomes need this many of each class
MIN_SIGNAL_ROWS = 10  # a signal needs this many measured videos to get a shape
MAX_BINS = 10
SHRINK = 3.0  # pseudo-count pulling small bins toward 0
BACKFIT_ROUNDS = 40
FOLDS = 5


def _monotone(item: RubricItem) -> int:
    return {"higher": 1, "lower": -1, "penalty": -1}.get(item.direction, 0)


@dataclass(frozen=True)
class _Bins:
    """Quantile bins of one signal's measured values: bin of each value, bin centres (medians), counts."""

    groups: np.ndarray
    centers: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, x: np.ndarray) -> _Bins:
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
    y: Sequence[float] | np.ndarray,
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
        column = design(rows, [item.signal])[:, 0]
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
    X = design(rows, names)

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
            Shape(name, tuple(map(float, xs)), tuple(map(float, ys)), typical_range(X[:, j]))
            for j, (name, (xs, ys)) in enumerate(zip(names, shapes))
        ),
        map_xs,
        map_ys,
    )
    return OutcomeFit(model, "binary" if binary else "continuous", metrics, tuple(names), dropped)


def _safe(value: Any) -> float | None:
    value = float(value)
    return round(value, 4) if math.isfinite(value) else None
