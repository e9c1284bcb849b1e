"""``vidscore probe FILE``: print what a video file is (duration, displayed size, rotation, codecs...)."""

from __future__ import annotations

import json
from typing import Any

import click

from scorer.commands.common import FORMAT_CHOICES, examples, limit_options, limits_from, print_table


@click.command("probe", short_help="print what a video file is (duration, size, rotation, codecs...)", epilog=examples(
    "vidscore probe video.mp4",
    "vidscore probe video.mov --format json",
))
@click.argument("file", metavar="FILE")
@click.option("--format", "fmt", type=FORMAT_CHOICES, default="table", show_default=True, help="output format")
@limit_options()
def command(file: str, fmt: str, **params: Any) -> int:
    """Print what FILE is: duration, displayed size, rotation, frame rate, codecs, audio."""
    from features.media.probe import probe

    info = probe(file, limits_from(params))
    if fmt == "json":
        print(json.dumps(info.as_dict(), indent=2, ensure_ascii=False))
    else:
        print_table(("field", "value"), [(k, str(v)) for k, v in info.as_dict().items()])
    return 0
