"""Parameters of the visual detectors (sampling, faces, hands), each with its declared range, validated once.

One :class:`DetectorSettings` is shared by the faces, framing and product-display
extractors so they sample the same frames and reuse the same memoised detections.
``PARAMS`` declares every parameter (range and meaning) the way ``SignalSpec`` declares
signals; a value outside its range raises ``ValueError`` naming the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class ParamSpec:
    """One detector parameter: name, valid range [low, high] (or allowed choices) and meaning."""

    name: str
    low: float
    high: float
    description: str
    choices: tuple[str, ...] = ()


PARAMS = (
    ParamSpec("sample_fps", 0.5, 10.0, "Detector samples per second (a frame right after each cut is added)"),
    ParamSpec("face_scales", 64, 960, "YuNet input long sides in px (each in range), merged by NMS"),
    ParamSpec("face_min_score", 0.1, 0.99, "Lowest YuNet face score kept"),
    ParamSpec("palm_min_score", 0.05, 0.99, "Lowest palm-detection score whose crop is checked by the landmark model"),
    ParamSpec("hand_presence", 0.1, 0.99, "Lowest hand-presence score of the landmark model for a hand"),
    ParamSpec("max_palms", 1, 8, "Most palm candidates checked per sampled frame"),
    ParamSpec("palm_model", 0, 0, "Palm-detection model size", ("full", "lite")),
    ParamSpec("landmark_model", 0, 0, "Hand-landmark model size", ("full", "lite")),
)


@dataclass(frozen=True)
class DetectorSettings:
    """Settings of the visual detectors; see ``PARAMS`` for ranges."""

    sample_fps: float = 2.5
    face_scales: tuple[int, ...] = (160, 320)
    face_min_score: float = 0.6
    palm_min_score: float = 0.2
    hand_presence: float = 0.5
    max_palms: int = 3
    palm_model: str = "full"
    landmark_model: str = "full"

    def __post_init__(self) -> None:
        specs = {spec.name: spec for spec in PARAMS}
        for item in fields(self):
            spec, value = specs[item.name], getattr(self, item.name)
            if spec.choices:
                if value not in spec.choices:
                    raise ValueError(f"{spec.name} must be one of {', '.join(spec.choices)}, got {value!r}")
                continue
            values = value if isinstance(value, tuple) else (value,)
            if not values or not all(isinstance(v, (int, float)) and spec.low <= v <= spec.high for v in values):
                raise ValueError(f"{spec.name} must be in [{spec.low:g}, {spec.high:g}], got {value!r}")
