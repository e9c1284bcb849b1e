"""Dynamic product display: the product handled, handled in the first 3 s, static shots and subject motion.

``ProductDisplayExtractor`` looks at the frames chosen by
:class:`features.sampling.FrameSampler`. A sample shows the product *in use* when a
detected hand (:mod:`features.hands`) near the camera (wrist to knuckle at least
``HAND_MIN_SIZE`` of the frame height; a distant person's gesture is not use) is
handling something: its fingers are curled round an object (:func:`features.hands.grip`
>= ``GRIP_MIN``), or it is in the frame while something moves on its own near the centre
(flow left after removing the camera's motion, :mod:`features.global_motion`, above
``OWN_MOTION_IN_USE`` frame widths/s). A hand merely visible and still is not use.
``product_in_hook`` is the share of the first ``HOOK_S`` seconds with the product in
use. A sample is a *static shot* when no face and no hand shows, the camera is still
(< 0.01 frame widths/s) and nothing moves on its own (< 0.005). Subject motion is the
mean own motion over all 6-per-second motion samples. Events "product_in_use" (time
range, box of the handling hand) and "static_shot". Without the hand models the two
hand-based signals are null (the framing extractor reports the missing package) and
static shots are judged without hands.
"""

from __future__ import annotations

import math

import numpy as np

from features.base import Event, Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.detector_settings import DetectorSettings
from features.faces import faces
from features.framing import hand_box
from features.global_motion import GlobalMotion, global_motion
from features.global_motion import is_sample as is_motion_sample
from features.hands import earlier_hands, grip, hands
from features.media.decode import Frame
from features.sampling import FrameSampler, durations, sample_ranges, share
from features.vision.hand_landmarks import Hand
from features.vision.models import ModelMissingError

GRIP_MIN = 0.35
HAND_MIN_SIZE = 0.06  # wrist-to-knuckle distance in frame heights: a hand near the camera, not a distant gesture
OWN_MOTION_IN_USE = 0.02  # frame widths / s of the subjects' own motion in the centre
STILL_CAMERA = 0.01
STILL_SUBJECT = 0.005
SUBJECT_MOTION_FULL = 0.2  # frame widths / s that maps to subject_motion 1
HOOK_S = 3.0


class ProductDisplayExtractor(Extractor):
    """Product-in-use, product-in-hook, static-shot shares and subject motion from sampled frames."""

    name = "product_display"
    version = "2"
    inputs = frozenset({Input.FRAMES})
    signals = (
        SignalSpec("product_in_use_share", "0-1", "Share of the video (sampled frames, time-weighted) with a hand "
                   "handling something: fingers round an object, or a hand in frame while the subject moves", 0.0, 1.0),
        SignalSpec("product_in_hook", "0-1", "Share of the first 3 s with the product handled (the hook shows the "
                   "product in use)", 0.0, 1.0),
        SignalSpec("static_shot_share", "0-1", "Share of sampled frames with no face, no hands, a still camera "
                   "and nothing moving (static product shot or still picture)", 0.0, 1.0),
        SignalSpec("subject_motion", "0-1", "Subjects' own motion after removing camera motion, frame widths/s "
                   "/ 0.2, capped (0 frozen, 1 very lively)", 0.0, 1.0),
    )

    def __init__(self, settings: DetectorSettings | None = None) -> None:
        self.settings = settings or DetectorSettings()
        self._sampler = FrameSampler(self.settings.sample_fps)

    def start(self, context: VideoContext) -> None:
        self._sampler.reset()
        self._previous: Frame | None = None
        self._motion: list[GlobalMotion] = []
        self._last: GlobalMotion | None = None
        self._times: list[float] = []
        self._in_use: list[Hand | None] = []
        self._found: list[tuple[Hand, ...]] = []
        self._static: list[bool | None] = []
        self._hands_missing = False
        self._last_s = 0.0

    def process_frame(self, frame: Frame) -> None:
        previous, self._previous = self._previous, frame
        self._last_s = frame.time_s
        if previous is not None and is_motion_sample(frame, previous):
            self._last = global_motion(frame, previous)
            self._motion.append(self._last)
        if not self._sampler.wants(frame):
            return
        found: tuple[Hand, ...] = ()
        if not self._hands_missing:
            try:
                found = hands(frame, self.settings, earlier_hands(self._times, self._found, self._sampler, frame))
            except ModelMissingError:
                self._hands_missing = True
        motion = self._last if self._last is not None and frame.time_s - self._last.time_s < 0.34 else None
        tracked = motion is not None and motion.tracked > 0
        own = motion.residual_centre if motion is not None and tracked else 0.0
        near = [h for h in found if h.size >= HAND_MIN_SIZE]
        handling = [h for h in near if grip(h) >= GRIP_MIN] or (near[:1] if own >= OWN_MOTION_IN_USE else [])
        camera_speed = math.hypot(motion.vx, motion.vy) if motion is not None else 0.0
        self._times.append(frame.time_s)
        self._found.append(found)
        self._in_use.append(handling[0] if handling else None)
        if motion is None:  # the first frame: no motion measured yet, judged like the next sample
            self._static.append(None)
        else:
            self._static.append(tracked and not faces(frame, self.settings) and not found
                                and camera_speed < STILL_CAMERA and motion.residual < STILL_SUBJECT)

    def samples(self) -> list[tuple[float, bool]]:
        """(time_s, product in use) of every sampled frame of the last video."""
        return [(t, h is not None) for t, h in zip(self._times, self._in_use)]

    def finish(self, context: VideoContext) -> ExtractorOutput:
        if not self._times:
            return ExtractorOutput()
        end_s = max(context.info.duration_s, self._last_s)
        step = 1.0 / self.settings.sample_fps
        weights = durations(self._times, end_s, step)
        in_use = [h is not None for h in self._in_use]
        static = [bool(next((v for v in self._static[i:] if v is not None), False)) for i in range(len(self._static))]
        tracked = [m.residual for m in self._motion if m.tracked > 0]
        events = [Event("static_shot", a, b, {}) for a, b, _ in sample_ranges(self._times, static, end_s, step)]
        hook = [i for i, t in enumerate(self._times) if t < HOOK_S]
        if not self._hands_missing:
            events += [
                Event("product_in_use", a, b, {"box": hand_box(self._in_use[idx[len(idx) // 2]])})  # type: ignore[arg-type]
                for a, b, idx in sample_ranges(self._times, in_use, end_s, step)
            ]
        return ExtractorOutput(
            signals={
                "product_in_use_share": None if self._hands_missing else share(in_use, weights),
                "product_in_hook": None if self._hands_missing or not hook else share([in_use[i] for i in hook],
                                                                                       [weights[i] for i in hook]),
                "static_shot_share": share(static, weights),
                "subject_motion": min(1.0, float(np.mean(tracked)) / SUBJECT_MOTION_FULL) if tracked else 0.0,
            },
            events=events,
        )
