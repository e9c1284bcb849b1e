"""The result of scoring one video: :class:`ScoreResult`, and its JSON contract.

``ScoreResult.to_json()`` produces the dict described by ``scorer/schema/result.schema.json``; field names
there never change, later versions only add (``SCHEMA_VERSION`` changes when something is added).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema

from features.base import Event, ScreenText, Transcript
from features.media.probe import VideoInfo

SCHEMA_VERSION = "1.1"  # 1.1: compliance reasons carry text, category and rewrite


def round_signal(value: Any) -> Any:
    """A signal value as the contract shows it: floats to 4 decimals."""
    return round(value, 4) if isinstance(value, float) else value


def _span(start_s: float, end_s: float, text: str) -> dict[str, Any]:
    return {"start_s": round(start_s, 3), "end_s": round(end_s, 3), "text": text}


def evidence_sources(
    cues: list[dict[str, Any]],
    events: list[Event],
    screen_text: list[ScreenText],
    transcript: Transcript | None,
    compliance_flags: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The parts of the contract that explanations quote as evidence (cues, events, screen text, transcript), and
    the compliance check's risky phrases (``{text, category, rewrite, sentence, source, start_s, end_s}``)."""
    return {
        "cues": cues,
        "compliance_flags": list(compliance_flags or []),
        "transcript": {
            "language": transcript.language if transcript else None,
            "text": transcript.text if transcript else "",
            "segments": [_span(s.start_s, s.end_s, s.text) for s in (transcript.segments if transcript else ())],
        },
        "screen_text": [_span(s.start_s, s.end_s, s.text) for s in screen_text],
        "events": [e.as_dict() for e in sorted(events, key=lambda e: (e.start_s, e.kind))],
    }


@dataclass
class ScoreResult:
    """Everything vidscore found out about one video.

    Attributes:
        video: the probed file (displayed size, rotation applied, content SHA-256).
        scores: ``quality``, ``immersion``, ``persuasion``, each 0-100.
        explanations: per score, the baseline item then one item per rubric signal (contributions in score
            points that add up to the score), with quoted evidence.
        suggestions: 3-5 items ``{dimension, signal, text, gain}``, largest expected gain first.
        signals: every registered signal by name (number, bool or None when not measured).
        cues: persuasion cues ``{type, text, start_s, end_s, source}``.
        transcript: the speech transcript, or None without speech recognition.
        screen_text: on-screen text spans.
        niche: ``{top, target, match}``.
        compliance: ``{risk, reasons}``.
        events: timeline evidence, sorted by start time.
        errors: per stage ``{stage, message}`` (a failed or skipped extractor).
        timing: seconds per stage.
        versions: package, pipeline, extractor, rubric and model versions.
    """

    video: VideoInfo
    scores: dict[str, float]
    explanations: dict[str, list[dict[str, Any]]]
    suggestions: list[dict[str, Any]]
    signals: dict[str, Any]
    cues: list[dict[str, Any]]
    transcript: Transcript | None
    screen_text: list[ScreenText]
    niche: dict[str, Any]
    compliance: dict[str, Any]
    events: list[Event]
    errors: list[dict[str, Any]]
    timing: dict[str, float]
    versions: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The result as the JSON contract (a JSON-ready dict; see ``result_schema()``)."""
        info = self.video
        sources = evidence_sources(self.cues, self.events, self.screen_text, self.transcript)
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
            "scores": {name: round(value, 1) for name, value in self.scores.items()},
            "explanations": self.explanations,
            "suggestions": self.suggestions,
            "signals": {name: round_signal(value) for name, value in self.signals.items()},
            "cues": sources["cues"],
            "transcript": sources["transcript"],
            "screen_text": sources["screen_text"],
            "niche": self.niche,
            "events": sources["events"],
            "errors": self.errors,
            "timing_s": {stage: round(seconds, 3) for stage, seconds in self.timing.items()},
            "versions": self.versions,
            "compliance": self.compliance,
        }


@lru_cache(maxsize=1)
def result_schema() -> dict[str, Any]:
    """The JSON Schema of a result, as shipped with the package."""
    text = resources.files("scorer").joinpath("schema/result.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def validate_result(result: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` if ``result`` breaks the contract."""
    jsonschema.validate(result, result_schema())
