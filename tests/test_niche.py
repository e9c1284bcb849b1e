"""Niche taxonomy, keyword/embedding niche prediction, target/product/creator match, extractor section."""

from __future__ import annotations

import pytest

from features.base import ScreenText, Transcript, TranscriptSegment, VideoContext
from features.media.errors import ConfigError
from features.media.probe import VideoInfo
from features.niche import NicheClassifier, NicheExtractor, NichePrediction, NicheTaxonomy, distribution_match, load_taxonomy

REQUIRED = {"beauty", "fashion", "food", "tech", "home", "fitness", "baby", "pets", "education", "travel", "auto", "health"}


def info(duration_s: float = 30.0) -> VideoInfo:
    fields = {name: None for name in VideoInfo.__dataclass_fields__}
    fields.update(path="clip.mp4", duration_s=duration_s)
    return VideoInfo(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def keywords() -> NicheClassifier:
    return NicheClassifier(text_model="none")


def test_taxonomy_has_every_required_niche_with_bilingual_data() -> None:
    taxonomy = load_taxonomy()
    assert REQUIRED <= set(taxonomy.ids)
    for niche in taxonomy.niches:
        assert niche.description_en and niche.description_zh
        assert len(niche.vocab_en) >= 30 and len(niche.vocab_zh) >= 30
    with pytest.raises(ConfigError, match="Unknown niche 'gardening'"):
        taxonomy.get("gardening")


@pytest.mark.parametrize(
    ("text", "niche"),
    [
        ("这款粉底液持妆一整天，油皮也不脱妆，色号很显白。", "beauty"),
        ("猫砂结团快，主子特别爱吃这款冻干。", "pets"),
        ("行车记录仪夜视清晰，车载支架也很稳。", "auto"),
        ("宝宝的纸尿裤一夜不漏，新生儿也能用。", "baby"),
        ("这台笔记本处理器很强，续航十二小时，屏幕是高刷。", "tech"),
        ("The noodles are chewy and the spicy broth is so rich.", "food"),
        ("These running shoes have great cushioning for marathon training.", "fitness"),
        ("The carry-on suitcase fits every overhead bin on the flight.", "travel"),
    ],
)
def test_keyword_prediction(keywords: NicheClassifier, text: str, niche: str) -> None:
    top = keywords.predict([text]).top(3)
    assert top[0][0] == niche
    assert 0 < top[0][1] <= 1 and len(top) <= 3
    assert [s for _, s in top] == sorted((s for _, s in top), reverse=True)


def test_prediction_scores_sum_to_one_or_are_empty(keywords: NicheClassifier) -> None:
    scores = keywords.predict(["口红很显白", "lipstick"]).scores
    assert sum(scores.values()) == pytest.approx(1.0)
    empty = keywords.predict(["", "嗯嗯"])
    assert not empty.has_evidence and empty.top() == [] and empty.fit("beauty") is None


def test_fit_and_distribution_match() -> None:
    ids = ("beauty", "tech", "food")
    video = NichePrediction({"beauty": 0.6, "tech": 0.3, "food": 0.1})
    assert video.fit("beauty") == 1.0 and video.fit("tech") == pytest.approx(0.5)
    same = distribution_match(video, NichePrediction({"beauty": 0.6, "tech": 0.3, "food": 0.1}), ids)
    other = distribution_match(video, NichePrediction({"beauty": 0.0, "tech": 0.0, "food": 1.0}), ids)
    assert same == pytest.approx(1.0) and other is not None and other < 0.2


def make_context(**metadata: str) -> VideoContext:
    transcript = Transcript("zh", "", (TranscriptSegment(0.0, 4.0, "这款精华液补水保湿，敏感肌也能用，毛孔细腻了很多。"),))
    return VideoContext(info=info(), transcript=transcript, screen_text=[ScreenText(1.0, 3.0, "面霜 护肤")], metadata=metadata)


def test_extractor_target_creator_and_product_match() -> None:
    extractor = NicheExtractor(text_model="none")
    on_target = extractor.validated(extractor.finish(make_context(niche="beauty", creator_niche="pets")))
    section = on_target.sections["niche"]
    assert section["top"][0]["id"] == "beauty" and section["target"] == "beauty" and section["match"] == 1.0
    assert on_target.signals["creator_niche_match"] < 0.3 and section["creator_niche"] == "pets"
    off_target = extractor.validated(extractor.finish(make_context(niche="auto")))
    assert off_target.signals["niche_match"] < 0.3
    product = extractor.validated(extractor.finish(make_context(product="保湿面霜 精华")))
    assert product.sections["niche"]["target"] == "保湿面霜 精华" and product.signals["niche_match"] > 0.8
    pets_product = extractor.validated(extractor.finish(make_context(product="猫粮 冻干 猫砂")))
    assert pets_product.signals["niche_match"] < 0.3


def test_unknown_target_niche_is_a_config_error() -> None:
    extractor = NicheExtractor(text_model="none")
    with pytest.raises(ConfigError):
        extractor.finish(make_context(niche="gardening"))


def test_user_taxonomy() -> None:
    taxonomy = NicheTaxonomy({"niches": {"garden": {"vocab": {"en": ["seedling", "compost"], "zh": ["花盆"]}},
                                         "music": {"vocab": {"en": ["guitar"], "zh": ["吉他"]}}}})
    classifier = NicheClassifier(taxonomy=taxonomy, text_model="none")
    assert classifier.predict(["My seedlings love this compost"]).top(1)[0][0] == "garden"
    assert classifier.predict(["这把吉他音色很好"]).top(1)[0][0] == "music"


@pytest.mark.models
def test_embeddings_classify_english_without_keywords() -> None:
    classifier = NicheClassifier()
    text = "It folds flat and clips onto the handle of your kid's buggy when you're out at the park."
    assert classifier.predict([text]).top(1)[0][0] == "baby"
    assert NicheClassifier(text_model="all-MiniLM-L6-v2").embedding_scores(["只有中文"]) is None  # English-only model


@pytest.mark.models
def test_the_multilingual_default_embeds_chinese_too() -> None:
    scores = NicheClassifier().embedding_scores(["宝宝出门推车上挂着它，随时给孩子喂水"])
    assert scores is not None and NicheClassifier().taxonomy.ids[int(scores.argmax())] == "baby"


def test_cli_refuses_unknown_niche_before_decoding(capsys: pytest.CaptureFixture[str]) -> None:
    from scorer.cli import main

    assert main(["score", "missing.mp4", "--niche", "gardening", "--text-model", "none"]) == 2
    assert "Unknown niche 'gardening'" in capsys.readouterr().err
    assert main(["score", "missing.mp4", "--niche", "beauty", "--text-model", "none"]) == 1  # niche fine, file missing
