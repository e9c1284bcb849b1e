"""Options and output helpers shared by several commands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from features.media.errors import ConfigError
from features.media.probe import MediaLimits
from scorer.textio import write_text  # noqa: F401  (re-exported: the commands import it from here)


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """--max-duration, --max-pixels, --max-file-mb, --timeout."""
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


def limits_from(args: argparse.Namespace) -> MediaLimits:
    try:
        return MediaLimits(
            max_pixels=args.max_pixels,
            max_duration_s=args.max_duration,
            max_file_bytes=int(args.max_file_mb * 1e6),
            timeout_s=args.timeout,
        )
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def add_score_options(parser: argparse.ArgumentParser) -> None:
    """What to score against: niche, product, title, languages, models."""
    parser.add_argument("--niche", metavar="ID", help="target niche id, e.g. beauty, tech, food")
    parser.add_argument("--product", metavar="TEXT", help="free-text description of the product being sold")
    parser.add_argument("--title", metavar="TEXT", help="the video's title / caption / hashtags")
    parser.add_argument("--creator-niche", metavar="ID", help="the creator's usual niche (KOL vertical match)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of explanations")
    add_speech_language_option(parser)
    parser.add_argument("--asr-model", metavar="NAME|PATH", default=None,
                        help="faster-whisper model: base (default), tiny.en, another name or a local path")
    parser.add_argument("--text-model", metavar="NAME|PATH", default=None,
                        help="sentence-transformers model for cues and niche: all-MiniLM-L6-v2 (default, English), "
                             "a multilingual model name/path already on disk, or 'none' for lexicons only")
    parser.add_argument("--rubric", metavar="NAME|PATH", default=None,
                        help="rubric to score with: a built-in name (vidscore rubrics list) or a YAML file; default: default")
    parser.add_argument("--model", metavar="MODEL", default=None,
                        help="calibrated model file from 'vidscore calibrate' (replaces the rubric for the dimension(s) it fits)")
    add_limit_options(parser)


SPEECH_LANGUAGES = ("auto", "en", "zh")


class _DeprecatedLanguage(argparse.Action):
    """``--language``: the old spelling of ``--speech-language``, still accepted with a note on stderr."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        print("vidscore: note: --language is deprecated; use --speech-language (--lang is the explanation language)",
              file=sys.stderr)
        namespace.speech_language = values


def add_speech_language_option(parser: argparse.ArgumentParser) -> None:
    """``--speech-language auto|en|zh`` (spoken language; default: detect) and its deprecated alias ``--language``."""
    parser.add_argument("--speech-language", choices=SPEECH_LANGUAGES, default="auto",
                        help="spoken language of the video for speech recognition (default: detect)")
    parser.add_argument("--language", choices=SPEECH_LANGUAGES, action=_DeprecatedLanguage, help=argparse.SUPPRESS)


def extractor_options_from(args: argparse.Namespace) -> dict[str, Any]:
    """Options that configure the extractors once per process: speech language, ASR model, text model."""
    extractor_options: dict[str, Any] = {"language": args.speech_language}
    if args.asr_model:
        extractor_options["asr_model"] = args.asr_model
    if args.text_model:
        extractor_options["text_model"] = args.text_model
    return extractor_options


def score_options_from(args: argparse.Namespace, metadata: dict[str, Any] | None = None) -> Any:
    """``ScoreOptions`` from parsed score options."""
    from scorer.options import ScoreOptions
    from scorer.scorers import resolve_scorer

    if args.niche or args.creator_niche:
        from features.niche import load_taxonomy

        for niche_id in filter(None, (args.niche, args.creator_niche)):
            load_taxonomy().get(niche_id)  # ConfigError naming the known niche ids
    resolve_scorer(args.rubric, args.model)  # refuse a bad rubric or model before any video is decoded
    return ScoreOptions(
        niche=args.niche,
        product=args.product,
        title=args.title,
        creator_niche=args.creator_niche,
        lang=args.lang,
        limits=limits_from(args),
        metadata=metadata or {},
        rubric=args.rubric,
        model=args.model,
    )


def render_results(results: list[dict[str, Any]], fmt: str, lang: str) -> str:
    """JSON (one object, or an array for several results) or terminal tables."""
    if fmt == "json":
        payload: Any = results[0] if len(results) == 1 else results
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    from scorer.report import render_table

    return "\n".join(render_table(r, lang) for r in results)


def print_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from scorer.report import format_table

    print(format_table(header, rows))
