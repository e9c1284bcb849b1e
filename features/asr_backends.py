"""Speech-recognition backends turning 16 kHz mono samples into a :class:`~features.base.Transcript`.

Used by the speech extractor (``vidscore score``) and by ``vidscore transcribe``.

* :class:`FasterWhisperBackend` (default): faster-whisper on CTranslate2, int8 on
  CPU, Silero VAD to skip silence, word timestamps; models resolved by
  :mod:`features.whisper_models` ("base", "tiny.en", another name or a path).
* :class:`OpenAIWhisperBackend` (optional, ``pip install vidscore[openai-whisper]``):
  the reference PyTorch implementation; the model is a name known to openai-whisper
  or a local ``.pt`` checkpoint file.

Language: "auto" detects it and keeps English or Chinese, whichever the model
finds more likely when it hears some third language; "en" or "zh" forces it.
Chinese output is converted to simplified characters (zhconv).

Long tracks are recognised in pieces of at most ``PIECE_S`` seconds, cut at the
quietest 20 ms within the last ``CUT_SEARCH_S`` seconds of each piece (a pause,
not a word), so memory stays flat however long the video is (faster-whisper
computes the log-mel spectrogram of everything it is given at once: about 1 MB
per second). With language "auto" the first piece with speech decides it. The
optional openai-whisper backend gets the whole track at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from features.base import Transcript, TranscriptSegment
from features.media.decode import AUDIO_SAMPLE_RATE
from features.media.errors import ConfigError
from features.media.resources import cpu_threads
from features.whisper_models import DEFAULT_MODEL, is_english_only, load_whisper

PIECE_S = 60.0  # longest stretch of audio recognised at once (s)
CUT_SEARCH_S = 10.0  # a piece ends at the quietest 20 ms of its last this-many seconds
LANGUAGES = ("auto", "en", "zh")
BACKENDS = ("faster-whisper", "openai-whisper")
SUPPORTED = ("en", "zh")
# A short simplified-Chinese prompt nudges Whisper towards simplified characters and punctuation.
_ZH_PROMPT = "以下是普通话的句子。"


def to_simplified(text: str) -> str:
    """``text`` with traditional Chinese characters converted to simplified ones."""
    import zhconv

    return zhconv.convert(text, "zh-cn")


def _pick_supported(probabilities: list[tuple[str, float]] | None) -> str:
    """The more likely of English and Chinese in a (language, probability) list; English when unknown."""
    scores = {lang: prob for lang, prob in probabilities or () if lang in SUPPORTED}
    return max(SUPPORTED, key=lambda lang: scores.get(lang, 0.0))


def pieces(samples: np.ndarray, sample_rate: int = AUDIO_SAMPLE_RATE, piece_s: float = PIECE_S,
           search_s: float = CUT_SEARCH_S) -> list[tuple[int, int]]:
    """(start, stop) sample ranges covering ``samples`` in order, each at most ``piece_s`` seconds.

    Every cut but the last falls on the lowest-energy 20 ms frame of the final
    ``search_s`` seconds of its piece.
    """
    if not 0 < search_s < piece_s:
        raise ValueError(f"search_s must be in (0, piece_s), got {search_s!r} with piece_s {piece_s!r}")
    longest, search, frame = int(piece_s * sample_rate), int(search_s * sample_rate), sample_rate // 50
    ranges: list[tuple[int, int]] = []
    start = 0
    while samples.size - start > longest:
        window = samples[start + longest - search : start + longest]
        usable = window[: window.size // frame * frame].reshape(-1, frame)
        quietest = int(np.argmin(np.mean(usable.astype(np.float32) ** 2, axis=1)))
        cut = start + longest - search + quietest * frame + frame // 2
        ranges.append((start, cut))
        start = cut
    ranges.append((start, samples.size))
    return ranges


def _shifted(segment: TranscriptSegment, offset_s: float) -> TranscriptSegment:
    """``segment`` with its and its words' times moved later by ``offset_s`` seconds."""
    return TranscriptSegment(
        segment.start_s + offset_s,
        segment.end_s + offset_s,
        segment.text,
        tuple((a + offset_s, b + offset_s, w) for a, b, w in segment.words),
    )


def _finish(language: str, segments: list[TranscriptSegment]) -> Transcript:
    if language == "zh":
        segments = [
            TranscriptSegment(
                s.start_s, s.end_s, to_simplified(s.text), tuple((a, b, to_simplified(w)) for a, b, w in s.words)
            )
            for s in segments
        ]
    joiner = "" if language == "zh" else " "
    text = joiner.join(s.text for s in segments if s.text).strip()
    return Transcript(language=language, text=text, segments=tuple(segments))


@dataclass(frozen=True)
class AsrSettings:
    """What to recognise with: backend, model name or path, language (auto|en|zh), beam size (1-10), CPU threads."""

    backend: str = "faster-whisper"
    model: str = DEFAULT_MODEL
    language: str = "auto"
    beam_size: int = 5
    threads: int | None = None  # CPU threads; None = all cores

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"asr backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {self.language!r}")
        if not self.model or not str(self.model).strip():
            raise ValueError("asr model must be a non-empty name or path, got ''")
        if not 1 <= self.beam_size <= 10:
            raise ValueError(f"beam_size must be in [1, 10], got {self.beam_size!r}")
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"threads must be at least 1 or None, got {self.threads!r}")
        if is_english_only(self.model) and self.language == "zh":
            raise ValueError(f"model {self.model!r} is English-only; it cannot transcribe language 'zh' (use base)")


