"""Human-readable rendering of results: plain-text tables for the terminal."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any


def display_width(text: str) -> int:
    """Terminal columns taken by ``text`` (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def format_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Left-aligned columns separated by two spaces, with a rule under the header."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_table(result: dict[str, Any], lang: str = "en") -> str:
    """A terminal summary of one result: scores, top reasons per score, suggestions, errors."""
    zh = lang == "zh"
    video = result["video"]
    out = [
        f"{video['path']}  ({video['duration_s']:.1f} s, {video['width']}x{video['height']}, "
        f"{'audio' if video['has_audio'] else 'no audio'})",
        "",
    ]
    names = {"quality": "质量", "immersion": "沉浸感", "persuasion": "说服力"} if zh else {}
    rows = []
    for dimension, score in result["scores"].items():
        reasons = [e for e in result["explanations"][dimension][1:] if e["signal"] != "clip" and e["value"] is not None]
        top = "; ".join(f"{e['contribution']:+.1f} {e['reason']}" for e in reasons[:2])
        rows.append((names.get(dimension, dimension), f"{score:5.1f}", top))
    out.append(format_table(("score" if not zh else "维度", "0-100", "biggest reasons" if not zh else "主要原因"), rows))
    compliance = result.get("compliance") or {}
    if compliance.get("risk"):
        out += ["", "COMPLIANCE RISK:" if not zh else "合规风险:"]
        out += [f"  {r['reason']}" for r in compliance.get("reasons", [])]
    if result.get("niche", {}).get("top"):
        top = ", ".join(f"{n['id']} {n['score']:.2f}" for n in result["niche"]["top"])
        match = result["niche"].get("match")
        out += ["", f"niche: {top}" + (f"  (match with target {result['niche']['target']}: {match:.2f})" if match is not None else "")]
    if result["cues"]:
        out += ["", "cues:" if not zh else "说服线索:"]
        out += [f"  [{c['type']}] {c['text']} ({c['source']})" for c in result["cues"][:8]]
    if result["suggestions"]:
        out += ["", "suggestions:" if not zh else "建议:"]
        out += [f"  {i}. {s['text']} (+{s['gain']:.1f} {s['dimension']})" for i, s in enumerate(result["suggestions"], 1)]
    failures = [e for e in result["errors"] if not e.get("skipped")]
    if failures:
        out += ["", "problems:"] + [f"  {e['stage']}: {e['message']}" for e in failures]
    return "\n".join(out) + "\n"
