"""Camera motion per shot: static, pan/tilt, zoom or handheld, plus a shake (stability) index.

``CameraMotionExtractor`` samples the shared global-motion estimate
(:mod:`features.global_motion`, about 6 times a second) and splits the video into
shots with :class:`features.shots.ShotDetector`. Per shot, from the camera's
velocity (frame widths per second) and zoom rate: the steady part is the mean
velocity, the shake is the root-mean-square deviation of the velocity from its
running mean over 5 samples (~0.8 s). A shot is "zoom" when the mean zoom rate
dominates, "pan" (pan or tilt) when the steady speed does, "handheld" when the
shake does, else "static". Exposed through ``vidscore score`` (signals below,
events "camera" with the class of each shot) and listed by ``vidscore features``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.base import Event, Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.global_motion import GlobalMotion, global_motion, is_sample
from features.media.decode import Frame
from features.shots import ShotDetector

CLASSES = ("static", "pan", "zoom", "handheld")
SHAKE_FULL_SCALE = 0.3  # shake (frame widths / s) that maps to shake_index 1


@dataclass(frozen=True)
class ShotMotion:
    """Camera motion of one shot: class, steady speed and shake (frame widths / s), zoom rate (log / s)."""

    start_s: float
    end_s: float
    kind: str
    speed: float
    shake: float
    zoom: float


def classify(samples: list[GlobalMotion], static_speed: float = 0.04, static_shake: float = 0.04,
             zoom_rate: float = 0.08) -> tuple[str, float, float, float]:
    """(class, steady speed, shake, mean zoom rate) of one shot's motion samples."""
    usable = [s for s in samples if s.tracked > 0]
    if len(usable) < 2:
        return "static", 0.0, 0.0, 0.0
    velocity = np.array([(s.vx, s.vy) for s in usable])
    zoom = float(np.mean([s.zoom for s in usable]))
    steady = velocity.mean(axis=0)
    window = min(5, len(usable))
    kernel = np.ones(window) / window
    running = np.stack([np.convolve(velocity[:, i], kernel, mode="same") for i in (0, 1)], axis=1)
    shake = float(np.sqrt(np.mean(np.sum((velocity - running) ** 2, axis=1))))
    speed = float(np.hypot(*steady))
    if abs(zoom) >= zoom_rate and abs(zoom) * 0.5 >= speed:
        kind = "zoom"
    elif speed >= static_speed and speed >= shake:
        kind = "pan"
    elif shake >= static_shake:
        kind = "handheld"
    else:
        kind = "static"
    return kind, speed, shake, zoom


class CameraMotionExtractor(Extractor):
    """Camera-motion class per shot and overall shares.

    Args:
        static_speed: steady speed (frame widths / s) below which a shot is not a pan (default 0.04).
        static_shake: shake (frame widths / s) below which a shot is not handheld (default 0.04).
        zoom_rate: mean |log scale| change per second that makes a zoom (default 0.08).
    """

    name = "camera_motion"
    version = "1"
    inputs = frozenset({Input.FRAMES})
    signals = (
        SignalSpec("static_camera_share", "0-1", "Share of the video in shots with a still camera", 0.0, 1.0),
        SignalSpec("pan_share", "0-1", "Share of the video in shots with a steady pan or tilt", 0.0, 1.0),
        SignalSpec("zoom_share", "0-1", "Share of the video in shots with a zoom (or push in/out)", 0.0, 1.0),
        SignalSpec("handheld_share", "0-1", "Share of the video in shots with handheld shake", 0.0, 1.0),
        SignalSpec("shake_index", "0-1", "Duration-weighted camera shake (RMS velocity jitter, frame widths/s) "
                   "/ 0.3, capped; 0 = perfectly stable", 0.0, 1.0),
        SignalSpec("camera_speed", "frame widths/s", "Mean speed of the camera's global motion", 0.0, 100.0),
    )

    def __init__(self, static_speed: float = 0.04, static_shake: float = 0.04, zoom_rate: float = 0.08) -> None:
        for label, value in (("static_speed", static_speed), ("static_shake", static_shake), ("zoom_rate", zoom_rate)):
            if not 0 < value < 10:
                raise ValueError(f"{label} must be in (0, 10), got {value!r}")
        self.static_speed = static_speed
        self.static_shake = static_shake
        self.zoom_rate = zoom_rate
        self._detector = ShotDetector()

    def start(self, context: VideoContext) -> None:
        self._detector.reset()
        self._previous: Frame | None = None
        self._samples: list[GlobalMotion] = []

    def process_frame(self, frame: Frame) -> None:
        self._detector.push(frame)
        if self._previous is not None and is_sample(frame, self._previous):
            self._samples.append(global_motion(frame, self._previous))
        self._previous = frame

    def shot_motions(self, duration_s: float) -> list[ShotMotion]:
        """Camera motion of every shot of the video pushed so far."""
        seg = self._detector.segment(duration_s)
        motions = []
        for shot in seg.shots:
            inside = [s for s in self._samples if shot.start_s < s.time_s < shot.end_s]
            kind, speed, shake, zoom = classify(inside, self.static_speed, self.static_shake, self.zoom_rate)
            motions.append(ShotMotion(shot.start_s, shot.end_s, kind, speed, shake, zoom))
        return motions

    def finish(self, context: VideoContext) -> ExtractorOutput:
        motions = self.shot_motions(context.info.duration_s)
        total = sum(m.end_s - m.start_s for m in motions)
        if not motions or total <= 0:
            return ExtractorOutput()
        share = {kind: sum(m.end_s - m.start_s for m in motions if m.kind == kind) / total for kind in CLASSES}
        shake = sum(m.shake * (m.end_s - m.start_s) for m in motions) / total
        tracked = [s for s in self._samples if s.tracked > 0]
        speed = float(np.mean([np.hypot(s.vx, s.vy) for s in tracked])) if tracked else 0.0
        events = [
            Event("camera", m.start_s, m.end_s,
                  {"class": m.kind, "speed": round(m.speed, 3), "shake": round(m.shake, 3), "zoom": round(m.zoom, 3)})
            for m in motions
        ]
        return ExtractorOutput(
            signals={
                "static_camera_share": share["static"],
                "pan_share": share["pan"],
                "zoom_share": share["zoom"],
                "handheld_share": share["handheld"],
                "shake_index": min(1.0, shake / SHAKE_FULL_SCALE),
                "camera_speed": min(100.0, speed),
            },
            events=events,
        )
