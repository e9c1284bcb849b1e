"""Hands-at-work heuristic: moving skin-coloured pixels in the lower part of the frame, memoised per frame.

No hand model ships offline in the installed packages, so this is a plain
heuristic, honest about its limits: skin colour in YCrCb (Cr 135-180, Cb 85-135,
Y > 40; Chai & Ngan 1999 ranges, widened) in the lower 60 % of the half-size frame,
minus the area around detected faces (face, neck), counted only where the luma
changed by more than 10 levels (3x3 box-blurred) since the previous frame once the camera's own
motion is undone (the previous frame is warped by the global-motion fit). Hands are
"present" when skin covers 1-80 % of that region, at least 0.5 % of it is moving
skin and skin makes up at least 40 % of what moves there. On generated footage it
finds a moving skin-coloured hand and ignores a still one, one in the upper frame and
a plain background. On three real clips it does NOT separate well: a tabletop
hands demo 0.21 of samples, handheld claw-machine footage 0.28, a beach walk 0.09;
treat it as weak evidence, not a detector.
Skin-coloured objects that move (wood, cardboard, a face below the frame centre
the cascade missed) can fool it; still hands are not seen. Used by the framing and
product-display extractors (``vidscore score``).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from features.faces import Face
from features.frame_cache import small_bgr, small_gray
from features.media.decode import Frame

LOWER_FROM = 0.4  # the region starts at 40 % of the frame height
MOTION_LEVEL = 10  # luma change (0-255) that counts as movement


@dataclass(frozen=True)
class HandEvidence:
    """Skin share and moving-skin share of the lower region (0-1), moving-skin centroid x/y as
    fractions of the frame (None when nothing moves) and whether that counts as hands at work."""

    skin_share: float
    moving_share: float
    centre_x: float | None
    centre_y: float | None
    present: bool


def hand_evidence(frame: Frame, previous: Frame, faces: tuple[Face, ...] = (),
                  camera: tuple[float, ...] | None = None) -> HandEvidence:
    """Hands-at-work evidence in ``frame`` against the previous decoded frame (memoised on ``frame``);
    ``camera`` is the 2x3 global-motion matrix from ``previous`` to ``frame`` (half-size pixels), if known."""
    cached = frame.__dict__.get("_hands")
    if cached is not None and cached[0] == previous.index:
        return cached[1]
    evidence = _evidence(frame, previous, faces, camera)
    frame.__dict__["_hands"] = (previous.index, evidence)
    return evidence


def _evidence(frame: Frame, previous: Frame, faces: tuple[Face, ...],
              camera: tuple[float, ...] | None) -> HandEvidence:
    bgr, gray, before = small_bgr(frame), small_gray(frame), small_gray(previous)
    height, width = gray.shape
    top = int(height * LOWER_FROM)
    ycrcb = cv2.cvtColor(bgr[top:], cv2.COLOR_BGR2YCrCb)
    skin = cv2.inRange(ycrcb, (40, 135, 85), (255, 180, 135)) > 0
    for face in faces:  # the face and the neck below it are skin but not hands
        x0, x1 = int((face.x - 0.15 * face.w) * width), int((face.x + 1.15 * face.w) * width)
        y0, y1 = int(face.y * height) - top, int((face.y + 1.8 * face.h) * height) - top
        skin[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = False
    region = skin.size
    skin_share = float(np.count_nonzero(skin)) / region
    if before.shape != gray.shape:
        return HandEvidence(skin_share, 0.0, None, None, False)
    if camera is not None:
        matrix = np.array(camera, dtype=np.float64).reshape(2, 3)
        before = cv2.warpAffine(before, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)
    # blurred, so edges the warp cannot align exactly (sub-pixel shifts) do not read as movement
    changed = cv2.absdiff(cv2.blur(gray[top:], (3, 3)), cv2.blur(before[top:], (3, 3))) > MOTION_LEVEL
    moving = skin & changed
    count = int(np.count_nonzero(moving))
    moving_share = count / region
    if count:
        ys, xs = np.nonzero(moving)
        centre_x, centre_y = float(xs.mean()) / width, (float(ys.mean()) + top) / height
    else:
        centre_x = centre_y = None
    skin_of_moving = count / max(1, int(np.count_nonzero(changed)))
    present = 0.01 <= skin_share <= 0.8 and moving_share >= 0.005 and skin_of_moving >= 0.4
    return HandEvidence(skin_share, moving_share, centre_x, centre_y, present)
