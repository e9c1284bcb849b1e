"""The batch results store: an embedded SQLite database with one row per scored (or failed) video.

Written by ``vidscore batch``, read by ``vidscore export``, ``rank``, ``report`` and ``serve``. This module
also holds what every store shares (the key, the column values, :class:`StoredVideo`);
:mod:`scorer.store_postgres` writes the same schema to PostgreSQL and :func:`scorer.stores.open_store`
picks the implementation from the ``--out``/``STORE`` argument.

A row is keyed by the video's content hash (SHA-256 of the file bytes) plus a
*versions key*: a digest of everything that determines the result, i.e.
``Pipeline.versions()`` (package, pipeline, extractors, rubric, model) and the
effective score options of that video (niche, product, title, language...).
Whatever ``Pipeline.versions()`` returns is part of the key, so a new rubric or
model automatically makes old rows stale and ``--resume`` re-scores them.

Durability: WAL journal, ``synchronous=FULL``, one transaction per video, and a
single writer (the batch parent process). A run killed at any moment leaves the
store readable with every committed video intact; the videos in flight simply
have no row and are scored by the next ``--resume`` run.

Rows are never deleted: when a file changes (new hash) or the versions change,
a new row is added. :meth:`ResultStore.rows` returns by default only the
*current* row of each path (the one finished last).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from features.media.errors import ConfigError

STORE_FORMAT_VERSION = 1
STATUSES = ("scored", "failed")
# A compliance_risk signal given as a number (0-1) raises the flag at or above this value.
COMPLIANCE_THRESHOLD = 0.5

_SCHEMA = """
CREATE TABLE IF NOT EXISTS videos (
    id              INTEGER PRIMARY KEY,
    path            TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    versions_key    TEXT NOT NULL,
    versions_json   TEXT NOT NULL,
    options_json    TEXT NOT NULL,
    metadata_json   TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('scored', 'failed')),
    quality         REAL,
    immersion       REAL,
    persuasion      REAL,
    compliance_flag INTEGER,
    target_niche    TEXT,
    detected_niche  TEXT,
    result_json     TEXT,
    error_code      TEXT,
    error_message   TEXT,
    started_at      TEXT NOT NULL,
    finished_at     TEXT NOT NULL,
    elapsed_s       REAL,
    UNIQUE (sha256, versions_key)
);
CREATE INDEX IF NOT EXISTS videos_path ON videos (path, finished_at);
"""


def versions_key(versions: dict[str, Any], options: dict[str, Any]) -> str:
    """Hex digest (16 chars) of the canonical JSON of ``versions`` plus the effective score ``options``."""
    canonical = json.dumps({"versions": versions, "options": options}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def compliance_flag(result: dict[str, Any]) -> bool | None:
    """True/False from the result's ``compliance_risk`` signal, None when there is no such signal or value."""
    value = result.get("signals", {}).get("compliance_risk")
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    return float(value) >= COMPLIANCE_THRESHOLD


