"""Picture quality: sharpness, exposure, contrast and colourfulness of the analysis frames.

``PictureQualityExtractor`` samples pushed frames about ``samples_per_second``
times a second and averages per-frame measures. Exposed through
``vidscore score`` and listed by ``vidscore features``.
"""

from __future__ import annotations

import cv2
import numpy as np

from features.base import Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from scorer.decode import Frame


def colorfulness(bgr: np.ndarray) -> float:
    """Hasler-Suesstrunk colourfulness of a BGR uint8 image (0 grey, ~100+ very colourful)."""
    b, g, r = (bgr[..., i].astype(np.float32) for i in range(3))
    rg = r - g
    yb = 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


class PictureQualityExtractor(Extractor):
    """Technical picture quality from sampled analysis frames.

    Args:
        samples_per_second: frames measured per second of video (0.5-30); default 4.
    """

    name = "picture_quality"
    version = "1"
    inputs = frozenset({Input.FRAMES})
    signals = (
        SignalSpec("sharpness", "0-1", "Variance of the Laplacian of luma at analysis size, log-scaled", 0.0, 1.0),
        SignalSpec("brightness", "0-1", "Mean luma", 0.0, 1.0),
        SignalSpec("contrast", "0-1", "Standard deviation of luma (x4, capped)", 0.0, 1.0),
        SignalSpec("colorfulness", "0-1", "Hasler-Suesstrunk colourfulness / 100, capped", 0.0, 1.0),
    )

    def __init__(self, samples_per_second: float = 4.0) -> None:
        if not 0.5 <= samples_per_second <= 30:
            raise ValueError(f"samples_per_second must be in [0.5, 30], got {samples_per_second!r}")
        self.samples_per_second = samples_per_second

    def start(self, context: VideoContext) -> None:
        self._next_s = -1.0
        self._rows: list[tuple[float, float, float, float]] = []

    def process_frame(self, frame: Frame) -> None:
        if frame.time_s < self._next_s:
            return
        self._next_s = frame.time_s + 1.0 / self.samples_per_second
        gray = frame.gray
        laplacian = float(cv2.Laplacian(gray, cv2.CV_32F).var())
        self._rows.append(
            (
                min(1.0, np.log1p(laplacian) / np.log1p(2000.0)),
                float(gray.mean()) / 255.0,
                min(1.0, float(gray.std()) / 255.0 * 4.0),
                min(1.0, colorfulness(frame.bgr) / 100.0),
            )
        )

    def finish(self, context: VideoContext) -> ExtractorOutput:
        if not self._rows:
            return ExtractorOutput()
        means = np.mean(np.array(self._rows), axis=0)
        return ExtractorOutput(
            signals=dict(zip(("sharpness", "brightness", "contrast", "colorfulness"), map(float, means)))
        )
