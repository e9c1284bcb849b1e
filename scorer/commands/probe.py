"""``vidscore probe FILE``: print what a video file is (duration, displayed size, rotation, codecs...)."""

from __future__ import annotations

import argparse
import json

from scorer.commands.common import add_limit_options, limits_from, print_table


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("probe", help="print what a video file is (duration, size, rotation, codecs...)")
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--format", choices=("json", "table"), default="table")
    add_limit_options(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    from features.media.probe import probe

    info = probe(args.file, limits_from(args))
    if args.format == "json":
        print(json.dumps(info.as_dict(), indent=2, ensure_ascii=False))
    else:
        print_table(("field", "value"), [(k, str(v)) for k, v in info.as_dict().items()])
    return 0
