"""``vidscore score FILE...``: score videos and print or save the results."""

from __future__ import annotations

import traceback
from typing import Any

import click

from features.media.errors import VidscoreError
from scorer.commands.common import (
    FORMAT_CHOICES,
    debug_enabled,
    error_line,
    examples,
    extractor_options_from,
    render_results,
    score_options,
    score_options_from,
    write_text,
)


@click.command("score", short_help="score one or more videos", epilog=examples(
    "vidscore score video.mp4",
    "vidscore score pitch.mp4 --niche beauty --product 'matte lipstick' --lang zh",
    "vidscore score a.mp4 b.mp4 --format json --out results.json",
    "vidscore score video.mp4 --model ctr.model.json",
    "vidscore score video.mp4 --report video.html",
))
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@score_options()
@click.option("--format", "fmt", type=FORMAT_CHOICES, default="table", show_default=True,
              help="output format (json: one object, or an array for several files)")
@click.option("--out", metavar="PATH", help="write the output to PATH instead of stdout")
@click.option("--report", "report_path", metavar="PATH", help="also write a self-contained HTML report to PATH")
@click.option("--no-progress", is_flag=True, help="hide the progress bar")
def command(files: tuple[str, ...], fmt: str, out: str | None, report_path: str | None, no_progress: bool,
            **params: Any) -> int:
    """Score videos for quality, immersion and persuasion (0-100), with the reasons and what to change.

    Each FILE is scored on its own; a file that cannot be scored is reported on
    one line and the others are still scored (exit status 1 then).
    """
    from scorer.pipeline import Pipeline

    options = score_options_from(params)
    pipeline = Pipeline(extractor_options=extractor_options_from(params))
    results = []
    failed = 0
    for path in files:
        try:
            results.append(pipeline.score(path, options, progress=False if no_progress else None).to_json())
        except VidscoreError as exc:
            failed += 1
            error_line(exc.message)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            failed += 1
            error_line(f"{path}: internal error: {type(exc).__name__}: {exc}")
            if debug_enabled():
                traceback.print_exc()
    if results:
        write_text(render_results(results, fmt, params["lang"]), out)
        if report_path:
            from scorer.htmlreport import write_report

            write_report(results, report_path, lang=params["lang"])
    return 1 if failed else 0
