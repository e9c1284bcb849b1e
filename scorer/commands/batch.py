"""``vidscore batch INPUT --out STORE``: score many videos with worker processes into a resumable SQLite store."""

from __future__ import annotations

from typing import Any

import click

from features.media.errors import ConfigError
from scorer.commands.common import examples, extractor_options_from, print_table, score_options, score_options_from


@click.command("batch", short_help="score a folder, glob or manifest of videos into a results store", epilog=examples(
    "vidscore batch videos/ --out results.db",
    "vidscore batch 'submissions/*.mp4' --out kol.db --niche beauty --workers 2",
    "vidscore batch manifest.csv --out results.db --resume",
    "vidscore batch submissions/ --out kol.db --report kol.html",
    "vidscore rank results.db --by persuasion --top 10",
))
@click.argument("input_", metavar="INPUT")
@click.option("--out", metavar="STORE", required=True, help="SQLite results store (created if missing)")
@score_options(timeout_help="wall-clock limit per video, seconds; a stuck worker is killed and replaced")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="worker processes (default: cores // --worker-threads)")
@click.option("--worker-threads", type=click.IntRange(min=1), default=1, show_default=True, metavar="T",
              help="cores each worker is pinned to (1: one single-threaded worker per core, the best throughput; "
                   "more finishes each video sooner)")
@click.option("--resume", is_flag=True, help="skip videos already in the store with the same content and versions")
@click.option("--retry-failed", is_flag=True, help="with --resume, score failed videos again")
@click.option("--report", "report_path", metavar="PATH",
              help="also write a self-contained HTML report of the store's scored videos to PATH")
@click.option("--no-progress", is_flag=True, help="hide the progress bars")
def command(input_: str, out: str, workers: int | None, worker_threads: int, resume: bool, retry_failed: bool,
            report_path: str | None, no_progress: bool, **params: Any) -> int:
    """Score many videos in parallel worker processes into a results store.

    INPUT is a folder (searched recursively), a glob, or a CSV/JSONL manifest
    with a 'path' column and optional metadata columns (title, description,
    niche, product, creator_niche, labels...). Results go to an SQLite store,
    one row per video keyed by content hash and pipeline/rubric/model versions;
    read it with 'vidscore export' and 'vidscore rank'. A video that cannot be
    scored is recorded as failed and the run goes on.
    """
    from scorer.batch import PipelineSpec, expand_input, run_batch
    from scorer.store import ResultStore

    if retry_failed and not resume:
        raise ConfigError("--retry-failed only makes sense with --resume.")
    options = score_options_from(params)
    items = expand_input(input_)
    with ResultStore(out) as store:
        summary = run_batch(
            items,
            store,
            options,
            PipelineSpec(extractor_options=extractor_options_from(params)),
            workers=workers,
            worker_threads=worker_threads,
            timeout_s=options.limits.timeout_s,
            resume=resume,
            retry_failed=retry_failed,
            progress=False if no_progress else None,
        )
        scored = [v.result for v in store.rows(status="scored") if v.result] if report_path else []
    print_table(("batch", str(out)), summary.rows())
    if report_path and scored and not summary.interrupted:
        from scorer.htmlreport import write_report

        write_report(scored, report_path, lang=params["lang"])
        print(f"report of {len(scored)} videos written to {report_path}")
    if summary.interrupted:
        return 130
    return 1 if summary.failed_total else 0
