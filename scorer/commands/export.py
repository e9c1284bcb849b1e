"""``vidscore export STORE --format csv|parquet|jsonl``: dump a batch results store as a flat table or JSON lines.

CSV and Parquet get one column per field, ``meta.<column>`` per manifest
metadata column and ``signal.<name>`` per signal; Parquet also keeps the full
JSON result in ``result_json``. JSONL writes one object per video with the full
result. By default only the current row of each path is exported (``--all``:
every stored version).
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import click

from features.media.errors import ConfigError
from scorer.commands.common import examples, write_text

FORMATS = ("csv", "parquet", "jsonl")


def flat_row(video: Any) -> dict[str, Any]:
    """One stored video as a flat dict: fixed fields, then meta.* and signal.* columns."""
    row: dict[str, Any] = {
        "path": video.path,
        "status": video.status,
        "quality": video.quality,
        "immersion": video.immersion,
        "persuasion": video.persuasion,
        "overall": None if video.overall is None else round(video.overall, 1),
        "compliance_flag": video.compliance_flag,
        "target_niche": video.target_niche,
        "detected_niche": video.detected_niche,
        "error_code": video.error_code,
        "error_message": video.error_message,
        "sha256": video.sha256,
        "versions_key": video.versions_key,
        "rubric": video.versions.get("rubric"),
        "model": video.versions.get("model"),
        "started_at": video.started_at,
        "finished_at": video.finished_at,
        "elapsed_s": video.elapsed_s,
    }
    for key, value in video.metadata.items():
        row[f"meta.{key}"] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    for name, value in ((video.result or {}).get("signals") or {}).items():
        row[f"signal.{name}"] = value
    return row


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    columns: list[str] = []
    seen: set[str] = set()
    for row in rows:
        for key in row:
            if key not in seen:
                seen.add(key)
                columns.append(key)
    fixed = [c for c in columns if "." not in c]
    return fixed + sorted(c for c in columns if c.startswith("meta.")) + sorted(c for c in columns if c.startswith("signal."))


def to_csv(videos: list[Any]) -> str:
    rows = [flat_row(v) for v in videos]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_columns(rows), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def to_jsonl(videos: list[Any]) -> str:
    lines = []
    for video in videos:
        row = {k: v for k, v in flat_row(video).items() if "." not in k}
        row.update(metadata=video.metadata, versions=video.versions, options=video.options, result=video.result)
        lines.append(json.dumps(row, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


def write_parquet(videos: list[Any], out: str) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError("Parquet export needs pyarrow: pip install 'vidscore[parquet]'.") from None
    rows = [flat_row(v) | {"result_json": json.dumps(v.result, ensure_ascii=False) if v.result else None}
            for v in videos]
    columns = _columns(rows)
    table = pa.Table.from_pydict({c: [r.get(c) for r in rows] for c in columns})
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    tmp = f"{out}.tmp{os.getpid()}"
    pq.write_table(table, tmp)
    os.replace(tmp, out)


@click.command("export", short_help="export a batch results store as CSV, Parquet or JSONL", epilog=examples(
    "vidscore export results.db --out results.csv",
    "vidscore export results.db --format parquet --out results.parquet",
    "vidscore export results.db --format jsonl --all > every_version.jsonl",
))
@click.argument("store", metavar="STORE")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True, help="output format")
@click.option("--out", metavar="PATH", help="output file (default: stdout; required for parquet)")
@click.option("--all", "all_versions", is_flag=True, help="every stored version, not only the current row per path")
def command(store: str, fmt: str, out: str | None, all_versions: bool) -> int:
    """Export STORE (written by 'vidscore batch') as a flat table or JSON lines.

    CSV and Parquet get one column per field, meta.<column> per manifest
    metadata column and signal.<name> per signal; Parquet also keeps the full
    JSON result in result_json. JSONL writes one object per video with the full
    result.
    """
    from scorer.store import ResultStore

    if fmt == "parquet" and not out:
        raise ConfigError("--format parquet writes a binary file: give --out PATH.")
    with ResultStore(store, create=False) as results:
        videos = list(results.rows(latest_only=not all_versions))
    if fmt == "parquet":
        assert out is not None
        write_parquet(videos, out)
    else:
        write_text(to_csv(videos) if fmt == "csv" else to_jsonl(videos), out)
    return 0
