"""Speech recognition and speech-delivery signals (exposed by ``vidscore score``; ``vidscore transcribe`` reuses the ASR).

:class:`SpeechExtractor` transcribes the audio track with the configured ASR
backend (faster-whisper "base" by default, see :mod:`features.asr_backends`),
fills ``context.transcript`` for later extractors and measures how the speech is
delivered: how much of the video is spoken, how fast, how soon the voice starts,
how it pauses, filler words and how far the voice stands above the background.

Extractor options (``ScoreOptions.extractor_options``): ``language`` auto|en|zh,
``asr_model`` (base, tiny.en, a faster-whisper name or a local path),
``asr_backend`` faster-whisper|openai-whisper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from features.asr_backends import AsrSettings, make_backend
from features.audio_level import frame_rms_db
from features.base import Event, Extractor, ExtractorOutput, Input, SignalSpec, Transcript, VideoContext
from features.media.resources import frame_pass_threads
from features.spans import merge_spans
from features.whisper_models import DEFAULT_MODEL

PAUSE_S = 0.5  # a gap between words at least this long is a pause
LONG_PAUSE_S = 1.0
_MERGE_GAP_S = 0.3  # word gaps shorter than this still count as speaking
_EN_FILLERS = frozenset({"um", "umm", "uh", "uhh", "uhm", "erm", "er", "hmm", "mm", "ah"})
_ZH_ALWAYS_FILLERS = ("嗯", "呃")
# 那个/就是 are fillers only when they stand alone as a clause opener or before a break.
_ZH_CLAUSE_FILLER = re.compile(r"(?:^|[，,。.！!？?、\s])(那个|就是)|(那个|就是)(?=[，,。.！!？?、…\s]|$)")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9']+")


@dataclass(frozen=True)
class SpeechStats:
    """Delivery measures of one transcript over a track of ``duration_s`` seconds."""

    coverage: float
    rate_per_min: float | None
    first_speech_s: float | None
    pause_share: float | None
    long_pauses_per_min: float | None
    fillers_per_min: float | None
    units: int


def count_units(text: str, language: str) -> int:
    """Spoken units: Chinese characters (plus any Latin words) for "zh", words otherwise."""
    if language == "zh":
        return len(_CJK.findall(text)) + len(_LATIN_WORD.findall(text))
    return len(_LATIN_WORD.findall(text))


def count_fillers(text: str, language: str) -> int:
    """Filler words: um/uh... in English; 嗯/呃 and clause-initial or stand-alone 那个/就是 in Chinese."""
    if language == "zh":
        return sum(text.count(f) for f in _ZH_ALWAYS_FILLERS) + len(_ZH_CLAUSE_FILLER.findall(text))
    return sum(1 for w in _LATIN_WORD.findall(text.lower()) if w in _EN_FILLERS)


def word_spans(transcript: Transcript) -> list[tuple[float, float]]:
    """Time spans (s) of recognised words, or of segments when a segment has no word timing."""
    spans: list[tuple[float, float]] = []
    for segment in transcript.segments:
        if segment.words:
            spans.extend((a, max(a, b)) for a, b, _ in segment.words)
        elif segment.text:
            spans.append((segment.start_s, max(segment.start_s, segment.end_s)))
    return sorted(spans)


def speech_stats(transcript: Transcript, duration_s: float) -> SpeechStats:
    """Coverage, rate, first-speech time, pauses and fillers of ``transcript``."""
    spans = word_spans(transcript)
    units = count_units(transcript.text, transcript.language)
    if not spans or duration_s <= 0:
        return SpeechStats(0.0, None, None, None, None, None, units)
    talk = merge_spans(spans, _MERGE_GAP_S)
    talking_s = sum(b - a for a, b in talk)
    first, last = spans[0][0], max(b for _, b in spans)
    span_s = max(last - first, 1e-3)
    gaps = [b[0] - a[1] for a, b in zip(talk, talk[1:])]
    pauses = sum(g for g in gaps if g >= PAUSE_S)
    minutes = span_s / 60.0
    return SpeechStats(
        coverage=min(1.0, talking_s / duration_s),
        rate_per_min=units / (talking_s / 60.0) if talking_s > 0.5 else None,
        first_speech_s=min(max(first, 0.0), duration_s),
        pause_share=min(1.0, pauses / span_s),
        long_pauses_per_min=sum(1 for g in gaps if g >= LONG_PAUSE_S) / minutes if span_s >= 5.0 else None,
        fillers_per_min=count_fillers(transcript.text, transcript.language) / minutes if span_s >= 5.0 else None,
        units=units,
    )


def speech_to_background_db(
    samples: np.ndarray, sample_rate: int, spans: list[tuple[float, float]], frame_s: float = 0.03
) -> float | None:
    """Mean level of speech frames minus median level of the rest (dB); None with < 0.5 s of either."""
    levels = frame_rms_db(samples, sample_rate, frame_s)
    inside = np.zeros(levels.size, dtype=bool)
    for start, end in spans:
        inside[int(start / frame_s) : int(np.ceil(end / frame_s))] = True
    if inside.sum() * frame_s < 0.5 or (~inside).sum() * frame_s < 0.5:
        return None
    speech = 10.0 * np.log10(np.mean(10.0 ** (levels[inside] / 10.0)))
    background = float(np.median(np.maximum(levels[~inside], -90.0)))
    return float(np.clip(speech - background, -30.0, 90.0))


class SpeechExtractor(Extractor):
    """Transcribes speech (provides the transcript) and measures its delivery."""

    name = "speech"
    version = "1"
    inputs = frozenset({Input.AUDIO})
    provides = frozenset({Input.TRANSCRIPT})
    signals = (
        SignalSpec("speech_coverage", "0-1", "Share of the video during which someone is speaking", 0.0, 1.0),
        SignalSpec("speaking_rate", "units/min", "Words per minute (English) or characters per minute (Chinese) while speaking", 0.0, 1200.0),
        SignalSpec("time_to_first_speech_s", "s", "Seconds before the first recognised word", 0.0, 3600.0),
        SignalSpec("pause_share", "0-1", "Share of the talk (first to last word) spent in pauses of 0.5 s or more", 0.0, 1.0),
        SignalSpec("long_pauses_per_minute", "1/min", "Pauses of 1 s or more per minute of talk", 0.0, 120.0),
        SignalSpec("filler_words_per_minute", "1/min", "Filler words (um/uh, 嗯/呃/那个/就是) per minute of talk", 0.0, 300.0),
        SignalSpec("speech_to_background_db", "dB", "Speech level above the level of the non-speech parts", -30.0, 90.0),
        SignalSpec("speech_units", "count", "Words (English) or characters (Chinese) recognised", 0.0, 1e6),
    )

    def __init__(self, settings: AsrSettings | None = None) -> None:
        self.settings = settings or AsrSettings()
        self.backend = make_backend(self.settings)

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> SpeechExtractor:
        return cls(
            AsrSettings(
                backend=options.get("asr_backend") or "faster-whisper",
                model=options.get("asr_model") or DEFAULT_MODEL,
                language=options.get("language") or "auto",
                threads=frame_pass_threads(),  # the frame pass runs beside it on the other cores
            )
        )

    def finish(self, context: VideoContext) -> ExtractorOutput:
        audio = context.audio
        assert audio is not None
        transcript = self.backend.transcribe(audio.samples)
        context.transcript = transcript
        duration = max(audio.duration_s, context.info.duration_s or 0.0)
        stats = speech_stats(transcript, duration)
        spans = merge_spans(word_spans(transcript), _MERGE_GAP_S)
        events = [
            Event("speech", s.start_s, s.end_s, {"text": s.text, "language": transcript.language})
            for s in transcript.segments
            if s.text
        ]
        return ExtractorOutput(
            signals={
                "speech_coverage": stats.coverage,
                "speaking_rate": None if stats.rate_per_min is None else min(stats.rate_per_min, 1200.0),
                "time_to_first_speech_s": duration if stats.first_speech_s is None else stats.first_speech_s,
                "pause_share": stats.pause_share,
                "long_pauses_per_minute": None if stats.long_pauses_per_min is None else min(stats.long_pauses_per_min, 120.0),
                "filler_words_per_minute": None if stats.fillers_per_min is None else min(stats.fillers_per_min, 300.0),
                "speech_to_background_db": speech_to_background_db(audio.samples, audio.sample_rate, spans),
                "speech_units": float(stats.units),
            },
            events=events,
        )
