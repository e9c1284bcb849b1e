"""Face signals: how much of the video shows a face, how big, a presenter talking to camera, close-ups.

``FacesExtractor`` runs the face detector (:mod:`features.faces`: YuNet at two
scales, Haar only as a fallback) on the frames chosen by
:class:`features.sampling.FrameSampler` (``sample_fps`` a second plus the first frame of
every shot) and weights each sample by the time it stands for. A sample shows a
*talking head* when its largest face is at least 12 % of the frame height and centred
(centre x in 0.2-0.8) and a *close-up* when the face is at least 25 % of the frame
height. Events "face" carry each run's time range, the median box of its largest face
([x, y, w, h] in fractions of the frame) and the most faces seen at once.
Exposed through ``vidscore score``; listed by ``vidscore features``.
"""

from __future__ import annotations

import numpy as np

from features.base import Event, Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.detector_settings import DetectorSettings
from features.faces import Face, faces
from features.media.decode import Frame
from features.sampling import FrameSampler, durations, sample_ranges, share

TALKING_HEAD_MIN_HEIGHT = 0.12  # face height / frame height
CLOSEUP_MIN_HEIGHT = 0.25


def median_box(found: list[Face]) -> list[float]:
    """Median [x0, y0, x1, y1] of ``found`` (fractions of the frame, like screen-text boxes), rounded for an event."""
    x, y, w, h = np.median([(f.x, f.y, f.w, f.h) for f in found], axis=0)
    return [round(float(v), 3) for v in (x, y, x + w, y + h)]


class FacesExtractor(Extractor):
    """Face share, size, position, talking-head and close-up shares from sampled frames."""

    name = "faces"
    version = "2"
    inputs = frozenset({Input.FRAMES})
    signals = (
        SignalSpec("face_share", "0-1", "Share of the video (sampled frames, time-weighted) showing a face "
                   "(YuNet; at least 4% of the frame height)", 0.0, 1.0),
        SignalSpec("face_size", "0-1", "Median height of the largest face / frame height, when a face shows "
                   "(0 when none)", 0.0, 1.0),
        SignalSpec("face_position_y", "0-1", "Median vertical centre of the largest face (0 top, 1 bottom); "
                   "null when no face", 0.0, 1.0),
        SignalSpec("talking_head_share", "0-1", "Share of the video with a centred face >= 12% of the "
                   "frame height (presenter to camera)", 0.0, 1.0),
        SignalSpec("closeup_share", "0-1", "Share of the video with a face >= 25% of the frame height",
                   0.0, 1.0),
    )

    def __init__(self, settings: DetectorSettings | None = None) -> None:
        self.settings = settings or DetectorSettings()
        self._sampler = FrameSampler(self.settings.sample_fps)

    def start(self, context: VideoContext) -> None:
        self._sampler.reset()
        self._times: list[float] = []
        self._faces: list[tuple[Face, ...]] = []
        self._last_s = 0.0

    def process_frame(self, frame: Frame) -> None:
        self._last_s = frame.time_s
        if self._sampler.wants(frame):
            self._times.append(frame.time_s)
            self._faces.append(faces(frame, self.settings))

    def samples(self) -> list[tuple[float, tuple[Face, ...]]]:
        """(time_s, faces) of every sampled frame of the last video (for benchmarks and debugging)."""
        return list(zip(self._times, self._faces))

    def finish(self, context: VideoContext) -> ExtractorOutput:
        if not self._times:
            return ExtractorOutput()
        step = 1.0 / self.settings.sample_fps
        end_s = max(context.info.duration_s, self._last_s)
        weights = durations(self._times, end_s, step)
        largest = [found[0] if found else None for found in self._faces]
        sizes = [f for f in largest if f is not None]
        talking = [f is not None and f.h >= TALKING_HEAD_MIN_HEIGHT and 0.2 <= f.centre[0] <= 0.8 for f in largest]
        events = [
            Event("face", a, b, {"box": median_box([largest[i] for i in idx if largest[i] is not None]),
                                 "faces": max(len(self._faces[i]) for i in idx)})
            for a, b, idx in sample_ranges(self._times, [f is not None for f in largest], end_s, step)
        ]
        return ExtractorOutput(
            signals={
                "face_share": share([f is not None for f in largest], weights),
                "face_size": float(np.median([f.h for f in sizes])) if sizes else 0.0,
                "face_position_y": float(np.median([f.centre[1] for f in sizes])) if sizes else None,
                "talking_head_share": share(talking, weights),
                "closeup_share": share([f is not None and f.h >= CLOSEUP_MIN_HEIGHT for f in largest], weights),
            },
            events=events,
        )
