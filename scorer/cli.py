"""The ``vidscore`` command line.

Commands: ``score``, ``probe``, ``features``, ``demo``. Exit status: 0 when
every input was scored, 1 when some failed (each failure printed as one line on
stderr), 2 for usage errors, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scorer.errors import ConfigError, VidscoreError
from scorer.media import MediaLimits

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _add_limits(parser: argparse.ArgumentParser) -> None:
    defaults = MediaLimits()
    group = parser.add_argument_group("input limits")
    group.add_argument("--max-duration", type=float, default=defaults.max_duration_s, metavar="S",
                       help="refuse videos longer than S seconds (default %(default)s)")
    group.add_argument("--max-pixels", type=int, default=defaults.max_pixels, metavar="N",
                       help="refuse pictures larger than N pixels (default %(default)s)")
    group.add_argument("--max-file-mb", type=float, default=defaults.max_file_bytes / 1e6, metavar="MB",
                       help="refuse files larger than MB megabytes (default %(default).0f)")
    group.add_argument("--timeout", type=float, default=defaults.timeout_s, metavar="S",
                       help="wall-clock limit for decoding one file (default %(default)s s)")


def _limits(args: argparse.Namespace) -> MediaLimits:
    try:
        return MediaLimits(
            max_pixels=args.max_pixels,
            max_duration_s=args.max_duration,
            max_file_bytes=int(args.max_file_mb * 1e6),
            timeout_s=args.timeout,
        )
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vidscore",
        description="Score short e-commerce videos for quality, immersion and persuasion (0-100) with explanations.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    score = commands.add_parser("score", help="score one or more videos")
    score.add_argument("files", nargs="+", metavar="FILE")
    _add_score_options(score)
    score.add_argument("--format", choices=("json", "table"), default="table",
                       help="output format (default %(default)s; json: one object, or an array for several files)")
    score.add_argument("--out", metavar="PATH", help="write the output to PATH instead of stdout")
    score.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    _add_limits(score)

    probe = commands.add_parser("probe", help="print what a video file is (duration, size, rotation, codecs...)")
    probe.add_argument("file", metavar="FILE")
    probe.add_argument("--format", choices=("json", "table"), default="table")
    _add_limits(probe)

    commands.add_parser("features", help="list every signal with its unit and meaning")

    demo = commands.add_parser("demo", help="score the bundled 9:16 demo product video")
    demo.add_argument("--format", choices=("json", "table"), default="table")
    demo.add_argument("--lang", choices=("en", "zh"), default="en")
    return parser


def _add_score_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--niche", metavar="ID", help="target niche id, e.g. beauty, tech, food")
    parser.add_argument("--product", metavar="TEXT", help="free-text description of the product being sold")
    parser.add_argument("--title", metavar="TEXT", help="the video's title / caption / hashtags")
    parser.add_argument("--creator-niche", metavar="ID", help="the creator's usual niche (KOL vertical match)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of explanations")
    parser.add_argument("--language", choices=("auto", "en", "zh"), default="auto",
                        help="spoken language of the video (default: detect)")
    parser.add_argument("--asr-model", metavar="NAME|PATH", default=None,
                        help="faster-whisper model: base (default), tiny.en, another name or a local path")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "features":
            return _cmd_features()
        if args.command == "probe":
            return _cmd_probe(args)
        if args.command == "score":
            return _cmd_score(args)
        if args.command == "demo":
            return _cmd_demo(args)
    except ConfigError as exc:
        print(f"vidscore: error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except VidscoreError as exc:
        print(f"vidscore: error: {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("vidscore: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    parser.error(f"unknown command {args.command!r}")
    return EXIT_USAGE


def _cmd_features() -> int:
    from features.registry import signal_specs

    rows = [(spec.name, spec.unit, f"[{spec.low:g}, {spec.high:g}]", extractor, spec.description)
            for extractor, spec in signal_specs()]
    _print_table(("signal", "unit", "range", "extractor", "meaning"), rows)
    return EXIT_OK


def _cmd_probe(args: argparse.Namespace) -> int:
    from scorer.media import probe

    info = probe(args.file, _limits(args))
    if args.format == "json":
        print(json.dumps(info.as_dict(), indent=2, ensure_ascii=False))
    else:
        _print_table(("field", "value"), [(k, str(v)) for k, v in info.as_dict().items()])
    return EXIT_OK


def _score_options(args: argparse.Namespace) -> Any:
    from scorer.pipeline import ScoreOptions

    extractor_options: dict[str, Any] = {"language": args.language}
    if args.asr_model:
        extractor_options["asr_model"] = args.asr_model
    return ScoreOptions(
        niche=args.niche,
        product=args.product,
        title=args.title,
        creator_niche=args.creator_niche,
        lang=args.lang,
        limits=_limits(args),
        extractor_options=extractor_options,
    )


def _cmd_score(args: argparse.Namespace) -> int:
    from scorer.pipeline import Pipeline

    options = _score_options(args)
    pipeline = Pipeline(extractor_options=options.extractor_options)
    results: list[dict[str, Any]] = []
    failed = 0
    for path in args.files:
        try:
            results.append(pipeline.score(path, options, progress=False if args.no_progress else None))
        except VidscoreError as exc:
            failed += 1
            print(f"vidscore: error: {exc.message}", file=sys.stderr)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            failed += 1
            print(f"vidscore: error: {path}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            if args.debug:
                traceback.print_exc()
    _emit(results, args.format, args.out, lang=args.lang)
    return EXIT_FAILED if failed else EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from scorer.demo import demo_video_path
    from scorer.pipeline import Pipeline, ScoreOptions

    path = demo_video_path()
    print(f"Scoring the bundled demo video {path} ...", file=sys.stderr)
    options = ScoreOptions(niche="beauty", title="Hydrating serum 补水精华 | link below", lang=args.lang)
    result = Pipeline().score(str(path), options)
    _emit([result], args.format, None, lang=args.lang)
    return EXIT_OK


def _emit(results: list[dict[str, Any]], fmt: str, out: str | None, lang: str) -> None:
    if fmt == "json":
        payload: Any = results[0] if len(results) == 1 else results
        text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    else:
        from scorer.report import render_table

        text = "\n".join(render_table(r, lang) for r in results)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        tmp = f"{out}.tmp{os.getpid()}"
        Path(tmp).write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    elif text:
        sys.stdout.write(text)


def _print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    from scorer.report import format_table

    print(format_table(header, rows))


if __name__ == "__main__":
    sys.exit(main())
