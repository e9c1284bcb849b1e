"""Shared plumbing of the labelled-text benchmarks (bench_cues, bench_niche): options and TSV reading."""

from __future__ import annotations

import argparse
from pathlib import Path

from features.cue_heads import read_labelled

DATA = Path(__file__).resolve().parent / "data"


def text_benchmark_parser(description: str, default_data: str, model_help: str) -> argparse.ArgumentParser:
    """Parser with ``--data`` (a TSV under benchmarks/data by default), ``--text-model`` and ``--errors``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", default=str(DATA / default_data))
    parser.add_argument("--text-model", default=None, help=model_help)
    parser.add_argument("--errors", action="store_true", help="print the rows the detector gets wrong")
    return parser


def read_rows(path: str | Path) -> list[dict[str, str]] | None:
    """Rows of a labelled UTF-8 TSV (header row, no quoting) as dicts; None (and a note) when the file is absent."""
    path = Path(path)
    if not path.is_file():
        print(f"no data at {path}; skipped")
        return None
    return read_labelled(path)
