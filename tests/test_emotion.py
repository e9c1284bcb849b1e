"""Emotional tone: lexicon valence/arousal, intensifiers, negation, markers, prosody fusion, extractor signals."""

from __future__ import annotations

import pytest

from features.base import ProsodySegment, Transcript, TranscriptSegment, VideoContext
from features.emotion import EmotionExtractor, text_tone, tone_label, voice_arousal
from features.media.probe import VideoInfo


def info(duration_s: float = 20.0) -> VideoInfo:
    fields = {name: None for name in VideoInfo.__dataclass_fields__}
    fields.update(path="clip.mp4", duration_s=duration_s)
    return VideoInfo(**fields)  # type: ignore[arg-type]


def test_valence_sign_and_negation() -> None:
    assert text_tone("I love it, it's amazing").valence > 0.5
    assert text_tone("This is terrible and I hate it").valence < -0.5
    assert text_tone("It's not good").valence < 0
    assert text_tone("这个口红太好看了，爱了").valence > 0.5
    assert text_tone("用了很失望，难用").valence < -0.5
    assert text_tone("不好看").valence < 0
    assert text_tone("The box is on the table").valence is None


def test_intensifiers_and_markers_raise_arousal() -> None:
    plain = text_tone("it is good")
    boosted = text_tone("it is SO good!!! WOW")
    assert boosted.arousal > plain.arousal and boosted.markers >= 2
    assert text_tone("太绝了！！哇").arousal > text_tone("还可以").arousal


def test_labels_and_voice_overlap() -> None:
    assert tone_label(0.7, 0.8) == "excited" and tone_label(0.7, 0.3) == "happy"
    assert tone_label(-0.7, 0.8) == "tense" and tone_label(-0.7, 0.2) == "sad"
    assert tone_label(None, 0.1) == "calm"
    prosody = [ProsodySegment(0.0, 3.0, -20.0, 150.0, 1.0, 0.2), ProsodySegment(3.0, 6.0, -15.0, 200.0, 3.0, 0.8)]
    assert voice_arousal(prosody, 2.0, 4.0) == pytest.approx(0.5)
    assert voice_arousal(prosody, 10.0, 12.0) is None


def make_context(prosody: list[ProsodySegment] | None) -> VideoContext:
    transcript = Transcript(
        "en",
        "",
        (
            TranscriptSegment(0.0, 3.0, "Hi, today I'm showing the box."),
            TranscriptSegment(3.0, 6.0, "Oh my god this is AMAZING, I love it so much!"),
        ),
    )
    return VideoContext(info=info(), transcript=transcript, prosody=prosody)


def test_extractor_fuses_prosody_and_reports_variability() -> None:
    extractor = EmotionExtractor()
    text_only = extractor.validated(extractor.finish(make_context(None)))
    assert text_only.signals["text_valence"] > 0.5
    assert text_only.signals["exclamation_rate"] == pytest.approx(0.5)
    assert text_only.signals["emotional_variability"] > 0.1
    assert [e.detail["label"] for e in text_only.events] == ["neutral", "excited"]
    calm_voice = [ProsodySegment(0.0, 6.0, -30.0, 120.0, 0.5, 0.0)]
    fused = extractor.validated(extractor.finish(make_context(calm_voice)))
    assert fused.signals["emotional_intensity"] < text_only.signals["emotional_intensity"]


def test_prosody_alone_and_nothing() -> None:
    extractor = EmotionExtractor()
    voice = [ProsodySegment(0.0, 3.0, -20.0, None, None, 0.9), ProsodySegment(3.0, 6.0, -20.0, None, None, 0.1)]
    output = extractor.validated(extractor.finish(VideoContext(info=info(), prosody=voice)))
    assert output.signals["text_valence"] is None
    assert output.signals["emotional_intensity"] == pytest.approx(0.5)
    assert output.signals["emotional_variability"] == pytest.approx(0.4)
    empty = extractor.validated(extractor.finish(VideoContext(info=info())))
    assert all(value is None for value in empty.signals.values())
