"""``vidscore export STORE --format csv|parquet|jsonl``: dump a batch results store as a flat table or JSON lines.

CSV and Parquet get one column per field, ``meta.<column>`` per manifest
metadata column and ``signal.<name>`` per signal; Parquet also keeps the full
JSON result in ``result_json``. JSONL writes one object per video with the full
result. By default only the current row of each path is exported (``--all``:
every stored version). STORE is an SQLite file or a ``postgresql://`` URL.

``--format parquet --partition niche|status|date`` writes a Parquet *dataset*
instead of one file: a folder with one hive-style subfolder per value
(``niche=beauty/part-0.parquet``; no value: ``niche=__HIVE_DEFAULT_PARTITION__``),
as Spark, Trino, DuckDB and ``pyarrow.dataset`` read it. The partition column
``niche`` is the target niche, else the detected one; ``date`` is the UTC day the
video finished. The folder is replaced as a whole (written beside it, then
renamed); a folder that is not an earlier vidscore dataset is never replaced.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from features.media.errors import ConfigError
from scorer.commands.common import examples, write_text

FORMATS = ("csv", "parquet", "jsonl")
PARTITIONS = ("niche", "status", "date")
# Written into every Parquet dataset folder; only a folder holding it is ever replaced.
DATASET_MARKER = "_vidscore_dataset.json"


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


def _arrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError("Parquet export needs pyarrow: pip install 'vidscore[parquet]'.") from None
    return pa, pq


def _table(videos: list[Any]) -> Any:
    pa, _ = _arrow()
    rows = [flat_row(v) | {"result_json": json.dumps(v.result, ensure_ascii=False) if v.result else None}
            for v in videos]
    columns = _columns(rows)
    return pa.Table.from_pydict({c: [r.get(c) for r in rows] for c in columns})


def write_parquet(videos: list[Any], out: str) -> None:
    """One Parquet file at ``out`` (written beside it, then renamed)."""
    _, pq = _arrow()
    table = _table(videos)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    tmp = f"{out}.tmp{os.getpid()}"
    pq.write_table(table, tmp)
    os.replace(tmp, out)


def partition_value(video: Any, partition: str) -> str | None:
    """The value of ``partition`` for one video (None: no value)."""
    if partition == "niche":
        return video.target_niche or video.detected_niche
    if partition == "date":
        return str(video.finished_at)[:10] or None
    return str(video.status)


def write_parquet_dataset(videos: list[Any], out: str, partition: str) -> int:
    """A hive-partitioned Parquet dataset in folder ``out``; returns the number of data files."""
    import shutil

    import pyarrow.dataset as ds

    pa, _ = _arrow()
    if partition not in PARTITIONS:
        raise ConfigError(f"--partition must be one of {', '.join(PARTITIONS)}, got {partition!r}.")
    target = Path(out)
    if target.exists() and not (target.is_dir() and (not any(target.iterdir()) or (target / DATASET_MARKER).is_file())):
        raise ConfigError(f"{out}: exists and is not an earlier vidscore Parquet dataset; give a new folder as --out.")
    table = _table(videos)
    values = pa.array([partition_value(v, partition) for v in videos], type=pa.string())
    if partition in table.column_names:
        table = table.drop_columns([partition])
    table = table.append_column(partition, values)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    files: list[str] = []
    if table.num_rows:
        ds.write_dataset(table, tmp, format="parquet", partitioning=[partition], partitioning_flavor="hive",
                         basename_template="part-{i}.parquet", existing_data_behavior="error",
                         file_visitor=lambda written: files.append(written.path))
    marker = {"format": "vidscore parquet dataset", "partitioning": "hive", "partition": partition,
              "rows": table.num_rows, "files": len(files)}
    (tmp / DATASET_MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
    old = target.with_name(f"{target.name}.old{os.getpid()}")
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return len(files)


@click.command("export", short_help="export a batch results store as CSV, Parquet or JSONL", epilog=examples(
    "vidscore export results.db --out results.csv",
    "vidscore export results.db --format parquet --out results.parquet",
    "vidscore export results.db --format jsonl --all > every_version.jsonl",
    "vidscore export postgresql://vidscore@db.internal/kol --format parquet --partition niche --out lake/kol/",
))
@click.argument("store", metavar="STORE")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True, help="output format")
@click.option("--out", metavar="PATH", help="output file (default: stdout; required for parquet), "
              "or the dataset folder with --partition")
@click.option("--partition", type=click.Choice(PARTITIONS), default=None,
              help="with --format parquet: a hive-partitioned dataset folder, one subfolder per value of this column")
@click.option("--all", "all_versions", is_flag=True, help="every stored version, not only the current row per path")
def command(store: str, fmt: str, out: str | None, partition: str | None, all_versions: bool) -> int:
    """Export STORE (written by 'vidscore batch') as a flat table or JSON lines.

    CSV and Parquet get one column per field, meta.<column> per manifest
    metadata column and signal.<name> per signal; Parquet also keeps the full
    JSON result in result_json. JSONL writes one object per video with the full
    result. STORE is an SQLite file or a postgresql:// URL. With --partition,
    --out is a folder that gets a hive-partitioned Parquet dataset.
    """
    from scorer.stores import open_store

    if fmt == "parquet" and not out:
        raise ConfigError("--format parquet writes a binary file: give --out PATH.")
    if partition and fmt != "parquet":
        raise ConfigError("--partition only makes sense with --format parquet.")
    if fmt == "parquet":
        _arrow()  # the install hint before reading the store
    with open_store(store, create=False) as results:
        videos = list(results.rows(latest_only=not all_versions))
    if fmt == "parquet" and partition:
        assert out is not None
        files = write_parquet_dataset(videos, out, partition)
        print(f"{len(videos)} videos written to {out} ({files} Parquet files, partitioned by {partition})",
              file=sys.stderr)
    elif fmt == "parquet":
        assert out is not None
        write_parquet(videos, out)
    else:
        write_text(to_csv(videos) if fmt == "csv" else to_jsonl(videos), out)
    return 0
