"""First-person (POV) framing: hands in the picture, hands reaching in from the lower edge, and a POV likelihood.

``FramingExtractor`` runs the hand detector (:mod:`features.hands`: MediaPipe palm
detection and hand landmarks) and the face detector (:mod:`features.faces`) on the
frames chosen by :class:`features.sampling.FrameSampler`, reads the camera's global
motion (:mod:`features.global_motion`, 6 times a second) and the shots
(:class:`features.shots.ShotDetector`). Per shot, with shares weighted by the time each
sample stands for,

    pov = (1 - face) x min(1, FILMER_WEIGHT x filmer + HANDS_WEIGHT x hands) x (0.6 + 0.4 x egomotion)

where ``filmer`` is the share of samples with a hand whose forearm runs out of the
lower edge or the lower half of a side edge (:func:`features.hands.from_outside_below`,
the filmer's own hands), ``hands`` the share with any hand, ``face`` the share with a face of at least ``POV_FACE_HEIGHT`` of
the frame height (a presenter or subject facing the camera), and egomotion = min(1,
(mean camera speed + jitter in frame widths/s) / 0.05), a handheld camera. The
overall value is the duration-weighted mean over shots. Events: "hands" (time range,
median box of the most certain hand, whether it came from the bottom edge) and "pov"
(shots with likelihood >= 0.5, with the shot's value). When the hand models are not
installed, the three signals are null and the error names the package to install.
"""

from __future__ import annotations

import numpy as np

from features.base import Event, Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.detector_settings import DetectorSettings
from features.faces import faces
from features.global_motion import GlobalMotion, global_motion
from features.global_motion import is_sample as is_motion_sample
from features.hands import earlier_hands, from_bottom, from_outside_below, hands
from features.media.decode import Frame
from features.sampling import FrameSampler, durations, sample_ranges, share
from features.shots import ShotDetector
from features.vision.hand_landmarks import Hand
from features.vision.models import ModelMissingError

EGOMOTION_FULL = 0.05  # camera speed + jitter (frame widths / s) that counts as full egomotion
POV_FACE_HEIGHT = 0.1
FILMER_WEIGHT, HANDS_WEIGHT = 0.8, 0.2


def egomotion(samples: list[GlobalMotion]) -> float:
    """0-1 camera self-motion of a shot: mean speed plus mean frame-to-frame velocity jitter."""
    tracked = [s for s in samples if s.tracked > 0]
    if len(tracked) < 2:
        return 0.0
    velocity = np.array([(s.vx, s.vy) for s in tracked])
    speed = float(np.mean(np.hypot(velocity[:, 0], velocity[:, 1])))
    jitter = float(np.mean(np.hypot(*np.diff(velocity, axis=0).T)))
    return min(1.0, (speed + jitter) / EGOMOTION_FULL)


def hand_box(hand: Hand) -> list[float]:
    """[x0, y0, x1, y1] of a hand's landmarks in fractions of the frame (like screen-text boxes)."""
    return [round(float(v), 3) for v in hand.box]


class FramingExtractor(Extractor):
    """Hands, hands from the lower edge and POV likelihood from sampled frames."""

    name = "framing"
    version = "2"
    inputs = frozenset({Input.FRAMES})
    signals = (
        SignalSpec("hands_share", "0-1", "Share of the video (sampled frames, time-weighted) showing a hand "
                   "(palm detection + hand landmarks)", 0.0, 1.0),
        SignalSpec("hands_from_bottom_share", "0-1", "Share of the video with a hand whose forearm enters from "
                   "the lower frame edge and no face to camera (the filmer's hands, the product held to camera)",
                   0.0, 1.0),
        SignalSpec("pov_likelihood", "0-1", "First-person (POV) likelihood: the filmer's hands reaching in from below, no face "
                   "to camera, handheld camera motion; duration-weighted over shots", 0.0, 1.0),
    )

    def __init__(self, settings: DetectorSettings | None = None) -> None:
        self.settings = settings or DetectorSettings()
        self._sampler = FrameSampler(self.settings.sample_fps)
        self._detector = ShotDetector()

    def start(self, context: VideoContext) -> None:
        self._sampler.reset()
        self._detector.reset()
        self._previous: Frame | None = None
        self._times: list[float] = []
        self._hands: list[tuple[Hand, ...]] = []
        self._bottom: list[bool] = []
        self._filmer: list[bool] = []
        self._face: list[bool] = []
        self._motion: list[GlobalMotion] = []
        self._missing: ModelMissingError | None = None

    def process_frame(self, frame: Frame) -> None:
        self._detector.push(frame)
        previous, self._previous = self._previous, frame
        if previous is not None and is_motion_sample(frame, previous):
            self._motion.append(global_motion(frame, previous))
        if not self._sampler.wants(frame) or self._missing is not None:
            return
        try:
            found = hands(frame, self.settings, self._earlier(frame))
        except ModelMissingError as exc:
            self._missing = exc
            return
        self._times.append(frame.time_s)
        self._hands.append(found)
        face = any(f.h >= POV_FACE_HEIGHT for f in faces(frame, self.settings))
        self._bottom.append(not face and any(from_bottom(h) for h in found))  # a presenter's own hand is not one
        self._filmer.append(any(from_outside_below(h) for h in found))
        self._face.append(face)

    def _earlier(self, frame: Frame) -> tuple[Hand, ...]:
        """The previous sample's hands when it is recent and no cut came since (see :func:`features.hands.hands`)."""
        return earlier_hands(self._times, self._hands, self._sampler, frame)

    def samples(self) -> list[tuple[float, tuple[Hand, ...], bool]]:
        """(time_s, hands, a hand from the lower edge) of every sampled frame of the last video."""
        return list(zip(self._times, self._hands, self._bottom))

    def finish(self, context: VideoContext) -> ExtractorOutput:
        if self._missing is not None:
            raise self._missing
        if not self._times:
            return ExtractorOutput()
        seg = self._detector.segment(context.info.duration_s)
        end_s = max(seg.shots[-1].end_s, self._times[-1])
        step = 1.0 / self.settings.sample_fps
        weights = durations(self._times, end_s, step)
        present = [bool(h) for h in self._hands]
        events = [
            Event("hands", a, b, {"box": hand_box(self._hands[idx[len(idx) // 2]][0]),
                                  "from_bottom": any(self._bottom[i] for i in idx),
                                  "hands": max(len(self._hands[i]) for i in idx)})
            for a, b, idx in sample_ranges(self._times, present, end_s, step)
        ]
        weighted = 0.0
        for shot in seg.shots:
            inside = [i for i, t in enumerate(self._times) if shot.start_s <= t < shot.end_s]
            if not inside:
                continue
            w = [weights[i] for i in inside]
            filmer = share([self._filmer[i] for i in inside], w)
            hands_in = share([present[i] for i in inside], w)
            face = share([self._face[i] for i in inside], w)
            ego = egomotion([m for m in self._motion if shot.start_s < m.time_s < shot.end_s])
            pov = (1.0 - face) * min(1.0, FILMER_WEIGHT * filmer + HANDS_WEIGHT * hands_in) * (0.6 + 0.4 * ego)
            weighted += pov * shot.duration_s
            if pov >= 0.5:
                events.append(Event("pov", shot.start_s, shot.end_s, {"likelihood": round(pov, 2)}))
        return ExtractorOutput(
            signals={
                "hands_share": share(present, weights),
                "hands_from_bottom_share": share(self._bottom, weights),
                "pov_likelihood": min(1.0, weighted / max(seg.shots[-1].end_s, 1e-6)),
            },
            events=events,
        )
