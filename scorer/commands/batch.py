"""``vidscore batch INPUT --out STORE``: score many videos with worker processes (or Ray) into a resumable store."""

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
    "vidscore batch manifest.csv --out kol.db --engine ray --workers 2",
    "vidscore batch manifest.csv --out postgresql://vidscore@db.internal/kol --engine ray --address auto",
    "vidscore rank results.db --by persuasion --top 10",
))
@click.argument("input_", metavar="INPUT")
@click.option("--out", metavar="STORE", required=True,
              help="results store: an SQLite file, or a postgresql:// URL (created if missing)")
@click.option("--engine", type=click.Choice(("local", "ray")), default="local", show_default=True,
              help="local: worker processes on this machine; ray: Ray actors (pip install 'vidscore[ray]')")
@click.option("--address", metavar="auto|HOST:PORT",
              help="with --engine ray: join this Ray cluster (default: a private Ray on 127.0.0.1 for the run)")
@score_options(timeout_help="wall-clock limit per video, seconds; a stuck worker is killed and replaced")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="worker processes or Ray actors (default: cores, or the cluster's CPUs, // --worker-threads)")
@click.option("--worker-threads", type=click.IntRange(min=1), default=1, show_default=True, metavar="T",
              help="cores each worker is pinned to (1: one single-threaded worker per core, the best throughput; "
                   "more finishes each video sooner)")
@click.option("--resume", is_flag=True, help="skip videos already in the store with the same content and versions")
@click.option("--retry-failed", is_flag=True, help="with --resume, score failed videos again")
@click.option("--report", "report_path", metavar="PATH",
              help="also write a self-contained HTML report of the store's scored videos to PATH")
@click.option("--no-progress", is_flag=True, help="hide the progress bars")
def command(input_: str, out: str, engine: str, address: str | None, workers: int | None, worker_threads: int,
            resume: bool, retry_failed: bool, report_path: str | None, no_progress: bool, **params: Any) -> int:
    """Score many videos in parallel worker processes into a results store.

    INPUT is a folder (searched recursively), a glob, or a CSV/JSONL manifest
    with a 'path' column and optional metadata columns (title, description,
    niche, product, creator_niche, labels...). Results go to a store (an SQLite
    file, or PostgreSQL for a postgresql:// URL), one row per video keyed by
    content hash and pipeline/rubric/model versions; read it with 'vidscore
    export', 'rank' and 'report'. A video that cannot be scored is recorded as
    failed and the run goes on. --engine ray scores on Ray actors: a private
    Ray on 127.0.0.1, or the cluster named by --address.
    """
    from scorer.batch import PipelineSpec, expand_input, run_batch
    from scorer.stores import open_store, shown

    if retry_failed and not resume:
        raise ConfigError("--retry-failed only makes sense with --resume.")
    if address and engine != "ray":
        raise ConfigError("--address only makes sense with --engine ray.")
    run: Any = run_batch
    extra: dict[str, Any] = {}
    if engine == "ray":
        from scorer.batch.ray_cluster import require_ray
        from scorer.batch.ray_engine import run_batch_ray

        require_ray()  # one line naming the install when Ray is missing, before any work
        run, extra = run_batch_ray, {"address": address}
    options = score_options_from(params)
    items = expand_input(input_)
    with open_store(out) as store:
        summary = run(
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
            **extra,
        )
        scored = [v.result for v in store.rows(status="scored") if v.result] if report_path else []
    print_table(("batch", shown(out)), summary.rows())  # a URL without its password
    if report_path and scored and not summary.interrupted:
        from scorer.htmlreport import write_report

        write_report(scored, report_path, lang=params["lang"])
        print(f"report of {len(scored)} videos written to {report_path}")
    if summary.interrupted:
        return 130
    return 1 if summary.failed_total else 0
