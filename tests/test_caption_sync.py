"""Caption sync: subtitles compared with the timed speech, from injected spans and from a generated clip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from mediagen import write_video

from features.base import (
    Event,
    Extractor,
    ExtractorOutput,
    Input,
    ScreenText,
    Transcript,
    TranscriptSegment,
    VideoContext,
)
from features.caption_sync import CaptionSyncExtractor, normalised, similarity, timed_words
from features.media.probe import VideoInfo
from features.registry import EXTRACTORS
from scorer.pipeline import Pipeline
from scorer.result import validate_result

BOTTOM = (0.2, 0.78, 0.8, 0.84)  # a subtitle's box (fractions of the frame)
TOP = (0.1, 0.05, 0.9, 0.15)
ZH_LINES = ((0.5, 2.5, "这款手机充电很快"), (2.5, 4.5, "两天只需要充一次"), (4.5, 6.5, "现在下单还送耳机"))
EN_LINES = ((0.5, 2.5, "this phone charges fast"), (2.5, 4.5, "the battery lasts two days"), (4.5, 6.5, "order yours today"))
FONT_EN = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"  # fonts-noto-cjk (Latin glyphs too), installed by .ci/run


def fake_info(duration_s: float) -> VideoInfo:
    fields = {name: None for name in VideoInfo.__dataclass_fields__}
    fields.update(path="x.mp4", duration_s=duration_s)
    return VideoInfo(**fields)  # type: ignore[arg-type]


def spoken(lines: tuple[tuple[float, float, str], ...], language: str) -> Transcript:
    """A transcript whose words (Chinese: characters) are spread evenly over each line's time."""
    segments = []
    for start, end, text in lines:
        units = list(text) if language == "zh" else text.split()
        step = (end - start) / len(units)
        words = tuple((start + i * step, start + (i + 1) * step, u) for i, u in enumerate(units))
        segments.append(TranscriptSegment(start, end, text, words))
    joiner = "" if language == "zh" else " "
    return Transcript(language, joiner.join(text for _, _, text in lines), tuple(segments))


def shown(lines: tuple[tuple[float, float, str], ...], box: tuple[float, float, float, float] = BOTTOM) -> list[ScreenText]:
    """Subtitle spans as OCR reports them: first seen on the next whole second, gone at the following sample."""
    return [ScreenText(float(np.ceil(a)), float(np.ceil(b)), text, box) for a, b, text in lines]


def sync(transcript: Transcript, screen: list[ScreenText], duration_s: float = 8.0) -> ExtractorOutput:
    extractor = CaptionSyncExtractor()
    context = VideoContext(info=fake_info(duration_s), transcript=transcript, screen_text=screen)
    return extractor.validated(extractor.finish(context))


def test_text_is_folded_before_comparing() -> None:
    assert normalised("這款手機，充電很快！") == "这款手机充电很快"
    assert normalised("ＳＡＬＥ 50%!") == "sale50"
    assert similarity("這款手機充電很快", "嗯 这款 手机 充电 很快 的") == 1.0  # traditional subtitle, simplified ASR
    assert similarity("这款手机充电很快", "现在下单还送耳机") < 0.2
    assert similarity("This phone, charges FAST!", "so this phone charges fast") == 1.0
    assert similarity("thisphone chargesfast", "this phone charges fast") == 1.0  # OCR ran words together
    assert similarity("free gift in every box", "this phone charges fast") == 0.0
    assert similarity("!!!", "anything") is None


def test_segments_without_word_timing_are_spread_over_their_time() -> None:
    transcript = Transcript("zh", "买一送一", (TranscriptSegment(1.0, 3.0, "买一 送一"),))
    words = timed_words(transcript)
    assert [w for _, _, w in words] == ["买", "一", "送", "一"]
    assert words[0][:2] == pytest.approx((1.0, 1.5)) and words[-1][:2] == pytest.approx((2.5, 3.0))


