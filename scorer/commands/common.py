"""Options and output helpers shared by several commands.

Shared option sets are click decorators (:func:`limit_options`,
:func:`score_options`, :func:`speech_language_option`); a command's callback
receives them as keyword arguments and turns them into typed records with
:func:`limits_from`, :func:`score_options_from` and :func:`extractor_options_from`.
Ranges are validated once, by the record they build (``MediaLimits``,
``ScoreOptions``), so an error names the same field wherever it came from.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import click

from features.media.errors import ConfigError
from features.media.probe import MediaLimits
from scorer.textio import write_text  # noqa: F401  (re-exported: the commands import it from here)

F = TypeVar("F", bound=Callable[..., Any])

FORMAT_CHOICES = click.Choice(("json", "table"))
LANG_CHOICES = click.Choice(("en", "zh"))
SPEECH_LANGUAGES = ("auto", "en", "zh")

# Names of the keyword arguments that score_options adds to a command (limit options included).
LIMIT_PARAMS = ("max_duration", "max_pixels", "max_file_mb", "timeout")
SCORE_PARAMS = ("niche", "product", "title", "creator_niche", "lang", "speech_language", "language",
                "asr_model", "text_model", "rubric", "model", *LIMIT_PARAMS)


def examples(*lines: str) -> str:
    """An ``Examples:`` epilog whose lines click prints as written (the ``\\b`` marker stops rewrapping)."""
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines)


def _apply(f: F, decorators: Sequence[Callable[[F], F]]) -> F:
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def limit_options(timeout_help: str = "wall-clock limit for decoding one file, seconds") -> Callable[[F], F]:
    """``--max-duration``, ``--max-pixels``, ``--max-file-mb``, ``--timeout`` (defaults: :class:`MediaLimits`)."""
    defaults = MediaLimits()

    def decorator(f: F) -> F:
        return _apply(f, [
            click.option("--max-duration", type=float, default=defaults.max_duration_s, show_default=True,
                         metavar="S", help="refuse videos longer than S seconds"),
            click.option("--max-pixels", type=int, default=defaults.max_pixels, show_default=True, metavar="N",
                         help="refuse pictures larger than N pixels"),
            click.option("--max-file-mb", type=float, default=defaults.max_file_bytes / 1e6, show_default=True,
                         metavar="MB", help="refuse files larger than MB megabytes"),
            click.option("--timeout", type=float, default=defaults.timeout_s, show_default=True, metavar="S",
                         help=timeout_help),
        ])

    return decorator


def limits_from(params: Mapping[str, Any]) -> MediaLimits:
    """``MediaLimits`` from the limit options; a bad value is a ConfigError naming the field."""
    try:
        return MediaLimits(
            max_pixels=params["max_pixels"],
            max_duration_s=params["max_duration"],
            max_file_bytes=int(params["max_file_mb"] * 1e6),
            timeout_s=params["timeout"],
        )
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _deprecated_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        click.echo("vidscore: note: --language is deprecated; use --speech-language (--lang is the explanation "
                   "language)", err=True)
    return value


def speech_language_option(f: F) -> F:
    """``--speech-language auto|en|zh`` (default: detect) and its hidden, deprecated alias ``--language``."""
    return _apply(f, [
        click.option("--speech-language", type=click.Choice(SPEECH_LANGUAGES), default="auto", show_default=True,
                     help="spoken language of the video, for speech recognition (auto: detect)"),
        click.option("--language", type=click.Choice(SPEECH_LANGUAGES), default=None, hidden=True,
                     callback=_deprecated_language, help="deprecated spelling of --speech-language"),
    ])


def speech_language_from(params: Mapping[str, Any]) -> str:
    """The spoken language asked for: ``--language`` (deprecated) when given, else ``--speech-language``."""
    return str(params.get("language") or params["speech_language"])


def score_options(timeout_help: str = "wall-clock limit for decoding one file, seconds") -> Callable[[F], F]:
    """What to score against (niche, product, title, languages, models) plus the input limits."""

    def decorator(f: F) -> F:
        f = _apply(f, [
            click.option("--niche", metavar="ID", help="target niche id, e.g. beauty, tech, food"),
            click.option("--product", metavar="TEXT", help="free-text description of the product being sold"),
            click.option("--title", metavar="TEXT", help="the video's title / caption / hashtags"),
            click.option("--creator-niche", metavar="ID", help="the creator's usual niche (KOL vertical match)"),
            click.option("--lang", type=LANG_CHOICES, default="en", show_default=True,
                         help="language of explanations and suggestions"),
            speech_language_option,
            click.option("--asr-model", metavar="NAME|PATH",
                         help="faster-whisper model: base (default), tiny.en, another name or a local path"),
            click.option("--text-model", metavar="NAME|PATH",
                         help="sentence-transformers model for cues and niche: all-MiniLM-L6-v2 (default, English), "
                              "a multilingual model name/path already on disk, or 'none' for lexicons only"),
            click.option("--rubric", metavar="NAME|PATH",
                         help="built-in rubric name (vidscore rubrics list) or a YAML file; default: default"),
            click.option("--model", metavar="MODEL",
                         help="calibrated model file from 'vidscore calibrate' (replaces the rubric for the "
                              "dimension(s) it fits)"),
        ])
        return limit_options(timeout_help)(f)

    return decorator


def split_params(params: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """Remove ``names`` from ``params`` and return them as their own dict."""
    return {name: params.pop(name) for name in names if name in params}


def extractor_options_from(params: Mapping[str, Any]) -> dict[str, Any]:
    """Options that configure the extractors once per process: speech language, ASR model, text model."""
    extractor_options: dict[str, Any] = {"language": speech_language_from(params)}
    if params.get("asr_model"):
        extractor_options["asr_model"] = params["asr_model"]
    if params.get("text_model"):
        extractor_options["text_model"] = params["text_model"]
    return extractor_options


def score_options_from(params: Mapping[str, Any], metadata: dict[str, Any] | None = None) -> Any:
    """``ScoreOptions`` from the score options; refuses an unknown niche, rubric or model before any decoding."""
    from scorer.options import ScoreOptions
    from scorer.scorers import resolve_scorer

    if params.get("niche") or params.get("creator_niche"):
        from features.niche import load_taxonomy

        for niche_id in filter(None, (params.get("niche"), params.get("creator_niche"))):
            load_taxonomy().get(niche_id)  # ConfigError naming the known niche ids
    resolve_scorer(params.get("rubric"), params.get("model"))  # refuse a bad rubric or model before any video is decoded
    return ScoreOptions(
        niche=params.get("niche"),
        product=params.get("product"),
        title=params.get("title"),
        creator_niche=params.get("creator_niche"),
        lang=params["lang"],
        limits=limits_from(params),
        metadata=metadata or {},
        rubric=params.get("rubric"),
        model=params.get("model"),
    )


def debug_enabled() -> bool:
    """Whether ``vidscore --debug`` was given (tracebacks of internal errors on stderr)."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().params.get("debug"))


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


def error_line(message: str) -> None:
    """One ``vidscore: error:`` line on stderr."""
    print(f"vidscore: error: {message}", file=sys.stderr)