def utc_now() -> str:
    """Current time as ISO 8601 UTC with milliseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def store_row(
    *,
    path: str,
    sha256: str,
    versions: dict[str, Any],
    options: dict[str, Any],
    metadata: dict[str, Any],
    started_at: str,
    elapsed_s: float,
    result: dict[str, Any] | None = None,
    error_code: str | None = None,
    error_message: str | None = None,
) -> dict[str, Any]:
    """The column values of one stored video (every store writes these columns, in this order).

    Give either ``result`` (a scored video) or ``error_code`` + ``error_message`` (a failure).
    """
    if (result is None) == (error_code is None):
        raise ValueError("give either result or error_code, not both or neither")
    scores = result["scores"] if result else {}
    niche = (result or {}).get("niche") or {}
    top = niche.get("top") or []
    flag = compliance_flag(result) if result else None
    row = {
        "path": path,
        "sha256": sha256,
        "versions_key": versions_key(versions, options),
        "versions_json": json.dumps(versions, sort_keys=True, ensure_ascii=False),
        "options_json": json.dumps(options, sort_keys=True, ensure_ascii=False, default=str),
        "metadata_json": json.dumps(metadata, ensure_ascii=False, default=str),
        "status": "scored" if result else "failed",
        "quality": scores.get("quality"),
        "immersion": scores.get("immersion"),
        "persuasion": scores.get("persuasion"),
        "compliance_flag": None if flag is None else int(flag),
        "target_niche": options.get("niche") or None,
        "detected_niche": top[0]["id"] if top else None,
        "result_json": json.dumps(result, ensure_ascii=False) if result else None,
        "error_code": error_code,
        "error_message": error_message,
        "started_at": started_at,
        "finished_at": utc_now(),
        "elapsed_s": round(elapsed_s, 3),
    }
    return row


@dataclass(frozen=True)
class StoredVideo:
    """One row of the store (``result`` is the full JSON result, None for failures)."""

    id: int
    path: str
    sha256: str
    versions_key: str
    versions: dict[str, Any]
    options: dict[str, Any]
    metadata: dict[str, Any]
    status: str
    quality: float | None
    immersion: float | None
    persuasion: float | None
    compliance_flag: bool | None
    target_niche: str | None
    detected_niche: str | None
    result: dict[str, Any] | None
    error_code: str | None
    error_message: str | None
    started_at: str
    finished_at: str
    elapsed_s: float | None

    @property
    def overall(self) -> float | None:
        """Mean of the three scores (0-100), None when not scored."""
        scores = [self.quality, self.immersion, self.persuasion]
        if any(s is None for s in scores):
            return None
        return sum(scores) / 3.0  # type: ignore[arg-type]


class ResultStore:
    """Open (creating if needed) the SQLite store at ``path``.

    Args:
        path: database file; its folder is created when missing.
        create: when False, a missing file raises ``ConfigError`` instead of being created.
    """

    def __init__(self, path: str | Path, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise ConfigError(f"{self.path}: no such results store (run `vidscore batch ... --out {self.path}` first).")
        if self.path.exists() and self.path.is_dir():
            raise ConfigError(f"{self.path}: is a directory, expected a results store file.")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None)
            self._db.execute("PRAGMA busy_timeout = 30000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self._check_format()
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"{self.path}: not a vidscore results store ({exc}).") from None

    @property
    def location(self) -> str:
        """Where the store is (its file path), for messages."""
        return str(self.path)

    def _check_format(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version > STORE_FORMAT_VERSION:
            raise ConfigError(f"{self.path}: written by a newer vidscore (store format {version}); upgrade vidscore.")
        if version == 0 and tables:
            raise ConfigError(f"{self.path}: an SQLite database that is not a vidscore results store.")
        if version == 0:
            self._db.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA user_version = {STORE_FORMAT_VERSION}; COMMIT;")

    # -- writing ------------------------------------------------------------------------------

    def done_keys(self, include_failed: bool = True) -> dict[tuple[str, str], dict[str, Any]]:
        """(sha256, versions_key) -> stored metadata of every row (only scored rows when ``include_failed`` is False)."""
        query = "SELECT sha256, versions_key, metadata_json FROM videos"
        if not include_failed:
            query += " WHERE status = 'scored'"
        return {(r[0], r[1]): json.loads(r[2]) for r in self._db.execute(query)}

    def set_metadata(self, sha256: str, key: str, metadata: dict[str, Any]) -> None:
        """Replace the stored metadata (labels) of one row; its result is unchanged."""
        self._db.execute(
            "UPDATE videos SET metadata_json = ? WHERE sha256 = ? AND versions_key = ?",
            (json.dumps(metadata, ensure_ascii=False, default=str), sha256, key),
        )

    def put(
        self,
        *,
        path: str,
        sha256: str,
        versions: dict[str, Any],
        options: dict[str, Any],
        metadata: dict[str, Any],
        started_at: str,
        elapsed_s: float,
        result: dict[str, Any] | None = None,
        error_code: str | None = None,
        error_message: str | None = None,
    ) -> None:
        """Insert or replace the row of (sha256, versions key) in one transaction.

        Give either ``result`` (a scored video) or ``error_code`` + ``error_message`` (a failure).
        """
        row = store_row(path=path, sha256=sha256, versions=versions, options=options, metadata=metadata,
                        started_at=started_at, elapsed_s=elapsed_s, result=result, error_code=error_code,
                        error_message=error_message)
        columns = ", ".join(row)
        placeholders = ", ".join(f":{name}" for name in row)
        updates = ", ".join(f"{name} = excluded.{name}" for name in row if name not in ("sha256", "versions_key"))
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute(
                f"INSERT INTO videos ({columns}) VALUES ({placeholders}) "
                f"ON CONFLICT (sha256, versions_key) DO UPDATE SET {updates}",
                row,
            )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- reading ------------------------------------------------------------------------------

    def rows(self, latest_only: bool = True, status: str | None = None) -> Iterator[StoredVideo]:
        """Stored rows ordered by path; by default only the row finished last for each path."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
        where = []
        if latest_only:
            where.append(
                "id = (SELECT v2.id FROM videos v2 WHERE v2.path = videos.path ORDER BY v2.finished_at DESC, v2.id DESC LIMIT 1)"
            )
        if status:
            where.append("status = :status")
        query = "SELECT * FROM videos" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY path, id"
        cursor = self._db.execute(query, {"status": status})
        names = [d[0] for d in cursor.description]
        for values in cursor:
            yield stored_video(dict(zip(names, values)))

    def find(self, sha256: str) -> StoredVideo | None:
        """The scored row of the video with this content hash finished last (None when there is none)."""
        cursor = self._db.execute(
            "SELECT * FROM videos WHERE sha256 = ? AND status = 'scored' ORDER BY finished_at DESC, id DESC LIMIT 1",
            (sha256,))
        names = [d[0] for d in cursor.description]
        values = cursor.fetchone()
        return None if values is None else stored_video(dict(zip(names, values)))

    def recent(self, limit: int = 50) -> list[StoredVideo]:
        """The ``limit`` rows finished last, newest first (scored and failed)."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        cursor = self._db.execute("SELECT * FROM videos ORDER BY finished_at DESC, id DESC LIMIT ?", (limit,))
        names = [d[0] for d in cursor.description]
        return [stored_video(dict(zip(names, values))) for values in cursor]

    def count(self) -> int:
        """Number of rows (all versions)."""
        return int(self._db.execute("SELECT COUNT(*) FROM videos").fetchone()[0])

    def integrity_ok(self) -> bool:
        """True when SQLite's integrity check passes."""
        return self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ResultStore:  # noqa: PYI034 - Self needs Python 3.11; requires-python is 3.10
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stored_video(raw: dict[str, Any]) -> StoredVideo:
    """A :class:`StoredVideo` from one row of the ``videos`` table as a column -> value dict."""
    flag = raw["compliance_flag"]
    return StoredVideo(
        id=raw["id"],
        path=raw["path"],
        sha256=raw["sha256"],
        versions_key=raw["versions_key"],
        versions=json.loads(raw["versions_json"]),
        options=json.loads(raw["options_json"]),
        metadata=json.loads(raw["metadata_json"]),
        status=raw["status"],
        quality=raw["quality"],
        immersion=raw["immersion"],
        persuasion=raw["persuasion"],
        compliance_flag=None if flag is None else bool(flag),
        target_niche=raw["target_niche"],
        detected_niche=raw["detected_niche"],
        result=json.loads(raw["result_json"]) if raw["result_json"] else None,
        error_code=raw["error_code"],
        error_message=raw["error_message"],
        started_at=raw["started_at"],
        finished_at=raw["finished_at"],
        elapsed_s=raw["elapsed_s"],
    )
