"""Explanations, suggestions and the compliance-risk flag: turn a :class:`~scorer.model.ScoredVideo` into words.

Shown by ``vidscore score`` (table and JSON). Each dimension gets a list that
starts with the baseline and then one item per rubric signal (value, typical
range, contribution in score points, a plain-language reason and, when the
rubric asks for it, evidence: timestamps of events, quoted cue words, on-screen
text, speech); the contributions add up to the score. Suggestions are the weak
signals with a suggestion text, ordered by the score points they are expected
to gain if fixed. The compliance flag is raised by the rubric's compliance rules
(e.g. absolute claims such as "全网最低价" that advertising law forbids).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scorer.model import ScoredVideo
from scorer.rubric import DIMENSIONS, Evidence, Rubric

MAX_SUGGESTIONS = 5
MIN_SUGGESTIONS = 3
WEAK = 0.5  # goodness below this makes a signal worth a suggestion
MAX_EVIDENCE = 3
QUOTE_CHARS = 40


def _text(template: dict[str, str], lang: str) -> str:
    return template.get(lang) or template.get("en", "")


def _shown(value: Any) -> Any:
    return value if isinstance(value, bool) or value is None else round(float(value), 3)


def _render(template: dict[str, str], lang: str, value: Any, evidence: Sequence[dict[str, Any]] = ()) -> str:
    quotes = [_quote(e["text"]) for e in evidence if e.get("text")]
    times = [e["start_s"] for e in evidence if e.get("start_s") is not None]
    separator = "、" if lang == "zh" else ", "
    fields = {
        "value": _shown(value),
        "quote": quotes[0] if quotes else "",
        "quotes": separator.join(quotes),
        "at": f"{times[0]:.1f} s" if times else "",
        "rewrites": separator.join(f"{_quote(e['text'])} → {_quote(e['rewrite'])}" for e in evidence if e.get("rewrite")),
    }
    return _text(template, lang).format(**fields)


def _quote(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > QUOTE_CHARS:
        text = text[: QUOTE_CHARS - 1] + "…"
    return f"“{text}”"


def gather_evidence(spec: Evidence, result: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Evidence items ({kind, start_s, end_s, text}) from a result's cues, events, screen text and transcript."""
    if not spec or not result:
        return []
    found: list[dict[str, Any]] = []
    if spec.compliance:
        seen: set[tuple[str, str]] = set()
        for flag in result.get("compliance_flags") or []:
            key = (flag["text"].lower(), flag["category"])
            if key not in seen:
                seen.add(key)
                found.append({"kind": "compliance", "source": flag.get("source"), "start_s": flag.get("start_s"),
                              "end_s": flag.get("end_s"), "text": flag["text"], "category": flag["category"],
                              "rewrite": flag["rewrite"]})
    for cue in result.get("cues") or []:
        if cue.get("type") in spec.cues:
            found.append({"kind": "cue", "type": cue["type"], "source": cue.get("source"),
                          "start_s": cue.get("start_s"), "end_s": cue.get("end_s"), "text": cue.get("text", "")})
    for event in result.get("events") or []:
        if event.get("kind") in spec.events:
            detail = event.get("detail") or {}
            found.append({"kind": event["kind"], "start_s": event["start_s"], "end_s": event["end_s"],
                          "text": str(detail.get("text", ""))})
    if spec.screen_text:
        for item in result.get("screen_text") or []:
            found.append({"kind": "screen_text", "start_s": item["start_s"], "end_s": item["end_s"], "text": item["text"]})
    if spec.transcript:
        for segment in (result.get("transcript") or {}).get("segments") or []:
            found.append({"kind": "speech", "start_s": segment["start_s"], "end_s": segment["end_s"],
                          "text": segment["text"]})
    if spec.within_s is not None:
        start, end = spec.within_s
        found = [e for e in found if e["start_s"] is not None and e["start_s"] < end and (e["end_s"] or 0) >= start]
    found.sort(key=lambda e: (e["start_s"] is not None, e["start_s"] or 0.0))
    return found[:MAX_EVIDENCE]


def _evidence_note(evidence: list[dict[str, Any]], lang: str) -> str:
    parts = []
    for e in evidence:
        at = f"{e['start_s']:.1f} s" if e.get("start_s") is not None else ("标题" if lang == "zh" else "title")
        parts.append(f"{_quote(e['text'])} ({at})" if e.get("text") else at)
    return "; ".join(parts)


def _baseline_reason(note: Mapping[str, Any], lang: str) -> str:
    method = note.get("method")
    zh = lang == "zh"
    if method == "outcome":
        return (f"你的 {note['rows']} 条视频在 {note['target']} 上的平均水平" if zh
                else f"average of your {note['rows']} videos on {note['target']}")
    if method == "reference":
        return (f"你的 {note['rows']} 条视频的中位水平；分数即百分位（70 = 超过你 70% 的视频）" if zh
                else f"median of your {note['rows']} videos; scores are percentiles (70 = better than 70% of them)")
    return "普通视频的基准分" if zh else "average video"


