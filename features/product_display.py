"""Dynamic product display: product in use versus static shots, and how much the subject itself moves.

``ProductDisplayExtractor`` samples frames twice a second. A sample shows the
product *in use* when hands are at work (:mod:`features.hands`) and something
moves on its own in the central third of the frame (flow left after removing the
camera's motion, :mod:`features.global_motion`, above 0.02 frame widths/s). A
sample is a *static shot* when no face and no hands show, the camera is still
(< 0.01 frame widths/s) and nothing moves on its own (< 0.005). Subject motion is
the mean of that own motion over all 6-per-second motion samples. Exposed through
``vidscore score`` (signals below; events "product_in_use" and "static_shot" with
their time ranges) and listed by ``vidscore features``.
"""

from __future__ import annotations

import math

import numpy as np

from features.base import Event, Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.faces import faces
from features.faces import is_sample as is_display_sample
from features.framing import sample_ranges
from features.global_motion import GlobalMotion, global_motion
from features.global_motion import is_sample as is_motion_sample
from features.hands import hand_evidence
from features.media.decode import Frame

OWN_MOTION_IN_USE = 0.02  # frame widths / s of the subjects' own motion in the centre
STILL_CAMERA = 0.01
STILL_SUBJECT = 0.005
SUBJECT_MOTION_FULL = 0.2  # frame widths / s that maps to subject_motion 1


class ProductDisplayExtractor(Extractor):
    """Product-in-use and static-shot shares from sampled frames (no options)."""

    name = "product_display"
    version = "1"
    inputs = frozenset({Input.FRAMES})
    signals = (
        SignalSpec("product_in_use_share", "0-1", "Share of sampled frames with hands at work and own motion in "
                   "the frame centre (product shown in use)", 0.0, 1.0),
        SignalSpec("static_shot_share", "0-1", "Share of sampled frames with no face, no hands, a still camera "
                   "and nothing moving (static product shot or still picture)", 0.0, 1.0),
        SignalSpec("subject_motion", "0-1", "Subjects' own motion after removing camera motion, frame widths/s "
                   "/ 0.2, capped (0 frozen, 1 very lively)", 0.0, 1.0),
    )

    def start(self, context: VideoContext) -> None:
        self._previous: Frame | None = None
        self._motion: list[GlobalMotion] = []
        self._times: list[float] = []
        self._in_use: list[bool] = []
        self._static: list[bool] = []

    def process_frame(self, frame: Frame) -> None:
        previous = self._previous
        self._previous = frame
        if previous is None or not is_motion_sample(frame, previous):
            return
        motion = global_motion(frame, previous)
        self._motion.append(motion)
        if not is_display_sample(frame, previous):
            return
        found = faces(frame)
        hands = hand_evidence(frame, previous, found, motion.matrix)
        camera_speed = math.hypot(motion.vx, motion.vy)
        tracked = motion.tracked > 0
        self._times.append(frame.time_s)
        self._in_use.append(hands.present and tracked and motion.residual_centre >= OWN_MOTION_IN_USE)
        self._static.append(tracked and not found and not hands.present and camera_speed < STILL_CAMERA
                            and motion.residual < STILL_SUBJECT)

    def finish(self, context: VideoContext) -> ExtractorOutput:
        if not self._times:
            return ExtractorOutput()
        end_s = max(context.info.duration_s, self._times[-1])
        count = len(self._times)
        tracked = [m.residual for m in self._motion if m.tracked > 0]
        events = [Event("product_in_use", a, b, {}) for a, b in sample_ranges(self._times, self._in_use, 0.5, end_s)]
        events += [Event("static_shot", a, b, {}) for a, b in sample_ranges(self._times, self._static, 0.5, end_s)]
        return ExtractorOutput(
            signals={
                "product_in_use_share": sum(self._in_use) / count,
                "static_shot_share": sum(self._static) / count,
                "subject_motion": min(1.0, float(np.mean(tracked)) / SUBJECT_MOTION_FULL) if tracked else 0.0,
            },
            events=events,
        )
