"""HTML of one video's section: gauges, key moments, timeline, waterfalls, transcript, text, compliance, niche,
suggestions. Every value from a result is escaped; nothing refers to the network."""

from __future__ import annotations

from html import escape
from typing import Any

from scorer.htmlreport.charts import gauge, timeline, waterfall
from scorer.htmlreport.labels import CUE_COLOURS, cue_name, text
from scorer.htmlreport.moments import Moment
from scorer.rubric import DIMENSIONS


def _stamp(seconds: Any) -> str:
    s = float(seconds or 0.0)
    return f"{int(s // 60)}:{s % 60:04.1f}"


def overall(result: dict[str, Any]) -> float | None:
    """Mean of the three scores (None when any is missing)."""
    scores = [result.get("scores", {}).get(d) for d in DIMENSIONS]
    if any(s is None for s in scores):
        return None
    return round(sum(float(s) for s in scores) / len(scores), 1)


def compliance_badge(result: dict[str, Any], lang: str) -> str:
    risk = (result.get("compliance") or {}).get("risk")
    if risk is None:
        return f'<span class="badge">{text("unknown", lang)}</span>'
    return (f'<span class="badge risk">{text("risk", lang)}</span>' if risk
            else f'<span class="badge ok">{text("ok", lang)}</span>')


def moments_strip(moments: list[Moment], lang: str) -> str:
    items = []
    for m in moments:
        if not m.image:
            continue
        boxes = "".join(
            f'<rect x="{b[0] * 100:.1f}%" y="{b[1] * 100:.1f}%" width="{max(0.0, b[2] - b[0]) * 100:.1f}%" '
            f'height="{max(0.0, b[3] - b[1]) * 100:.1f}%" class="box box-{escape(kind)}"><title>{escape(kind)}</title></rect>'
            for kind, b in m.boxes
        )
        overlay = f'<svg class="boxes" preserveAspectRatio="none">{boxes}</svg>' if boxes else ""
        items.append(f'<figure class="moment" data-kind="{escape(m.kind)}"><div class="frame"><img src="{m.image}" '
                     f'alt="{escape(text(m.kind, lang))} {m.time_s:.1f} s">{overlay}</div>'
                     f"<figcaption>{_stamp(m.time_s)} · {escape(text(m.kind, lang))}</figcaption></figure>")
    return f'<div class="moments">{"".join(items)}</div>' if items else ""


def _cues_by_source(result: dict[str, Any], source: str) -> list[dict[str, Any]]:
    return [e for e in result.get("events") or [] if e.get("kind") == "cue" and (e.get("detail") or {}).get("source") == source]


def highlight(sentence: str, start_s: float, end_s: float, cues: list[dict[str, Any]], lang: str) -> str:
    """``sentence`` escaped, with the matched words of the cues that overlap it marked in their type's colour."""
    spans: list[tuple[int, int, str]] = []
    for cue in cues:
        if float(cue["end_s"]) < start_s - 0.05 or float(cue["start_s"]) > end_s + 0.05:
            continue
        detail = cue.get("detail") or {}
        phrase = str(detail.get("match") or detail.get("text") or "")
        at = sentence.lower().find(phrase.lower()) if phrase else -1
        if at < 0 and detail.get("text") and str(detail["text"]) in sentence:
            phrase, at = str(detail["text"]), sentence.find(str(detail["text"]))
        if at >= 0 and not any(a < at + len(phrase) and at < b for a, b, _ in spans):
            spans.append((at, at + len(phrase), str(detail.get("type"))))
    out, pos = [], 0
    for a, b, cue_type in sorted(spans):
        colour = CUE_COLOURS.get(cue_type, "#6b7280")
        out.append(escape(sentence[pos:a]))
        out.append(f'<mark style="--cue:{colour}" title="{escape(cue_name(cue_type, lang))}">{escape(sentence[a:b])}</mark>')
        pos = b
    out.append(escape(sentence[pos:]))
    return "".join(out)


def transcript_block(result: dict[str, Any], lang: str) -> str:
    segments = (result.get("transcript") or {}).get("segments") or []
    if not segments:
        return f'<p class="muted">{text("no_transcript", lang)}</p>'
    cues = _cues_by_source(result, "speech")
    rows = "".join(
        f'<li><span class="t">{_stamp(s.get("start_s"))}</span> '
        f'{highlight(str(s.get("text", "")), float(s.get("start_s") or 0), float(s.get("end_s") or 0), cues, lang)}</li>'
        for s in segments
    )
    return f'<ol class="transcript">{rows}</ol>'


def screen_text_block(result: dict[str, Any], lang: str) -> str:
    spans = result.get("screen_text") or []
    if not spans:
        return f'<p class="muted">{text("no_screen_text", lang)}</p>'
    cues = [c for c in result.get("events") or [] if c.get("kind") == "cue" and (c.get("detail") or {}).get("source") != "speech"]
    rows = "".join(
        f'<li><span class="t">{_stamp(s.get("start_s"))}–{_stamp(s.get("end_s"))}</span> '
        f'{highlight(str(s.get("text", "")), float(s.get("start_s") or 0), float(s.get("end_s") or 0), cues, lang)}</li>'
        for s in spans
    )
    return f'<ul class="screen-text">{rows}</ul>'


