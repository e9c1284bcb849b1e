"""Benchmark: ad-law compliance check (features/compliance.py): line precision/recall, category and phrase agreement.

Usage: python benchmarks/bench_compliance.py [--data benchmarks/data/compliance_blind.tsv] [--errors]
       python benchmarks/bench_compliance.py --real test     # labelled real lines (cues_real*.tsv compliance column)
The TSV has columns id, lang, text, category (absolute|medical|guarantee, empty for none), phrase (the
offending span) and rewrite. A line is flagged when the check finds a phrase of any category but ``payout``
(假一赔十 is a trust cue, not a claim). Prints per language: precision and recall of flagged lines against the
target (P >= 0.90, R >= 0.95), how often the category agrees (``authority`` counts as ``absolute``, as 国家级
does in the labelling guide) and how often the flagged phrase overlaps the labelled one; then the ratio.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _labelled import DATA, read_real, read_rows, text_benchmark_parser  # noqa: E402
from _realdata import realdata_root  # noqa: E402

from features.compliance import load_rules  # noqa: E402
from scorer.report import format_table  # noqa: E402

TARGETS = {"precision": 0.90, "recall": 0.95}
SAME = {"authority": "absolute"}


def _span(row: dict[str, str]) -> tuple[int, int] | None:
    if row.get("phrase"):
        start = row["text"].find(row["phrase"])
        return (start, start + len(row["phrase"])) if start >= 0 else None
    if row.get("span"):
        a, b = row["span"].split(":")
        return int(a), int(b)
    return None


def main() -> int:
    parser = text_benchmark_parser(__doc__.splitlines()[0], "compliance_blind.tsv", "unused (the check reads no model)")
    parser.add_argument("--real", default=None, help="score labelled real lines of these splits (train,train2,test)")
    args = parser.parse_args()
    if args.real:
        realdata = realdata_root()
        if realdata is None:
            print("no real-data folder; skipped")
            return 0
        rows = read_real(realdata, tuple(args.real.split(",")), folder=DATA)
        name = f"labelled real lines, split {args.real}"
        for row in rows:
            row["category"] = row["compliance"]
    else:
        found = read_rows(Path(args.data), ("lang", "text", "category"))
        if found is None:
            return 0
        rows, name = found, Path(args.data).name
    rules = load_rules()
    counts: dict[str, Counter[str]] = {}
    for row in rows:
        c = counts.setdefault(row["lang"], Counter())
        flags = [f for f in rules.check(row["text"]) if f.category != "payout"]
        truth = bool(row.get("category"))
        c["rows"] += 1
        c["positives"] += truth
        c["flagged"] += bool(flags)
        c["tp"] += truth and bool(flags)
        if truth and flags:
            c["category"] += any(SAME.get(f.category, f.category) == row["category"] for f in flags)
            span = _span(row)
            c["phrase"] += span is not None and any(f.start < span[1] and span[0] < f.end for f in flags)
        if args.errors and truth != bool(flags):
            print(f"  {row['id']}: truth={row.get('category') or '-'} flagged={[(f.text, f.category) for f in flags]}: {row['text']}")
    table, worst = [], 10.0
    for lang, c in sorted(counts.items()):
        precision = c["tp"] / c["flagged"] if c["flagged"] else None
        recall = c["tp"] / c["positives"] if c["positives"] else None
        for key, value in (("precision", precision), ("recall", recall)):
            if value is not None:
                worst = min(worst, value / TARGETS[key])
        table.append([lang, c["rows"], c["positives"], "-" if precision is None else f"{precision:.3f}",
                      "-" if recall is None else f"{recall:.3f}",
                      f"{c['category'] / c['tp']:.3f}" if c["tp"] else "-", f"{c['phrase'] / c['tp']:.3f}" if c["tp"] else "-"])
    print(f"compliance check on {name} ({len(rows)} rows)")
    print(format_table(["lang", "rows", "violations", "precision", "recall", "category agrees", "phrase overlaps"], table))
    print(f"worst ratio to the targets (P >= {TARGETS['precision']:.2f}, R >= {TARGETS['recall']:.2f}): {worst:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