def explanations(
    scored: ScoredVideo, lang: str = "en", result: Mapping[str, Any] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Per dimension: baseline item, then one item per rubric signal, sorted by |contribution|.

    ``result`` (the result's evidence sources, see :func:`scorer.result.evidence_sources`) supplies evidence:
    cues, events, screen text, transcript.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for dimension in DIMENSIONS:
        rows: list[dict[str, Any]] = [
            {"signal": "baseline", "value": None, "contribution": scored.baseline[dimension],
             "reason": _baseline_reason(scored.notes.get(dimension, {}), lang)}
        ]
        for c in sorted(scored.contributions[dimension], key=lambda c: -abs(c.points)):
            row: dict[str, Any] = {"signal": c.item.signal, "value": c.value, "contribution": c.points}
            if c.typical is not None:
                row["typical"] = [float(c.typical[0]), float(c.typical[1])]
            if c.value is None:
                row["reason"] = "not measured" if lang == "en" else "未测得"
            else:
                evidence = gather_evidence(c.item.evidence, result)
                reason = _render(c.item.reason, lang, c.value, evidence)
                if c.percentile is not None and c.item.direction in ("higher", "lower"):
                    reason += (f"，超过你 {c.percentile:.0f}% 的视频" if lang == "zh"
                               else f" — better than {c.percentile:.0f}% of your videos")
                if evidence:
                    reason += f": {_evidence_note(evidence, lang)}"
                    row["evidence"] = evidence
                row["reason"] = reason
            rows.append(row)
        if abs(scored.clipped[dimension]) > 1e-12:
            rows.append({"signal": "clip", "value": None, "contribution": scored.clipped[dimension],
                         "reason": "score limited to 0-100" if lang == "en" else "分数限制在 0-100"})
        out[dimension] = rows
    return out


def suggestions(
    scored: ScoredVideo,
    lang: str = "en",
    limit: int = MAX_SUGGESTIONS,
    result: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Up to ``limit`` suggestions, largest expected score gain first.

    Active penalties (e.g. absolute claims) are always suggested, even when the score is already
    clipped at 0; then weak signals (goodness below 0.5); when fewer than three exist, the signals
    with the largest remaining gain fill up to three.
    """
    candidates: list[tuple[int, dict[str, Any]]] = []  # (rank: 2 forced, 1 weak, 0 other, item)
    for dimension in DIMENSIONS:
        for c in scored.contributions[dimension]:
            if c.goodness is None or not c.item.suggestion:
                continue
            forced = c.item.direction == "penalty" and c.goodness > 0
            if c.gain <= 0.05 and not forced:
                continue
            weak = c.goodness < WEAK
            evidence = gather_evidence(c.item.evidence, result)
            template = c.item.suggestion_with_evidence if evidence and c.item.suggestion_with_evidence else c.item.suggestion
            item = {"dimension": dimension, "signal": c.item.signal,
                    "text": _render(template, lang, c.value, evidence), "gain": round(c.gain, 2)}
            if evidence:
                item["evidence"] = evidence
            candidates.append((2 if forced else int(weak), item))
    candidates.sort(key=lambda pair: (-pair[0], -pair[1]["gain"]))
    chosen: list[dict[str, Any]] = []
    for rank, item in candidates:
        if len(chosen) >= limit or (not rank and len(chosen) >= MIN_SUGGESTIONS):
            break
        if item["text"] not in {c["text"] for c in chosen}:
            chosen.append(item)
    chosen.sort(key=lambda s: -s["gain"])
    return chosen


def compliance(
    rubric: Rubric, signals: Mapping[str, Any], lang: str = "en", result: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The compliance-risk flag: ``{"risk": bool, "reasons": [{signal, value, reason, evidence}]}``.

    A rule whose evidence names the compliance check gives one reason per risky phrase, which also carries the
    phrase (``text``), its ``category`` and a compliant ``rewrite``.
    """
    reasons: list[dict[str, Any]] = []
    for rule in rubric.compliance:
        value = signals.get(rule.signal)
        if not rule.raised(value):
            continue
        if rule.evidence.compliance and result and result.get("compliance_flags"):
            base = _render(rule.reason, lang, value)
            for flag in _all_phrases(result["compliance_flags"]):
                note = (f"{base}：{_quote(flag['text'])}（{flag['category']}）可改为{_quote(flag['rewrite'])}" if lang == "zh"
                        else f"{base}: {_quote(flag['text'])} ({flag['category']}); say {_quote(flag['rewrite'])} instead")
                evidence = [{"kind": "compliance", "source": flag.get("source"), "start_s": flag.get("start_s"),
                             "end_s": flag.get("end_s"), "text": flag.get("sentence") or flag["text"]}]
                reasons.append({"signal": rule.signal, "value": value, "reason": note, "text": flag["text"],
                                "category": flag["category"], "rewrite": flag["rewrite"], "evidence": evidence})
            continue
        evidence = gather_evidence(rule.evidence, result)
        text = _render(rule.reason, lang, value, evidence)
        if evidence:
            text += f": {_evidence_note(evidence, lang)}"
        reasons.append({"signal": rule.signal, "value": value, "reason": text, "evidence": evidence})
    return {"risk": bool(reasons), "reasons": reasons}


def _all_phrases(flags: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each distinct (phrase, category) of the compliance check once, in order of appearance."""
    seen: set[tuple[str, str]] = set()
    out = []
    for flag in flags:
        key = (str(flag["text"]).lower(), str(flag["category"]))
        if key not in seen:
            seen.add(key)
            out.append(dict(flag))
    return out


def top_reason(result: Mapping[str, Any], by: str) -> str:
    """'+12.3 reason' for the item that raised the ``by`` score most (else lowered it most; '' when none)."""
    dimensions = DIMENSIONS if by == "overall" else (by,)
    items = [
        item
        for d in dimensions
        for item in result.get("explanations", {}).get(d, [])
        if item.get("signal") not in ("baseline", "clip") and item.get("value") is not None
    ]
    if not items:
        return ""
    raising = [item for item in items if item["contribution"] > 0]
    best = max(raising or items, key=lambda item: abs(item["contribution"]))
    return f"{best['contribution']:+.1f} {best['reason']}"
