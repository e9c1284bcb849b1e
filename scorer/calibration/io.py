"""Reading calibration inputs: vidscore results (JSONL, JSON, CSV) and label CSVs, and joining them.

Malformed or missing files raise :class:`~features.media.errors.ConfigError` naming the file (and line).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from features.media.errors import ConfigError

KEY_COLUMNS = ("sha256", "path", "video", "file", "filename", "name", "id")

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
        for record in reader:
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
