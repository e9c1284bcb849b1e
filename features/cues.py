"""Persuasion and trust cues in speech, on-screen text and metadata; compliance risk from absolute claims.

Exposed by ``vidscore score`` (result ``cues`` list, "cue" events and the
``cues_*``/``compliance_risk`` signals; ``vidscore features`` lists them).
Each sentence of each text source is matched against the bilingual lexicon
``features/data/cues.yaml`` (terms and regular expressions, Chinese checked
against jieba token boundaries) with negation and clause-scoped hedge handling;
first-person past-tense narrative patterns count only next to a time anchor
("when I was pregnant", not "I was about to say"). English sentences are
also compared with prototype sentences per cue type by sentence-embedding
similarity, and scored by the learned heads of :mod:`features.cue_heads`
(default model only), so paraphrases outside the lexicon are found. Chinese uses
the embedding step only when the text model covers Chinese (``--text-model``);
its learned heads read character n-grams and need no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from features.base import Event, Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.cue_heads import load_heads
from features.embeddings import DEFAULT_MODEL, TextEncoder, cosine_matrix, load_encoder, model_languages
from features.text_sources import Sentence, TextSpan, all_sentences, collect, zh_tokens
from features.media.data_files import parse_data_file, word_list

CUE_TYPES = (
    "scarcity",
    "social_proof",
    "trust",
    "call_to_action",
    "price_promo",
    "absolute_claim",
    "storytelling",
    "values",
)
LANGUAGES = ("en", "zh")
# Macros usable inside YAML patterns and excludes: a number in digits or words.
MACROS = {
    "{NUM}": r"(?:\d[\d,.]*|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|"
             r"seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
             r"sixteen|seventeen|eighteen|nineteen|hundred|a hundred|half a|a dozen|dozens of|a few|a handful of|a handful|a couple of|"
             r"a couple|several)",
    "{ZNUM}": r"(?:[0-9０-９.]+|[零一二两三四五六七八九十百千万亿几多半]+)",
}
_PARTICLES = "给了的过着们就都也啦呀哦吧"  # a Chinese term may end inside a token that only adds one of these
_ZH_NUMERALS = "零一二两三四五六七八九十百千万亿几半"  # a pattern may start or end inside a numeral token ("送一|盒")


@dataclass(frozen=True)
class Cue:
    """One detected cue: ``text`` is the sentence, ``match`` the matched phrase (whole sentence for embeddings)."""

    type: str
    text: str
    match: str
    source: str
    start_s: float | None
    end_s: float | None
    method: str  # lexicon | pattern | embedding (prototypes or English head) | char_ngrams (Chinese head)

    def as_dict(self) -> dict[str, Any]:
        """The result-contract form (``cues[]`` item)."""
        return {
            "type": self.type,
            "text": self.text,
            "start_s": None if self.start_s is None else round(self.start_s, 3),
            "end_s": None if self.end_s is None else round(self.end_s, 3),
            "source": self.source,
        }


@dataclass(frozen=True)
class _Rule:
    cue: str
    regex: re.Pattern[str]
    method: str
    personal: bool = False  # only counts in a first-person sentence
    anchored: bool = False  # only counts in a first-person sentence that also holds a time anchor
    prefix: bool = False  # a Chinese term may end inside a longer jieba token it starts (环保 in 环保型)


@dataclass(frozen=True)
class _Hit:
    cue: str
    start: int
    end: int
    method: str


class CueLexicon:
    """Compiled terms, patterns, exclusions, negators and prototypes from a cues YAML file."""

    def __init__(self, data: dict[str, Any]) -> None:
        cues = data.get("cues") or {}
        unknown = sorted(set(cues) - set(CUE_TYPES))
        if unknown:
            raise ValueError(f"unknown cue types {unknown}; allowed: {', '.join(CUE_TYPES)}")
        self.rules: dict[str, list[_Rule]] = {lang: [] for lang in LANGUAGES}
        self.excludes: dict[tuple[str, str], list[re.Pattern[str]]] = {}
        self.negatable: dict[str, bool] = {}
        self.prototypes: dict[str, list[str]] = {}
        zh_words: set[str] = set()
        for cue, spec in cues.items():
            self.negatable[cue] = bool(spec.get("negatable", True))
            prefix = bool(spec.get("zh_prefix", False))
            for lang in LANGUAGES:
                part = spec.get(lang) or {}
                for term in word_list(part.get("terms"), f"cues.{cue}.{lang}.terms"):
                    self.rules[lang].append(_Rule(cue, _term_regex(term, lang), "lexicon", prefix=prefix and lang == "zh"))
                    if lang == "zh":
                        zh_words.add(term)
                for pattern in part.get("patterns") or []:
                    self.rules[lang].append(_Rule(cue, _pattern(pattern), "pattern"))
                for term in word_list(part.get("personal_terms"), f"cues.{cue}.{lang}.personal_terms"):
                    self.rules[lang].append(_Rule(cue, _term_regex(term, lang), "lexicon", personal=True))
                    if lang == "zh":
                        zh_words.add(term)
                for pattern in part.get("personal_patterns") or []:
                    self.rules[lang].append(_Rule(cue, _pattern(pattern), "pattern", personal=True))
                for pattern in part.get("anchored_patterns") or []:
                    self.rules[lang].append(_Rule(cue, _pattern(pattern), "pattern", personal=True, anchored=True))
                self.excludes[(cue, lang)] = [_pattern(p) for p in part.get("exclude") or []]
                if lang == "en":
                    self.prototypes[cue] = [str(p) for p in part.get("prototypes") or []]
        first_person = data.get("first_person") or {}
        self.first_person = {lang: re.compile(first_person.get(lang, r"(?!)"), re.IGNORECASE) for lang in LANGUAGES}
        anchors = data.get("time_anchors") or {}
        self.time_anchors = {lang: _pattern("|".join(anchors.get(lang) or [r"(?!)"])) for lang in LANGUAGES}
        hedges = data.get("hedges") or {}
        self.hedges = {lang: re.compile("|".join(hedges.get(lang) or [r"(?!)"]), re.IGNORECASE) for lang in LANGUAGES}
        negation = data.get("negation") or {}
        self.negators_en = {w.lower() for w in word_list((negation.get("en") or {}).get("words"), "negation.en.words")}
        self.window_en = int((negation.get("en") or {}).get("window_words", 3))
        self.negators_zh = set(word_list((negation.get("zh") or {}).get("words"), "negation.zh.words"))
        self.window_zh = int((negation.get("zh") or {}).get("window_tokens", 3))
        self.not_negating = {lang: _pattern("|".join((negation.get(lang) or {}).get("not_negating") or [r"(?!)"]))
                             for lang in LANGUAGES}
        self.question_keeps = frozenset(str(c) for c in data.get("question_keeps") or [])
        self.clause_breaks = re.compile(data.get("clause_breaks") or r"[,，;；:：]", re.IGNORECASE)
        paraphrase = data.get("paraphrase") or {}
        self.threshold = float(paraphrase.get("threshold", 0.62))
        self.margin = float(paraphrase.get("margin", 0.04))
        self.none_prototypes = [str(p) for p in paraphrase.get("none") or []]
        self.zh_words = tuple(sorted(zh_words | self.negators_zh))
        self.zh_term_set = frozenset(zh_words)

    def match(self, text: str, language: str) -> list[_Hit]:
        """Lexicon and pattern hits in one sentence after exclusions and negation, one per cue type."""
        return self.screen(text, language)[0]

    def screen(self, text: str, language: str) -> tuple[list[_Hit], frozenset[str]]:
        """(:meth:`match`'s hits, the negated types): a type is negated when the sentence names it only in
        negated or hedged phrases ("我们不是什么环保品牌"), so no model may add it back."""
        tokens = zh_tokens(text, self.zh_words) if language == "zh" else []
        starts = {a for _, a, _ in tokens} | {len(text)}
        ends = {b for _, _, b in tokens} | {0}
        # inside a token that is itself a lexicon phrase ("限时优惠") every position is a boundary ("限时")
        for token, a, b in tokens:
            if token in self.zh_term_set:
                starts.update(range(a, b))
                ends.update(range(a + 1, b + 1))
        hits: list[_Hit] = []
        personal = bool(self.first_person[language].search(text))
        anchored = personal and bool(self.time_anchors[language].search(text))
        for rule in self.rules[language]:
            if (rule.personal and not personal) or (rule.anchored and not anchored):
                continue
            for found in rule.regex.finditer(text):
                a, b = found.span()
                if a == b:
                    continue
                if language == "zh" and not _zh_aligned(text, a, b, starts, ends, rule.method == "pattern", rule.prefix):
                    continue
                if any(_overlaps(x.span(), (a, b)) for ex in self.excludes[(rule.cue, language)] for x in ex.finditer(text)):
                    continue
                hits.append(_Hit(rule.cue, a, b, rule.method))
        kept: dict[str, _Hit] = {}
        negated: set[str] = set()
        shields = hits + self._not_negating(text, language)
        for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
            if hit.cue in kept:
                continue
            if self.negatable.get(hit.cue, True) and (self._hedged(text, hit, language) or self._negated(text, hit, shields, tokens, language)):
                negated.add(hit.cue)
                continue
            kept[hit.cue] = hit
        negated_types = frozenset(negated - kept.keys())
        if is_question(text):
            return [hit for hit in kept.values() if hit.cue in self.question_keeps], negated_types
        return list(kept.values()), negated_types

    def negated_sentence(self, text: str, language: str) -> bool:
        """True when the sentence holds a negator outside every lexicon phrase (guards paraphrase matches)."""
        hits = [
            _Hit(rule.cue, *found.span(), rule.method)
            for rule in self.rules[language]
            for found in rule.regex.finditer(text)
        ] + self._not_negating(text, language)
        if self.hedges[language].search(text):
            return True
        probe = _Hit("", len(text), len(text), "")
        if language == "zh":
            return self._negated_zh(text, probe, hits, zh_tokens(text, self.zh_words), window=10_000)
        return self._negated_en(text, probe, hits, window=10_000)

    def _negated(self, text: str, hit: _Hit, hits: list[_Hit], tokens: list[tuple[str, int, int]], language: str) -> bool:
        if language == "zh":
            return self._negated_zh(text, hit, hits, tokens, self.window_zh)
        return self._negated_en(text, hit, hits, self.window_en)

    def _hedged(self, text: str, hit: _Hit, language: str) -> bool:
        """True when a hedge ("not sure", "不清楚") shares the hit's clause; in English it must precede the hit.

        "I'm not sure what their return policy is" and "退货规则我也不太清楚" carry no cue,
        while "Stock is low and I don't know when more comes" and "货不多了，我也不知道还能卖多久" keep theirs.
        """
        begin = self._clause_start(text, hit.start)
        end = self._clause_end(text, hit.end)
        return any(language == "zh" or m.start() < hit.start for m in self.hedges[language].finditer(text, begin, end))

    def _clause_end(self, text: str, position: int) -> int:
        mark = self.clause_breaks.search(text, position)
        return mark.start() if mark else len(text)

    def _clause_start(self, text: str, position: int) -> int:
        start = 0
        for mark in self.clause_breaks.finditer(text, 0, position):
            start = mark.end()
        return start

    def _negated_en(self, text: str, hit: _Hit, hits: list[_Hit], window: int) -> bool:
        begin = self._clause_start(text, hit.start)
        words = [(m.group(0).lower().replace("’", "'"), m.start()) for m in re.finditer(r"[A-Za-z]+(?:['’][A-Za-z]+)?", text[begin:hit.start])]
        for word, offset in words[-window:]:
            position = begin + offset
            if (word in self.negators_en or word.endswith("n't")) and not _covered(position, hits, hit):
                return True
        return False

    def _not_negating(self, text: str, language: str) -> list[_Hit]:
        """The ``not_negating`` phrases of ``text`` ("at no charge", "没关注的宝子"): like a lexicon phrase, a
        negator inside one negates nothing."""
        return [_Hit("", *m.span(), "not_negating") for m in self.not_negating[language].finditer(text)]

    def _negated_zh(self, text: str, hit: _Hit, hits: list[_Hit], tokens: list[tuple[str, int, int]], window: int) -> bool:
        begin = self._clause_start(text, hit.start)
        before = [(tok, a) for tok, a, b in tokens if a >= begin and b <= hit.start and not re.fullmatch(r"\W+", tok)]
        for tok, a in before[-window:]:
            if tok in self.negators_zh and not _covered(a, hits, hit):
                return True
        return False


def is_question(text: str) -> bool:
    """True for a sentence that ends with a question mark or a Chinese question particle."""
    stripped = text.rstrip(" \t\"'”’）)")
    return stripped.endswith(("?", "？")) or bool(re.search(r"(吗|么|呢)[。.！!~～]*$", stripped))


def _covered(position: int, hits: list[_Hit], own: _Hit) -> bool:
    """True when ``position`` lies inside another hit (a negator that belongs to a cue or not_negating phrase)."""
    return any(h.start <= position < h.end and h is not own for h in hits)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _zh_aligned(text: str, a: int, b: int, starts: set[int], ends: set[int], pattern: bool = False, prefix: bool = False) -> bool:
    """Match boundaries must fall on jieba token boundaries.

    ASCII digits/letters at the edges are exempt; for regular-expression patterns
    Chinese numerals are exempt too, since jieba glues them to measure words
    ("送一盒" splits as 送|一盒, yet the pattern "送{ZNUM}" should count).
    With ``prefix`` a match that starts on a token start may end inside that token
    ("手工" in 手工艺品, "公益" in 公益活动).
    """
    def loose(char: str) -> bool:
        return not _is_cjk(char) or (pattern and char in _ZH_NUMERALS)

    start_ok = a in starts or a in ends or loose(text[a])
    end_ok = b in ends or b in starts or loose(text[b - 1]) or (b < len(text) and text[b] in _PARTICLES and b + 1 in ends) or (prefix and a in starts)
    return start_ok and end_ok


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _pattern(pattern: str) -> re.Pattern[str]:
    for macro, body in MACROS.items():
        pattern = pattern.replace(macro, body)
    return re.compile(pattern, re.IGNORECASE)


def _term_regex(term: str, language: str) -> re.Pattern[str]:
    if language == "zh":
        return re.compile(re.escape(term), re.IGNORECASE)
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", term.strip()) if p]
    body = r"[\s\-]+".join(parts).replace("'", "['’]")
    left = r"\b" if re.match(r"\w", term) else r"(?<!\w)"
    right = r"\b" if re.search(r"\w$", term) else r"(?!\w)"
    return re.compile(left + body + right, re.IGNORECASE)


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> CueLexicon:
    """The shipped cue lexicon (``features/data/cues.yaml``) or the YAML file at ``path``; cached."""
    if path is None:
        raw = resources.files("features").joinpath("data/cues.yaml").read_text(encoding="utf-8")
    else:
        with open(path, encoding="utf-8") as handle:
            raw = handle.read()
    return parse_data_file(raw, path or "features/data/cues.yaml", CueLexicon)


class CueDetector:
    """Finds cues in sentences: lexicon + patterns, then embedding paraphrases when a text model is given.

    Args:
        lexicon: the compiled lexicon (default: the shipped one).
        text_model: sentence-transformers model name/path, None for all-MiniLM-L6-v2, or "none" for no sentence
            embeddings (lexicon and patterns, plus the Chinese character n-gram heads, which need no model).
    """

    def __init__(self, lexicon: CueLexicon | None = None, text_model: str | None = None) -> None:
        if text_model is not None and not str(text_model).strip():
            raise ValueError("text_model must be a model name or path, 'none', or None for the default")
        self.lexicon = lexicon or load_lexicon()
        self.text_model = text_model
        self._prototypes: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def uses_embeddings(self) -> bool:
        return self.text_model != "none"

    def _encoder(self) -> TextEncoder | None:
        return load_encoder(self.text_model) if self.uses_embeddings else None

    def detect(self, sentences: list[Sentence]) -> list[Cue]:
        """All cues in ``sentences``, at most one per (sentence, type), in sentence order."""
        found: list[list[Cue]] = []
        negated: list[frozenset[str]] = []  # per sentence, the types its lexicon saw only negated
        for sentence in sentences:
            hits, negated_types = self.lexicon.screen(sentence.text, sentence.language)
            negated.append(negated_types)
            found.append([
                Cue(h.cue, sentence.text, sentence.text[h.start:h.end], sentence.source, sentence.start_s, sentence.end_s, h.method)
                for h in sorted(hits, key=lambda h: CUE_TYPES.index(h.cue))
            ])
        covered = model_languages(self.text_model) if self.uses_embeddings else frozenset()
        candidates = [i for i, s in enumerate(sentences) if s.language in covered]
        if candidates:  # the model loads only when some sentence is in a language it covers
            for i, extra in zip(candidates, self._paraphrases([sentences[i] for i in candidates], found, negated, candidates)):
                found[i].extend(extra)
        zh_heads = load_heads().get("zh")
        chinese = [i for i, s in enumerate(sentences) if s.language == "zh"]
        if zh_heads is not None and zh_heads.ngrams is not None and zh_heads.heads and chinese:
            scores = zh_heads.probabilities(zh_heads.ngrams.transform([sentences[i].text for i in chinese]))
            fired = zh_heads.fired(scores)
            confirm = zh_heads.confirm or {}  # single-term hits of these types need the head's agreement
            for row, i in enumerate(chinese):
                found[i] = [c for c in found[i]
                            if not (c.method == "lexicon" and c.type in confirm and c.type in scores
                                    and scores[c.type][row] < confirm[c.type])]
                here = [cue for cue, hits in fired.items() if hits[row]]
                found[i].extend(self._learned(sentences[i], found[i], negated[i], here, "char_ngrams"))
        return [cue for group in found for cue in group]

    def _learned(self, sentence: Sentence, have: list[Cue], negated_types: frozenset[str], cue_types: list[str],
                 method: str) -> list[Cue]:
        """Cues of ``cue_types`` found by ``method`` (a model, not the lexicon) that ``sentence`` lacks and that
        survive its negation (for negatable types; ``negated_types`` from :meth:`CueLexicon.screen`) and question
        checks, in the fixed type order."""
        if not cue_types or is_question(sentence.text):  # only lexicon/pattern hits (question_keeps) survive a question
            return []
        present = {cue.type for cue in have}
        negated = self.lexicon.negated_sentence(sentence.text, sentence.language)
        return [
            Cue(cue, sentence.text, sentence.text, sentence.source, sentence.start_s, sentence.end_s, method)
            for cue in CUE_TYPES
            if cue in cue_types and cue not in present and cue not in negated_types
            and not (negated and self.lexicon.negatable.get(cue, True))
        ]

    def _prototype_vectors(self, encoder: TextEncoder) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(labels, prototype vectors, neutral vectors), embedded once per detector."""
        if self._prototypes is None:
            protos = self.lexicon.prototypes
            labels = np.array([cue for cue in CUE_TYPES for _ in protos.get(cue, [])])
            texts = [p for cue in CUE_TYPES for p in protos.get(cue, [])]
            self._prototypes = (labels, encoder.encode_fixed(texts), encoder.encode_fixed(self.lexicon.none_prototypes))
        return self._prototypes

    def _paraphrases(self, sentences: list[Sentence], found: list[list[Cue]], negated: list[frozenset[str]],
                     index: list[int]) -> list[list[Cue]]:
        encoder = self._encoder()
        assert encoder is not None
        label_array, protos, nones = self._prototype_vectors(encoder)
        vectors = encoder.encode([s.text for s in sentences])
        sims = cosine_matrix(vectors, protos)
        en_heads = load_heads().get("en") if encoder.name == DEFAULT_MODEL else None
        head_hits = en_heads.fired(en_heads.probabilities(vectors)) if en_heads else {}
        none_best = cosine_matrix(vectors, nones).max(axis=1) if len(self.lexicon.none_prototypes) else np.full(len(sentences), -1.0)
        out: list[list[Cue]] = []
        for row, sentence in enumerate(sentences):
            near: list[str] = []
            for cue in CUE_TYPES:
                own = label_array == cue
                best = float(sims[row, own].max()) if own.any() else -1.0
                near_prototype = best >= self.lexicon.threshold and best >= float(none_best[row]) + self.lexicon.margin
                learned = sentence.language == "en" and cue in head_hits and bool(head_hits[cue][row])
                if near_prototype or learned:
                    near.append(cue)
            out.append(self._learned(sentence, found[index[row]], negated[index[row]], near, "embedding"))
        return out

    def types_in(self, text: str, source: str = "metadata") -> set[str]:
        """Cue types found anywhere in ``text`` (used by benchmarks and tests)."""
        return {cue.type for cue in self.detect(all_sentences([TextSpan(text, source)]))}


def _count_specs() -> tuple[SignalSpec, ...]:
    return tuple(
        SignalSpec(f"cues_{cue}", "count", f"Sentences with a {cue} cue, all text sources", 0.0, 10_000.0)
        for cue in CUE_TYPES
    )


class CueExtractor(Extractor):
    """Persuasion/trust cues per type, distinct cue types, and the absolute-claim compliance flag."""

    name = "cues"
    version = "1"
    inputs = frozenset({Input.METADATA})
    optional_inputs = frozenset({Input.TRANSCRIPT, Input.SCREEN_TEXT})
    signals = _count_specs() + (
        SignalSpec("cue_types", "count", "Distinct persuasion cue types present (0-8)", 0.0, 8.0),
        SignalSpec("cues_per_minute", "1/min", "Cues in speech and screen text per minute of video", 0.0, 10_000.0),
        SignalSpec("compliance_risk", "bool", "True when an absolute claim (最/第一/100%/best/cures) appears: advertising-law risk", 0.0, 1.0, kind="bool"),
    )

    def __init__(self, text_model: str | None = None) -> None:
        self.detector = CueDetector(text_model=text_model)

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> "CueExtractor":
        return cls(text_model=options.get("text_model"))

    def finish(self, context: VideoContext) -> ExtractorOutput:
        sources = collect(context)
        cues = self.detector.detect(all_sentences(sources.spans()))
        counts = {cue: sum(1 for c in cues if c.type == cue) for cue in CUE_TYPES}
        timed = sum(1 for c in cues if c.source != "metadata")
        minutes = max(context.info.duration_s, 1.0) / 60.0 if context.info is not None else 1.0
        signals: dict[str, Any] = {f"cues_{cue}": float(n) for cue, n in counts.items()}
        signals["cue_types"] = float(sum(1 for n in counts.values() if n))
        signals["cues_per_minute"] = timed / minutes
        signals["compliance_risk"] = counts["absolute_claim"] > 0
        events = [
            Event("cue", c.start_s, c.end_s, {"type": c.type, "text": c.text, "match": c.match, "source": c.source, "method": c.method})
            for c in cues
            if c.start_s is not None and c.end_s is not None
        ]
        return ExtractorOutput(signals=signals, events=events, sections={"cues": [c.as_dict() for c in cues]})