@pytest.mark.parametrize("lines,language", [(ZH_LINES, "zh"), (EN_LINES, "en")])
def test_matching_subtitles_track_the_speech(lines: tuple[tuple[float, float, str], ...], language: str) -> None:
    output = sync(spoken(lines, language), shown(lines) + [ScreenText(0.0, 8.0, "SALE ¥99", TOP)])
    assert output.signals["caption_speech_overlap"] == pytest.approx(1.0)  # OCR lag taken back
    assert output.signals["caption_text_match"] == 1.0
    assert output.signals["captions_track_speech"] is True
    matched = [e for e in output.events if e.kind == "caption_match"]
    assert [(e.start_s, e.end_s, e.detail["text"]) for e in matched] == [(1.0, 3.0, lines[0][2]), (3.0, 5.0, lines[1][2]), (5.0, 7.0, lines[2][2])]
    assert all(e.detail["similarity"] == 1.0 and e.detail["heard"] for e in matched)
    assert not any(e.kind == "caption_mismatch" for e in output.events)


def test_subtitles_saying_something_else_do_not_track_the_speech() -> None:
    other = ("全场五折限时抢购", "今天下单包邮到家", "点击下方链接购买")
    screen = shown(tuple((a, b, text) for (a, b, _), text in zip(ZH_LINES, other)))
    output = sync(spoken(ZH_LINES, "zh"), screen)
    assert output.signals["caption_speech_overlap"] == pytest.approx(1.0)  # on screen at the right time...
    assert output.signals["caption_text_match"] == 0.0  # ...but not what is said
    assert output.signals["captions_track_speech"] is False
    assert [e.detail["text"] for e in output.events if e.kind == "caption_mismatch"] == list(other)
    summary = next(e for e in output.events if e.kind == "caption_sync")
    assert "0 of 3" in summary.detail["reason"] and summary.detail["tracks_speech"] is False


def test_subtitles_for_part_of_the_talk_cover_only_that_part() -> None:
    output = sync(spoken(EN_LINES, "en"), shown(EN_LINES[:1]))
    assert output.signals["caption_speech_overlap"] == pytest.approx(2.0 / 6.0)
    assert output.signals["caption_text_match"] == 1.0
    assert output.signals["captions_track_speech"] is False


def test_without_subtitles_overlap_is_zero_and_banners_do_not_count() -> None:
    banners = [ScreenText(0.0, 8.0, "this phone charges fast", TOP), ScreenText(0.0, 12.0, "the battery lasts two days", BOTTOM)]
    output = sync(spoken(EN_LINES, "en"), banners, duration_s=12.0)
    assert output.signals == {"caption_speech_overlap": 0.0, "caption_text_match": None, "captions_track_speech": False}
    assert "no subtitles" in next(e for e in output.events if e.kind == "caption_sync").detail["reason"]


def test_subtitles_during_silence_are_not_compared() -> None:
    intro = ScreenText(9.0, 11.0, "follow for more", BOTTOM)
    output = sync(spoken(EN_LINES, "en"), shown(EN_LINES) + [intro], duration_s=12.0)
    assert output.signals["caption_text_match"] == 1.0
    assert not any(e.detail.get("text") == "follow for more" for e in output.events)


def test_without_speech_the_signals_are_null_with_a_reason() -> None:
    output = sync(Transcript("en", "", ()), shown(EN_LINES))
    assert output.signals == {"caption_speech_overlap": None, "caption_text_match": None, "captions_track_speech": None}
    (event,) = output.events
    assert event.kind == "caption_sync" and event.detail["reason"] == "no speech recognised: subtitle sync not measured"
    short = sync(spoken(((1.0, 1.4, "yes"),), "en"), shown(EN_LINES))
    assert short.signals["captions_track_speech"] is None and "0.4 s of speech" in short.events[0].detail["reason"]


class FakeSpeech(Extractor):
    """Provides the English transcript without a model."""

    name = "fake_speech"
    version = "1"
    inputs = frozenset({Input.AUDIO})
    provides = frozenset({Input.TRANSCRIPT})

    def finish(self, context: VideoContext) -> ExtractorOutput:
        context.transcript = spoken(EN_LINES, "en")
        return ExtractorOutput(events=[Event("speech", 0.5, 6.5, {})])


class FakeScreenText(Extractor):
    """Provides the matching subtitles after the frame pass, without OCR."""

    name = "fake_screen_text"
    version = "1"
    inputs = frozenset({Input.FRAMES})
    provides = frozenset({Input.SCREEN_TEXT})

    def finish(self, context: VideoContext) -> ExtractorOutput:
        context.screen_text = shown(EN_LINES)
        return ExtractorOutput()