def compliance_block(result: dict[str, Any], lang: str) -> str:
    compliance = result.get("compliance") or {}
    reasons = compliance.get("reasons") or []
    if not reasons:
        return f'<p class="ok-text">{text("no_risk", lang)}</p>'
    rows = []
    for reason in reasons:
        line = escape(str(reason.get("reason") or reason.get("text") or ""))
        rewrite = ""
        if reason.get("rewrite"):
            category = f' <span class="badge">{escape(str(reason.get("category", "")))}</span>' if reason.get("category") else ""
            rewrite = (f'<div class="rewrite">“{escape(str(reason.get("text", "")))}” → {text("rewrite", lang)}: '
                       f'“{escape(str(reason["rewrite"]))}”{category}</div>')
        rows.append(f"<li>{line}{rewrite}</li>")
    return f'<ul class="compliance">{"".join(rows)}</ul>'


def niche_block(result: dict[str, Any], lang: str) -> str:
    niche = result.get("niche") or {}
    top = niche.get("top") or []
    rows = "".join(f'<li><b>{escape(str(n.get("id")))}</b> <span class="bar" style="--w:{max(0.0, float(n.get("score") or 0)) * 100:.0f}%">'
                   f'</span> {float(n.get("score") or 0):.2f}</li>' for n in top[:3])
    target = f'<p>{text("target", lang)}: <b>{escape(str(niche["target"]))}</b></p>' if niche.get("target") else ""
    return f'{target}<ol class="niche">{rows}</ol>'


def suggestions_block(result: dict[str, Any], lang: str) -> str:
    suggestions = sorted(result.get("suggestions") or [], key=lambda s: -float(s.get("gain") or 0.0))
    if not suggestions:
        return f'<p class="muted">{text("no_suggestions", lang)}</p>'
    rows = "".join(
        f'<li><span class="gain">+{float(s.get("gain") or 0):.1f}</span> <span class="dim">{escape(text(str(s.get("dimension")), lang))}'
        f'</span> {escape(str(s.get("text", "")))}</li>'
        for s in suggestions
    )
    return f'<ol class="suggestions">{rows}</ol>'


def video_section(index: int, result: dict[str, Any], moments: list[Moment], video_found: bool, lang: str,
                  ranked: bool) -> str:
    """The ``<section id="v{index}">`` of one result."""
    video = result.get("video") or {}
    path = str(video.get("path", ""))
    scores = result.get("scores") or {}
    gauges = "".join(gauge(scores.get(d), text(d, lang)) for d in DIMENSIONS)
    missing = "" if video_found else f'<p class="notice">{escape(text("no_video", lang, path=path or "?"))}</p>'
    waterfalls = "".join(
        waterfall((result.get("explanations") or {}).get(d, []), float(scores.get(d) or 0.0), text(d, lang), lang)
        for d in DIMENSIONS if d in scores
    )
    errors = result.get("errors") or []
    error_block = (f'<h3>{text("errors", lang)}</h3><ul class="errors">'
                   + "".join(f"<li>{escape(str(e.get('extractor', '')))}: {escape(str(e.get('message', e)))}</li>" for e in errors)
                   + "</ul>") if errors else ""
    back = f'<a class="back" href="#ranked">{text("back_to_top", lang)}</a>' if ranked else ""
    legend = "".join(f'<span class="legend" style="--cue:{c}">{escape(cue_name(t, lang))}</span>' for t, c in CUE_COLOURS.items())
    duration = float(video.get("duration_s") or 0.0)
    return (
        f'<section class="video" id="v{index}"><h2>{escape(path.rsplit("/", 1)[-1] or path)} {back}</h2>'
        f'<p class="meta">{escape(path)} · {text("duration", lang)} {duration:.1f} s · {video.get("width", "?")}x{video.get("height", "?")}'
        f' · sha256 {escape(str(video.get("sha256", ""))[:12])}</p>'
        f'<div class="scores">{gauges}<div class="comp">{text("compliance", lang)} {compliance_badge(result, lang)}</div></div>'
        f"{missing}<h3>{text('moments', lang)}</h3>{moments_strip(moments, lang)}"
        f"<h3>{text('timeline', lang)}</h3>{timeline(result.get('events') or [], duration, lang)}<div>{legend}</div>"
        f"<h3>{text('waterfall', lang)}</h3><div class=\"waterfalls\">{waterfalls}</div>"
        f'<div class="cols"><div><h3>{text("transcript", lang)}</h3>{transcript_block(result, lang)}</div>'
        f'<div><h3>{text("screen_text", lang)}</h3>{screen_text_block(result, lang)}</div></div>'
        f'<div class="cols"><div><h3>{text("compliance_reasons", lang)}</h3>{compliance_block(result, lang)}</div>'
        f'<div><h3>{text("niche_top", lang)}</h3>{niche_block(result, lang)}</div></div>'
        f"<h3>{text('suggestions', lang)}</h3>{suggestions_block(result, lang)}{error_block}</section>"
    )
