"""Persuasion and trust cues in speech, on-screen text and metadata.

Exposed by ``vidscore score`` (result ``cues`` list, "cue" events and the
``cues_*`` signals; ``vidscore features`` lists them). The advertising-law check
(``compliance_risk``) is :mod:`features.compliance`.

With the default text model (USE multilingual v3) the learned heads of
:mod:`features.cue_heads` decide, per sentence and cue type, from the sentence
embedding and the lexicon's evidence; the bilingual lexicon
``features/data/cues.yaml`` (terms and regular expressions, Chinese checked
against jieba token boundaries, negation and clause-scoped hedges) supplies that
evidence, the quoted words of each cue, and the negation rule: a type the
lexicon saw only negated ("这不是限量款") is never reported, and a question keeps
only calls to action and stories. ``--text-model none`` uses the lexicon alone;
any other text model uses the lexicon plus prototype-sentence similarity for
the languages it covers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from features.base import Event, Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.compliance import ComplianceRules, load_rules
from features.cue_heads import CueHeads, lexicon_features, load_heads
from features.cue_lexicon import CUE_TYPES, Cue, CueLexicon, is_question, load_lexicon
from features.embeddings import USE_MODEL, TextEncoder, cosine_matrix, load_encoder, model_languages, resolve
from features.text_sources import Sentence, TextSpan, all_sentences
from features.transcript_repair import collect_text

DEFAULT_TEXT_MODEL = USE_MODEL  # the model the shipped heads read
# Compliance categories that make a sentence an absolute_claim cue whatever the head says (假一赔十, a payout
# promise, is a trust cue in the labelling guide, not a claim).
CLAIM_CATEGORIES = frozenset({"absolute", "authority", "medical", "guarantee"})


class CueDetector:
    """Finds cues in sentences: learned heads over embedding + lexicon evidence (default model), the lexicon
    alone ("none"), or the lexicon plus prototype similarity (any other text model).

    Args:
        lexicon: the compiled lexicon (default: the shipped one).
        text_model: a text model name/path (:func:`features.embeddings.resolve`), None for
            :data:`DEFAULT_TEXT_MODEL`, or "none" for the lexicon and patterns only.
        heads: the learned heads (default: the shipped ones); used when ``text_model`` is their encoder.
    """

    def __init__(self, lexicon: CueLexicon | None = None, text_model: str | None = None,
                 heads: CueHeads | None = None, rules: ComplianceRules | None = None) -> None:
        if text_model is not None and not str(text_model).strip():
            raise ValueError("text_model must be a model name or path, 'none', or None for the default")
        self.lexicon = lexicon or load_lexicon()
        self.text_model = resolve(text_model, DEFAULT_TEXT_MODEL)
        shipped = heads or load_heads()
        self.heads = shipped if shipped is not None and shipped.encoder == self.text_model else None
        self.rules = rules or load_rules()
        self._prototypes: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def uses_embeddings(self) -> bool:
        return self.text_model != "none"

    def _encoder(self) -> TextEncoder | None:
        return load_encoder(self.text_model) if self.uses_embeddings else None

    def detect(self, sentences: list[Sentence]) -> list[Cue]:
        """All cues in ``sentences``, at most one per (sentence, type), in sentence order."""
        screens = [self.lexicon.screen(s.text, s.language) for s in sentences]
        if self.heads is not None and sentences:
            return self._decide(sentences, screens)
        found: list[list[Cue]] = [
            [Cue(h.cue, s.text, s.text[h.start:h.end], s.source, s.start_s, s.end_s, h.method)
             for h in sorted(hits, key=lambda h: CUE_TYPES.index(h.cue))]
            for s, (hits, _) in zip(sentences, screens)
        ]
        negated = [negs for _, negs in screens]
        covered = model_languages(self.text_model) if self.uses_embeddings else frozenset()
        candidates = [i for i, s in enumerate(sentences) if s.language in covered]
        if candidates:  # the model loads only when some sentence is in a language it covers
            for i, extra in zip(candidates, self._paraphrases([sentences[i] for i in candidates], found, negated, candidates)):
                found[i].extend(extra)
        return [cue for group in found for cue in group]

    def _decide(self, sentences: list[Sentence], screens: list[tuple[list[Any], frozenset[str]]]) -> list[Cue]:
        """The heads' cues: each fired type (plus absolute_claim where the compliance check flags a claim) not
        negated by the lexicon (and, in a question, only the types a question keeps), quoting the lexicon's words
        for it, else a compliance phrase, else the sentence."""
        assert self.heads is not None
        encoder = self._encoder()
        assert encoder is not None
        flags = [self.rules.check(s.text) for s in sentences]
        lexicon = np.stack([
            lexicon_features([({h.cue for h in hits}, negs, is_question(s.text))], bool(flag), s.language == "zh")
            for s, (hits, negs), flag in zip(sentences, screens, flags)
        ])
        fired = self.heads.fired(self.heads.probabilities(encoder.encode([s.text for s in sentences]), lexicon))
        out: list[Cue] = []
        for sentence, (hits, negs), flag, types in zip(sentences, screens, flags, fired):
            if "absolute_claim" not in types and any(f.category in CLAIM_CATEGORIES for f in flag):
                types = sorted({*types, "absolute_claim"}, key=CUE_TYPES.index)  # an ad-law phrase is an absolute claim
            question = is_question(sentence.text)
            words = {h.cue: sentence.text[h.start:h.end] for h in hits}
            for cue in types:
                if (cue in negs and self.lexicon.negatable.get(cue, True)) or (question and cue not in self.lexicon.question_keeps):
                    continue
                match = words.get(cue) or (flag[0].text if cue == "absolute_claim" and flag else sentence.text)
                out.append(Cue(cue, sentence.text, match, sentence.source, sentence.start_s, sentence.end_s,
                               "lexicon+head" if cue in words else "head"))
        return out

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
        none_best = cosine_matrix(vectors, nones).max(axis=1) if len(self.lexicon.none_prototypes) else np.full(len(sentences), -1.0)
        out: list[list[Cue]] = []
        for row, sentence in enumerate(sentences):
            near: list[str] = []
            for cue in CUE_TYPES:
                own = label_array == cue
                best = float(sims[row, own].max()) if own.any() else -1.0
                if best >= self.lexicon.threshold and best >= float(none_best[row]) + self.lexicon.margin:
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
    version = "2"  # 2: learned heads on USE multilingual decide; compliance_risk moved to features.compliance
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
        sources = collect_text(context)
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
