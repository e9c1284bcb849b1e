"""Emotional tone: text valence/arousal per segment fused with voice prosody; overall intensity and variability.

Exposed by ``vidscore score`` (signals ``text_valence``, ``emotional_intensity``,
``emotional_variability``, ``exclamation_rate`` and one "tone" event per
segment). Text is scored with the bilingual lexicon ``features/data/emotion.yaml``
(word valence -1..1 and arousal 0..1, intensifiers, negation, exclamation and
intensity markers; Chinese tokenised with jieba). Each speech segment's arousal
is averaged with the overlapping voice arousal from ``context.prosody`` when the
prosody extractor ran. Without speech, on-screen text segments are used; without
any text, the prosody segments alone give arousal (valence unknown).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from features.base import Event, Extractor, ExtractorOutput, Input, ProsodySegment, SignalSpec, VideoContext
from features.media.data_files import parse_data_file, word_list
from features.text_sources import TextSpan, english_words, text_language, zh_tokens
from features.transcript_repair import collect_text

TEXT_WEIGHT = 0.5  # share of text arousal when voice arousal is also known


@dataclass(frozen=True)
class EmotionLexicon:
    """Word scores, intensifiers, negators and marker patterns per language."""

    words: dict[str, dict[str, tuple[float, float]]]
    intensifiers: dict[str, dict[str, float]]
    negators: dict[str, frozenset[str]]
    markers: dict[str, list[re.Pattern[str]]]
    negation_window: int
    marker_arousal: float
    neutral_arousal: float


@lru_cache(maxsize=1)
def load_emotion_lexicon() -> EmotionLexicon:
    """The shipped ``features/data/emotion.yaml``, parsed once."""
    raw = resources.files("features").joinpath("data/emotion.yaml").read_text(encoding="utf-8")
    return parse_data_file(raw, "features/data/emotion.yaml", _emotion_lexicon)


def _emotion_lexicon(data: dict[str, Any]) -> EmotionLexicon:
    langs = ("en", "zh")
    words = {
        lang: {str(w).lower(): (float(v[0]), float(v[1])) for w, v in ((data.get("words") or {}).get(lang) or {}).items()}
        for lang in langs
    }
    for lang in langs:
        for word, (valence, arousal) in words[lang].items():
            if not (-1.0 <= valence <= 1.0 and 0.0 <= arousal <= 1.0):
                raise ValueError(f"emotion word {word!r} has valence {valence} / arousal {arousal}; allowed -1..1 / 0..1")
    return EmotionLexicon(
        words=words,
        intensifiers={lang: {str(w).lower(): float(m) for w, m in ((data.get("intensifiers") or {}).get(lang) or {}).items()} for lang in langs},
        negators={lang: frozenset(w.lower() for w in word_list((data.get("negators") or {}).get(lang), f"negators.{lang}"))
                  for lang in langs},
        markers={lang: [re.compile(p) for p in (data.get("markers") or {}).get(lang) or ()] for lang in langs},
        negation_window=int(data.get("negation_window", 3)),
        marker_arousal=float(data.get("marker_arousal", 0.15)),
        neutral_arousal=float(data.get("neutral_arousal", 0.3)),
    )


@dataclass(frozen=True)
class TextTone:
    """Valence (-1..1, None without emotion words), arousal (0..1) and marker count of one text."""

    valence: float | None
    arousal: float
    markers: int


@dataclass(frozen=True)
class SegmentTone:
    """Fused tone of one timed segment (s): valence -1..1 or None, arousal 0..1, and a label."""

    start_s: float
    end_s: float
    valence: float | None
    arousal: float
    label: str

    @property
    def intensity(self) -> float:
        """0-1: mean of arousal and absolute valence (arousal alone when valence is unknown)."""
        return self.arousal if self.valence is None else 0.5 * (self.arousal + abs(self.valence))


def text_tone(text: str, lexicon: EmotionLexicon | None = None) -> TextTone:
    """Lexicon valence/arousal of ``text`` with intensifiers, negation and exclamation/intensity markers."""
    lexicon = lexicon or load_emotion_lexicon()
    language = text_language(text)
    table = lexicon.words[language]
    tokens = [t.lower() for t, _, _ in zh_tokens(text, tuple(table))] if language == "zh" else english_words(text)
    valences, arousals = [], []
    for i, token in enumerate(tokens):
        if token not in table:
            continue
        valence, arousal = table[token]
        boost = lexicon.intensifiers[language].get(tokens[i - 1], 1.0) if i else 1.0
        window = tokens[max(0, i - lexicon.negation_window) : i]
        if any(w in lexicon.negators[language] or w.endswith("n't") for w in window):
            valence = -0.5 * valence
        valences.append(max(-1.0, min(1.0, valence * boost)))
        arousals.append(min(1.0, arousal * boost))
    markers = sum(len(p.findall(text)) for p in lexicon.markers[language])
    base = sum(arousals) / len(arousals) if arousals else lexicon.neutral_arousal
    arousal = min(1.0, base + lexicon.marker_arousal * markers)
    return TextTone(sum(valences) / len(valences) if valences else None, arousal, markers)


def tone_label(valence: float | None, arousal: float) -> str:
    """excited / happy / tense / sad / energetic / calm / neutral from valence and arousal."""
    if valence is None or abs(valence) < 0.2:
        return "energetic" if arousal >= 0.6 else ("calm" if arousal < 0.25 else "neutral")
    if valence > 0:
        return "excited" if arousal >= 0.6 else "happy"
    return "tense" if arousal >= 0.6 else "sad"


def voice_arousal(prosody: list[ProsodySegment], start_s: float, end_s: float) -> float | None:
    """Overlap-weighted mean prosody arousal over [start_s, end_s]; None when nothing overlaps."""
    total = weight = 0.0
    for seg in prosody:
        overlap = min(seg.end_s, end_s) - max(seg.start_s, start_s)
        if overlap > 0 and math.isfinite(seg.arousal):
            total += seg.arousal * overlap
            weight += overlap
    return total / weight if weight > 0 else None


def segment_tones(spans: list[TextSpan], prosody: list[ProsodySegment] | None) -> list[SegmentTone]:
    """Fused tone of each timed span; prosody segments alone when there is no timed text."""
    lexicon = load_emotion_lexicon()
    tones: list[SegmentTone] = []
    for span in spans:
        if span.start_s is None or span.end_s is None:
            continue
        tone = text_tone(span.text, lexicon)
        arousal = tone.arousal
        voice = voice_arousal(prosody, span.start_s, span.end_s) if prosody else None
        if voice is not None:
            arousal = TEXT_WEIGHT * arousal + (1.0 - TEXT_WEIGHT) * voice
        tones.append(SegmentTone(span.start_s, span.end_s, tone.valence, arousal, tone_label(tone.valence, arousal)))
    if not tones and prosody:
        tones = [SegmentTone(p.start_s, p.end_s, None, p.arousal, tone_label(None, p.arousal)) for p in prosody if math.isfinite(p.arousal)]
    return tones


class EmotionExtractor(Extractor):
    """Per-segment emotional tone and overall valence, intensity, variability and exclamation rate."""

    name = "emotion"
    version = "1"
    inputs = frozenset({Input.METADATA})
    optional_inputs = frozenset({Input.TRANSCRIPT, Input.SCREEN_TEXT, Input.PROSODY})
    signals = (
        SignalSpec("text_valence", "-1..1", "Duration-weighted mean valence of speech (or screen text) segments with emotion words", -1.0, 1.0),
        SignalSpec("emotional_intensity", "0-1", "Duration-weighted mean of per-segment intensity (arousal of text and voice, and |valence|)", 0.0, 1.0),
        SignalSpec("emotional_variability", "0-1", "Standard deviation of per-segment fused arousal across the video", 0.0, 1.0),
        SignalSpec("exclamation_rate", "0-1", "Share of text segments with exclamation or intensity markers (!, ALL CAPS, 哇, 绝了)", 0.0, 1.0),
    )

    def finish(self, context: VideoContext) -> ExtractorOutput:
        sources = collect_text(context)
        spans = list(sources.speech) or list(sources.screen)
        tones = segment_tones(spans, context.prosody)
        lexicon = load_emotion_lexicon()
        texts = [s.text for s in spans] or [s.text for s in sources.metadata if s.field != "product"]
        exclaimed = sum(1 for t in texts if text_tone(t, lexicon).markers > 0)
        weights = [max(t.end_s - t.start_s, 1e-3) for t in tones]
        signals: dict[str, Any] = {
            "text_valence": None,
            "emotional_intensity": None,
            "emotional_variability": None,
            "exclamation_rate": exclaimed / len(texts) if texts else None,
        }
        if tones:
            total = sum(weights)
            signals["emotional_intensity"] = sum(t.intensity * w for t, w in zip(tones, weights)) / total
            mean_arousal = sum(t.arousal * w for t, w in zip(tones, weights)) / total
            signals["emotional_variability"] = math.sqrt(sum(w * (t.arousal - mean_arousal) ** 2 for t, w in zip(tones, weights)) / total)
            rated = [(t.valence, w) for t, w in zip(tones, weights) if t.valence is not None]
            if rated:
                signals["text_valence"] = sum(v * w for v, w in rated) / sum(w for _, w in rated)
        events = [
            Event("tone", t.start_s, t.end_s, {"label": t.label, "valence": None if t.valence is None else round(t.valence, 3), "arousal": round(t.arousal, 3)})
            for t in tones
        ]
        return ExtractorOutput(signals=signals, events=events)
