"""Learned cue heads: one calibrated logistic regression per cue type over [sentence embedding + lexicon evidence].

The heads decide which cue types a sentence carries; the lexicon (``features/data/cues.yaml``) supplies
evidence they read (which types it hit, which it saw only negated, whether the sentence is a question), the
quoted words of each cue and the negation rule. Features per sentence: the Universal Sentence Encoder
multilingual v3 embedding (512-d, :mod:`features.use_encoder`, Chinese and English in one space) followed by
:data:`LEXICON_FEATURES` (:func:`lexicon_features`). One head per type serves both languages (a ``zh``
feature lets it differ). P(type | sentence) = sigmoid(w . x + b); a head fires at its threshold.

The heads are trained by ``python tools/train_cue_heads.py`` on the development sets
(``benchmarks/data/cues_dev*.tsv``) together with labelled real sales text (``cues_real.tsv`` split train and
``cues_real2.tsv``, read from ``../shared/realdata/text`` at training time), never on the eval, hold-out,
real test or blind sets; the tool documents the recipe and the held-out-source figures that chose it. They ship
in ``features/data/cue_heads.json``. Used by :class:`features.cues.CueDetector`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from features.cue_lexicon import CUE_TYPES

HEADS_FILE = "data/cue_heads.json"
FORMAT = 2
LEXICON_FEATURES = (
    tuple(f"lexicon:{cue}" for cue in CUE_TYPES)
    + tuple(f"negated:{cue}" for cue in CUE_TYPES)
    + ("question", "compliance", "zh")
)


def lexicon_features(screens: Iterable[tuple[Iterable[str], Iterable[str], bool]], compliance: bool, zh: bool) -> np.ndarray:
    """The lexicon part of a head's input for one text: ``screens`` are per sentence (types the lexicon hit, types
    it saw only negated, is a question); a text of several sentences takes their union (a type hit anywhere is not
    negated). ``compliance``: the compliance check flagged a phrase; ``zh``: the text is Chinese."""
    hit: set[str] = set()
    negated: set[str] = set()
    question = False
    for hits, negs, asks in screens:
        hit.update(hits)
        negated.update(negs)
        question = question or asks
    negated -= hit
    out = np.zeros(len(LEXICON_FEATURES), dtype=np.float32)
    for k, cue in enumerate(CUE_TYPES):
        out[k] = cue in hit
        out[len(CUE_TYPES) + k] = cue in negated
    out[-3:] = (question, compliance, zh)
    return out


@dataclass(frozen=True)
class CueHeads:
    """Logistic heads for ``types`` over [embedding of ``encoder`` (``dimension``) + :data:`LEXICON_FEATURES`]."""

    encoder: str
    dimension: int
    types: tuple[str, ...]
    weights: np.ndarray  # (len(types), dimension + len(LEXICON_FEATURES))
    bias: np.ndarray  # (len(types),)
    thresholds: np.ndarray  # (len(types),)

    def probabilities(self, embeddings: np.ndarray, lexicon: np.ndarray) -> np.ndarray:
        """P(type) of shape (n, len(types)) for ``embeddings`` (n, dimension) and lexicon features (n, 19)."""
        features = np.hstack([embeddings.astype(np.float32), lexicon.astype(np.float32)])
        return 1.0 / (1.0 + np.exp(-(features @ self.weights.T + self.bias)))

    def fired(self, probabilities: np.ndarray) -> list[list[str]]:
        """Per row, the types whose probability reaches their threshold, in :data:`CUE_TYPES` order."""
        on = probabilities >= self.thresholds
        return [[cue for k, cue in enumerate(self.types) if row[k]] for row in on]


def parse_heads(data: dict) -> CueHeads:
    """Heads from their JSON form (see ``tools/train_cue_heads.py``); ValueError when the format is not known."""
    if data.get("format") != FORMAT or tuple(data.get("lexicon_features") or ()) != LEXICON_FEATURES:
        raise ValueError("cue head file of an unknown format; rebuild it with tools/train_cue_heads.py")
    types = tuple(data["types"])
    heads = data["heads"]
    return CueHeads(
        encoder=str(data["encoder"]),
        dimension=int(data["dimension"]),
        types=types,
        weights=np.asarray([heads[t]["weights"] for t in types], dtype=np.float32),
        bias=np.asarray([heads[t]["bias"] for t in types], dtype=np.float32),
        thresholds=np.asarray([heads[t]["threshold"] for t in types], dtype=np.float32),
    )


@lru_cache(maxsize=1)
def load_heads() -> CueHeads | None:
    """The shipped heads; None when the file is absent."""
    try:
        raw = resources.files("features").joinpath(HEADS_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return parse_heads(json.loads(raw))
