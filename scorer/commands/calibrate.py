"""``vidscore calibrate``: fit a model on your own videos' outcomes, or percentiles of your own corpus.

FEATURES is what ``vidscore score --format json`` or ``vidscore export`` wrote: a
JSONL file (one vidscore result per line, or ``export --format jsonl`` lines), a
JSON object or array of results, or a CSV table with a ``path`` (or ``sha256``)
column and one column per signal (``export --format csv``: ``signal.<name>``).
LABELS.csv has a key column (sha256, path, video, file, filename, name or id;
or ``--key``) matched against each result's sha256, path, file name or stem, and
the outcome column named by ``--target`` (0/1 for binary outcomes such as
"converted", any number for click-through, completion rate, GMV or ratings).

    vidscore calibrate results.jsonl outcomes.csv --target ctr --dimension persuasion --out ctr.model.json
    vidscore calibrate --reference results.jsonl --out mine.model.json
    vidscore score video.mp4 --model ctr.model.json
"""

from __future__ import annotations

import argparse

from features.media.errors import ConfigError
from scorer.commands.common import print_table
from scorer.rubric import DIMENSIONS


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "calibrate",
        help="fit scores to your own outcomes (or to percentiles of your own videos)",
        description=__doc__.split("\n\n", 1)[1].split("\n\n    vidscore")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("features", nargs="?", metavar="FEATURES",
                        help="vidscore results: JSONL/JSON from 'score --format json' or 'export', or a signal CSV")
    parser.add_argument("labels", nargs="?", metavar="LABELS.csv", help="CSV with a key column and the outcome column")
    parser.add_argument("--target", metavar="COLUMN", help="outcome column of LABELS.csv to fit")
    parser.add_argument("--dimension", choices=DIMENSIONS, default="persuasion",
                        help="score the outcome model replaces (default %(default)s)")
    parser.add_argument("--key", metavar="COLUMN", help="key column of LABELS.csv (default: first of sha256, path, video, file, ...)")
    parser.add_argument("--reference", metavar="FEATURES",
                        help="no labels: turn scores into percentiles of the videos in FEATURES")
    parser.add_argument("--rubric", metavar="NAME|PATH", default="default", help="rubric to calibrate (default %(default)s)")
    parser.add_argument("--out", metavar="MODEL", required=True, help="model file to write (JSON)")
    return parser


def run(args: argparse.Namespace) -> int:
    from scorer.calibration.fitting import fit_outcome
    from scorer.calibration.io import join_labels, read_features, read_labels
    from scorer.calibration.modelfile import model_document, save_model
    from scorer.calibration.reference import fit_reference
    from scorer.rubric_loader import load_rubric
    from scorer.scorers import feature_schema

    rubric = load_rubric(args.rubric)
    if args.reference:
        if args.features or args.labels or args.target:
            raise ConfigError("--reference takes only FEATURES and --out; drop LABELS.csv and --target.")
        rows = read_features(args.reference)
        models = fit_reference([r.signals for r in rows], rubric)
        schema = feature_schema(sorted(rubric.signals()), [r.extractors for r in rows])
        save_model(model_document("reference", rubric, models, schema, rows=len(rows)), args.out)
        print(f"reference model of {len(rows)} videos written to {args.out}: scores are now percentiles of these videos.")
        return 0
    if not (args.features and args.labels and args.target):
        raise ConfigError("give FEATURES, LABELS.csv and --target COLUMN (or --reference FEATURES).")
    rows = read_features(args.features)
    key, labels = read_labels(args.labels, args.target, args.key)
    matched, y = join_labels(rows, labels)
    if not matched:
        raise ConfigError(f"no result in {args.features} matches a {key!r} value of {args.labels}.")
    fit = fit_outcome([r.signals for r in matched], y, rubric, args.dimension, target=args.target)
    schema = feature_schema(fit.signals, [r.extractors for r in matched])
    document = model_document("outcome", rubric, {args.dimension: fit.model}, schema, target=args.target,
                              target_kind=fit.target_kind, rows=len(matched), metrics=fit.metrics, dropped=fit.dropped)
    save_model(document, args.out)
    m = fit.metrics
    print(f"{args.dimension} model of {args.target} ({fit.target_kind}) from {len(matched)} of {len(rows)} videos "
          f"({len(labels) - len(matched)} labels unmatched), {m['folds']}-fold cross-validation:")
    rows_out = [("spearman", m["spearman"], "rank correlation of out-of-fold predictions with the outcome"),
                ("r2", m["r2"], "R² on " + ("0/100 outcome" if fit.target_kind == "binary" else "outcome percentile ranks")),
                ("calibration_error", m["calibration_error"], "mean |score - outcome| per score bin, points"),
                ("rubric_spearman", m["rubric_spearman"], f"uncalibrated rubric {args.dimension} vs the outcome")]
    if "auc" in m:
        rows_out.insert(2, ("auc", m["auc"], "out-of-fold ROC AUC"))
    print_table(("metric", "value", "meaning"), [(a, "n/a" if b is None else b, c) for a, b, c in rows_out])
    shapes = [(s.signal, f"{min(s.ys):+.1f}", f"{max(s.ys):+.1f}") for s in fit.model.shapes]
    shapes += [(name, "dropped", why) for name, why in fit.dropped.items()]
    print()
    print_table(("signal", "min effect", "max effect"), shapes)
    print(f"\nmodel written to {args.out}; use it with: vidscore score VIDEO --model {args.out}")
    return 0
