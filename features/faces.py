"""Frontal-face detection on the half-size analysis frame, memoised per frame.

OpenCV's Haar cascade ``haarcascade_frontalface_default.xml`` (shipped in
``cv2.data.haarcascades`` by opencv-python-headless 4.x) on the half-size luma
(short side 144 px for the default analysis size), smallest face 20 px (about a
seventh of the short side; scale step 1.3). Faces are returned as boxes in fractions of the frame.
Used by the framing and product-display extractors (``vidscore score``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2

from features.frame_cache import small_gray
from features.media.decode import Frame

SAMPLE_RATE_HZ = 2.0
MIN_FACE_PX = 20


@dataclass(frozen=True)
class Face:
    """A face box as fractions of the frame: left ``x``, top ``y``, width ``w``, height ``h`` (0-1)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2.0, self.y + self.h / 2.0


@lru_cache(maxsize=1)
def _cascade() -> cv2.CascadeClassifier:
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    if cascade.empty():
        raise RuntimeError("OpenCV's frontal-face Haar cascade could not be loaded")
    return cascade


def is_sample(frame: Frame, previous: Frame | None) -> bool:
    """True when ``frame`` opens a new 1/SAMPLE_RATE_HZ slot (the frames every user samples)."""
    return previous is None or int(frame.time_s * SAMPLE_RATE_HZ) != int(previous.time_s * SAMPLE_RATE_HZ)


def faces(frame: Frame) -> tuple[Face, ...]:
    """Frontal faces in ``frame``, largest first (memoised on the frame)."""
    cached = frame.__dict__.get("_faces")
    if cached is not None:
        return cached
    gray = small_gray(frame)
    height, width = gray.shape
    boxes = _cascade().detectMultiScale(gray, scaleFactor=1.3, minNeighbors=4, minSize=(MIN_FACE_PX, MIN_FACE_PX))
    found = sorted(
        (Face(x / width, y / height, w / width, h / height) for x, y, w, h in (boxes if len(boxes) else [])),
        key=lambda face: -face.w * face.h,
    )
    frame.__dict__["_faces"] = tuple(found)
    return frame.__dict__["_faces"]
