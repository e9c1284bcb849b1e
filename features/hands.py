"""Hands in an analysis frame, memoised per frame: palm detection, then 21 landmarks on each candidate.

Palm candidates come from MediaPipe's palm detector on the whole frame
(:mod:`features.vision.palm`), run twice: the frame letterboxed to the model input, and
the frame at 60 % of it (a zero border around), so that close-up hands larger than
the model's anchors are found too; the candidates are merged by NMS and kept from a
low score (``palm_min_score``, default 0.2: a hand holding something often scores low);
the landmark model (:mod:`features.vision.hand_landmarks`)
then checks each of the best ``max_palms`` crops, and a hand is kept when its presence
score reaches ``hand_presence`` (0.5, MediaPipe's own threshold). Overlapping hands
(box IoU above 0.3) keep the more certain one. Models load once per process; a missing
package raises :class:`~features.vision.models.ModelMissingError` with the install command.

Helpers read the landmarks: :func:`from_bottom` (the forearm runs out of the lower frame
edge: the filmer's own hand, or a hand reaching in from below), :func:`from_outside_below`
(out of the lower edge or the lower half of a side edge) and :func:`grip` (fingers
curled round something rather than spread or pointing). Used by the framing and
product-display extractors (``vidscore score``).
"""

from __future__ import annotations

import math

import numpy as np

from features.detector_settings import DetectorSettings
from features.media.decode import Frame
from features.sampling import FrameSampler
from features.vision import palm
from features.vision.boxes import iou, nms
from features.vision.hand_landmarks import KNUCKLES, MIDDLE_MCP, TIPS, WRIST, Hand, landmarks, landmarks_in, landmarks_roi

DEDUPE_IOU = 0.3
TRACK_GAP_S = 0.6
ZOOM_OUT = 0.6  # the second palm pass sees the frame at 60 % of the model input: close-up hands fit its anchors
BOTTOM_REACH = 2.5  # forearm lengths (in wrist-to-knuckle units) within which the lower edge must lie


def hands(frame: Frame, settings: DetectorSettings, earlier: tuple[Hand, ...] = ()) -> tuple[Hand, ...]:
    """Hands in ``frame``, most certain first (memoised on the frame). ``earlier``: the hands of the previous
    sample of the same shot, whose crops are checked again (a hand the palm detector loses while it turns or
    grips is followed, as MediaPipe's tracking does)."""
    cached = frame.__dict__.get("_hands")
    if cached is not None and cached[0] == settings:
        return cached[1]
    candidates = [p for zoom in (1.0, ZOOM_OUT) for p in palm.detect(frame.bgr, settings.palm_min_score,
                                                                      settings.palm_model, zoom)]
    candidates.sort(key=lambda p: -p.score)
    if candidates:
        keep = nms(np.array([p.box for p in candidates]), np.array([p.score for p in candidates]), DEDUPE_IOU)
        candidates = [candidates[i] for i in keep]
    found = [landmarks(frame.bgr, candidate, settings.landmark_model) for candidate in candidates[: settings.max_palms]]
    height, width = frame.bgr.shape[:2]
    found += [landmarks_in(frame.bgr, landmarks_roi(hand, width, height), hand.palm_score, settings.landmark_model)
              for hand in earlier[: settings.max_palms]]
    kept: list[Hand] = []
    for hand in sorted((h for h in found if h.presence >= settings.hand_presence), key=lambda h: -h.presence):
        if kept and iou(np.array(hand.box), np.array([k.box for k in kept])).max() > DEDUPE_IOU:
            continue
        kept.append(hand)
    frame.__dict__["_hands"] = (settings, tuple(kept))
    return frame.__dict__["_hands"][1]


def arm_exit(hand: Hand) -> tuple[str, float] | None:
    """Where the forearm, continued from the middle knuckle through the wrist, leaves the frame: ("bottom",
    "left", "right" or "top", height of the exit point as a fraction of the frame) when it does so within
    ``BOTTOM_REACH`` hand lengths of the wrist (distances in frame heights), else None."""
    aspect = hand.aspect
    (wx, wy), (mx, my) = hand.landmarks[WRIST], hand.landmarks[MIDDLE_MCP]
    x, y = wx * aspect, wy
    dx, dy = (wx - mx) * aspect, wy - my
    length = math.hypot(dx, dy)
    if length < 1e-6:
        return None
    ux, uy = dx / length, dy / length
    steps = []  # (distance to the edge, edge)
    if uy > 1e-6:
        steps.append(((1.0 - y) / uy, "bottom"))
    if uy < -1e-6:
        steps.append((-y / uy, "top"))
    if ux > 1e-6:
        steps.append(((aspect - x) / ux, "right"))
    if ux < -1e-6:
        steps.append((-x / ux, "left"))
    distance, edge = min(steps)
    if distance > BOTTOM_REACH * length:
        return None
    return edge, y + uy * max(0.0, distance)


def from_bottom(hand: Hand) -> bool:
    """True when the forearm runs out of the lower frame edge (:func:`arm_exit`) and points downwards."""
    exit_ = arm_exit(hand)
    (_, wy), (_, my) = hand.landmarks[WRIST], hand.landmarks[MIDDLE_MCP]
    return exit_ is not None and exit_[0] == "bottom" and wy > my


def from_outside_below(hand: Hand) -> bool:
    """True when the forearm runs out of the lower edge or the lower half of a side edge: a hand reaching
    into the picture from the filmer's side."""
    exit_ = arm_exit(hand)
    return exit_ is not None and (exit_[0] == "bottom" or (exit_[0] in ("left", "right") and exit_[1] >= 0.5))


def grip(hand: Hand) -> float:
    """0-1 how curled the fingers are: 1 - mean (tip to wrist) / (knuckle to wrist) distance ratio beyond 1,
    over the four fingers (a flat or pointing hand ~0, a fist or a hand round a bottle ~1)."""
    points = np.array(hand.landmarks) * (hand.aspect, 1.0)
    wrist = points[WRIST]
    ratios = [np.linalg.norm(points[tip] - wrist) / max(np.linalg.norm(points[knuckle] - wrist), 1e-6)
              for tip, knuckle in zip(TIPS[1:], KNUCKLES[1:])]
    straight = 2.0  # a straight finger's tip is about twice as far from the wrist as its knuckle
    return float(np.clip((straight - np.mean(ratios)) / (straight - 1.0), 0.0, 1.0))


def earlier_hands(times: list[float], found: list[tuple[Hand, ...]], sampler: FrameSampler, frame: Frame) -> tuple[Hand, ...]:
    """The hands of the last sample before ``frame`` when it is at most ``TRACK_GAP_S`` earlier and no cut came
    between (``sampler.last_cut_s``); else none. Every extractor that calls :func:`hands` passes its own record,
    which is the same for all of them, so the memoised result does not depend on who asked first."""
    if not times or frame.time_s - times[-1] > TRACK_GAP_S:
        return ()
    cut = sampler.last_cut_s
    if cut is not None and times[-1] < cut <= frame.time_s:
        return ()
    return found[-1]
