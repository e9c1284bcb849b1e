"""Batch input discovery: a folder (recursive), a glob, one video file, or a CSV/JSONL manifest.

A manifest has a ``path`` column plus metadata columns such as title, description,
niche, product, creator_niche, creator and any labels.
"""

from __future__ import annotations

import csv
import glob
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from features.media.errors import ConfigError

VIDEO_EXTENSIONS = frozenset(
    {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".flv", ".ts", ".3gp", ".wmv", ".mpg", ".mpeg"}
)
MANIFEST_EXTENSIONS = frozenset({".csv", ".jsonl", ".ndjson"})


@dataclass(frozen=True)
class BatchItem:
    """One video to score: absolute ``path`` and its manifest metadata (empty for folders and globs)."""

    path: str
    metadata: dict[str, Any] = field(default_factory=dict)


def expand_input(spec: str) -> list[BatchItem]:
    """Videos named by ``spec``: a folder (recursive), a CSV/JSONL manifest, a glob or one video file.

    Raises ``ConfigError`` when nothing matches or a manifest is malformed.
    """
    path = Path(spec)
    if path.is_dir():
        found = sorted(
            p for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in VIDEO_EXTENSIONS
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not found:
            raise ConfigError(f"{spec}: no video files ({', '.join(sorted(VIDEO_EXTENSIONS))}) in this folder.")
        return [BatchItem(os.path.abspath(p)) for p in found]
    if path.is_file() and path.suffix.lower() in MANIFEST_EXTENSIONS:
        return read_manifest(path)
    if path.is_file():
        return [BatchItem(os.path.abspath(path))]
    if glob.has_magic(spec):
        matched = sorted(p for p in glob.glob(spec, recursive=True) if os.path.isfile(p))
        if not matched:
            raise ConfigError(f"{spec}: the pattern matches no files.")
        return [BatchItem(os.path.abspath(p)) for p in matched]
    raise ConfigError(f"{spec}: no such folder, video file, manifest (.csv/.jsonl) or glob pattern.")


def read_manifest(path: Path) -> list[BatchItem]:
    """Items of a CSV (header row) or JSONL manifest; relative paths are relative to the manifest's folder."""
    rows: list[tuple[str, dict[str, Any]]] = []
    try:
        if path.suffix.lower() == ".csv":
            with open(path, newline="", encoding="utf-8-sig") as handle:
                for number, row in enumerate(csv.DictReader(handle), start=2):
                    rows.append((f"line {number}", {k.strip().lower(): v for k, v in row.items() if k}))
        else:
            with open(path, encoding="utf-8-sig") as handle:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise ConfigError(f"{path}: line {number} is not valid JSON ({exc.msg}).") from None
                    if not isinstance(record, dict):
                        raise ConfigError(f"{path}: line {number} is not a JSON object.")
                    rows.append((f"line {number}", {str(k).strip().lower(): v for k, v in record.items()}))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"{path}: cannot read the manifest ({exc}).") from None
    items: list[BatchItem] = []
    for where, row in rows:
        video = row.pop("path", None)
        if not isinstance(video, str) or not video.strip():
            raise ConfigError(f"{path}: {where} has no 'path' value (a manifest needs a 'path' column).")
        metadata = {k: v for k, v in row.items() if v not in (None, "")}
        items.append(BatchItem(os.path.abspath(path.parent / video.strip()), metadata))
    if not items:
        raise ConfigError(f"{path}: the manifest lists no videos.")
    return items
