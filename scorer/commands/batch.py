"""``vidscore batch INPUT --out STORE``: score many videos with worker processes into a resumable SQLite store."""

from __future__ import annotations

import argparse

from features.media.errors import ConfigError
from scorer.commands.common import add_score_options, extractor_options_from, print_table, score_options_from


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "batch",
        help="score a folder, glob or manifest of videos into a results store",
        description="Score many videos in parallel worker processes. Results go to an SQLite store, one row per "
        "video keyed by content hash and pipeline/rubric/model versions; read it with `vidscore export` and "
        "`vidscore rank`.",
    )
    parser.add_argument("input", metavar="INPUT",
                        help="a folder (searched recursively), a glob, or a CSV/JSONL manifest with a 'path' column "
                        "and optional metadata columns (title, description, niche, product, creator_niche, labels...)")
    parser.add_argument("--out", metavar="STORE", required=True, help="SQLite results store (created if missing)")
    add_score_options(parser)
    for action in parser._actions:
        if action.dest == "timeout":
            action.help = "wall-clock limit per video; a stuck worker is killed and replaced (default %(default)s s)"
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="worker processes (default: cores // --worker-threads)")
    parser.add_argument("--worker-threads", type=int, default=1, metavar="T",
                        help="cores each worker is pinned to (default 1: one single-threaded worker per core, "
                        "the best throughput; more finishes each video sooner)")
    parser.add_argument("--resume", action="store_true",
                        help="skip videos already in the store with the same content and versions")
    parser.add_argument("--retry-failed", action="store_true", help="with --resume, score failed videos again")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    return parser


def run(args: argparse.Namespace) -> int:
    from scorer.batch import PipelineSpec, expand_input, run_batch
    from scorer.store import ResultStore

    if args.workers is not None and args.workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {args.workers}.")
    if args.worker_threads < 1:
        raise ConfigError(f"--worker-threads must be at least 1, got {args.worker_threads}.")
    if args.retry_failed and not args.resume:
        raise ConfigError("--retry-failed only makes sense with --resume.")
    options = score_options_from(args)
    items = expand_input(args.input)
    with ResultStore(args.out) as store:
        summary = run_batch(
            items,
            store,
            options,
            PipelineSpec(extractor_options=extractor_options_from(args)),
            workers=args.workers,
            worker_threads=args.worker_threads,
            timeout_s=args.timeout,
            resume=args.resume,
            retry_failed=args.retry_failed,
            progress=False if args.no_progress else None,
        )
    print_table(("batch", str(args.out)), summary.rows())
    if summary.interrupted:
        return 130
    return 1 if summary.failed_total else 0
