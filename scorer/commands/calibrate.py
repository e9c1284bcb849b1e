"""``vidscore calibrate``: fit a model on your own videos' outcomes, or percentiles of your own corpus."""

from __future__ import annotations

import click

from features.media.errors import ConfigError
from scorer.commands.common import examples, print_table
from scorer.rubric import DIMENSIONS


@click.command("calibrate", short_help="fit scores to your own outcomes (or to percentiles of your own videos)",
               epilog=examples(
                   "vidscore calibrate results.jsonl outcomes.csv --target ctr --dimension persuasion --out ctr.model.json",
                   "vidscore calibrate --reference results.jsonl --out mine.model.json",
                   "vidscore score video.mp4 --model ctr.model.json",
               ))
@click.argument("features", required=False, metavar="FEATURES")
@click.argument("labels", required=False, metavar="LABELS.csv")
@click.option("--target", metavar="COLUMN", help="outcome column of LABELS.csv to fit")
@click.option("--dimension", type=click.Choice(DIMENSIONS), default="persuasion", show_default=True,
              help="score the outcome model replaces")
@click.option("--key", metavar="COLUMN", help="key column of LABELS.csv (default: first of sha256, path, video, file, ...)")
@click.option("--reference", metavar="FEATURES", help="no labels: turn scores into percentiles of the videos in FEATURES")
@click.option("--rubric", "rubric_name", metavar="NAME|PATH", default="default", show_default=True,
              help="rubric to calibrate")
@click.option("--out", metavar="MODEL", required=True, help="model file to write (JSON)")
def command(features: str | None, labels: str | None, target: str | None, dimension: str, key: str | None,
            reference: str | None, rubric_name: str, out: str) -> int:
    """Fit a model on your own videos' outcomes, or percentiles of your own corpus.

    FEATURES is what 'vidscore score --format json' or 'vidscore export' wrote:
    a JSONL file (one vidscore result per line, or 'export --format jsonl'
    lines), a JSON object or array of results, or a CSV table with a path (or
    sha256) column and one column per signal ('export --format csv':
    signal.<name>). LABELS.csv has a key column (sha256, path, video, file,
    filename, name or id; or --key) matched against each result's sha256,
    path, file name or stem, and the outcome column named by --target (0/1 for
    binary outcomes such as "converted", any number for click-through,
    completion rate, GMV or ratings).
    """
    from scorer.calibration.fitting import fit_outcome
    from scorer.calibration.io import join_labels, read_features, read_labels
    from scorer.calibration.modelfile import model_document, save_model
    from scorer.calibration.reference import fit_reference
    from scorer.scorers import feature_schema, registered_rubric

    rubric = registered_rubric(rubric_name)
    if reference:
        if features or labels or target:
            raise ConfigError("--reference takes only FEATURES and --out; drop LABELS.csv and --target.")
        rows = read_features(reference)
        models = fit_reference([r.signals for r in rows], rubric)
        schema = feature_schema(sorted(rubric.signals()), [r.extractors for r in rows])
        save_model(model_document("reference", rubric, models, schema, rows=len(rows)), out)
        print(f"reference model of {len(rows)} videos written to {out}: scores are now percentiles of these videos.")
        return 0
    if not (features and labels and target):
        raise ConfigError("give FEATURES, LABELS.csv and --target COLUMN (or --reference FEATURES).")
    rows = read_features(features)
    key_column, label_rows = read_labels(labels, target, key)
    matched, y = join_labels(rows, label_rows)
    if not matched:
        raise ConfigError(f"no result in {features} matches a {key_column!r} value of {labels}.")
    fit = fit_outcome([r.signals for r in matched], y, rubric, dimension, target=target)
    schema = feature_schema(fit.signals, [r.extractors for r in matched])
    document = model_document("outcome", rubric, {dimension: fit.model}, schema, target=target,
                              target_kind=fit.target_kind, rows=len(matched), metrics=fit.metrics, dropped=fit.dropped)
    save_model(document, out)
    m = fit.metrics
    print(f"{dimension} model of {target} ({fit.target_kind}) from {len(matched)} of {len(rows)} videos "
          f"({len(label_rows) - len(matched)} labels unmatched), {m['folds']}-fold cross-validation:")
    rows_out = [("spearman", m["spearman"], "rank correlation of out-of-fold predictions with the outcome"),
                ("r2", m["r2"], "R² on " + ("0/100 outcome" if fit.target_kind == "binary" else "outcome percentile ranks")),
                ("calibration_error", m["calibration_error"], "mean |score - outcome| per score bin, points"),
                ("rubric_spearman", m["rubric_spearman"], f"uncalibrated rubric {dimension} vs the outcome")]
    if "auc" in m:
        rows_out.insert(2, ("auc", m["auc"], "out-of-fold ROC AUC"))
    print_table(("metric", "value", "meaning"), [(a, "n/a" if b is None else b, c) for a, b, c in rows_out])
    shapes = [(s.signal, f"{min(s.ys):+.1f}", f"{max(s.ys):+.1f}") for s in fit.model.shapes]
    shapes += [(name, "dropped", why) for name, why in fit.dropped.items()]
    print()
    print_table(("signal", "min effect", "max effect"), shapes)
    print(f"\nmodel written to {out}; use it with: vidscore score VIDEO --model {out}")
    return 0
