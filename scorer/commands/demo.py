"""``vidscore demo``: score the bundled 9:16 demo product video (rendered by tools/render_demo.py)."""

from __future__ import annotations

import sys

import click

from scorer.commands.common import FORMAT_CHOICES, LANG_CHOICES, examples, render_results, write_text


@click.command("demo", short_help="score the bundled 9:16 demo product video", epilog=examples(
    "vidscore demo",
    "vidscore demo --lang zh",
    "vidscore demo --format json --out demo.json",
))
@click.option("--format", "fmt", type=FORMAT_CHOICES, default="table", show_default=True, help="output format")
@click.option("--lang", type=LANG_CHOICES, default="en", show_default=True, help="language of explanations")
@click.option("--out", metavar="PATH", help="write the output to PATH instead of stdout")
def command(fmt: str, lang: str, out: str | None) -> int:
    """Score the bundled 9:16 demo product video (a bilingual serum pitch with speech and captions)."""
    from scorer.demo import DEMO_NICHE, DEMO_PRODUCT, DEMO_TITLE, demo_video_path
    from scorer.options import ScoreOptions
    from scorer.pipeline import Pipeline

    path = demo_video_path()
    print(f"Scoring the bundled demo video {path} ...", file=sys.stderr)
    options = ScoreOptions(niche=DEMO_NICHE, product=DEMO_PRODUCT, title=DEMO_TITLE, lang=lang)
    result = Pipeline().score(str(path), options).to_json()
    write_text(render_results([result], fmt, lang), out)
    return 0
