"""Persuasion and trust cues in speech, on-screen text and metadata.

Exposed by ``vidscore score`` (result ``cues`` list, "cue" events and the
``cues_*`` signals; ``vidscore features`` lists them). The advertising-law check
(``compliance_risk``) is :mod:`features.compliance`.
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

from typing import Any

import numpy as np

from features.base import Event, Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.cue_heads import load_heads
from features.cue_lexicon import CUE_TYPES, Cue, CueLexicon, is_question, load_lexicon
from features.embeddings import MINILM, TextEncoder, cosine_matrix, load_encoder, model_languages, resolve
from features.text_sources import Sentence, TextSpan, all_sentences, collect


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
        self.text_model = resolve(text_model, MINILM)
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
        en_heads = load_heads().get("en") if encoder.name == MINILM else None
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
    """Persuasion/trust cues per type and distinct cue types (the compliance flag is :mod:`features.compliance`'s)."""

    name = "cues"
    version = "1"
    inputs = frozenset({Input.METADATA})
    optional_inputs = frozenset({Input.TRANSCRIPT, Input.SCREEN_TEXT})
    signals = _count_specs() + (
        SignalSpec("cue_types", "count", "Distinct persuasion cue types present (0-8)", 0.0, 8.0),
        SignalSpec("cues_per_minute", "1/min", "Cues in speech and screen text per minute of video", 0.0, 10_000.0),
    )

    def __init__(self, text_model: str | None = None) -> None:
        self.detector = CueDetector(text_model=text_model)

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> CueExtractor:
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
        events = [
            Event("cue", c.start_s, c.end_s, {"type": c.type, "text": c.text, "match": c.match, "source": c.source, "method": c.method})
            for c in cues
            if c.start_s is not None and c.end_s is not None
        ]
        return ExtractorOutput(signals=signals, events=events, sections={"cues": [c.as_dict() for c in cues]})
