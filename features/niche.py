"""Niche (vertical) of a video from all its text, and how well it matches a target and the creator's niche.

Exposed by ``vidscore score`` (result ``niche`` section: ``top`` three niches with
scores, ``target``, ``match``; signals ``niche_confidence``, ``niche_match``,
``creator_niche_match``) with ``--niche ID``, ``--product TEXT`` and
``--creator-niche ID``. The taxonomy is ``features/data/niches.yaml``.
Scores mix two evidences: keyword weights (inverse niche frequency) over
English words and jieba tokens, for both languages; and, for text the
sentence-transformers model covers (English with the default model), cosine
similarity to each niche's description and example pitches.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from features.base import Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.embeddings import USE_MODEL, TextEncoder, load_encoder, model_languages, resolve
from features.media.data_files import parse_data_file
from features.media.errors import ConfigError
from features.text_sources import has_cjk, text_language, zh_tokens
from features.transcript_repair import collect_text

DEFAULT_TEXT_MODEL = USE_MODEL  # niche_eval top-1: USE multilingual v3 en 0.877 zh 0.959; all-MiniLM-L6-v2 en 0.890 zh 0.904
EMBEDDING_WEIGHT = 0.5  # share of the embedding evidence for text the model covers
SOFTMAX_TEMPERATURE = 0.04  # cosine differences of ~0.04 change the odds e-fold
MAX_SENTENCES = 64


@dataclass(frozen=True)
class Niche:
    """One vertical: id, bilingual description, example pitches and vocabulary."""

    id: str
    description_en: str
    description_zh: str
    examples: tuple[str, ...]
    vocab_en: tuple[str, ...]
    vocab_zh: tuple[str, ...]


@dataclass(frozen=True)
class NichePrediction:
    """Scores (0-1, summing to 1, or all 0 when no evidence) per niche id, best first."""

    scores: dict[str, float]

    @property
    def has_evidence(self) -> bool:
        return any(v > 0 for v in self.scores.values())

    def top(self, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` best (id, score) pairs with a score above 0."""
        ranked = sorted(self.scores.items(), key=lambda kv: -kv[1])
        return [(n, s) for n, s in ranked[:k] if s > 0]

    def fit(self, niche_id: str) -> float | None:
        """Score of ``niche_id`` relative to the best niche, 0-1; None without evidence."""
        best = max(self.scores.values(), default=0.0)
        return None if best <= 0 else self.scores.get(niche_id, 0.0) / best

    def vector(self, ids: tuple[str, ...]) -> np.ndarray:
        return np.array([self.scores.get(i, 0.0) for i in ids], dtype=np.float64)


class NicheTaxonomy:
    """The niches of a taxonomy YAML with compiled keyword matchers and keyword weights."""

    def __init__(self, data: dict[str, Any]) -> None:
        entries = data.get("niches") or {}
        if not entries:
            raise ValueError("the niche taxonomy lists no niches")
        self.niches: tuple[Niche, ...] = tuple(
            Niche(
                id=str(nid),
                description_en=str((spec.get("description") or {}).get("en", "")),
                description_zh=str((spec.get("description") or {}).get("zh", "")),
                examples=tuple(str(e) for e in spec.get("examples") or ()),
                vocab_en=tuple(str(w).lower() for w in (spec.get("vocab") or {}).get("en") or ()),
                vocab_zh=tuple(str(w) for w in (spec.get("vocab") or {}).get("zh") or ()),
            )
            for nid, spec in entries.items()
        )
        self.ids = tuple(n.id for n in self.niches)
        count = len(self.niches)
        owners_en: dict[str, set[int]] = {}
        owners_zh: dict[str, set[int]] = {}
        for i, niche in enumerate(self.niches):
            for word in niche.vocab_en:
                owners_en.setdefault(word, set()).add(i)
            for word in niche.vocab_zh:
                owners_zh.setdefault(word, set()).add(i)
        self.en_terms = [
            (_en_regex(word), sorted(owners), math.log(1.0 + count / len(owners)) * (1.5 if " " in word or "-" in word else 1.0))
            for word, owners in owners_en.items()
        ]
        self.zh_terms = {word: (sorted(owners), math.log(1.0 + count / len(owners))) for word, owners in owners_zh.items()}
        self.zh_words = tuple(sorted(owners_zh))

    def get(self, niche_id: str) -> Niche:
        """The niche with ``niche_id``; ConfigError naming the allowed ids otherwise."""
        for niche in self.niches:
            if niche.id == niche_id:
                return niche
        raise ConfigError(f"Unknown niche {niche_id!r}; use one of: {', '.join(self.ids)}.")

    def keyword_scores(self, text: str) -> np.ndarray:
        """Weighted keyword evidence per niche (>= 0), English words and Chinese jieba tokens."""
        scores = np.zeros(len(self.niches))
        lowered = text.lower()
        for regex, owners, weight in self.en_terms:
            hits = len(regex.findall(lowered))
            if hits:
                scores[owners] += weight * (1.0 + math.log(hits))
        if has_cjk(text):
            counts: dict[str, int] = {}
            for token, _, _ in zh_tokens(text, self.zh_words):
                if token in self.zh_terms:
                    counts[token] = counts.get(token, 0) + 1
            for token, hits in counts.items():
                owners, weight = self.zh_terms[token]
                scores[owners] += weight * (1.0 + math.log(hits)) * (1.2 if len(token) >= 2 else 0.6)
        return scores

    def vocabulary(self, niche_id: str, language: str) -> frozenset[str]:
        """The niche's keywords in ``language`` ("en" lower-cased, or "zh")."""
        niche = self.get(niche_id)
        return frozenset(niche.vocab_zh if language == "zh" else niche.vocab_en)


