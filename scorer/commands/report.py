"""``vidscore report INPUT... --out report.html``: one self-contained HTML page of scored videos."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from scorer.commands.common import LANG_CHOICES, examples


@click.command("report", short_help="write a self-contained HTML report of scored videos", epilog=examples(
    "vidscore score clip.mp4 --format json --out clip.json && vidscore report clip.json --out clip.html",
    "vidscore report kol.db --out shortlist.html --by persuasion --top 20 --lang zh",
    "vidscore score clip.mp4 --report clip.html",
))
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--out", metavar="PATH", required=True, help="HTML file to write")
@click.option("--lang", type=LANG_CHOICES, default="en", show_default=True, help="language of the page")
@click.option("--by", type=click.Choice(("overall", "quality", "immersion", "persuasion")), default="overall",
              show_default=True, help="score the ranked table is ordered by (overall: mean of the three)")
@click.option("--top", type=click.IntRange(min=1), default=None, metavar="K", help="only the K best videos")
@click.option("--no-progress", is_flag=True, help="hide the progress bar")
def command(inputs: tuple[str, ...], out: str, lang: str, by: str, top: int | None, no_progress: bool) -> int:
    """Write one HTML page of the results in INPUT (result JSON files or batch stores).

    Per video: the three scores, key moments with faces/hands boxes, a timeline
    of cuts, stills, speech, on-screen text and cues, a waterfall of how each
    score was reached, the transcript with cue phrases marked, compliance
    reasons with rewrites, niche and suggestions. With several videos, a
    sortable, filterable ranked table comes first. The page needs no network:
    open it from disk in any browser.
    """
    from scorer.htmlreport import load_results, write_report

    results = load_results(inputs)
    if not results:
        print(f"vidscore: no scored videos in {', '.join(inputs)}; nothing to report.", file=sys.stderr)
        return 1
    write_report(results, out, lang=lang, by=by, top=top, progress=_progress(len(results), no_progress))
    print(f"report of {min(len(results), top or len(results))} videos written to {out}", file=sys.stderr)
    return 0


def _progress(total: int, hidden: bool) -> Callable[[int, int], None] | None:
    """A tqdm bar over the videos (thumbnails are the slow part), or None."""
    if hidden or total < 2:
        return None
    from tqdm import tqdm

    bar = tqdm(total=total, desc="report", unit="video", file=sys.stderr, disable=None)

    def step(done: int, _total: int) -> None:
        bar.update(done - bar.n)
        if done == _total:
            bar.close()

    return step
