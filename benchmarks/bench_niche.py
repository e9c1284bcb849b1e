"""Benchmark: niche top-1 accuracy per language on a labelled set of product pitches.

Usage: python benchmarks/bench_niche.py [--data benchmarks/data/niche_eval.tsv] [--text-model NAME|none]
The TSV has columns id, lang, text, niche. Prints accuracy per language, the
confusions, and the ratio to the targets (>= 0.85 English, >= 0.80 Chinese).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _labelled import read_rows, text_benchmark_parser  # noqa: E402

from features.niche import NicheClassifier  # noqa: E402
from scorer.report import format_table  # noqa: E402

TARGETS = {"en": 0.85, "zh": 0.80}


def main() -> int:
    parser = text_benchmark_parser(__doc__.splitlines()[0], "niche_eval.tsv",
                                   "sentence-transformers model, or 'none' for keywords only")
    args = parser.parse_args()
    path = Path(args.data)
    rows = read_rows(path, ("lang", "text", "niche"))
    if rows is None:
        return 0
    classifier = NicheClassifier(text_model=args.text_model)
    started = time.perf_counter()
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    confusions: Counter[tuple[str, str, str]] = Counter()
    for row in rows:
        top = classifier.predict([row["text"]]).top(1)
        guess = top[0][0] if top else "-"
        total[row["lang"]] += 1
        if guess == row["niche"]:
            right[row["lang"]] += 1
        else:
            confusions[(row["lang"], row["niche"], guess)] += 1
            if args.errors:
                print(f"  {row['id']}: {row['niche']} -> {guess}: {row['text']}")
    elapsed = time.perf_counter() - started
    table = []
    for lang in sorted(total):
        accuracy = right[lang] / total[lang]
        table.append([lang, total[lang], f"{accuracy:.3f}", f"{TARGETS.get(lang, 0):.2f}", f"{accuracy / TARGETS.get(lang, 1):.2f}"])
    print(f"niche top-1 accuracy on {path.name} ({len(rows)} rows, {elapsed:.1f} s incl. model load)")
    print(format_table(["lang", "rows", "top-1", "target", "ratio"], table))
    summary = ", ".join(f"{lang} {right[lang] / total[lang]:.3f} vs target {TARGETS.get(lang, 0):.2f}" for lang in sorted(total))
    worst = min(right[lang] / total[lang] / TARGETS.get(lang, 1) for lang in total)
    if confusions:
        print("most common confusions (lang, truth -> guess, count):")
        for (lang, truth, guess), n in confusions.most_common(10):
            print(f"  {lang} {truth} -> {guess}: {n}")
    print(f"top-1 accuracy {summary}: worst ratio {worst:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
