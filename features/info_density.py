"""Information density and professionalism of what a video says and shows.

Exposed by ``vidscore score`` (signals below; ``vidscore features`` lists them).
Speech gives the pace of content (content words, or Chinese content tokens from
jieba, per second of speech); speech and on-screen text give concrete facts
(numbers with units, prices, specs, sizes, ingredients, materials: patterns in
``features/data/info.yaml``), repetition and lexical diversity; all sources give
product-attribute coverage and the density of the detected niche's vocabulary
(``features/data/niches.yaml``), a proxy for professionalism.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from features.base import Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.media.data_files import parse_data_file, word_list
from features.niche import NicheClassifier, shared_classifier, video_niche
from features.text_sources import TextSpan, english_words, has_cjk, text_language, zh_tokens
from features.transcript_repair import collect_text

MATTR_WINDOW = 50  # tokens per window of the moving-average type-token ratio
_EN_NUMBER = r"\d+(?:[.,]\d+)?"
_ZH_NUMBER = r"(?:\d+(?:\.\d+)?|[零一二两三四五六七八九十百千万半]+)"


@dataclass(frozen=True)
class InfoVocabulary:
    """Compiled fact patterns, fact words, attribute categories and stop words."""

    facts: dict[str, list[re.Pattern[str]]]
    fact_words: dict[str, list[re.Pattern[str]]]
    attributes: dict[str, dict[str, list[re.Pattern[str]]]]
    stopwords: dict[str, frozenset[str]]


def _word_regex(word: str, language: str) -> re.Pattern[str]:
    if language == "zh":
        return re.compile(re.escape(word), re.IGNORECASE)
    return re.compile(r"(?<!\w)" + re.escape(word).replace(r"\ ", r"[\s\-]+") + r"(?!\w)", re.IGNORECASE)


def _stopwords(name: str) -> frozenset[str]:
    raw = resources.files("features").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in raw.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def load_vocabulary() -> InfoVocabulary:
    """The shipped ``info.yaml`` and stop-word lists, compiled once."""
    raw = resources.files("features").joinpath("data/info.yaml").read_text(encoding="utf-8")
    return parse_data_file(raw, "features/data/info.yaml", _vocabulary)


def _vocabulary(data: dict[str, Any]) -> InfoVocabulary:
    number = {"en": _EN_NUMBER, "zh": _ZH_NUMBER}
    facts = {
        lang: [re.compile(p.replace("{N}", number[lang]), re.IGNORECASE) for p in (data.get("facts") or {}).get(lang, [])]
        for lang in ("en", "zh")
    }
    fact_words = {
        lang: [_word_regex(w, lang) for w in word_list((data.get("fact_words") or {}).get(lang), f"fact_words.{lang}")]
        for lang in ("en", "zh")
    }
    attributes = {
        name: {lang: [_word_regex(w, lang) for w in word_list(spec.get(lang), f"attributes.{name}.{lang}")]
               for lang in ("en", "zh")}
        for name, spec in (data.get("attributes") or {}).items()
    }
    stopwords = {"en": _stopwords("stopwords_en.txt"), "zh": _stopwords("stopwords_zh.txt")}
    return InfoVocabulary(facts, fact_words, attributes, stopwords)


def content_tokens(text: str, vocabulary: InfoVocabulary, extra_zh: tuple[str, ...] = ()) -> list[str]:
    """Content words of ``text``: English words/numbers outside the stop list, Chinese jieba tokens likewise."""
    if not has_cjk(text):
        return [w for w in english_words(text) if w not in vocabulary.stopwords["en"] and (len(w) > 1 or w.isdigit())]
    tokens = []
    for token, _, _ in zh_tokens(text, extra_zh):
        lowered = token.lower()
        if lowered in vocabulary.stopwords["zh"] or lowered in vocabulary.stopwords["en"]:
            continue
        if re.search(r"[\u3400-\u9fff]", token) or re.fullmatch(r"[a-z0-9]+", lowered):
            tokens.append(lowered)
    return tokens


def count_facts(text: str, vocabulary: InfoVocabulary) -> int:
    """Concrete facts in ``text``: non-overlapping fact-pattern matches plus fact words (ingredients, materials)."""
    language = text_language(text)
    spans: list[tuple[int, int]] = []
    for regex in vocabulary.facts[language] + vocabulary.fact_words[language]:
        for found in regex.finditer(text):
            a, b = found.span()
            if a < b and not any(a < y and x < b for x, y in spans):
                spans.append((a, b))
    return len(spans)


def attribute_coverage(text: str, vocabulary: InfoVocabulary) -> float:
    """Share (0-1) of product-attribute categories mentioned in ``text`` (either language)."""
    if not vocabulary.attributes:
        return 0.0
    covered = sum(
        1 for spec in vocabulary.attributes.values() if any(r.search(text) for lang in ("en", "zh") for r in spec[lang])
    )
    return covered / len(vocabulary.attributes)


def repetition_ratio(tokens: list[str]) -> float | None:
    """Share (0-1) of token trigrams that repeat an earlier trigram; None below 3 tokens."""
    if len(tokens) < 3:
        return None
    seen: set[tuple[str, ...]] = set()
    repeats = 0
    grams = [tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2)]
    for gram in grams:
        repeats += gram in seen
        seen.add(gram)
    return repeats / len(grams)


def lexical_diversity(tokens: list[str], window: int = MATTR_WINDOW) -> float | None:
    """Moving-average type-token ratio (0-1) of ``tokens``; plain TTR when shorter than ``window``; None if empty."""
    if not tokens:
        return None
    if len(tokens) <= window:
        return len(set(tokens)) / len(tokens)
    ratios = [len(set(tokens[i : i + window])) / window for i in range(len(tokens) - window + 1)]
    return sum(ratios) / len(ratios)


def domain_density(tokens: list[str], vocab: frozenset[str]) -> float | None:
    """Share (0-1) of content tokens that belong to the niche vocabulary ``vocab``; None without tokens."""
    if not tokens:
        return None
    return sum(1 for t in tokens if t in vocab) / len(tokens)


class InfoDensityExtractor(Extractor):
    """Content pace, concrete facts, attribute coverage, repetition, diversity and niche vocabulary density."""

    name = "info_density"
    version = "2"  # 2: USE multilingual v3 is the default text model
    inputs = frozenset({Input.METADATA})
    optional_inputs = frozenset({Input.TRANSCRIPT, Input.SCREEN_TEXT})
    signals = (
        SignalSpec("content_words_per_s", "1/s", "Content words (Chinese: content tokens) per second of speech", 0.0, 50.0),
        SignalSpec("facts_per_minute", "1/min", "Concrete facts (numbers with units, prices, specs, sizes, ingredients, materials) in speech and screen text per minute of video", 0.0, 10_000.0),
        SignalSpec("attribute_coverage", "0-1", "Share of product-attribute categories (size, material, colour, capacity, price, ingredients, function, usage, origin, audience) mentioned", 0.0, 1.0),
        SignalSpec("repetition_ratio", "0-1", "Share of content-word trigrams in speech and screen text that repeat an earlier one", 0.0, 1.0),
        SignalSpec("lexical_diversity", "0-1", f"Moving-average type-token ratio of content words ({MATTR_WINDOW}-token window)", 0.0, 1.0),
        SignalSpec("domain_vocab_density", "0-1", "Share of content words from the detected niche's vocabulary (professionalism)", 0.0, 1.0),
    )

    def __init__(self, text_model: str | None = None) -> None:
        self.vocabulary = load_vocabulary()
        self.classifier: NicheClassifier = shared_classifier(text_model)

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> InfoDensityExtractor:
        return cls(text_model=options.get("text_model"))

    def _tokens(self, spans: tuple[TextSpan, ...] | list[TextSpan]) -> list[str]:
        words = self.classifier.taxonomy.zh_words
        return [t for span in spans for t in content_tokens(span.text, self.vocabulary, words)]

    def finish(self, context: VideoContext) -> ExtractorOutput:
        sources = collect_text(context)
        shown = [*sources.speech, *sources.screen]
        speech_tokens = self._tokens(sources.speech)
        shown_tokens = self._tokens(shown)
        all_tokens = self._tokens(sources.spans(include_product=False))
        minutes = max(context.info.duration_s if context.info is not None else 0.0, 1.0) / 60.0
        facts = sum(count_facts(span.text, self.vocabulary) for span in shown)
        niche_density = None
        prediction = video_niche(self.classifier, context)
        top = prediction.top(1)
        if top and all_tokens:
            taxonomy = self.classifier.taxonomy
            vocab = taxonomy.vocabulary(top[0][0], "en") | taxonomy.vocabulary(top[0][0], "zh")
            niche_density = domain_density(all_tokens, frozenset(v.lower() for v in vocab))
        text = sources.text(include_product=False)
        return ExtractorOutput(
            signals={
                "content_words_per_s": len(speech_tokens) / sources.speech_duration_s if sources.speech_duration_s > 0 else None,
                "facts_per_minute": facts / minutes if shown else None,
                "attribute_coverage": attribute_coverage(text, self.vocabulary) if text else None,
                "repetition_ratio": repetition_ratio(shown_tokens),
                "lexical_diversity": lexical_diversity(all_tokens),
                "domain_vocab_density": niche_density,
            }
        )
