"""``vidscore score FILE...``: score videos and print or save the results."""

from __future__ import annotations

import argparse
import sys
import traceback

from features.media.errors import VidscoreError
from scorer.commands.common import add_score_options, extractor_options_from, render_results, score_options_from, write_text


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("score", help="score one or more videos")
    parser.add_argument("files", nargs="+", metavar="FILE")
    add_score_options(parser)
    parser.add_argument("--format", choices=("json", "table"), default="table",
                        help="output format (default %(default)s; json: one object, or an array for several files)")
    parser.add_argument("--out", metavar="PATH", help="write the output to PATH instead of stdout")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return parser


def run(args: argparse.Namespace) -> int:
    from scorer.pipeline import Pipeline

    options = score_options_from(args)
    pipeline = Pipeline(extractor_options=extractor_options_from(args))
    results = []
    failed = 0
    for path in args.files:
        try:
            results.append(pipeline.score(path, options, progress=False if args.no_progress else None).to_json())
        except VidscoreError as exc:
            failed += 1
            print(f"vidscore: error: {exc.message}", file=sys.stderr)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            failed += 1
            print(f"vidscore: error: {path}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            if args.debug:
                traceback.print_exc()
    if results:
        write_text(render_results(results, args.format, args.lang), args.out)
    return 1 if failed else 0
