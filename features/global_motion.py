"""Global (camera) motion between a frame and the previous decoded frame, memoised per frame.

Sparse Lucas-Kanade optical flow on the half-size luma (up to 80 Shi-Tomasi
corners), then a RANSAC similarity fit (``cv2.estimateAffinePartial2D``): its
translation and scale are the camera's motion; the flow left over after removing
it is the subjects' own motion. Extractors sample it ``SAMPLE_RATE_HZ`` times a
second at the same frames (slot = ``int(time_s * SAMPLE_RATE_HZ)``), so the
estimate is computed once per sampled frame and shared. Used by the camera-motion,
framing and product-display extractors (``vidscore score``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from features.frame_cache import small_gray
from features.media.decode import Frame

SAMPLE_RATE_HZ = 6.0


@dataclass(frozen=True)
class GlobalMotion:
    """Motion from the previous frame to this one, in frame widths per second (translation, subject
    residual) and log scale per second (zoom; > 0 zooming in). ``tracked`` = share of corners that fit the
    camera model (0 when tracking failed, e.g. across a cut). ``residual_centre`` is the subjects' motion
    in the central third of the frame. ``matrix`` is the fitted 2x3 similarity (half-size pixels, row-major)
    mapping the previous frame onto this one, or None when tracking failed."""

    time_s: float
    vx: float
    vy: float
    zoom: float
    residual: float
    residual_centre: float
    tracked: float
    matrix: tuple[float, ...] | None = None


def is_sample(frame: Frame, previous: Frame | None) -> bool:
    """True when ``frame`` opens a new 1/SAMPLE_RATE_HZ slot (the frames every user samples)."""
    return previous is None or int(frame.time_s * SAMPLE_RATE_HZ) != int(previous.time_s * SAMPLE_RATE_HZ)


def global_motion(frame: Frame, previous: Frame) -> GlobalMotion:
    """Camera and subject motion from ``previous`` to ``frame`` (memoised on ``frame``)."""
    cached = frame.__dict__.get("_global_motion")
    if cached is not None and cached[0] == previous.index:
        return cached[1]
    result = _estimate(frame, previous)
    frame.__dict__["_global_motion"] = (previous.index, result)
    return result


def _estimate(frame: Frame, previous: Frame) -> GlobalMotion:
    before, after = small_gray(previous), small_gray(frame)
    dt = frame.time_s - previous.time_s
    failed = GlobalMotion(frame.time_s, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    if before.shape != after.shape or dt <= 0:
        return failed
    height, width = after.shape
    corners = cv2.goodFeaturesToTrack(before, maxCorners=80, qualityLevel=0.01, minDistance=max(4, width // 20))
    if corners is None or len(corners) < 8:
        return failed
    moved, status, _ = cv2.calcOpticalFlowPyrLK(before, after, corners, None, winSize=(15, 15), maxLevel=2)
    good = status.reshape(-1) == 1
    if good.sum() < 8:
        return failed
    start, end = corners.reshape(-1, 2)[good], moved.reshape(-1, 2)[good]
    model, inliers = cv2.estimateAffinePartial2D(start, end, method=cv2.RANSAC, ransacReprojThreshold=1.5)
    if model is None:
        return failed
    scale = math.hypot(model[0, 0], model[1, 0])
    predicted = start @ model[:, :2].T + model[:, 2]
    residual = np.linalg.norm(end - predicted, axis=1)
    centre = ((start[:, 0] > width / 3) & (start[:, 0] < 2 * width / 3)
              & (start[:, 1] > height / 3) & (start[:, 1] < 2 * height / 3))
    # translation of the frame centre, so a zoom about the centre is not read as a pan
    cx, cy = width / 2.0, height / 2.0
    shift = model[:, :2] @ np.array([cx, cy]) + model[:, 2] - np.array([cx, cy])
    per_second = 1.0 / (width * dt)
    return GlobalMotion(
        time_s=frame.time_s,
        vx=float(shift[0] * per_second),
        vy=float(shift[1] * per_second),
        zoom=float(math.log(max(scale, 1e-3)) / dt),
        residual=float(np.median(residual) * per_second),
        residual_centre=float(np.percentile(residual[centre], 75) * per_second) if centre.any() else 0.0,
        tracked=float(inliers.sum()) / len(corners) if inliers is not None else 0.0,
        matrix=tuple(float(v) for v in model.reshape(-1)),
    )
