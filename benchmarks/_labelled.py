"""Shared plumbing of the labelled-text benchmarks (bench_cues, bench_niche): options and TSV reading."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import NoReturn

DATA = Path(__file__).resolve().parent / "data"


def read_labelled(path: Path) -> list[dict[str, str]]:
    """Rows of a labelled UTF-8 TSV (header row, tab-separated, no quoting) as dicts."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def text_benchmark_parser(description: str, default_data: str, model_help: str) -> argparse.ArgumentParser:
    """Parser with ``--data`` (a TSV under benchmarks/data by default), ``--text-model`` and ``--errors``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", default=str(DATA / default_data))
    parser.add_argument("--text-model", default=None, help=model_help)
    parser.add_argument("--errors", action="store_true", help="print the rows the detector gets wrong")
    return parser


def read_rows(path: str | Path, columns: tuple[str, ...]) -> list[dict[str, str]] | None:
    """Rows of a labelled UTF-8 TSV (header row, no quoting) as dicts; None (and a note) when the file is absent.

    A file that is not UTF-8, has no rows, lacks one of ``columns`` or has a row too short to fill them exits with status 2
    and one line naming the problem.
    """
    path = Path(path)
    if not path.is_file():
        print(f"no data at {path}; skipped")
        return None
    try:
        rows = read_labelled(path)
    except UnicodeDecodeError as error:
        _fail(f"{path} is not UTF-8 text ({error.reason} at byte {error.start})")
    if not rows:
        _fail(f"{path} has no labelled rows under a header")
    header = list(rows[0])
    missing = [name for name in columns if name not in header]
    if missing:
        _fail(f"{path} lacks column(s) {', '.join(missing)}; need a tab-separated header with "
              f"{', '.join(columns)} (found: {', '.join(header)})")
    for line, row in enumerate(rows, start=2):
        if any(row[name] is None for name in columns):
            _fail(f"{path} line {line} has fewer than {len(header)} tab-separated fields")
    return rows


def _fail(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


REAL_LABELS = ("cues_real.tsv", "cues_real2.tsv")


def read_real(realdata: Path, splits: tuple[str, ...], names: tuple[str, ...] = REAL_LABELS,
              folder: Path = DATA) -> list[dict[str, str]]:
    """Labelled real lines: rows of ``names`` (file, line, lang, split, labels, compliance, span, rewrite) whose
    ``split`` is in ``splits``, each with ``text`` read from ``realdata/text/<file>`` (1-based line, stripped) and
    ``id`` = ``file:line``. The sentences stay in the real-data folder; only labels live in the repository."""
    texts: dict[str, list[str]] = {}
    out = []
    for name in names:
        path = folder / name
        if not path.is_file():
            continue
        for row in read_labelled(path):
            if row["split"] not in splits:
                continue
            if row["file"] not in texts:
                texts[row["file"]] = (realdata / "text" / row["file"]).read_text(encoding="utf-8").split("\n")
            out.append({**row, "text": texts[row["file"]][int(row["line"]) - 1].strip(), "id": f"{row['file']}:{row['line']}"})
    return out
