"""Learned cue heads: lexicon features, the head file format, training, and how the detector applies them
(negation and questions from the lexicon, quoted words)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from features.cue_heads import FORMAT, LEXICON_FEATURES, CueHeads, lexicon_features, load_heads, parse_heads
from features.cue_lexicon import CUE_TYPES
from features.cues import CueDetector
from features.text_sources import TextSpan, all_sentences

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from train_cue_heads import fit, probabilities, scores  # noqa: E402  (the build-time trainer in tools/)


def test_lexicon_features_take_the_union_and_a_hit_beats_a_negation() -> None:
    f = lexicon_features([({"scarcity"}, {"values"}, False), ({"values"}, {"trust"}, True)], compliance=True, zh=False)
    assert f.shape == (len(LEXICON_FEATURES),) == (19,)
    named = dict(zip(LEXICON_FEATURES, f))
    assert named["lexicon:scarcity"] == named["lexicon:values"] == 1 and named["lexicon:trust"] == 0
    assert named["negated:trust"] == 1 and named["negated:values"] == 0  # hit in another sentence
    assert named["question"] == named["compliance"] == 1 and named["zh"] == 0


def test_training_fits_a_separable_type_and_silences_an_absent_one() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 6))
    truth = np.zeros((300, len(CUE_TYPES)), dtype=bool)
    truth[:, 0] = x[:, 0] > 0.3
    coef, bias = fit(x, truth, np.ones(300))
    p = probabilities(x, coef, bias)
    assert scores(p[:, :1] >= 0.5, truth[:, :1])[3] > 0.95  # exact match on the separable type
    assert (p[:, 1:] < 1e-6).all()  # no positives: never fires
    precision, recall, fpr, exact = scores(np.array([[True, False]]), np.array([[True, False]]))
    assert (precision, recall, exact) == (1.0, 1.0, 1.0) and np.isnan(fpr)


def test_the_shipped_head_file_reads_the_multilingual_encoder() -> None:
    heads = load_heads()
    assert heads is not None and heads.encoder == "use-multilingual-v3" and heads.types == CUE_TYPES
    assert heads.weights.shape == (8, 512 + 19) and heads.thresholds.shape == (8,)
    with pytest.raises(ValueError, match="unknown format"):
        parse_heads({"format": FORMAT - 1})


def _always(cue: str) -> CueHeads:
    k = CUE_TYPES.index(cue)
    bias = np.full(len(CUE_TYPES), -30.0)
    bias[k] = 30.0
    return CueHeads("use-multilingual-v3", 512, CUE_TYPES, np.zeros((8, 531), dtype=np.float32), bias.astype(np.float32),
                    np.full(8, 0.5, dtype=np.float32))


@pytest.mark.models
def test_the_lexicon_keeps_negation_and_questions_from_the_heads() -> None:
    detector = CueDetector(heads=_always("values"))
    assert detector.types_in("这个杯子是陶瓷的。") == {"values"}  # the stand-in head fires on anything
    assert detector.types_in("我们也不是什么环保品牌，只是这个盒子刚好是纸的。") == set()  # lexicon saw it negated
    assert detector.types_in("这个杯子是陶瓷的吗？") == set()  # a question keeps calls to action and stories only
    story = CueDetector(heads=_always("storytelling"))
    assert story.types_in("Remember when I showed you my heels in March?") == {"storytelling"}


@pytest.mark.models
def test_a_cue_quotes_the_lexicon_words_or_the_sentence() -> None:
    detector = CueDetector(heads=_always("scarcity"))
    cues = detector.detect(all_sentences([TextSpan("限时限量，仅剩3件！", "metadata"), TextSpan("颜色很好看。", "metadata")]))
    assert [(c.type, c.match, c.method) for c in cues] == [("scarcity", "限时", "lexicon+head"),
                                                          ("scarcity", "颜色很好看。", "head")]


@pytest.mark.models
def test_shipped_heads_on_clear_cases_and_ordinary_copy() -> None:
    detector = CueDetector()
    assert detector.types_in("限时限量，仅剩3件！") == {"scarcity"}
    assert detector.types_in("Tap the link below to grab yours before midnight.") >= {"call_to_action"}
    assert detector.types_in("刺绣花朵点缀袖子，举手投足间尽显迷人的魅力。") == set()  # fashion copy is not values
    assert detector.types_in("The fabric feels soft and a little stretchy.") == set()
