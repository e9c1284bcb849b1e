"""analyse_line: one line of a script checked with the detectors of ``vidscore score``, models loaded once."""

from __future__ import annotations

from features.script_analysis import analyse_line, line_analyser


def test_a_chinese_line_gets_cues_with_their_words_and_compliance_with_rewrites() -> None:
    out = analyse_line("全网最低价，今天下单立减五十元，仅剩三件！", text_model="none")
    assert out["lang"] == "zh"
    assert {"type": "scarcity", "text": "仅剩三件"} in out["cues"] and {"type": "price_promo", "text": "立减五十"} in out["cues"]
    assert out["compliance"] == {"risk": True, "reasons": [{"text": "全网最低价", "category": "absolute", "rewrite": "到手价很划算"}]}


def test_an_english_line_and_an_empty_line() -> None:
    out = analyse_line("This is the best serum in the world. Tap the link below!", text_model="none")
    assert out["lang"] == "en" and {"type": "call_to_action", "text": "Tap the link"} in out["cues"]
    assert out["compliance"]["reasons"] == [{"text": "the best serum in the world", "category": "absolute",
                                            "rewrite": "my favourite serum this year"}]
    assert analyse_line("   ", text_model="none") == {"lang": "en", "cues": [], "compliance": {"risk": False, "reasons": []}}


def test_the_analyser_is_built_once_per_text_model() -> None:
    assert line_analyser("none") is line_analyser("none")
    assert set(analyse_line("最近上新了几款", text_model="none")) == {"lang", "cues", "compliance"}
