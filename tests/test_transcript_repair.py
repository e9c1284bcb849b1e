"""Transcript repair from burned-in captions (features/transcript_repair.py)."""

from __future__ import annotations

from features.base import ScreenText, Transcript, TranscriptSegment, VideoContext
from features.transcript_repair import TranscriptRepairExtractor, collect_text, repair_transcript, substitutions

CAPTION_BOX = (0.2, 0.86, 0.8, 0.94)   # lower third, where subtitles sit
TITLE_BOX = (0.8, 0.03, 0.98, 0.16)


def zh_transcript() -> Transcript:
    text = "这句话当时也是红变网络,被各种断子模仿,到现在依赶经久不稀。"
    chars = [ch for ch in text]
    words = tuple((0.8 + 0.2 * i, 1.0 + 0.2 * i, ch) for i, ch in enumerate(chars))
    return Transcript("zh", text, (TranscriptSegment(0.8, 0.8 + 0.2 * len(chars), text, words),))


def captions() -> list[ScreenText]:
    return [ScreenText(1.0, 4.0, "这句话当时也是红遍网络 被各种段子模仿", CAPTION_BOX, 0.07),
            ScreenText(4.0, 7.0, "到现在依然经久不息", CAPTION_BOX, 0.07),
            ScreenText(0.0, 8.0, "变形金刚", TITLE_BOX, 0.1)]


def test_homophones_are_corrected_from_tracking_captions() -> None:
    fixed, repairs = repair_transcript(zh_transcript(), captions())
    assert fixed.text == "这句话当时也是红遍网络,被各种段子模仿,到现在依然经久不息。"
    assert [(r.heard, r.caption) for r in repairs] == [("变", "遍"), ("断", "段"), ("赶", "然"), ("稀", "息")]
    words = "".join(w for _, _, w in fixed.segments[0].words)
    assert "红遍网络" in words and [w[:2] for w in fixed.segments[0].words] == [w[:2] for w in zh_transcript().segments[0].words]


def test_captions_that_do_not_track_change_nothing() -> None:
    other = [ScreenText(1.0, 4.0, "全场五折 今晚八点开抢", CAPTION_BOX, 0.07)]
    fixed, repairs = repair_transcript(zh_transcript(), other)
    assert repairs == [] and fixed == zh_transcript()
    title_only = [c for c in captions() if c.box == TITLE_BOX]     # not in the caption position
    assert repair_transcript(zh_transcript(), title_only)[1] == []


def test_only_short_equal_substitutions_between_agreeing_text() -> None:
    assert substitutions("红遍网络被各种段子模仿", "红变网络被各种断子模仿") == [("变", "遍", "红"), ("断", "段", "各种")]
    assert substitutions("完全不同的一句话", "今天天气怎么样呢") == []           # no agreeing context
    assert substitutions("try this serum now", "try this sir um now") == []     # lengths differ inside
    assert substitutions("tap the link below", "tap the lick below") == [("lick", "link", "tap the")]


def test_english_words_are_corrected() -> None:
    segment = TranscriptSegment(0.0, 3.0, "Tap the lick below to order.", ((0.0, 0.5, "Tap"), (0.5, 1.0, "the"),
                                (1.0, 1.5, "lick"), (1.5, 2.0, "below"), (2.0, 2.5, "to"), (2.5, 3.0, "order.")))
    transcript = Transcript("en", segment.text, (segment,))
    fixed, repairs = repair_transcript(transcript, [ScreenText(0.5, 3.0, "Tap the link below to order", CAPTION_BOX, 0.06)])
    assert fixed.text == "Tap the link below to order." and len(repairs) == 1


def test_text_extractors_read_the_repaired_words_and_the_result_reports_them() -> None:
    from features.media.probe import VideoInfo

    info = VideoInfo("v.mp4", 1, "0" * 64, "mp4", 8.0, 180, 320, 180, 320, 0, 25.0, False, 200, "h264", "yuv420p", 8,
                     True, "aac", 44100, 1)
    context = VideoContext(info=info, transcript=zh_transcript(), screen_text=captions())
    speech = collect_text(context).speech
    assert speech[0].text.startswith("这句话当时也是红遍网络")
    assert context.transcript == zh_transcript()                        # the recogniser's words stay as heard
    out = TranscriptRepairExtractor().finish(context)
    assert out.signals == {"caption_repairs": 4.0}
    assert [e.detail for e in out.events][0] == {"heard": "变", "text": "遍"}