class FasterWhisperBackend:
    """faster-whisper transcription (int8, CPU, VAD, word timestamps)."""

    def __init__(self, settings: AsrSettings) -> None:
        self.settings = settings

    def transcribe(self, samples: np.ndarray) -> Transcript:
        """Transcript of mono 16 kHz float32 ``samples``, recognised a piece (:func:`pieces`) at a time."""
        model = load_whisper(self.settings.model, self.settings.threads)
        language = self.settings.language
        if is_english_only(self.settings.model):
            language = "en"
        segments: list[TranscriptSegment] = []
        guess = "en"  # language reported when no piece has speech
        for start, stop in pieces(samples, AUDIO_SAMPLE_RATE, PIECE_S, CUT_SEARCH_S):
            piece, offset = samples[start:stop], start / AUDIO_SAMPLE_RATE
            found, info = self._run(model, piece, None if language == "auto" else language)
            if language == "auto":
                guess = info.language if info.language in SUPPORTED else _pick_supported(info.all_language_probs)
                if info.language not in SUPPORTED:
                    found, info = self._run(model, piece, guess)
                if found:
                    language = guess  # the first piece with speech decides
            segments.extend(_shifted(s, offset) for s in found)
        return _finish(guess if language == "auto" else language, segments)

    def _run(self, model: Any, samples: np.ndarray, language: str | None) -> tuple[list[TranscriptSegment], Any]:
        pieces, info = model.transcribe(
            np.ascontiguousarray(samples, dtype=np.float32),
            language=language,
            beam_size=self.settings.beam_size,
            vad_filter=True,
            vad_parameters={"min_silence_duration_ms": 500},
            word_timestamps=True,
            condition_on_previous_text=False,
            initial_prompt=_ZH_PROMPT if language == "zh" else None,
        )
        segments = [
            TranscriptSegment(
                float(p.start),
                float(p.end),
                p.text.strip(),
                tuple((float(w.start), float(w.end), w.word.strip()) for w in (p.words or ()) if w.word.strip()),
            )
            for p in pieces
        ]
        return segments, info


@lru_cache(maxsize=2)
def load_openai_whisper(model: str, threads: int | None = None) -> Any:
    """The openai-whisper model for a name or a ``.pt`` checkpoint path, on CPU, loaded once per process."""
    try:
        import whisper
    except ImportError:
        raise ConfigError("the openai-whisper backend is not installed; run: pip install 'vidscore[openai-whisper]'.") from None
    import torch

    torch.set_num_threads(threads or cpu_threads())
    if not Path(model).expanduser().is_file() and model not in whisper.available_models():
        raise ConfigError(f"{model!r} is neither an openai-whisper model name nor a checkpoint file.")
    try:
        return whisper.load_model(str(Path(model).expanduser()) if Path(model).expanduser().is_file() else model, device="cpu")
    except (RuntimeError, OSError, KeyError) as exc:
        raise ConfigError(f"cannot load the openai-whisper model {model!r}: {exc}.") from None


class OpenAIWhisperBackend:
    """openai-whisper transcription (PyTorch fp32 on CPU, word timestamps)."""

    def __init__(self, settings: AsrSettings) -> None:
        self.settings = settings

    def transcribe(self, samples: np.ndarray) -> Transcript:
        """Transcript of mono 16 kHz float32 ``samples``, recognised a piece (:func:`pieces`) at a time.

        With language "auto" the language is detected once, on the first 30 s.
        """
        import whisper

        model = load_openai_whisper(self.settings.model, self.settings.threads)
        audio = np.ascontiguousarray(samples, dtype=np.float32)
        language = "en" if not model.is_multilingual else self.settings.language
        if language == "auto":
            mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(audio), model.dims.n_mels).to(model.device)
            _, probs = model.detect_language(mel)
            language = _pick_supported(list(probs.items()))
        segments: list[TranscriptSegment] = []
        for start, stop in pieces(audio, AUDIO_SAMPLE_RATE, PIECE_S, CUT_SEARCH_S):
            offset = start / AUDIO_SAMPLE_RATE
            segments.extend(_shifted(s, offset) for s in self._run(model, audio[start:stop], language))
        return _finish(language, segments)

    def _run(self, model: Any, samples: np.ndarray, language: str) -> list[TranscriptSegment]:
        result = model.transcribe(
            samples,
            language=language,
            beam_size=self.settings.beam_size,
            fp16=False,
            word_timestamps=True,
            condition_on_previous_text=False,
            initial_prompt=_ZH_PROMPT if language == "zh" else None,
            verbose=None,
        )
        return [
            TranscriptSegment(
                float(s["start"]),
                float(s["end"]),
                str(s["text"]).strip(),
                tuple(
                    (float(w["start"]), float(w["end"]), str(w["word"]).strip())
                    for w in s.get("words", ())
                    if str(w["word"]).strip()
                ),
            )
            for s in result["segments"]
        ]


def make_backend(settings: AsrSettings) -> FasterWhisperBackend | OpenAIWhisperBackend:
    """The backend object for ``settings.backend``."""
    if settings.backend == "openai-whisper":
        return OpenAIWhisperBackend(settings)
    return FasterWhisperBackend(settings)
