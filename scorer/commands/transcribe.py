"""``vidscore transcribe FILE``: speech to text or subtitles (txt, srt, vtt or json), Chinese or English.

Uses the same ASR as scoring (:mod:`features.asr_backends`): faster-whisper with
the multilingual base model by default. Long segments are split at word
boundaries so each subtitle cue stays short enough to read on a phone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import click

from features.base import Transcript, TranscriptSegment
from scorer.commands.common import examples, speech_language_from, speech_language_option, write_text

FORMATS = ("txt", "srt", "vtt", "json")
MAX_CUE_S = 6.0
MAX_CUE_CHARS = {"zh": 18, "en": 42}


@click.command("transcribe", short_help="transcribe the speech of a video or audio file (txt/srt/vtt/json)",
               epilog=examples(
                   "vidscore transcribe video.mp4",
                   "vidscore transcribe pitch.mp4 --speech-language zh --format srt -o pitch.srt",
                   "vidscore transcribe talk.mp4 --model tiny.en --format json",
               ))
@click.argument("file", metavar="FILE")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="txt", show_default=True, help="output format")
@speech_language_option
@click.option("--model", metavar="NAME|PATH", default="base", show_default=True,
              help="base (multilingual), tiny.en (fast, English only), another model name or a local path")
@click.option("--backend", type=click.Choice(("faster-whisper", "openai-whisper")), default="faster-whisper",
              show_default=True, help="ASR implementation (openai-whisper needs the optional extra)")
@click.option("-o", "--output", metavar="PATH", help="write to PATH instead of stdout")
@click.option("--timeout", type=float, default=900.0, show_default=True, metavar="S", help="audio decoding limit, seconds")
def command(file: str, fmt: str, model: str, backend: str, output: str | None, timeout: float, **params: Any) -> int:
    """Speech of FILE to text or subtitles, with the same ASR as scoring (faster-whisper, multilingual base).

    Long segments are split at word boundaries so each subtitle cue stays short
    enough to read on a phone.
    """
    from features.asr_backends import AsrSettings, make_backend
    from features.media.decode import decode_audio
    from features.media.errors import ConfigError, InputError, MissingFileError

    try:
        settings = AsrSettings(backend=backend, model=model, language=speech_language_from(params))
    except ValueError as exc:
        raise ConfigError(f"{exc}.") from None
    if not os.path.isfile(file):
        raise MissingFileError(f"{file}: no such file.")
    audio = decode_audio(file, timeout_s=timeout)
    if audio is None or audio.samples.size == 0:
        raise InputError(f"{file}: has no audio track to transcribe.")
    transcript = make_backend(settings).transcribe(audio.samples)
    write_text(render(transcript, fmt), output)
    return 0


def render(transcript: Transcript, fmt: str) -> str:
    """``transcript`` as plain text, SubRip, WebVTT or JSON."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "json":
        payload = {
            "language": transcript.language,
            "text": transcript.text,
            "segments": [
                {
                    "start_s": round(s.start_s, 3),
                    "end_s": round(s.end_s, 3),
                    "text": s.text,
                    "words": [{"start_s": round(a, 3), "end_s": round(b, 3), "word": w} for a, b, w in s.words],
                }
                for s in transcript.segments
            ],
        }
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    cues = list(subtitle_cues(transcript))
    if fmt == "txt":
        return "".join(f"{s.text}\n" for s in transcript.segments if s.text)
    if fmt == "srt":
        return "\n".join(
            f"{i}\n{_stamp(a, ',')} --> {_stamp(b, ',')}\n{text}\n" for i, (a, b, text) in enumerate(cues, 1)
        )
    return "WEBVTT\n\n" + "\n".join(f"{_stamp(a, '.')} --> {_stamp(b, '.')}\n{text}\n" for a, b, text in cues)


def subtitle_cues(transcript: Transcript) -> Iterator[tuple[float, float, str]]:
    """(start s, end s, text) cues: segments, split at words when longer than 6 s or one phone line."""
    limit = MAX_CUE_CHARS.get(transcript.language, MAX_CUE_CHARS["en"])
    joiner = "" if transcript.language == "zh" else " "
    for segment in transcript.segments:
        if not segment.text:
            continue
        if not segment.words or (segment.end_s - segment.start_s <= MAX_CUE_S and len(segment.text) <= limit):
            yield segment.start_s, segment.end_s, segment.text
            continue
        yield from _split(segment, limit, joiner)


def _split(segment: TranscriptSegment, limit: int, joiner: str) -> Iterator[tuple[float, float, str]]:
    words: list[tuple[float, float, str]] = []
    for word in segment.words:
        if words:
            text = joiner.join(w for _, _, w in words + [word])
            if len(text) > limit or word[1] - words[0][0] > MAX_CUE_S:
                yield words[0][0], words[-1][1], joiner.join(w for _, _, w in words)
                words = []
        words.append(word)
    if words:
        yield words[0][0], words[-1][1], joiner.join(w for _, _, w in words)


def _stamp(seconds: float, separator: str) -> str:
    millis = int(round(max(0.0, seconds) * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"
