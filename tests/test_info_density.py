"""Information density: content pace, concrete facts, attribute coverage, repetition, diversity, niche vocabulary."""

from __future__ import annotations

import pytest

from features.base import ScreenText, Transcript, TranscriptSegment, VideoContext
from features.info_density import (
    InfoDensityExtractor,
    attribute_coverage,
    content_tokens,
    count_facts,
    lexical_diversity,
    load_vocabulary,
    repetition_ratio,
)
from features.media.probe import VideoInfo


def info(duration_s: float) -> VideoInfo:
    fields = {name: None for name in VideoInfo.__dataclass_fields__}
    fields.update(path="clip.mp4", duration_s=duration_s)
    return VideoInfo(**fields)  # type: ignore[arg-type]


def test_content_tokens_drop_function_words_in_both_languages() -> None:
    vocabulary = load_vocabulary()
    assert content_tokens("This is the best blender and it has a glass jar", vocabulary) == ["best", "blender", "glass", "jar"]
    tokens = content_tokens("这个锅是不粘锅的，我们都很喜欢", vocabulary)
    assert "不粘锅" in tokens and "的" not in tokens and "我们" not in tokens


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("It has a 5000 mAh battery, weighs 180 g and costs $299.", 3),
        ("Made of 100% cotton, size XL, 70 cm long.", 4),
        ("这款锅直径28厘米，重1.2公斤，只要99元。", 3),
        ("成分有烟酰胺和玻尿酸，SPF50。", 3),
        ("I really love it, you guys.", 0),
    ],
)
def test_concrete_facts(text: str, facts: int) -> None:
    assert count_facts(text, load_vocabulary()) == facts


def test_attribute_coverage_counts_categories() -> None:
    vocabulary = load_vocabulary()
    rich = "The fabric is soft cotton, it comes in three colors, sizes S to XL, and the price is 20 dollars."
    assert attribute_coverage(rich, vocabulary) >= 0.4
    assert attribute_coverage("wow wow amazing", vocabulary) == 0.0
    assert attribute_coverage("材质是纯棉，颜色有三种，尺码齐全", vocabulary) >= 0.3


def test_repetition_and_diversity() -> None:
    repeated = ["buy", "now", "cheap"] * 10
    varied = [f"word{i}" for i in range(30)]
    assert repetition_ratio(repeated) > 0.8 and repetition_ratio(varied) == 0.0
    assert repetition_ratio(["a", "b"]) is None
    assert lexical_diversity(varied) == 1.0 and lexical_diversity(repeated) == pytest.approx(0.1)
    assert lexical_diversity([]) is None
    long_varied = [f"w{i}" for i in range(120)]
    assert lexical_diversity(long_varied) == 1.0


def test_extractor_on_dense_and_empty_videos() -> None:
    transcript = Transcript(
        "en",
        "",
        (
            TranscriptSegment(0.0, 5.0, "This serum has 10% niacinamide and hyaluronic acid for oily skin."),
            TranscriptSegment(5.0, 10.0, "The 30 ml bottle lasts two months and costs $25."),
        ),
    )
    context = VideoContext(info=info(30.0), transcript=transcript, screen_text=[ScreenText(0.0, 2.0, "SPF 30 sunscreen")])
    extractor = InfoDensityExtractor(text_model="none")
    signals = extractor.validated(extractor.finish(context)).signals
    assert 1.0 < signals["content_words_per_s"] < 3.0
    assert signals["facts_per_minute"] >= 12.0  # >= 6 facts in half a minute
    assert signals["domain_vocab_density"] > 0.2  # beauty words
    assert 0.0 <= signals["repetition_ratio"] < 0.1 and signals["lexical_diversity"] > 0.8
    empty = extractor.validated(extractor.finish(VideoContext(info=info(30.0)))).signals
    assert all(value is None for value in empty.values())


def test_chinese_pace_uses_content_tokens() -> None:
    transcript = Transcript("zh", "", (TranscriptSegment(0.0, 4.0, "这款猫粮蛋白质含量百分之四十，猫咪很爱吃。"),))
    extractor = InfoDensityExtractor(text_model="none")
    signals = extractor.validated(extractor.finish(VideoContext(info=info(4.0), transcript=transcript))).signals
    assert 0.5 < signals["content_words_per_s"] < 3.0
    assert signals["facts_per_minute"] > 0 and signals["domain_vocab_density"] > 0.2
