"""Explanations and suggestions: turn a :class:`~scorer.model.ScoredVideo` into words.

Each dimension gets a list that starts with the baseline and then one item per
rubric signal (value, contribution in score points, a plain-language reason);
the contributions add up to the score. Suggestions are the weak signals with a
suggestion text, ordered by the score points they would gain if fixed.
"""

from __future__ import annotations

from typing import Any

from scorer.model import BASELINE, PENALTY_POINTS, Contribution, ScoredVideo
from scorer.rubric import DIMENSIONS

MAX_SUGGESTIONS = 5
WEAK = 0.5  # goodness below this makes a signal worth a suggestion


def _render(template: dict[str, str], lang: str, value: Any) -> str:
    text = template.get(lang) or template.get("en", "")
    shown = value if isinstance(value, bool) or value is None else round(float(value), 3)
    try:
        return text.format(value=shown)
    except (ValueError, KeyError, IndexError):
        return text


def explanations(scored: ScoredVideo, lang: str = "en") -> dict[str, list[dict[str, Any]]]:
    """Per dimension: baseline item, then one item per rubric signal, sorted by |contribution|."""
    result: dict[str, list[dict[str, Any]]] = {}
    for dimension in DIMENSIONS:
        baseline_reason = "average video" if lang == "en" else "普通视频的基准分"
        rows: list[dict[str, Any]] = [
            {"signal": "baseline", "value": None, "contribution": BASELINE, "reason": baseline_reason}
        ]
        items = sorted(scored.contributions[dimension], key=lambda c: -abs(c.points))
        for c in items:
            rows.append(
                {
                    "signal": c.item.signal,
                    "value": c.value,
                    "contribution": round(c.points, 3),
                    "typical": [c.item.low, c.item.high],
                    "reason": _render(c.item.reason, lang, c.value)
                    if c.value is not None
                    else ("not measured" if lang == "en" else "未测得"),
                }
            )
        if abs(scored.clipped[dimension]) > 1e-9:
            rows.append(
                {
                    "signal": "clip",
                    "value": None,
                    "contribution": round(scored.clipped[dimension], 3),
                    "reason": "score limited to 0-100" if lang == "en" else "分数限制在 0-100",
                }
            )
        result[dimension] = rows
    return result


def _gain(c: Contribution, scored: ScoredVideo, dimension: str) -> float:
    if c.goodness is None:
        return 0.0
    if c.item.direction == "penalty":
        return PENALTY_POINTS * c.item.weight * c.goodness
    measured = [x for x in scored.contributions[dimension] if x.goodness is not None and x.item.direction != "penalty"]
    total = sum(x.item.weight for x in measured) or 1.0
    return 100.0 * c.item.weight * (1.0 - c.goodness) / total


def suggestions(scored: ScoredVideo, lang: str = "en", limit: int = MAX_SUGGESTIONS) -> list[dict[str, Any]]:
    """Up to ``limit`` suggestions, largest expected score gain first."""
    found: list[dict[str, Any]] = []
    for dimension in DIMENSIONS:
        for c in scored.contributions[dimension]:
            if c.goodness is None or not c.item.suggestion:
                continue
            weak = c.goodness > 0 if c.item.direction == "penalty" else c.goodness < WEAK
            if not weak:
                continue
            found.append(
                {
                    "dimension": dimension,
                    "signal": c.item.signal,
                    "text": _render(c.item.suggestion, lang, c.value),
                    "gain": round(_gain(c, scored, dimension), 2),
                }
            )
    found.sort(key=lambda s: -s["gain"])
    unique: list[dict[str, Any]] = []
    for s in found:
        if s["text"] not in {u["text"] for u in unique}:
            unique.append(s)
    return unique[:limit]
