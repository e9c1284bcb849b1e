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

Rebuild after editing the dev sets: ``python -m features.cue_heads``.
"""

from __future__ import annotations

import csv
import json
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

HEADS_FILE = "data/cue_heads.json"
MIN_PRECISION = 0.97  # out-of-fold precision a head must reach to be shipped
MIN_POSITIVES = 100  # fewer labelled examples make the out-of-fold precision too uncertain to trust
# Candidate decision thresholds per language and inverse regularisation strengths; per head the (C, threshold)
# pair with the highest out-of-fold recall among those whose out-of-fold precision meets MIN_PRECISION wins.
THRESHOLDS = {"en": (0.8, 0.85, 0.9, 0.95), "zh": (0.7, 0.8, 0.9, 0.95)}
REGULARISATION = (1.0, 4.0, 16.0, 64.0)
# Chinese single-term lexicon hits (绿色, 手工, 公益 ...) of these types count only when the type's head gives the
# sentence at least this probability. Chosen by pooled values F1 with each of the seven values-rich dev files
# (dev8, dev10, dev12, dev15, dev16, dev17, dev20) held out of head training: no check 0.888, 0.2 0.916, 0.3 0.919,
# 0.4 0.917, 0.5 0.915 (P 0.94 R 0.90 at 0.3). For storytelling (dev9) it only lost true stories. English terms
# are not checked.
CONFIRM_PROBABILITY = {"zh": {"values": 0.3}}
EMBEDDING_FEATURES = "all-MiniLM-L6-v2"  # English heads: sentence embeddings of the default text model
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
    def fit(cls, texts: list[str], min_df: int = MIN_DOCUMENT_FREQUENCY) -> "CharNgrams":
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


def train(labels: list[set[str]], features: np.ndarray, cue_types: tuple[str, ...],
          thresholds: tuple[float, ...] = THRESHOLDS["en"]) -> dict[str, dict]:
    """Heads for ``cue_types`` fitted on ``features`` (n, dim) and the rows' label sets, by cue type.

    For each type and each C in ``REGULARISATION``: 5-fold out-of-fold probabilities
    give the lowest of ``thresholds`` whose precision is >= ``MIN_PRECISION``; the
    (C, threshold) with the highest out-of-fold recall wins. A type is skipped when no
    pair qualifies, or when it has fewer than ``MIN_POSITIVES`` positives. The final
    head is fitted on all rows. Returns the JSON-ready descriptions.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    heads: dict[str, dict] = {}
    for cue in cue_types:
        y = np.array([cue in row for row in labels])
        if y.sum() < MIN_POSITIVES:
            continue
        best: tuple[float, float, float, float] | None = None  # (recall, precision, C, threshold)
        for strength in REGULARISATION:
            oof = np.zeros(len(y))
            for fit_rows, held_rows in StratifiedKFold(5, shuffle=True, random_state=0).split(features, y):
                model = LogisticRegression(C=strength, max_iter=3000, class_weight="balanced")
                oof[held_rows] = model.fit(features[fit_rows], y[fit_rows]).predict_proba(features[held_rows])[:, 1]
            for threshold in thresholds:
                fired = oof >= threshold
                precision = float((fired & y).sum() / max(1, fired.sum()))
                if precision >= MIN_PRECISION:
                    recall = float((fired & y).sum() / y.sum())
                    if best is None or recall > best[0]:
                        best = (recall, precision, strength, threshold)
                    break
        if best is None:
            continue
        recall, precision, strength, threshold = best
        model = LogisticRegression(C=strength, max_iter=3000, class_weight="balanced").fit(features, y)
        heads[cue] = {
            "weights": [round(float(w), 6) for w in model.coef_[0]],
            "bias": float(model.intercept_[0]),
            "threshold": threshold,
            "C": strength,
            "oof_precision": round(precision, 3),
            "oof_recall": round(recall, 3),
            "positives": int(y.sum()),
        }
    return heads


def read_labelled(path: Path) -> list[dict[str, str]]:
    """Rows of a labelled UTF-8 TSV (header row, tab-separated, no quoting) as dicts."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def dev_rows(folder: Path, language: str) -> tuple[list[str], list[set[str]]]:
    """Texts and label sets of the ``language`` rows of every ``cues_dev*.tsv`` in ``folder``."""
    rows = [row for path in sorted(folder.glob("cues_dev*.tsv")) for row in read_labelled(path) if row["lang"] == language]
    return [row["text"] for row in rows], [{t for t in (row["labels"] or "").split(",") if t} for row in rows]


def main() -> int:
    """Rebuild ``features/data/cue_heads.json`` from the development sets and print what was kept."""
    from features.cues import CUE_TYPES
    from features.embeddings import load_encoder

    folder = Path(__file__).resolve().parents[1] / "benchmarks" / "data"
    if not any(folder.glob("cues_dev*.tsv")):
        print(f"no development sets (cues_dev*.tsv) in {folder}; run this from a source checkout", file=sys.stderr)
        return 2
    languages: dict[str, dict] = {}
    texts, labels = dev_rows(folder, "en")
    languages["en"] = {"features": EMBEDDING_FEATURES, "rows": len(texts),
                       "heads": train(labels, load_encoder().encode(texts), CUE_TYPES, THRESHOLDS["en"])}
    texts, labels = dev_rows(folder, "zh")
    ngrams = CharNgrams.fit(texts)
    languages["zh"] = {"features": NGRAM_FEATURES, "rows": len(texts), "confirm": CONFIRM_PROBABILITY["zh"],
                       "vocabulary": list(ngrams.vocabulary),
                       "idf": [round(float(v), 5) for v in ngrams.idf],
                       "heads": train(labels, ngrams.transform(texts), CUE_TYPES, THRESHOLDS["zh"])}
    if not languages["zh"]["heads"]:  # the vocabulary is only worth shipping with a head that reads it
        languages["zh"].update(vocabulary=[], idf=[])
    (Path(__file__).parent / HEADS_FILE).write_text(json.dumps({"languages": languages}, ensure_ascii=False) + "\n",
                                                    encoding="utf-8")
    for language, block in languages.items():
        for cue, head in block["heads"].items():
            print(f"{language} {cue}: C {head['C']}, threshold {head['threshold']}, out-of-fold P {head['oof_precision']} "
                  f"R {head['oof_recall']} ({head['positives']} positives)")
        print(f"{language}: {len(block['heads'])} heads from {block['rows']} dev rows ({block['features']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
