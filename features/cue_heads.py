"""Learned cue heads: logistic regressions on all-MiniLM-L6-v2 sentence embeddings, one per cue type.

Prototype similarity (``features/data/cues.yaml``) finds paraphrases close to a
handful of example sentences; a head learned from the hand-labelled development
sets in ``benchmarks/data/cues_dev*.tsv`` (never the eval set) generalises to
wordings no prototype or pattern covers. Heads ship as data,
``features/data/cue_heads.json``: per cue type the weights (384), bias, decision
threshold and the out-of-fold precision/recall that chose it. Only types whose
5-fold precision at the threshold reaches ``MIN_PRECISION`` are kept, so a head
only adds cues it is nearly always right about. Used by
:class:`features.cues.CueDetector` for English sentences with the default model.

Rebuild after editing the dev sets: ``python -m features.cue_heads``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

HEADS_FILE = "data/cue_heads.json"
MIN_PRECISION = 0.97  # out-of-fold precision a head must reach to be shipped
MIN_POSITIVES = 100  # fewer labelled examples make the out-of-fold precision too uncertain to trust
THRESHOLDS = (0.8, 0.85, 0.9, 0.95)  # candidate decision thresholds, lowest that meets MIN_PRECISION wins
LANGUAGE = "en"


@dataclass(frozen=True)
class CueHead:
    """Logistic head for one cue type: P(cue | embedding) = sigmoid(weights . v + bias); fires at >= threshold."""

    cue: str
    weights: np.ndarray
    bias: float
    threshold: float

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """Probabilities (0-1) for embeddings of shape (n, dim)."""
        return 1.0 / (1.0 + np.exp(-(vectors @ self.weights + self.bias)))


@lru_cache(maxsize=1)
def load_heads() -> dict[str, CueHead]:
    """The shipped heads by cue type (empty when the file is absent)."""
    try:
        data = json.loads(resources.files("features").joinpath(HEADS_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {
        cue: CueHead(cue, np.asarray(h["weights"], dtype=np.float32), float(h["bias"]), float(h["threshold"]))
        for cue, h in data["heads"].items()
    }


def train(texts: list[str], labels: list[set[str]], vectors: np.ndarray, cue_types: tuple[str, ...]) -> dict:
    """Heads for ``cue_types`` fitted on ``vectors`` (embeddings of ``texts``) and their label sets.

    For each type: 5-fold out-of-fold probabilities choose the lowest threshold in
    ``THRESHOLDS`` whose precision is >= ``MIN_PRECISION``; the type is skipped
    when none is, or when it has fewer than ``MIN_POSITIVES`` positives. The final head is fitted
    on all rows. Returns the JSON-ready description.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    heads: dict[str, dict] = {}
    for cue in cue_types:
        y = np.array([cue in row for row in labels])
        if y.sum() < MIN_POSITIVES:
            continue
        oof = np.zeros(len(y))
        for fit_rows, held_rows in StratifiedKFold(5, shuffle=True, random_state=0).split(vectors, y):
            model = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced").fit(vectors[fit_rows], y[fit_rows])
            oof[held_rows] = model.predict_proba(vectors[held_rows])[:, 1]
        for threshold in THRESHOLDS:
            fired = oof >= threshold
            precision = float((fired & y).sum() / max(1, fired.sum()))
            if precision >= MIN_PRECISION:
                recall = float((fired & y).sum() / y.sum())
                model = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced").fit(vectors, y)
                heads[cue] = {
                    "weights": [round(float(w), 6) for w in model.coef_[0]],
                    "bias": float(model.intercept_[0]),
                    "threshold": threshold,
                    "oof_precision": round(precision, 3),
                    "oof_recall": round(recall, 3),
                    "positives": int(y.sum()),
                }
                break
    return {"model": "all-MiniLM-L6-v2", "language": LANGUAGE, "rows": len(texts), "heads": heads}


def _dev_rows(folder: Path) -> tuple[list[str], list[set[str]]]:
    texts: list[str] = []
    labels: list[set[str]] = []
    for path in sorted(folder.glob("cues_dev*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                if row["lang"] == LANGUAGE:
                    texts.append(row["text"])
                    labels.append({t for t in (row["labels"] or "").split(",") if t})
    return texts, labels


def main() -> int:
    """Rebuild ``features/data/cue_heads.json`` from the development sets and print what was kept."""
    from features.cues import CUE_TYPES
    from features.embeddings import load_encoder

    root = Path(__file__).resolve().parents[1]
    texts, labels = _dev_rows(root / "benchmarks" / "data")
    data = train(texts, labels, load_encoder().encode(texts), CUE_TYPES)
    (Path(__file__).parent / HEADS_FILE).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    for cue, head in data["heads"].items():
        print(f"{cue}: threshold {head['threshold']}, out-of-fold P {head['oof_precision']} R {head['oof_recall']} "
              f"({head['positives']} positives)")
    print(f"{len(data['heads'])} heads from {data['rows']} English dev rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
