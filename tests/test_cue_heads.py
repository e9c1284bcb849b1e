"""Learned cue heads: training keeps only precise heads; the shipped heads add what patterns miss and
confirm Chinese single-term hits."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from features.cue_heads import CharNgrams, CueHead, LanguageHeads, char_ngrams, load_heads
from features.cues import CueDetector
from features.text_sources import TextSpan, all_sentences

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from train_cue_heads import MIN_POSITIVES, train  # noqa: E402  (the build-time trainer in tools/)


def test_training_keeps_a_separable_type_and_skips_a_rare_one() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(400, 8)).astype(np.float32)
    labels = [{"storytelling"} if v[0] > 0.3 else set() for v in vectors]
    labels[:5] = [{"values"}] * 5  # too few examples to trust
    heads = train(labels, vectors, ("storytelling", "values"))
    assert set(heads) == {"storytelling"}
    head = heads["storytelling"]
    assert head["oof_precision"] >= 0.97 and head["positives"] >= MIN_POSITIVES and len(head["weights"]) == 8


def test_char_ngrams_fold_case_digits_and_space() -> None:
    assert char_ngrams("仅剩3件") == char_ngrams("仅剩7件")
    grams = char_ngrams("Ab  c")
    assert grams["a"] == 1 and grams["ab "] == 1 and grams["b c"] == 1 and "  " not in grams


def test_char_ngram_tfidf_rows_are_unit_length_and_unknown_text_is_zero() -> None:
    texts = ["环保材料做的袋子", "环保袋子很结实", "今天发货", "今天下单今天发货"]
    ngrams = CharNgrams.fit(texts, min_df=2)
    assert "环保" in ngrams.vocabulary and "材料" not in ngrams.vocabulary  # seen in one text only
    features = ngrams.transform(texts + ["完全无关"])
    assert features.shape == (5, len(ngrams.vocabulary))
    assert np.allclose(np.linalg.norm(features[:4], axis=1), 1.0) and not features[4].any()
    frequent, rare = ngrams.vocabulary["发"], ngrams.vocabulary["环"]
    assert ngrams.idf[frequent] == pytest.approx(ngrams.idf[rare])  # both in 2 of 4 texts
    with pytest.raises(ValueError, match="min_df"):
        CharNgrams.fit(texts, min_df=0)


def test_shipped_storytelling_head_finds_a_story_the_patterns_miss() -> None:
    heads = load_heads()["en"]
    assert "storytelling" in heads.heads and heads.heads["storytelling"].weights.shape == (384,)
    story = "Her hands were cracked and bleeding by the end of every shift until a coworker passed her this balm."
    assert "storytelling" not in CueDetector(text_model="none").types_in(story)
    assert "storytelling" in CueDetector().types_in(story)
    assert "storytelling" not in CueDetector().types_in("This kettle boils a liter in three minutes.")


def test_shipped_chinese_values_head_adds_unlisted_values_and_vetoes_a_colour() -> None:
    heads = load_heads()["zh"]
    assert heads.ngrams is not None and "values" in heads.heads and heads.confirm == {"values": 0.3}
    detector = CueDetector(text_model="none")
    unlisted = "卖掉的每一罐蜂蜜，都会多给养蜂的大叔留一份收入。"
    assert not detector.lexicon.match(unlisted, "zh")
    assert [(c.type, c.method) for c in detector.detect(all_sentences([TextSpan(unlisted, "metadata")]))] == [("values", "char_ngrams")]
    for colour in ("这件外套是绿色的，袖子稍微长一点。", "她穿了一件绿色的裙子。"):  # a single term the head does not confirm
        assert [h.cue for h in detector.lexicon.match(colour, "zh")] == ["values"]
        assert "values" not in detector.types_in(colour)
    assert "values" in detector.types_in("我们坚持用可降解的环保材料包装，减少塑料垃圾。")
    assert "values" not in detector.types_in("卖掉的每一罐蜂蜜，都会多给养蜂的大叔留一份收入吗？")  # questions carry no learned cue


def test_a_type_the_lexicon_saw_only_negated_is_not_added_back_by_a_head(monkeypatch: pytest.MonkeyPatch) -> None:
    import features.cues as cues_module

    texts = ["我们坚持环保", "我们坚持公益", "今天发货", "今天下单"]
    always = CueHead("values", np.zeros(len(CharNgrams.fit(texts).vocabulary), dtype=np.float32), 10.0, 0.7)
    heads = LanguageHeads("zh", {"values": always}, CharNgrams.fit(texts))
    monkeypatch.setattr(cues_module, "load_heads", lambda: {"zh": heads})
    detector = CueDetector(text_model="none")
    assert "values" in detector.types_in("这个杯子是陶瓷的。")  # the stand-in head fires on anything
    for negated in ("我们也不是什么环保品牌，只是这个盒子刚好是纸的。", "我们没有搞什么公益，就是老老实实卖货。"):
        hits, negated_types = detector.lexicon.screen(negated, "zh")
        assert not hits and negated_types == {"values"}
        assert "values" not in detector.types_in(negated)
