"""Advertising-law compliance: categories, context rules, negation, a rewrite for every phrase, and the reasons
and suggestions of a result."""

from __future__ import annotations

import pytest

from features.base import ScreenText, Transcript, TranscriptSegment, VideoContext
from features.compliance import ComplianceExtractor, ComplianceRules, check_line, load_rules
from features.media.data_files import parse_data_file
from features.media.probe import VideoInfo
from scorer.explain import compliance, gather_evidence
from scorer.rubric import Evidence
from scorer.scorers import registered_rubric

FLAGGED = [  # (line, phrase, category, rewrite)
    ("全网最低价，今天下单立减五十元", "全网最低价", "absolute", "到手价很划算"),
    ("这款是全网销量第一", "全网销量第一", "absolute", "销量和口碑都不错"),
    ("这是我用过最显白的口红", "最显白", "absolute", "很显白"),
    ("国家级品质，放心用", "国家级", "authority", "通过正规质检"),
    ("坚持用一个月就能根治脱发", "根治脱发", "medical", "帮助日常护理"),
    ("药到病除，老人都说好", "药到病除", "medical", "日常使用感觉舒服"),
    ("保证一个月瘦十斤", "保证一个月瘦", "guarantee", "很多人用了反馈不错，效果因人而异"),
    ("专柜验货，假一赔十", "假一赔十", "payout", "正品保障，支持专柜验货"),
    ("This is the best serum in the world.", "the best serum in the world", "absolute", "my favourite serum this year"),
    ("You will not find a cheaper price anywhere on the internet.",
     "You will not find a cheaper price anywhere on the internet", "absolute", "this is a really good price"),
    ("It's the #1 blender on TikTok.", "#1", "absolute", "a popular"),
    ("Guaranteed results in seven days.", "Guaranteed results", "guarantee", "results vary, but most customers are happy"),
    ("This cream cures eczema.", "cures eczema", "medical", "helps me feel more comfortable"),
    ("It works 100% of the time.", "It works 100% of the time", "absolute", "works well for most people"),
]

NOT_CLAIMS = [
    "这是最近很火的款式", "第一次用就爱上了", "第一步先洗脸", "最好先在手腕上试一下", "百分百纯棉，贴身穿很舒服",
    "唯一的缺点是颜色有点暗", "国家级非遗传承人手工制作", "我最喜欢这个颜色", "我不敢说它是最好的", "这个不是最便宜的",
    "The first step is to cleanse.", "It's 100% cotton.", "The best-before date is on the lid.",
    "My best friend gave me this.", "It's the number one question I get.", "The glue cures in 24 hours.",
    "It's not the best, but it works.", "The only downside is the colour.", "It keeps my skin hydrated all day.",
]


@pytest.mark.parametrize(("line", "phrase", "category", "rewrite"), FLAGGED)
def test_flagged_phrases_carry_category_and_rewrite(line: str, phrase: str, category: str, rewrite: str) -> None:
    result = check_line(line)
    assert result["risk"] is True
    assert {"text": phrase, "category": category, "rewrite": rewrite} in result["reasons"]


@pytest.mark.parametrize("line", NOT_CLAIMS)
def test_context_rules_and_negation_keep_look_alikes_clean(line: str) -> None:
    assert check_line(line) == {"risk": False, "reasons": []}


def test_the_longest_overlapping_phrase_wins_and_a_later_claim_after_a_not_claim_counts() -> None:
    assert [f.text for f in load_rules().check("史上最低价")] == ["史上最低价"]
    assert [f.text for f in load_rules().check("这是全国第一个做到无涂层不粘的锅")] == ["全国第一个"]
    assert [f.text for f in load_rules().check("这是最近最火的款")] == ["最火"]


def test_every_shipped_entry_has_a_known_category_and_a_rewrite() -> None:
    rules = load_rules()
    assert set(rules.categories) == {"absolute", "authority", "medical", "guarantee", "payout"}
    for entries in rules.entries.values():
        for entry in entries:
            assert entry.category in rules.categories and entry.rewrite.strip()
    assert rules.category_label("medical", "zh") == "医疗功效用语" and rules.category_label("nope", "en") == "nope"


def test_bad_rule_files_are_refused() -> None:
    with pytest.raises(Exception, match="rewrite"):
        parse_data_file("categories: {absolute: {en: a}}\nrules: {en: [{terms: [best], category: absolute}]}\n", "c.yaml",
                        ComplianceRules)
    with pytest.raises(Exception, match="category"):
        parse_data_file("categories: {absolute: {en: a}}\nrules: {en: [{terms: [best], category: x, rewrite: y}]}\n", "c.yaml",
                        ComplianceRules)


def _info(duration: float = 60.0) -> VideoInfo:
    fields = {name: None for name in VideoInfo.__dataclass_fields__}
    fields.update(path="clip.mp4", duration_s=duration)
    return VideoInfo(**fields)  # type: ignore[arg-type]


def test_extractor_flags_every_source_with_times() -> None:
    transcript = Transcript("zh", "全网最低价。", (TranscriptSegment(1.0, 2.0, "全网最低价。"),))
    context = VideoContext(info=_info(), transcript=transcript, screen_text=[ScreenText(3.0, 4.0, "根治脱发")],
                           metadata={"title": "The best serum in the world"})
    extractor = ComplianceExtractor()
    output = extractor.validated(extractor.finish(context))
    assert output.signals == {"compliance_risk": True, "compliance_flags": 3.0}
    flags = output.sections["compliance_flags"]
    assert [(f["text"], f["source"]) for f in flags] == [("全网最低价", "speech"), ("根治脱发", "screen"),
                                                       ("The best serum in the world", "metadata")]
    assert flags[0]["start_s"] == 1.0 and flags[2]["start_s"] is None
    assert [e.kind for e in output.events] == ["compliance", "compliance"]
    clean = extractor.validated(extractor.finish(VideoContext(info=_info(), metadata={"title": "最近上新"})))
    assert clean.signals == {"compliance_risk": False, "compliance_flags": 0.0}


def test_result_reasons_and_suggestion_evidence_carry_the_rewrites() -> None:
    flags = [{"text": "全网最低价", "category": "absolute", "rewrite": "到手价很划算", "sentence": "全网最低价。",
              "source": "speech", "start_s": 1.0, "end_s": 2.0},
             {"text": "全网最低价", "category": "absolute", "rewrite": "到手价很划算", "sentence": "全网最低价！",
              "source": "screen", "start_s": 5.0, "end_s": 6.0}]
    rubric = registered_rubric("default")
    out = compliance(rubric, {"compliance_risk": True}, "zh", {"compliance_flags": flags})
    assert out["risk"] is True and len(out["reasons"]) == 1  # one reason per distinct phrase
    reason = out["reasons"][0]
    assert (reason["text"], reason["category"], reason["rewrite"]) == ("全网最低价", "absolute", "到手价很划算")
    assert "到手价很划算" in reason["reason"] and reason["signal"] == "compliance_risk"
    assert compliance(rubric, {"compliance_risk": False}, "en", {"compliance_flags": []}) == {"risk": False, "reasons": []}
    evidence = gather_evidence(Evidence(compliance=True), {"compliance_flags": flags})
    assert [(e["text"], e["rewrite"]) for e in evidence] == [("全网最低价", "到手价很划算")]
