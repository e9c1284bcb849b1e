"""Inline SVG charts of one result: score gauges, waterfalls (baseline → contributions → score), the timeline."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

from scorer.htmlreport.labels import CUE_COLOURS, cue_name, text

WATERFALL_ROWS = 10   # signal rows shown per score; the rest are summed into one "others" row
UP, DOWN, NEUTRAL = "#2a9d8f", "#e76f51", "#8d99ae"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if abs(value - round(value)) > 1e-9 else str(int(round(value)))


def score_colour(score: float) -> str:
    """Red below 40, amber below 70, green from 70 (scores are 0-100)."""
    return DOWN if score < 40 else ("#e9c46a" if score < 70 else UP)


def gauge(score: float | None, label: str, size: int = 120) -> str:
    """A half-circle gauge of a 0-100 score with the value in the middle."""
    r = size * 0.4
    cx, cy = size / 2, size * 0.55
    value = 0.0 if score is None else max(0.0, min(100.0, float(score)))
    angle = math.pi * (1 - value / 100)
    x, y = cx + r * math.cos(angle), cy - r * math.sin(angle)
    track = f"M {cx - r:.1f} {cy:.1f} A {r:.1f} {r:.1f} 0 0 1 {cx + r:.1f} {cy:.1f}"
    arc = f"M {cx - r:.1f} {cy:.1f} A {r:.1f} {r:.1f} 0 0 1 {x:.1f} {y:.1f}"
    shown = "–" if score is None else _num(round(value, 1))
    colour = NEUTRAL if score is None else score_colour(value)
    return (
        f'<svg class="gauge" viewBox="0 0 {size} {size * 0.75:.0f}" width="{size}" height="{size * 0.75:.0f}" '
        f'role="img" aria-label="{escape(label)} {shown}">'
        f'<path d="{track}" fill="none" stroke="#e5e7eb" stroke-width="{size / 10:.0f}" stroke-linecap="round"/>'
        f'<path d="{arc}" fill="none" stroke="{colour}" stroke-width="{size / 10:.0f}" stroke-linecap="round"/>'
        f'<text x="{cx:.0f}" y="{cy - 4:.0f}" text-anchor="middle" class="gauge-value">{shown}</text>'
        f'<text x="{cx:.0f}" y="{cy + 16:.0f}" text-anchor="middle" class="gauge-label">{escape(label)}</text>'
        "</svg>"
    )


def waterfall_rows(items: Sequence[dict[str, Any]], score: float, lang: str) -> list[tuple[str, float, float, str]]:
    """(label, start, end, reason) bars: the baseline, the largest contributions, 'others', and the score."""
    baseline = sum(float(i.get("contribution") or 0.0) for i in items if i.get("signal") == "baseline")
    signals = [i for i in items if i.get("signal") not in ("baseline",) and i.get("contribution")]
    signals.sort(key=lambda i: -abs(float(i["contribution"])))
    rows = [(text("baseline", lang), 0.0, baseline, "")]
    running = baseline
    for item in signals[:WATERFALL_ROWS]:
        step = float(item["contribution"])
        rows.append((str(item["signal"]), running, running + step, str(item.get("reason", ""))))
        running += step
    rest = sum(float(i["contribution"]) for i in signals[WATERFALL_ROWS:])
    if abs(rest) > 0.05:
        rows.append((text("others", lang, n=len(signals) - WATERFALL_ROWS), running, running + rest, ""))
        running += rest
    rows.append((text("score", lang), 0.0, float(score), ""))
    return rows


def waterfall(items: Sequence[dict[str, Any]], score: float, label: str, lang: str, width: int = 560) -> str:
    """Horizontal waterfall of one score: each row one signal's contribution, ending at the score."""
    rows = waterfall_rows(items, score, lang)
    lo = min(0.0, *(min(a, b) for _, a, b, _ in rows))
    hi = max(100.0, *(max(a, b) for _, a, b, _ in rows))
    label_w, bar_w, row_h = 190, width - 250, 18
    scale = bar_w / (hi - lo)

    def x(v: float) -> float:
        return label_w + (v - lo) * scale

    parts = [f'<svg class="waterfall" viewBox="0 0 {width} {row_h * len(rows) + 24}" width="{width}" '
             f'height="{row_h * len(rows) + 24}" role="img" aria-label="{escape(label)}">',
             f'<text x="0" y="12" class="chart-title">{escape(label)}</text>']
    for n, (name, start, end, reason) in enumerate(rows):
        y = 20 + n * row_h
        last = n == len(rows) - 1
        colour = score_colour(end) if last or n == 0 else (UP if end >= start else DOWN)
        left, right = sorted((x(start), x(end)))
        delta = end - start
        value = _num(round(end, 1)) if last or n == 0 else f"{delta:+.1f}"
        tip = escape(f"{name}: {value}" + (f" — {reason}" if reason else ""))
        parts.append(
            f'<g><title>{tip}</title><text x="{label_w - 6}" y="{y + 12}" text-anchor="end" class="wf-label">'
            f'{escape(name[:30])}</text><rect x="{left:.1f}" y="{y + 2}" width="{max(1.0, right - left):.1f}" '
            f'height="{row_h - 5}" fill="{colour}" rx="2"/><text x="{right + 4:.1f}" y="{y + 12}" class="wf-value">'
            f"{value}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


LANES = ("lane_cuts", "lane_stills", "lane_speech", "lane_text", "lane_cues", "lane_people")


def _lane_of(event: dict[str, Any]) -> str | None:
    kind = event.get("kind")
    return {"cut": "lane_cuts", "fade": "lane_cuts", "static_shot": "lane_stills", "still": "lane_stills",
            "speech": "lane_speech", "screen_text": "lane_text", "cue": "lane_cues", "face": "lane_people",
            "hands": "lane_people", "product_in_use": "lane_people"}.get(str(kind))


def timeline(events: Sequence[dict[str, Any]], duration_s: float, lang: str, width: int = 720) -> str:
    """Lanes of cuts, stills, speech, on-screen text, cues (coloured by type) and faces/hands over time."""
    duration = max(float(duration_s), 0.1)
    label_w, lane_h = 110, 16
    plot_w = width - label_w - 10
    height = lane_h * len(LANES) + 22

    def x(t: float) -> float:
        return label_w + max(0.0, min(1.0, t / duration)) * plot_w

    parts = [f'<svg class="timeline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(text("timeline", lang))}">']
    for n, lane in enumerate(LANES):
        y = n * lane_h
        parts.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end" class="tl-label">{escape(text(lane, lang))}'
                     f'</text><rect x="{label_w}" y="{y + 2}" width="{plot_w}" height="{lane_h - 4}" fill="#f3f4f6"/>')
    for event in events:
        event_lane = _lane_of(event)
        if event_lane is None:
            continue
        lane = event_lane
        y = LANES.index(lane) * lane_h
        start, end = float(event.get("start_s") or 0.0), float(event.get("end_s") or 0.0)
        detail = event.get("detail") or {}
        kind = str(event.get("kind"))
        colour = {"lane_cuts": "#111827", "lane_stills": "#9ca3af", "lane_speech": "#3b82f6", "lane_text": "#a855f7",
                  "lane_people": "#f59e0b"}.get(lane, "#6b7280")
        label = kind
        if kind == "cue":
            colour = CUE_COLOURS.get(str(detail.get("type")), "#6b7280")
            label = f"{cue_name(str(detail.get('type')), lang)}: {detail.get('text', '')}"
        elif detail.get("text"):
            label = f"{kind}: {detail['text']}"
        tip = escape(f"{start:.1f}–{end:.1f} s  {label}"[:300])
        x0, x1 = x(start), x(end)
        w = max(2.0, x1 - x0)
        parts.append(f'<rect x="{x0:.1f}" y="{y + 3}" width="{w:.1f}" height="{lane_h - 6}" fill="{colour}" '
                     f'opacity="0.85" class="tl-{escape(kind)}"><title>{tip}</title></rect>')
    step = next(s for s in (1, 2, 5, 10, 15, 30, 60, 120) if duration / s <= 12)
    axis_y = lane_h * len(LANES) + 14
    for k in range(int(duration // step) + 1):
        t = k * step
        parts.append(f'<text x="{x(t):.1f}" y="{axis_y}" text-anchor="middle" class="tl-axis">{t}s</text>')
    parts.append("</svg>")
    return "".join(parts)
