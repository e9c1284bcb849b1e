"""The JSON result contract: build it, and validate it against ``scorer/schema/result.schema.json``.

Field names here never change; later versions only add. ``SCHEMA_VERSION``
changes when something is added.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import jsonschema

from features.base import Event, VideoContext
from scorer.explain import explanations, suggestions
from features.media.probe import VideoInfo
from scorer.model import ScoredVideo

if TYPE_CHECKING:
    from scorer.pipeline import ScoreOptions

SCHEMA_VERSION = "1.0"


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    return value


def build_result(
    *,
    info: VideoInfo,
    context: VideoContext,
    signals: dict[str, Any],
    events: list[Event],
    sections: dict[str, Any],
    scored: ScoredVideo,
    errors: list[dict[str, Any]],
    timing: dict[str, float],
    versions: dict[str, Any],
    options: "ScoreOptions",
) -> dict[str, Any]:
    """Assemble the result dict of one scored video."""
    transcript = context.transcript
    niche = sections.get("niche") or {"top": [], "target": options.niche or options.product, "match": None}
    cue_events = [e for e in events if e.kind == "cue"]
    return {
        "schema_version": SCHEMA_VERSION,
        "video": {
            "path": info.path,
            "sha256": info.sha256,
            "duration_s": info.duration_s,
            "width": info.width,
            "height": info.height,
            "rotation": info.rotation,
            "fps": info.fps,
            "has_audio": info.has_audio,
        },
        "scores": {name: round(value, 1) for name, value in scored.scores.items()},
        "explanations": explanations(scored, options.lang),
        "suggestions": suggestions(scored, options.lang),
        "signals": {name: _round(value) for name, value in signals.items()},
        "cues": sections.get(
            "cues",
            [
                {
                    "type": e.detail.get("type"),
                    "text": e.detail.get("text", ""),
                    "start_s": e.start_s,
                    "end_s": e.end_s,
                    "source": e.detail.get("source", "speech"),
                }
                for e in cue_events
            ],
        ),
        "transcript": {
            "language": transcript.language if transcript else None,
            "text": transcript.text if transcript else "",
            "segments": [
                {"start_s": round(s.start_s, 3), "end_s": round(s.end_s, 3), "text": s.text}
                for s in (transcript.segments if transcript else ())
            ],
        },
        "screen_text": [
            {"start_s": round(s.start_s, 3), "end_s": round(s.end_s, 3), "text": s.text}
            for s in (context.screen_text or [])
        ],
        "niche": niche,
        "events": [e.as_dict() for e in sorted(events, key=lambda e: (e.start_s, e.kind))],
        "errors": errors,
        "timing_s": {stage: round(seconds, 3) for stage, seconds in timing.items()},
        "versions": versions,
    }


@lru_cache(maxsize=1)
def result_schema() -> dict[str, Any]:
    """The JSON Schema of a result, as shipped with the package."""
    text = resources.files("scorer").joinpath("schema/result.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def validate_result(result: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` if ``result`` breaks the contract."""
    jsonschema.validate(result, result_schema())
