"""Hands in an analysis frame, memoised per frame: palm detection, then 21 landmarks on each candidate.

Palm candidates come from MediaPipe's palm detector on the whole frame
(:mod:`features.vision.palm`) at a low score (``palm_min_score``, default 0.25: a hand
holding something often scores low); the landmark model (:mod:`features.vision.hand_landmarks`)
then checks each of the best ``max_palms`` crops, and a hand is kept when its presence
score reaches ``hand_presence`` (0.5, MediaPipe's own threshold). Overlapping hands
(box IoU above 0.3) keep the more certain one. Models load once per process; a missing
package raises :class:`~features.vision.models.ModelMissingError` with the install command.

Helpers read the landmarks: :func:`from_bottom` (the forearm runs out of the lower frame
edge: the filmer's own hand, or a hand reaching in from below) and :func:`grip` (fingers
curled round something rather than spread or pointing). Used by the framing and
product-display extractors (``vidscore score``).
"""

from __future__ import annotations

import math

import numpy as np

from features.detector_settings import DetectorSettings
from features.media.decode import Frame
from features.vision import palm
from features.vision.boxes import iou
from features.vision.hand_landmarks import KNUCKLES, MIDDLE_MCP, TIPS, WRIST, Hand, landmarks

DEDUPE_IOU = 0.3
BOTTOM_REACH = 2.5  # forearm lengths (in wrist-to-knuckle units) within which the lower edge must lie


def hands(frame: Frame, settings: DetectorSettings) -> tuple[Hand, ...]:
    """Hands in ``frame``, most certain first (memoised on the frame)."""
    cached = frame.__dict__.get("_hands")
    if cached is not None and cached[0] == settings:
        return cached[1]
    candidates = palm.detect(frame.bgr, settings.palm_min_score, settings.palm_model)[: settings.max_palms]
    found = [landmarks(frame.bgr, candidate, settings.landmark_model) for candidate in candidates]
    kept: list[Hand] = []
    for hand in sorted((h for h in found if h.presence >= settings.hand_presence), key=lambda h: -h.presence):
        if kept and iou(np.array(hand.box), np.array([k.box for k in kept])).max() > DEDUPE_IOU:
            continue
        kept.append(hand)
    frame.__dict__["_hands"] = (settings, tuple(kept))
    return frame.__dict__["_hands"][1]


def from_bottom(hand: Hand) -> bool:
    """True when the forearm, continued from the knuckles through the wrist, leaves the frame by its lower
    edge within ``BOTTOM_REACH`` hand lengths (distances in frame heights)."""
    aspect = hand.aspect
    (wx, wy), (mx, my) = hand.landmarks[WRIST], hand.landmarks[MIDDLE_MCP]
    dx, dy = (wx - mx) * aspect, wy - my
    length = math.hypot(dx, dy)
    if length < 1e-6 or dy <= 0.2 * length:  # the arm must point downwards, not sideways or up
        return False
    to_bottom = (1.0 - wy) / (dy / length)  # distance (frame heights) from the wrist to the lower edge
    if wx < 0 or wx > 1 or to_bottom < -0.05:
        return wy >= 0.7
    exit_x = wx * aspect + dx / length * max(0.0, to_bottom)
    return -0.05 * aspect <= exit_x <= 1.05 * aspect and to_bottom <= BOTTOM_REACH * length


def grip(hand: Hand) -> float:
    """0-1 how curled the fingers are: 1 - mean (tip to wrist) / (knuckle to wrist) distance ratio beyond 1,
    over the four fingers (a flat or pointing hand ~0, a fist or a hand round a bottle ~1)."""
    points = np.array(hand.landmarks) * (hand.aspect, 1.0)
    wrist = points[WRIST]
    ratios = [np.linalg.norm(points[tip] - wrist) / max(np.linalg.norm(points[knuckle] - wrist), 1e-6)
              for tip, knuckle in zip(TIPS[1:], KNUCKLES[1:])]
    straight = 2.0  # a straight finger's tip is about twice as far from the wrist as its knuckle
    return float(np.clip((straight - np.mean(ratios)) / (straight - 1.0), 0.0, 1.0))
