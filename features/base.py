"""The extractor protocol: what every feature extractor declares and returns.

An extractor is a class with a ``name``, a ``version``, the :class:`Input` kinds
it needs, the :class:`SignalSpec` list it produces and, optionally, the inputs it
``provides`` to later extractors (speech recognition provides the transcript,
OCR the screen text). Visual extractors receive frames pushed by the one shared
decode pass (``process_frame``), the way PySceneDetect detectors do; every
extractor returns its :class:`ExtractorOutput` from ``finish``.

Life cycle for one video::

    extractor.start(context)            # reset per-video state
    extractor.process_frame(frame)      # only when Input.FRAMES is needed
    output = extractor.finish(context)  # signals + timeline events

Extractor objects are created once per process and reused for every video, so
heavy models are loaded once (lazily, on first use).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar

from features.media.decode import AudioTrack, Frame
from features.media.probe import VideoInfo


class Input(str, Enum):
    """Kinds of input an extractor can need or provide."""

    FRAMES = "frames"
    AUDIO = "audio"
    TRANSCRIPT = "transcript"
    SCREEN_TEXT = "screen_text"
    PROSODY = "prosody"
    METADATA = "metadata"


@dataclass(frozen=True)
class SignalSpec:
    """Static description of one signal: name, unit, one-line meaning and valid range [low, high]."""

    name: str
    unit: str
    description: str
    low: float
    high: float
    kind: str = "number"  # "number" or "bool"

    def check(self, value: Any) -> float | bool | None:
        """Return ``value`` normalised to float/bool/None, or raise ValueError if out of range."""
        if value is None:
            return None
        if self.kind == "bool":
            return bool(value)
        number = float(value)
        if not math.isfinite(number):
            return None
        tolerance = 1e-6 * max(1.0, abs(self.high - self.low))
        if not (self.low - tolerance <= number <= self.high + tolerance):
            raise ValueError(f"signal {self.name}={number!r} is outside its range [{self.low}, {self.high}]")
        return min(max(number, self.low), self.high)


@dataclass(frozen=True)
class Event:
    """A timed piece of evidence on the video timeline (seconds)."""

    kind: str
    start_s: float
    end_s: float
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3), "detail": self.detail}


@dataclass(frozen=True)
class TranscriptSegment:
    """A stretch of recognised speech, times in seconds."""

    start_s: float
    end_s: float
    text: str
    words: tuple[tuple[float, float, str], ...] = ()


@dataclass(frozen=True)
class Transcript:
    """Speech recognised in the audio track."""

    language: str
    text: str
    segments: tuple[TranscriptSegment, ...]


@dataclass(frozen=True)
class ScreenText:
    """Text visible on screen from ``start_s`` to ``end_s`` (s); box = (x0, y0, x1, y1) as fractions of the frame."""

    start_s: float
    end_s: float
    text: str
    box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)
    height_share: float = 0.0


@dataclass(frozen=True)
class ProsodySegment:
    """Voice/audio tone over ``start_s``-``end_s`` (s): loudness (dBFS), pitch (Hz), arousal in [0, 1]."""

    start_s: float
    end_s: float
    loudness_db: float
    pitch_hz: float | None
    pitch_variability: float | None
    arousal: float


@dataclass
class VideoContext:
    """Everything known about the video being scored, filled in as stages finish."""

    info: VideoInfo
    audio: AudioTrack | None = None
    transcript: Transcript | None = None
    screen_text: list[ScreenText] | None = None
    prosody: list[ProsodySegment] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def available(self) -> set[Input]:
        """Inputs present for this video now."""
        present = {Input.FRAMES, Input.METADATA}
        if self.audio is not None:
            present.add(Input.AUDIO)
        if self.transcript is not None:
            present.add(Input.TRANSCRIPT)
        if self.screen_text is not None:
            present.add(Input.SCREEN_TEXT)
        if self.prosody is not None:
            present.add(Input.PROSODY)
        return present


@dataclass
class ExtractorOutput:
    """Signal values (by signal name) and timeline events from one extractor for one video."""

    signals: dict[str, float | bool | None] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    sections: dict[str, Any] = field(default_factory=dict)  # result sections such as "cues" or "niche"


class Extractor:
    """Base class of all extractors; subclasses set the class attributes and override the hooks."""

    name: ClassVar[str]
    version: ClassVar[str]
    inputs: ClassVar[frozenset[Input]] = frozenset()
    optional_inputs: ClassVar[frozenset[Input]] = frozenset()  # used when present, waited for, not required
    provides: ClassVar[frozenset[Input]] = frozenset()
    signals: ClassVar[tuple[SignalSpec, ...]] = ()

    @property
    def needs_frames(self) -> bool:
        return Input.FRAMES in self.inputs

    def start(self, context: VideoContext) -> None:
        """Reset per-video state before frames are pushed."""

    def process_frame(self, frame: Frame) -> None:
        """Consume one analysis frame (only called when ``Input.FRAMES`` is in ``inputs``)."""

    def finish(self, context: VideoContext) -> ExtractorOutput:
        """Return this video's signals and events; may fill ``context`` with provided inputs."""
        raise NotImplementedError

    def validated(self, output: ExtractorOutput) -> ExtractorOutput:
        """Check that ``output`` names only declared signals, each within its range."""
        specs = {spec.name: spec for spec in self.signals}
        unknown = sorted(set(output.signals) - set(specs))
        if unknown:
            raise ValueError(f"extractor {self.name} returned undeclared signals {unknown}")
        checked = {name: specs[name].check(output.signals.get(name)) for name in specs}
        return ExtractorOutput(signals=checked, events=output.events, sections=output.sections)
