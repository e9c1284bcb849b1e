"""Generated detections for the visual-extractor plumbing tests: faces and hands attached to frames.

The detectors memoise their results on each :class:`~features.media.decode.Frame`
(``faces(frame, settings)``, ``hands(frame, settings)``), so a test that stores known
faces and hands there exercises the extractors' sampling, shares, events and POV
logic deterministically, without the models. Real-model tests live in test_vision.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from features.detector_settings import DetectorSettings
from features.faces import Face
from features.media.decode import Frame
from features.vision.hand_landmarks import Hand

SETTINGS = DetectorSettings()


def hand(cx: float, cy: float, size: float = 0.08, angle_deg: float = 90.0, curled: bool = False,
         aspect: float = 1.0) -> Hand:
    """A hand whose wrist is at (cx, cy) (fractions of the frame), its fingers pointing ``angle_deg``
    (90: up), ``size`` = wrist-to-knuckle distance in frame heights (frame width / height = ``aspect``);
    ``curled`` bends the fingertips back towards the palm."""
    ux, uy = math.cos(math.radians(angle_deg)), -math.sin(math.radians(angle_deg))
    px, py = -uy, ux  # across the palm
    points = [(cx, cy)]
    for finger in range(5):
        offset = (finger - 2) * 0.25 * size
        for joint in range(1, 5):
            reach = size * (0.6 if finger == 0 else 1.0) * (1.0 + 0.33 * (joint - 1))
            if curled and joint >= 3:
                reach = size * 0.9
            points.append((cx + (ux * reach + px * offset) / aspect, cy + uy * reach + py * offset))
    return Hand(tuple(points), presence=0.95, handedness="right", handedness_score=0.9, palm_score=0.8, aspect=aspect)


def attach(frames: Sequence[Frame], faces: Callable[[int], tuple[Face, ...]] | None = None,
           hands: Callable[[int], tuple[Hand, ...]] | None = None,
           settings: DetectorSettings = SETTINGS) -> list[Frame]:
    """Store ``faces(i)`` and ``hands(i)`` as frame i's detections (none when not given)."""
    for i, frame in enumerate(frames):
        frame.__dict__["_faces"] = ((settings.face_scales, settings.face_min_score), faces(i) if faces else ())
        frame.__dict__["_hands"] = (settings, hands(i) if hands else ())
    return list(frames)
