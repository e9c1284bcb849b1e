"""First-person / immersive framing: faces, hands at work and a point-of-view (POV) likelihood.

``FramingExtractor`` samples frames twice a second (:mod:`features.faces` Haar
cascade, :mod:`features.hands` skin-and-motion heuristic) and reads the camera's
global motion (:mod:`features.global_motion`, 6 times a second) and shots
(:class:`features.shots.ShotDetector`). Per shot, the POV likelihood is

    hands share x (1 - face share) x (0.6 + 0.4 x egomotion)

where egomotion = min(1, mean camera speed + jitter in frame widths/s / 0.05): a
handheld first-person shot shows working hands, no presenter face and a moving
camera. The overall value is the duration-weighted mean over shots. Exposed through
``vidscore score`` (signals below; events "face", "hands" and "pov" with time
ranges as evidence) and listed by ``vidscore features``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.base import Event, Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.faces import Face, faces
from features.faces import is_sample as is_face_sample
from features.global_motion import GlobalMotion, global_motion
from features.global_motion import is_sample as is_motion_sample
from features.hands import hand_evidence
from features.media.decode import Frame
from features.shots import ShotDetector

TALKING_HEAD_MIN_HEIGHT = 0.12  # face height / frame height
CLOSEUP_MIN_HEIGHT = 0.25
EGOMOTION_FULL = 0.05  # camera speed + jitter (frame widths / s) that counts as full egomotion


@dataclass(frozen=True)
class FramingSample:
    """What one sampled frame shows: its time, the largest face (or None) and whether hands are at work."""

    time_s: float
    face: Face | None
    hands: bool


def sample_ranges(times: list[float], flags: list[bool], step_s: float, end_s: float) -> list[tuple[float, float]]:
    """Merge consecutive flagged samples (taken every ``step_s`` s) into (start_s, end_s) ranges."""
    ranges: list[tuple[float, float]] = []
    for time_s, flag in zip(times, flags):
        if not flag:
            continue
        stop = min(end_s, time_s + step_s)
        if ranges and time_s - ranges[-1][1] <= step_s * 0.5 + 1e-6:
            ranges[-1] = (ranges[-1][0], stop)
        else:
            ranges.append((time_s, stop))
    return ranges


def egomotion(samples: list[GlobalMotion]) -> float:
    """0-1 camera self-motion of a shot: mean speed plus mean frame-to-frame velocity jitter."""
    tracked = [s for s in samples if s.tracked > 0]
    if len(tracked) < 2:
        return 0.0
    velocity = np.array([(s.vx, s.vy) for s in tracked])
    speed = float(np.mean(np.hypot(velocity[:, 0], velocity[:, 1])))
    jitter = float(np.mean(np.hypot(*np.diff(velocity, axis=0).T)))
    return min(1.0, (speed + jitter) / EGOMOTION_FULL)


class FramingExtractor(Extractor):
    """Faces, hands and POV likelihood from sampled frames (no options)."""

    name = "framing"
    version = "1"
    inputs = frozenset({Input.FRAMES})
    signals = (
        SignalSpec("face_share", "0-1", "Share of sampled frames (2/s) with a frontal face", 0.0, 1.0),
        SignalSpec("face_size", "0-1", "Median height of the largest face / frame height, when a face shows "
                   "(0 when none)", 0.0, 1.0),
        SignalSpec("face_position_y", "0-1", "Median vertical centre of the largest face (0 top, 1 bottom); "
                   "null when no face", 0.0, 1.0),
        SignalSpec("talking_head_share", "0-1", "Share of sampled frames with a centred face >= 12% of the "
                   "frame height (presenter to camera)", 0.0, 1.0),
        SignalSpec("closeup_share", "0-1", "Share of sampled frames with a face >= 25% of the frame height",
                   0.0, 1.0),
        SignalSpec("hands_share", "0-1", "Share of sampled frames with moving skin-coloured hands in the lower "
                   "60% of the frame (heuristic)", 0.0, 1.0),
        SignalSpec("pov_likelihood", "0-1", "First-person (POV) likelihood: hands at work, no presenter face, "
                   "moving camera; duration-weighted over shots", 0.0, 1.0),
    )

    def __init__(self) -> None:
        self._detector = ShotDetector()

    def start(self, context: VideoContext) -> None:
        self._detector.reset()
        self._previous: Frame | None = None
        self._samples: list[FramingSample] = []
        self._motion: list[GlobalMotion] = []

    def process_frame(self, frame: Frame) -> None:
        self._detector.push(frame)
        previous = self._previous
        self._previous = frame
        if previous is None:
            return
        motion = None
        if is_motion_sample(frame, previous):
            motion = global_motion(frame, previous)
            self._motion.append(motion)
        if is_face_sample(frame, previous):
            found = faces(frame)
            hands = hand_evidence(frame, previous, found, motion.matrix if motion is not None else None)
            self._samples.append(FramingSample(frame.time_s, found[0] if found else None, hands.present))

    def finish(self, context: VideoContext) -> ExtractorOutput:
        if not self._samples:
            return ExtractorOutput()
        seg = self._detector.segment(context.info.duration_s)
        end_s = seg.shots[-1].end_s
        step = 1.0 / 2.0
        times = [s.time_s for s in self._samples]
        with_face = [s.face for s in self._samples if s.face is not None]
        count = len(self._samples)
        talking = [s.face is not None and s.face.h >= TALKING_HEAD_MIN_HEIGHT and 0.2 <= s.face.centre[0] <= 0.8
                   for s in self._samples]
        closeup = [s.face is not None and s.face.h >= CLOSEUP_MIN_HEIGHT for s in self._samples]
        events = [Event("face", a, b, {}) for a, b in
                  sample_ranges(times, [s.face is not None for s in self._samples], step, end_s)]
        events += [Event("hands", a, b, {}) for a, b in sample_ranges(times, [s.hands for s in self._samples], step, end_s)]
        weighted = 0.0
        for shot in seg.shots:
            inside = [s for s in self._samples if shot.start_s <= s.time_s < shot.end_s]
            if not inside:
                continue
            hands = sum(s.hands for s in inside) / len(inside)
            face = sum(s.face is not None for s in inside) / len(inside)
            ego = egomotion([m for m in self._motion if shot.start_s < m.time_s < shot.end_s])
            pov = hands * (1.0 - face) * (0.6 + 0.4 * ego)
            weighted += pov * shot.duration_s
            if pov >= 0.5:
                events.append(Event("pov", shot.start_s, shot.end_s, {"likelihood": round(pov, 2)}))
        return ExtractorOutput(
            signals={
                "face_share": len(with_face) / count,
                "face_size": float(np.median([f.h for f in with_face])) if with_face else 0.0,
                "face_position_y": float(np.median([f.centre[1] for f in with_face])) if with_face else None,
                "talking_head_share": sum(talking) / count,
                "closeup_share": sum(closeup) / count,
                "hands_share": sum(s.hands for s in self._samples) / count,
                "pov_likelihood": min(1.0, weighted / max(end_s, 1e-6)),
            },
            events=events,
        )
