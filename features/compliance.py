"""Advertising-law compliance: categorised risky phrases (最/第一/全网最低/根治/假一赔十, "the best", "#1",
"cures", "guaranteed results"), each with a compliant rewrite.

Exposed by ``vidscore score`` (signals ``compliance_risk`` and ``compliance_flags``; the result's ``compliance``
reasons carry each phrase's ``text``, ``category`` and ``rewrite``, and suggestions quote the rewrites) and per
line by :func:`features.script_analysis.analyse_line`. The terms, patterns, context rules (最近, 第一次, 第一步,
"100% cotton" are not claims) and negation ("不是最好的", "not the best") live in
``features/data/compliance.yaml``; every entry names its category (absolute, authority, medical, guarantee) and
its rewrite. Matching is by regular expression on each sentence of every text source; where matches overlap the
longest wins. The check is a term list on purpose: it says exactly which words are at risk and what to say
instead, which is what a creator needs before filming.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from features.base import Event, Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.cue_lexicon import MACROS
from features.media.data_files import parse_data_file, word_list
from features.text_sources import Sentence, TextSpan, all_sentences, collect, has_cjk

LANGUAGES = ("en", "zh")
_CLAUSE_BREAK = re.compile(r"[,，;；。.!！?？:：\n]")


@dataclass(frozen=True)
class Flag:
    """One risky phrase: ``text`` as written, its ``category``, the compliant ``rewrite``, span in the sentence."""

    text: str
    category: str
    rewrite: str
    start: int
    end: int

    def as_dict(self) -> dict[str, str]:
        """The contract form: ``{text, category, rewrite}``."""
        return {"text": self.text, "category": self.category, "rewrite": self.rewrite}


@dataclass(frozen=True)
class _Entry:
    regex: re.Pattern[str]
    category: str
    rewrite: str
    order: int


class ComplianceRules:
    """Compiled rules of a compliance YAML (see ``features/data/compliance.yaml`` for the format)."""

    def __init__(self, data: dict[str, Any]) -> None:
        categories = data.get("categories") or {}
        if not categories:
            raise ValueError("the compliance rules list no categories")
        self.categories: dict[str, dict[str, str]] = {str(k): dict(v or {}) for k, v in categories.items()}
        self.entries: dict[str, list[_Entry]] = {lang: [] for lang in LANGUAGES}
        order = 0
        for lang in LANGUAGES:
            for i, raw in enumerate((data.get("rules") or {}).get(lang) or []):
                where = f"rules.{lang}[{i}]"
                category = str(raw.get("category", ""))
                if category not in self.categories:
                    raise ValueError(f"{where}: category {category!r} is not one of {', '.join(self.categories)}")
                rewrite = raw.get("rewrite")
                if not isinstance(rewrite, str) or not rewrite.strip():
                    raise ValueError(f"{where}: every entry needs a rewrite")
                regexes = [_term_regex(t, lang) for t in word_list(raw.get("terms"), f"{where}.terms")]
                if raw.get("pattern"):
                    regexes.append(_pattern(str(raw["pattern"])))
                if not regexes:
                    raise ValueError(f"{where}: an entry needs terms or a pattern")
                for regex in regexes:
                    self.entries[lang].append(_Entry(regex, category, rewrite, order))
                    order += 1
        not_claims = data.get("not_claims") or {}
        self.not_claims = {lang: [_pattern(p) for p in not_claims.get(lang) or []] for lang in LANGUAGES}
        negation = data.get("negation") or {}
        self.negation = {lang: _pattern(negation[lang]) if negation.get(lang) else None for lang in LANGUAGES}

    def check(self, text: str) -> list[Flag]:
        """The risky phrases of one sentence, in text order; Chinese rules run on text with Han characters,
        English rules on every text (English words inside a Chinese caption count too)."""
        candidates: list[tuple[int, int, Flag]] = []
        for lang in LANGUAGES:
            if lang == "zh" and not has_cjk(text):
                continue
            blocked = [m.span() for rx in self.not_claims[lang] for m in rx.finditer(text)]
            for entry in self.entries[lang]:
                for found in entry.regex.finditer(text):
                    a, b = found.span()
                    if a == b or any(x <= a < y for x, y in blocked) or self._negated(text, a, lang):
                        continue
                    rewrite = found.expand(entry.rewrite) if found.groupdict() else entry.rewrite
                    candidates.append((-(b - a), entry.order, Flag(found.group(0), entry.category, rewrite, a, b)))
        kept: list[Flag] = []
        for _, _, flag in sorted(candidates, key=lambda c: (c[0], c[1])):
            if not any(k.start < flag.end and flag.start < k.end for k in kept):
                kept.append(flag)
        return sorted(kept, key=lambda f: f.start)

    def _negated(self, text: str, start: int, lang: str) -> bool:
        negation = self.negation[lang]
        if negation is None:
            return False
        begin = 0
        for mark in _CLAUSE_BREAK.finditer(text, 0, start):
            begin = mark.end()
        return bool(negation.search(text[begin:start]))

    def category_label(self, category: str, lang: str) -> str:
        """The category's name in ``lang`` (falls back to English, then the id)."""
        names = self.categories.get(category) or {}
        return names.get(lang) or names.get("en") or category


