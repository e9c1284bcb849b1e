"""Benchmark: niche top-1 accuracy per language on a labelled set of product pitches.

Usage: python benchmarks/bench_niche.py [--data benchmarks/data/niche_eval.tsv] [--text-model NAME|none]
The TSV has columns id, lang, text, niche. Prints accuracy per language, the
confusions, and the ratio to the targets (>= 0.85 English, >= 0.80 Chinese).
Then, for a model covering both languages, the cross-lingual check: embedding
evidence only, each pitch against the taxonomy texts of the other language
(Chinese pitches against the English descriptions and examples, English pitches
against the Chinese descriptions), beside the same-language figure.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _labelled import read_rows, text_benchmark_parser  # noqa: E402

from features.embeddings import model_languages  # noqa: E402
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
    if "zh" in model_languages(classifier.text_model) and "en" in model_languages(classifier.text_model):
        cross_lingual(classifier, rows)
    return 0


def cross_lingual(classifier: NicheClassifier, rows: list[dict[str, str]]) -> None:
    """Embedding-only top-1 per language against same-language and other-language taxonomy texts."""
    ids = classifier.taxonomy.ids
    table = []
    for lang, other in (("zh", "en"), ("en", "zh")):
        mine = [row for row in rows if row["lang"] == lang]
        if not mine:
            continue
        cells = [lang, len(mine)]
        for prototypes in (lang, other):
            right = 0
            for row in mine:
                scores = classifier.embedding_scores([row["text"]], prototypes=prototypes)
                right += scores is not None and ids[int(scores.argmax())] == row["niche"]
            cells.append(f"{right / len(mine):.3f}")
        table.append(cells)
    print("cross-lingual (embedding evidence only):")
    print(format_table(["pitch lang", "rows", "vs same-language texts", "vs other-language texts"], table))


if __name__ == "__main__":
    raise SystemExit(main())
