"""Benchmark: persuasion-cue precision and recall per cue type and language.

Usage: python benchmarks/bench_cues.py [--data benchmarks/data/cues_eval.tsv] [--text-model NAME|none]
The TSV has columns id, lang, text, labels (comma-separated cue ids, empty for
none). Each row is scored as one metadata text; a type is predicted when any
sentence of the row carries it. Prints precision/recall per type and language
against the target (>= 0.90 both, every type) and the worst ratio.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _labelled import read_rows, text_benchmark_parser  # noqa: E402

from features.cue_lexicon import CUE_TYPES  # noqa: E402
from features.cues import CueDetector  # noqa: E402
from scorer.report import format_table  # noqa: E402

TARGET = 0.90


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main() -> int:
    parser = text_benchmark_parser(__doc__.splitlines()[0], "cues_eval.tsv",
                                   "sentence-transformers model, or 'none' for no embeddings (lexicon, patterns, Chinese n-gram heads)")
    args = parser.parse_args()
    path = Path(args.data)
    rows = read_rows(path, ("lang", "text", "labels"))
    if rows is None:
        return 0
    detector = CueDetector(text_model=args.text_model)
    started = time.perf_counter()
    tp: Counter[tuple[str, str]] = Counter()
    fp: Counter[tuple[str, str]] = Counter()
    fn: Counter[tuple[str, str]] = Counter()
    exact = Counter[str]()
    for row in rows:
        lang = row["lang"]
        truth = {t for t in (row.get("labels") or "").split(",") if t}
        guess = detector.types_in(row["text"])
        exact[lang] += guess == truth
        for cue in CUE_TYPES:
            if cue in guess and cue in truth:
                tp[(cue, lang)] += 1
            elif cue in guess:
                fp[(cue, lang)] += 1
            elif cue in truth:
                fn[(cue, lang)] += 1
        if args.errors and guess != truth:
            print(f"  {row['id']}: truth={sorted(truth)} guess={sorted(guess)}: {row['text']}")
    elapsed = time.perf_counter() - started
    languages = sorted({row["lang"] for row in rows})
    table = []
    worst = 1.0
    for cue in CUE_TYPES:
        for lang in languages:
            key = (cue, lang)
            precision = _ratio(tp[key], tp[key] + fp[key])
            recall = _ratio(tp[key], tp[key] + fn[key])
            for value in (precision, recall):
                if value is not None:
                    worst = min(worst, value)
            table.append([cue, lang, tp[key] + fn[key], _fmt(precision), _fmt(recall)])
    print(f"cue detection on {path.name} ({len(rows)} rows, {elapsed:.1f} s incl. model load)")
    print(format_table(["type", "lang", "positives", "precision", "recall"], table))
    for lang in languages:
        count = sum(1 for row in rows if row["lang"] == lang)
        print(f"{lang}: exact label-set match {exact[lang] / count:.3f} of {count} rows")
    print(f"worst precision/recall {worst:.2f} vs target {TARGET:.2f}: ratio {worst / TARGET:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
