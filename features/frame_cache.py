"""Per-frame measurements shared by the visual extractors, computed once per frame.

Several extractors look at the same analysis frame (cut detection, motion,
camera motion, framing). The helpers here compute a half-size copy of the frame
and the change against the previous frame once, and memoise the result on the
:class:`~features.media.decode.Frame` object itself, so the second caller gets it for
free. Every frame is pushed to every extractor in order, so "the previous frame"
is the same object for all of them. Used by ``vidscore score`` through the
visual extractors; no command of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from features.media.decode import Frame


def small_bgr(frame: Frame) -> np.ndarray:
    """The analysis frame at half size (short side 144 px for the default 288), BGR uint8."""
    cache = frame.__dict__
    if "_small_bgr" not in cache:
        width, height = max(2, frame.width // 2), max(2, frame.height // 2)
        cache["_small_bgr"] = cv2.resize(frame.bgr, (width, height), interpolation=cv2.INTER_AREA)
    return cache["_small_bgr"]


def small_hsv(frame: Frame) -> np.ndarray:
    """HSV of :func:`small_bgr` (OpenCV ranges: H 0-179, S and V 0-255)."""
    cache = frame.__dict__
    if "_small_hsv" not in cache:
        cache["_small_hsv"] = cv2.cvtColor(small_bgr(frame), cv2.COLOR_BGR2HSV)
    return cache["_small_hsv"]


def small_gray(frame: Frame) -> np.ndarray:
    """Luma of :func:`small_bgr`, uint8."""
    cache = frame.__dict__
    if "_small_gray" not in cache:
        cache["_small_gray"] = cv2.cvtColor(small_bgr(frame), cv2.COLOR_BGR2GRAY)
    return cache["_small_gray"]


def tiny_gray(frame: Frame) -> np.ndarray:
    """Luma at quarter analysis size (short side 72 px), lightly blurred; for motion estimation."""
    cache = frame.__dict__
    if "_tiny_gray" not in cache:
        gray = small_gray(frame)
        tiny = cv2.resize(gray, (max(2, gray.shape[1] // 2), max(2, gray.shape[0] // 2)), interpolation=cv2.INTER_AREA)
        cache["_tiny_gray"] = cv2.GaussianBlur(tiny, (3, 3), 0)
    return cache["_tiny_gray"]


@dataclass(frozen=True)
class FrameChange:
    """Mean absolute change of the half-size HSV planes from the previous frame (each 0-255),
    plus this frame's mean saturation and mean value (0-255)."""

    hue: float
    saturation: float
    value: float
    mean_saturation: float
    mean_value: float


def frame_change(frame: Frame, previous: Frame | None) -> FrameChange:
    """Change of ``frame`` against ``previous`` (all zero for the first frame), memoised on ``frame``."""
    cache = frame.__dict__
    key = ("_change", previous.index if previous is not None else -1)
    hit = cache.get("_change")
    if hit is not None and hit[0] == key:
        return hit[1]
    hsv = small_hsv(frame)
    mean_sat, mean_val = (float(v) for v in cv2.mean(hsv)[1:3])
    if previous is None or small_hsv(previous).shape != hsv.shape:
        change = FrameChange(0.0, 0.0, 0.0, mean_sat, mean_val)
    else:
        diff = cv2.absdiff(hsv, small_hsv(previous))
        hue, sat, val = cv2.mean(diff)[:3]
        change = FrameChange(float(hue), float(sat), float(val), mean_sat, mean_val)
    cache["_change"] = (key, change)
    return change
