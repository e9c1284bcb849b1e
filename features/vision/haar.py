"""The fallback face detector: OpenCV's frontal-face Haar cascade, used only when ``yuface`` is missing.

``haarcascade_frontalface_default.xml`` from ``cv2.data.haarcascades``
(opencv-python-headless 4.x) on the luma at half analysis size (short side 144 px),
smallest face 20 px, scale step 1.3, 4 neighbours. It has no landmarks or scores
(score 1.0) and fires on face-like patterns such as printed faces on packaging.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from features.vision.yunet import FaceBox

MIN_FACE_PX = 20


@lru_cache(maxsize=1)
def _cascade() -> cv2.CascadeClassifier:
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    if cascade.empty():
        raise RuntimeError("OpenCV's frontal-face Haar cascade could not be loaded")
    return cascade


def detect(gray: np.ndarray) -> list[FaceBox]:
    """Frontal faces in a luma image, largest first."""
    height, width = gray.shape
    boxes = _cascade().detectMultiScale(gray, scaleFactor=1.3, minNeighbors=4, minSize=(MIN_FACE_PX, MIN_FACE_PX))
    found = [FaceBox(x / width, y / height, w / width, h / height, 1.0) for x, y, w, h in (boxes if len(boxes) else [])]
    return sorted(found, key=lambda face: -face.w * face.h)
