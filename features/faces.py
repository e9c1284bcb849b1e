"""Faces in an analysis frame, memoised per frame: YuNet at two scales, or OpenCV's Haar cascade as a fallback.

The default detector is YuNet from the ``yuface`` wheel
(:mod:`features.vision.yunet`: long sides 160 and 320 px merged by NMS, score >= 0.6),
with boxes, five landmarks and a score; a face on a product label or a poster is
mostly not a face to it. When ``yuface`` is not installed the Haar cascade of
:mod:`features.vision.haar` is used and one warning line naming the package is
printed once per process. Faces smaller than ``MIN_FACE_HEIGHT`` of the frame height
are dropped (faces far in the background are not what a viewer looks at).
Used by the faces, framing and product-display extractors (``vidscore score``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache

from features.detector_settings import DetectorSettings
from features.frame_cache import small_gray
from features.media.decode import Frame
from features.vision import haar, yunet

MIN_FACE_HEIGHT = 0.04
DEFAULT_SETTINGS = DetectorSettings()


@dataclass(frozen=True)
class Face:
    """A face box as fractions of the frame: left ``x``, top ``y``, width ``w``, height ``h`` (0-1), the
    detector's score (0-1) and five (x, y) landmarks (eyes, nose tip, mouth corners; none from Haar)."""

    x: float
    y: float
    w: float
    h: float
    score: float = 1.0
    landmarks: tuple[tuple[float, float], ...] = ()

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2.0, self.y + self.h / 2.0

    def as_detail(self) -> dict[str, object]:
        """The box for an event's detail: [x, y, w, h] in fractions of the frame, and the score."""
        return {"box": [round(v, 3) for v in (self.x, self.y, self.w, self.h)], "score": round(self.score, 2)}


@lru_cache(maxsize=1)
def backend() -> str:
    """"yunet" when yuface is installed, else "haar" (warned about once)."""
    if yunet.available():
        return "yunet"
    print("vidscore: warning: yuface is not installed, faces fall back to OpenCV's Haar cascade (pip install yuface)",
          file=sys.stderr)
    return "haar"


def faces(frame: Frame, settings: DetectorSettings | None = None) -> tuple[Face, ...]:
    """Faces in ``frame``, largest first (memoised on the frame per scales and score)."""
    settings = settings or DEFAULT_SETTINGS
    key = (settings.face_scales, settings.face_min_score)
    cached = frame.__dict__.get("_faces")
    if cached is not None and cached[0] == key:
        return cached[1]
    if backend() == "yunet":
        boxes = yunet.detect(frame.bgr, settings.face_scales, settings.face_min_score)
    else:
        boxes = haar.detect(small_gray(frame))
    found = sorted((Face(b.x, b.y, b.w, b.h, b.score, b.landmarks) for b in boxes if b.h >= MIN_FACE_HEIGHT),
                   key=lambda face: -face.w * face.h)
    frame.__dict__["_faces"] = (key, tuple(found))
    return frame.__dict__["_faces"][1]
