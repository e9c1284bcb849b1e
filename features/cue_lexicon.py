"""The bilingual cue lexicon (``features/data/cues.yaml``): cue types, terms, patterns, negation and hedges.

:func:`load_lexicon` compiles the YAML once; :class:`CueLexicon` finds lexicon and pattern hits in one sentence
(Chinese checked against jieba token boundaries) and screens out negated or hedged ones. Used by
:class:`features.cues.CueDetector`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from features.media.data_files import parse_data_file, word_list
from features.text_sources import zh_tokens

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
    method: str  # lexicon | pattern | embedding (prototype similarity) | head | lexicon+head (learned heads)

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
