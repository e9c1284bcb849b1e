"""``vidscore demo``: score the bundled 9:16 demo product video (rendered by scorer/demo/render.py)."""

from __future__ import annotations

import argparse
import sys

from scorer.commands.common import render_results, write_text


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("demo", help="score the bundled 9:16 demo product video")
    parser.add_argument("--format", choices=("json", "table"), default="table")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of explanations")
    parser.add_argument("--out", metavar="PATH", help="write the output to PATH instead of stdout")
    return parser


def run(args: argparse.Namespace) -> int:
    from scorer.demo import DEMO_NICHE, DEMO_PRODUCT, DEMO_TITLE, demo_video_path
    from scorer.options import ScoreOptions
    from scorer.pipeline import Pipeline

    path = demo_video_path()
    print(f"Scoring the bundled demo video {path} ...", file=sys.stderr)
    options = ScoreOptions(niche=DEMO_NICHE, product=DEMO_PRODUCT, title=DEMO_TITLE, lang=args.lang)
    result = Pipeline().score(str(path), options).to_json()
    write_text(render_results([result], args.format, args.lang), args.out)
    return 0
