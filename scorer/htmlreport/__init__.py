"""``vidscore report``: one self-contained HTML page of scored videos (inline CSS/JS/SVG, images as data URIs).

Inputs are results (``vidscore score --format json`` files: one object, an array,
or JSON lines) or batch stores (``vidscore batch --out STORE``). Thumbnails are
grabbed from each video by seeking to at most 20 timestamps; when a video is no
longer where its result says, its section says so and shows everything else.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from features.media.errors import ConfigError
from scorer.htmlreport.moments import attach_thumbnails, choose_moments
from scorer.htmlreport.page import RANK_BY, ReportVideo, render_page

__all__ = ["RANK_BY", "build_report", "load_results", "write_report"]

SQLITE_MAGIC = b"SQLite format 3\x00"


def _read_json_results(path: Path) -> list[dict[str, Any]]:
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a vidscore result (JSON) or results store (SQLite).") from None
    try:
        data: Any = json.loads(raw)
    except json.JSONDecodeError:
        try:
            data = [json.loads(line) for line in raw.splitlines() if line.strip()]
        except json.JSONDecodeError:
            raise ConfigError(f"{path}: not a vidscore result (JSON) or results store (SQLite).") from None
    items = data if isinstance(data, list) else [data]
    results = []
    for item in items:
        result = item.get("result") if isinstance(item, dict) and "scores" not in item else item
        if not isinstance(result, dict) or "scores" not in result or "video" not in result:
            raise ConfigError(f"{path}: holds something that is not a vidscore result (no 'scores'/'video').")
        results.append(result)
    return results


def load_results(inputs: Sequence[str]) -> list[dict[str, Any]]:
    """Every scored result in ``inputs`` (result JSON/JSONL files, batch store files or postgresql:// URLs), in input order.

    ConfigError naming the input when one is missing or is neither kind.
    """
    from scorer.stores import is_database_url, open_store

    results: list[dict[str, Any]] = []
    for name in inputs:
        if is_database_url(name):
            with open_store(name, create=False) as store:
                results += [v.result for v in store.rows(status="scored") if v.result]
            continue
        path = Path(name)
        if not path.is_file():
            raise ConfigError(f"{path}: no such result file or results store.")
        with path.open("rb") as handle:
            magic = handle.read(len(SQLITE_MAGIC))
        if magic == SQLITE_MAGIC:
            with open_store(str(path), create=False) as store:
                results += [v.result for v in store.rows(status="scored") if v.result]
        else:
            results += _read_json_results(path)
    return results


def build_report(results: Iterable[dict[str, Any]], lang: str = "en", by: str = "overall", top: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> str:
    """The HTML page of ``results``: the ranked table when there are several, then one section per video."""
    if by not in RANK_BY:
        raise ConfigError(f"--by must be one of {', '.join(RANK_BY)}, got {by!r}.")
    if top is not None and top < 1:
        raise ConfigError(f"--top must be at least 1, got {top}.")
    results = list(results)
    videos = []
    for n, result in enumerate(results):
        moments = choose_moments(result)
        video = result.get("video") or {}
        found = attach_thumbnails(moments, str(video.get("path") or ""), rotation=int(video.get("rotation") or 0))
        videos.append(ReportVideo(result, moments, found))
        if progress:
            progress(n + 1, len(results))
    return render_page(videos, lang=lang, by=by, top=top)


def write_report(results: Iterable[dict[str, Any]], out: str, lang: str = "en", by: str = "overall",
                 top: int | None = None, progress: Callable[[int, int], None] | None = None) -> None:
    """Write :func:`build_report` to ``out`` (atomically: a half-written page is never left behind)."""
    from scorer.textio import write_text

    write_text(build_report(results, lang, by, top, progress), out)