def test_pipeline_feeds_speech_and_screen_text_to_caption_sync(tmp_path: Path) -> None:
    assert CaptionSyncExtractor in EXTRACTORS
    pipeline = Pipeline(extractors=[CaptionSyncExtractor(), FakeSpeech(), FakeScreenText()])
    result = pipeline.score(str(write_video(tmp_path / "talk.mp4", seconds=2.0, audio_tone_hz=300.0))).to_json()
    validate_result(result)
    assert result["signals"]["captions_track_speech"] is True
    assert [e["detail"]["text"] for e in result["events"] if e["kind"] == "caption_match"] == [t for _, _, t in EN_LINES]
    silent = pipeline.score(str(write_video(tmp_path / "silent.mp4", seconds=2.0))).to_json()
    assert silent["signals"]["caption_speech_overlap"] is None
    assert {"stage": "caption_sync", "message": "skipped: no transcript", "skipped": True} in silent["errors"]


def captioned_clip(path: Path, lines: list[tuple[float, float, str]], seconds: float) -> Path:
    """A 720x1280 clip with each line burned in as a white subtitle at 80 % height during its time."""
    from PIL import Image, ImageDraw, ImageFont

    if not Path(FONT_EN).is_file():
        pytest.skip("Noto CJK font (fonts-noto-cjk) is not installed")
    font = ImageFont.truetype(FONT_EN, 40)
    background = np.random.default_rng(3).integers(60, 120, size=(1280, 720, 3)).astype(np.uint8)
    fps = 5

    def paint(index: int, width: int, height: int) -> np.ndarray:
        image = Image.fromarray(np.roll(background, index * 3, axis=1))
        t = index / fps
        for start, end, text in lines:
            if start <= t < end:
                ImageDraw.Draw(image).text((width // 2, int(height * 0.8)), text, font=font, fill=(255, 255, 255),
                                           anchor="mm", stroke_width=3, stroke_fill=(0, 0, 0))
        return np.asarray(image)

    return write_video(path, width=720, height=1280, fps=fps, seconds=seconds, painter=paint)


@pytest.mark.models
def test_generated_speech_against_burned_in_subtitles(tmp_path: Path) -> None:
    from speechgen import espeak_wav, load_samples

    from features.media.decode import AudioTrack, FrameDecoder
    from features.media.probe import probe
    from features.screen_text import ScreenTextExtractor
    from features.speech import SpeechExtractor

    pieces, lines, t = [np.zeros(8_000, np.float32)], [], 0.5
    for n, (_, _, text) in enumerate(EN_LINES):
        voice = load_samples(espeak_wav(tmp_path / f"line{n}.wav", text))
        lines.append((t, t + voice.size / 16_000, text))
        pieces += [voice, np.zeros(6_400, np.float32)]
        t += voice.size / 16_000 + 0.4
    audio = np.concatenate(pieces)
    speech = SpeechExtractor.from_options({"asr_model": "tiny.en", "language": "en"})
    context = VideoContext(info=fake_info(audio.size / 16_000), audio=AudioTrack(audio))
    speech.finish(context)
    other = ["free gift in every box", "limited stock left", "follow for more tips"]
    results = {}
    for name, texts in (("match", [text for _, _, text in lines]), ("other", other)):
        clip = captioned_clip(tmp_path / f"{name}.mp4", [(a, b, text) for (a, b, _), text in zip(lines, texts)], t + 0.5)
        info = probe(str(clip))
        ocr = ScreenTextExtractor()
        ocr.start(context)
        for frame in FrameDecoder(info).frames():
            ocr.process_frame(frame)
        ocr.finish(context)
        results[name] = sync(context.transcript, context.screen_text or [], t + 0.5)
    assert results["match"].signals["caption_speech_overlap"] > 0.7
    assert results["match"].signals["caption_text_match"] >= 2 / 3
    assert results["match"].signals["captions_track_speech"] is True
    assert results["other"].signals["caption_speech_overlap"] > 0.7
    assert results["other"].signals["caption_text_match"] == 0.0
    assert results["other"].signals["captions_track_speech"] is False