def _pattern(pattern: str) -> re.Pattern[str]:
    for macro, body in MACROS.items():
        pattern = pattern.replace(macro, body)
    return re.compile(pattern, re.IGNORECASE)


def _term_regex(term: str, language: str) -> re.Pattern[str]:
    if language == "zh" or not re.search(r"[A-Za-z]", term):
        return re.compile(re.escape(term), re.IGNORECASE)
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", term.strip()) if p]
    body = r"[\s\-]+".join(parts).replace("'", "['’]")
    left = r"\b" if re.match(r"\w", term) else r"(?<!\w)"
    right = r"\b" if re.search(r"\w$", term) else r"(?!\w)"
    return re.compile(left + body + right, re.IGNORECASE)


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> ComplianceRules:
    """The shipped rules (``features/data/compliance.yaml``) or the YAML at ``path``; cached."""
    if path is None:
        raw = resources.files("features").joinpath("data/compliance.yaml").read_text(encoding="utf-8")
    else:
        with open(path, encoding="utf-8") as handle:
            raw = handle.read()
    return parse_data_file(raw, path or "features/data/compliance.yaml", ComplianceRules)


def check_line(text: str) -> dict[str, Any]:
    """``{"risk": bool, "reasons": [{"text", "category", "rewrite"}]}`` for one line of text (the shipped rules)."""
    flags = [flag.as_dict() for sentence in all_sentences_of(text) for flag in load_rules().check(sentence)]
    return {"risk": bool(flags), "reasons": flags}


def all_sentences_of(text: str) -> list[str]:
    """The sentences of one line, as the extractors split them."""
    return [s.text for s in all_sentences([TextSpan(text, "metadata")])] or ([text] if text.strip() else [])


def flags_in(sentences: list[Sentence], rules: ComplianceRules | None = None) -> list[dict[str, Any]]:
    """Every risky phrase of ``sentences`` with where it was: ``{text, category, rewrite, sentence, source,
    start_s, end_s}``, in sentence order."""
    rules = rules or load_rules()
    out = []
    for sentence in sentences:
        for flag in rules.check(sentence.text):
            out.append({**flag.as_dict(), "sentence": sentence.text, "source": sentence.source,
                        "start_s": None if sentence.start_s is None else round(sentence.start_s, 3),
                        "end_s": None if sentence.end_s is None else round(sentence.end_s, 3)})
    return out


class ComplianceExtractor(Extractor):
    """Advertising-law risk: the categorised risky phrases of every text source, each with a rewrite."""

    name = "compliance"
    version = "1"
    inputs = frozenset({Input.METADATA})
    optional_inputs = frozenset({Input.TRANSCRIPT, Input.SCREEN_TEXT})
    signals = (
        SignalSpec("compliance_risk", "bool",
                   "True when a phrase advertising law forbids appears (最/第一/全网最低/根治/假一赔十, best/#1/cures/guaranteed)",
                   0.0, 1.0, kind="bool"),
        SignalSpec("compliance_flags", "count", "Risky phrases (absolute, authority, medical, guarantee) in all text sources",
                   0.0, 10_000.0),
    )

    def __init__(self, rules: ComplianceRules | None = None) -> None:
        self.rules = rules or load_rules()

    def finish(self, context: VideoContext) -> ExtractorOutput:
        flags = flags_in(all_sentences(collect(context).spans()), self.rules)
        events = [Event("compliance", f["start_s"], f["end_s"], {k: f[k] for k in ("text", "category", "rewrite", "source")})
                  for f in flags if f["start_s"] is not None and f["end_s"] is not None]
        return ExtractorOutput(signals={"compliance_risk": bool(flags), "compliance_flags": float(len(flags))},
                               events=events, sections={"compliance_flags": flags})