def _en_regex(word: str) -> re.Pattern[str]:
    body = r"[\s\-]+".join(re.escape(p) for p in re.split(r"[\s\-]+", word) if p)
    return re.compile(r"(?<![\w])" + body + r"(?:s|es)?(?![\w])")


@lru_cache(maxsize=4)
def load_taxonomy(path: str | None = None) -> NicheTaxonomy:
    """The shipped taxonomy (``features/data/niches.yaml``) or the YAML at ``path``; cached."""
    if path is None:
        raw = resources.files("features").joinpath("data/niches.yaml").read_text(encoding="utf-8")
    else:
        with open(path, encoding="utf-8") as handle:
            raw = handle.read()
    return parse_data_file(raw, path or "features/data/niches.yaml", NicheTaxonomy)


class NicheClassifier:
    """Scores text against the taxonomy.

    Args:
        taxonomy: niche taxonomy (default: the shipped one).
        text_model: a text model name/path (:func:`features.embeddings.resolve`), None for
            :data:`DEFAULT_TEXT_MODEL` (USE multilingual v3), "none" for keywords only.
    """

    def __init__(self, taxonomy: NicheTaxonomy | None = None, text_model: str | None = None) -> None:
        if text_model is not None and not str(text_model).strip():
            raise ValueError("text_model must be a model name or path, 'none', or None for the default")
        self.taxonomy = taxonomy or load_taxonomy()
        self.text_model = resolve(text_model, DEFAULT_TEXT_MODEL)
        self._prototypes: dict[str | None, tuple[np.ndarray, np.ndarray]] = {}

    def _encoder(self) -> TextEncoder | None:
        return None if self.text_model == "none" else load_encoder(self.text_model)

    def _prototype_vectors(self, encoder: TextEncoder, language: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(owner niche index, vector) of the descriptions and examples; ``language`` "en" keeps the English
        description and examples only, "zh" the Chinese description only (cross-lingual checks)."""
        if language not in self._prototypes:
            owners, texts = [], []
            for i, niche in enumerate(self.taxonomy.niches):
                english = (niche.description_en, *niche.examples) if language in (None, "en") else ()
                chinese = (niche.description_zh,) if language == "zh" or (language is None and encoder.covers("zh")) else ()
                for text in (*english, *chinese):
                    if text:
                        owners.append(i)
                        texts.append(text)
            self._prototypes[language] = (np.array(owners), encoder.encode_fixed(texts))
        return self._prototypes[language]

    def embedding_scores(self, texts: list[str], prototypes: str | None = None) -> np.ndarray | None:
        """Softmax over niches of the mean-sentence-embedding similarity; None when the model covers no text.
        ``prototypes`` "en" or "zh" compares with the taxonomy texts of that language only."""
        if self.text_model == "none":
            return None
        languages = model_languages(self.text_model)
        covered = [t for t in texts if text_language(t) in languages][:MAX_SENTENCES]
        if not covered:
            return None  # the model is loaded only for text it covers
        encoder = self._encoder()
        assert encoder is not None
        owners, protos = self._prototype_vectors(encoder, prototypes)
        vectors = encoder.encode(covered)
        centre = vectors.mean(axis=0)
        norm = float(np.linalg.norm(centre))
        if norm == 0:
            return None
        sims = protos @ (centre / norm)
        per_niche = np.array([np.sort(sims[owners == i])[-2:].mean() for i in range(len(self.taxonomy.niches))])
        logits = (per_niche - per_niche.max()) / SOFTMAX_TEMPERATURE
        weights = np.exp(logits)
        return weights / weights.sum()

    def predict(self, texts: list[str]) -> NichePrediction:
        """Niche scores for a list of sentences/spans (all sources of one video, or one pitch)."""
        ids = self.taxonomy.ids
        joined = "\n".join(t for t in texts if t.strip())
        if not joined:
            return NichePrediction({i: 0.0 for i in ids})
        keywords = self.taxonomy.keyword_scores(joined)
        keyword_p = keywords / keywords.sum() if keywords.sum() > 0 else None
        embedding_p = self.embedding_scores([t for t in texts if t.strip()])
        if embedding_p is None and keyword_p is None:
            return NichePrediction({i: 0.0 for i in ids})
        if embedding_p is None:
            mixed = keyword_p
        elif keyword_p is None:
            mixed = embedding_p
        else:
            covered_share = 1.0 if "zh" in model_languages(self.text_model) else _latin_share(joined)
            weight = EMBEDDING_WEIGHT * covered_share
            mixed = weight * embedding_p + (1.0 - weight) * keyword_p
        return NichePrediction({i: float(s) for i, s in zip(ids, mixed)})


def _latin_share(text: str) -> float:
    latin = len(re.findall(r"[A-Za-z]", text))
    cjk = len(re.findall(r"[\u3400-\u9fff]", text))
    return latin / (latin + 3 * cjk) if latin + cjk else 0.0


def distribution_match(a: NichePrediction, b: NichePrediction, ids: tuple[str, ...]) -> float | None:
    """Cosine similarity (0-1) of two niche score vectors; None when either has no evidence."""
    va, vb = a.vector(ids), b.vector(ids)
    na, nb = float(np.linalg.norm(va)), float(np.linalg.norm(vb))
    if na == 0 or nb == 0:
        return None
    return float(np.clip(va @ vb / (na * nb), 0.0, 1.0))


@lru_cache(maxsize=4)
def shared_classifier(text_model: str | None = None) -> NicheClassifier:
    """One classifier per text model and process, shared by the niche and information-density extractors."""
    return NicheClassifier(text_model=text_model)


@lru_cache(maxsize=16)
def _predict_cached(classifier: NicheClassifier, texts: tuple[str, ...]) -> NichePrediction:
    return classifier.predict(list(texts))


def video_niche(classifier: NicheClassifier, context: VideoContext) -> NichePrediction:
    """The niche prediction of a video from speech, screen text and metadata (without the target product text)."""
    sources = collect_text(context)
    return _predict_cached(classifier, tuple(span.text for span in sources.spans(include_product=False)))


class NicheExtractor(Extractor):
    """Top-3 niches of the video and its fit with the target niche/product and the creator's niche."""

    name = "niche"
    version = "2"  # 2: USE multilingual v3 is the default text model
    inputs = frozenset({Input.METADATA})
    optional_inputs = frozenset({Input.TRANSCRIPT, Input.SCREEN_TEXT})
    signals = (
        SignalSpec("niche_confidence", "0-1", "Score of the most likely niche (scores of all niches sum to 1)", 0.0, 1.0),
        SignalSpec("niche_match", "0-1", "Fit with the target (--niche or --product): 1 = the target is the video's top niche", 0.0, 1.0),
        SignalSpec("creator_niche_match", "0-1", "Fit with the creator's usual niche (--creator-niche); KOL vertical match", 0.0, 1.0),
    )

    def __init__(self, text_model: str | None = None) -> None:
        self.classifier = shared_classifier(text_model)

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> NicheExtractor:
        return cls(text_model=options.get("text_model"))

    def finish(self, context: VideoContext) -> ExtractorOutput:
        taxonomy = self.classifier.taxonomy
        niche_id = _clean(context.metadata.get("niche"))
        product = _clean(context.metadata.get("product"))
        creator = _clean(context.metadata.get("creator_niche"))
        for given in (niche_id, creator):
            if given:
                taxonomy.get(given)
        prediction = video_niche(self.classifier, context)
        match: float | None = None
        if niche_id:
            match = prediction.fit(niche_id)
        elif product:
            target = self.classifier.predict([product])
            match = distribution_match(prediction, target, taxonomy.ids)
        creator_match = prediction.fit(creator) if creator else None
        top = prediction.top(3)
        section: dict[str, Any] = {
            "top": [{"id": n, "score": round(s, 4)} for n, s in top],
            "target": niche_id or product,
            "match": None if match is None else round(match, 4),
        }
        if creator:
            section["creator_niche"] = creator
            section["creator_match"] = None if creator_match is None else round(creator_match, 4)
        return ExtractorOutput(
            signals={
                "niche_confidence": top[0][1] if top else None,
                "niche_match": match,
                "creator_niche_match": creator_match,
            },
            sections={"niche": section},
        )


def _clean(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None
