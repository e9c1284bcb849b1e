"""Learned cue heads: one logistic regression per cue type and language, shipped as data.

Prototype similarity and the lexicon (``features/data/cues.yaml``) find wordings
close to what someone listed; a head learned from the hand-labelled development
sets in ``benchmarks/data/cues_dev*.tsv`` (never the eval set) generalises to
wordings nobody listed. English heads read all-MiniLM-L6-v2 sentence embeddings;
Chinese heads read character 1-3-gram TF-IDF (:class:`CharNgrams`), because no
Chinese sentence model ships offline. Heads ship in ``features/data/cue_heads.json``:
per language the feature kind (and for Chinese the n-gram vocabulary and idf), per
cue type the weights, bias, decision threshold and the out-of-fold precision/recall
that chose it. Only types with ``MIN_POSITIVES`` examples whose 5-fold precision at
the threshold reaches ``MIN_PRECISION`` are kept, so a head only adds cues it is
nearly always right about. Used by :class:`features.cues.CueDetector`.

Rebuild after editing the dev sets: ``python tools/train_cue_heads.py`` (training lives there, not at run time).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

HEADS_FILE = "data/cue_heads.json"
NGRAM_FEATURES = "char-1-3-grams"  # Chinese heads: character n-gram TF-IDF
NGRAM_MAX = 3
MIN_DOCUMENT_FREQUENCY = 2  # an n-gram seen in one dev sentence only is noise
_DIGIT = re.compile(r"[0-9０-９]")
_SPACE = re.compile(r"\s+")


def char_ngrams(text: str, longest: int = NGRAM_MAX) -> Counter[str]:
    """Counts of the character 1..``longest``-grams of ``text`` (lower-cased, spaces collapsed, digits as "0")."""
    folded = _DIGIT.sub("0", _SPACE.sub(" ", text.lower()).strip())
    return Counter(folded[i : i + n] for n in range(1, longest + 1) for i in range(len(folded) - n + 1))


@dataclass(frozen=True)
class CharNgrams:
    """Sublinear TF-IDF of character n-grams: (1 + ln count) x idf, each row L2-normalised."""

    vocabulary: dict[str, int]
    idf: np.ndarray  # (len(vocabulary),) smoothed inverse document frequency, ln((1 + n) / (1 + df)) + 1

    @classmethod
    def fit(cls, texts: list[str], min_df: int = MIN_DOCUMENT_FREQUENCY) -> CharNgrams:
        """Vocabulary of the n-grams found in at least ``min_df`` of ``texts``, with their idf."""
        if min_df < 1:
            raise ValueError(f"min_df must be at least 1, got {min_df!r}")
        frequency: Counter[str] = Counter()
        for text in texts:
            frequency.update(char_ngrams(text).keys())
        kept = sorted(gram for gram, df in frequency.items() if df >= min_df)
        idf = np.array([math.log((1 + len(texts)) / (1 + frequency[gram])) + 1.0 for gram in kept], dtype=np.float32)
        return cls({gram: i for i, gram in enumerate(kept)}, idf)

    def transform(self, texts: list[str]) -> np.ndarray:
        """Features of shape (len(texts), len(vocabulary)), float32; an all-unknown text gives a zero row."""
        out = np.zeros((len(texts), len(self.vocabulary)), dtype=np.float32)
        for row, text in enumerate(texts):
            known = [(self.vocabulary[g], c) for g, c in char_ngrams(text).items() if g in self.vocabulary]
            if not known:
                continue
            columns = np.array([i for i, _ in known])
            values = (1.0 + np.log([c for _, c in known])) * self.idf[columns]
            out[row, columns] = values / np.linalg.norm(values)
        return out


@dataclass(frozen=True)
class CueHead:
    """Logistic head for one cue type: P(cue | features) = sigmoid(weights . x + bias); fires at >= threshold."""

    cue: str
    weights: np.ndarray
    bias: float
    threshold: float

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Probabilities (0-1) for features of shape (n, dim)."""
        return 1.0 / (1.0 + np.exp(-(features @ self.weights + self.bias)))


@dataclass(frozen=True)
class LanguageHeads:
    """The heads of one language and what they read: sentence embeddings, or ``ngrams`` when set."""

    language: str
    heads: dict[str, CueHead]
    ngrams: CharNgrams | None = None
    confirm: dict[str, float] | None = None  # per cue type, the probability its single-term lexicon hits need

    def probabilities(self, features: np.ndarray) -> dict[str, np.ndarray]:
        """Per cue type, the head's probabilities (0-1) over the rows of ``features`` (n, dim)."""
        return {cue: head.probabilities(features) for cue, head in self.heads.items()}

    def fired(self, probabilities: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Per cue type, where its head fires: ``probabilities`` (from :meth:`probabilities`) at its threshold."""
        return {cue: p >= self.heads[cue].threshold for cue, p in probabilities.items()}


@lru_cache(maxsize=1)
def load_heads() -> dict[str, LanguageHeads]:
    """The shipped heads by language ("en", "zh"); empty when the file is absent."""
    try:
        data = json.loads(resources.files("features").joinpath(HEADS_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    out: dict[str, LanguageHeads] = {}
    for language, block in data["languages"].items():
        ngrams = None
        if block["features"] == NGRAM_FEATURES:
            ngrams = CharNgrams({g: i for i, g in enumerate(block["vocabulary"])}, np.asarray(block["idf"], dtype=np.float32))
        heads = {
            cue: CueHead(cue, np.asarray(h["weights"], dtype=np.float32), float(h["bias"]), float(h["threshold"]))
            for cue, h in block["heads"].items()
        }
        out[language] = LanguageHeads(language, heads, ngrams, block.get("confirm"))
    return out
