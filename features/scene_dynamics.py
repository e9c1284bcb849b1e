"""Scene dynamics: cuts, fades, shot lengths, motion energy, still stretches and the 3-second hook.

``SceneDynamicsExtractor`` consumes every frame of the shared decode pass. Cuts and
fades come from :class:`features.shots.ShotDetector` (PySceneDetect's
Adaptive/Content detector rules, see that module). Motion energy is the mean
absolute change of the HSV value plane between consecutive half-size frames.
Still stretches (a frozen picture or slideshow image) are found ``samples_per_second``
times a second from the share of pixels whose luma changed by more than 6 levels (quarter-size, blurred)
against the previous sample. Exposed through ``vidscore score`` (signals below,
events "cut", "fade", "still") and listed by ``vidscore features``.
"""

from __future__ import annotations

import cv2
import numpy as np

from features.base import Event, Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.frame_cache import tiny_gray
from features.media.decode import Frame
from features.shots import Segmentation, ShotDetector

HOOK_SECONDS = 3.0
PIXEL_CHANGE_LEVEL = 6  # luma levels (0-255) a pixel must change by to count as changed
REFERENCE_FPS = 30.0  # motion energy is expressed per 1/30 s


class SceneDynamicsExtractor(Extractor):
    """Pacing and motion from consecutive analysis frames.

    Args:
        samples_per_second: still-detection samples per second (1-15; default 4).
        still_change_share: changed-pixel share (0-1) below which two samples count as still (default 0.001).
        min_still_s: shortest still stretch reported, seconds (> 0; default 1.5).
    """

    name = "scene_dynamics"
    version = "2"
    inputs = frozenset({Input.FRAMES})
    signals = (
        SignalSpec("cuts_per_minute", "1/min", "Hard cuts per minute of video", 0.0, 600.0),
        SignalSpec("mean_shot_s", "s", "Mean shot length (cuts only; fades do not split shots)", 0.0, 36000.0),
        SignalSpec("median_shot_s", "s", "Median shot length", 0.0, 36000.0),
        SignalSpec("fade_count", "count", "Gradual fades to or from black", 0.0, 10000.0),
        SignalSpec("motion_energy", "0-1",
                   "Mean absolute HSV-value change between consecutive frames inside shots, "
                   "per 1/30 s, / 25.5 (0.1 = 2.55 levels), capped", 0.0, 1.0),
        SignalSpec("hook_cuts", "count", "Hard cuts in the first 3 s", 0.0, 1000.0),
        SignalSpec("hook_motion", "0-1", "Hook strength: motion energy in the first 3 s + 0.25 per cut there, capped",
                   0.0, 1.0),
        SignalSpec("still_share", "0-1", "Share of the video in still stretches (frozen picture/slideshow >= 1.5 s)",
                   0.0, 1.0),
        SignalSpec("longest_still_s", "s", "Longest still stretch", 0.0, 36000.0),
    )

    def __init__(self, samples_per_second: float = 4.0, still_change_share: float = 0.001,
                 min_still_s: float = 1.5) -> None:
        if not 1 <= samples_per_second <= 15:
            raise ValueError(f"samples_per_second must be in [1, 15], got {samples_per_second!r}")
        if not 0 < still_change_share < 1:
            raise ValueError(f"still_change_share must be in (0, 1), got {still_change_share!r}")
        if min_still_s <= 0:
            raise ValueError(f"min_still_s must be > 0, got {min_still_s!r}")
        self.samples_per_second = samples_per_second
        self.still_change_share = still_change_share
        self.min_still_s = min_still_s
        self._detector = ShotDetector()

    def start(self, context: VideoContext) -> None:
        self._detector.reset()
        self._sample_slot = -1
        self._sample_gray: np.ndarray | None = None
        self._sample_s = 0.0
        self._samples: list[tuple[float, float, float]] = []  # (previous sample s, time_s, changed share)

    def process_frame(self, frame: Frame) -> None:
        self._detector.push(frame)
        slot = int(frame.time_s * self.samples_per_second)
        if slot == self._sample_slot:
            return
        self._sample_slot = slot
        gray = tiny_gray(frame)
        if self._sample_gray is not None and self._sample_gray.shape == gray.shape:
            changed = cv2.absdiff(gray, self._sample_gray) > PIXEL_CHANGE_LEVEL
            self._samples.append((self._sample_s, frame.time_s, float(np.count_nonzero(changed)) / changed.size))
        self._sample_gray, self._sample_s = gray, frame.time_s

    def finish(self, context: VideoContext) -> ExtractorOutput:
        seg = self._detector.segment(context.info.duration_s)
        if seg.times.size == 0:
            return ExtractorOutput()
        duration = max(seg.shots[-1].end_s, 1e-6)
        shot_lengths = np.array([shot.duration_s for shot in seg.shots])
        motion, motion_times = _motion_per_frame(seg)
        hook = motion[motion_times < HOOK_SECONDS]
        hook_cuts = sum(1 for cut in seg.cuts if cut.time_s < HOOK_SECONDS)
        stills = self._stills(duration)
        still_total = sum(end - start for start, end in stills)
        events = [Event("cut", c.time_s, c.time_s, {"score": round(c.score, 1)}) for c in seg.cuts]
        events += [Event("fade", f.start_s, f.end_s, {"direction": f.direction}) for f in seg.fades]
        events += [Event("still", start, end, {}) for start, end in stills]
        return ExtractorOutput(
            signals={
                "cuts_per_minute": len(seg.cuts) * 60.0 / duration,
                "mean_shot_s": float(shot_lengths.mean()),
                "median_shot_s": float(np.median(shot_lengths)),
                "fade_count": len(seg.fades),
                "motion_energy": min(1.0, float(motion.mean()) / 25.5) if motion.size else 0.0,
                "hook_cuts": hook_cuts,
                "hook_motion": min(1.0, (float(hook.mean()) / 25.5 if hook.size else 0.0) + 0.25 * hook_cuts),
                "still_share": min(1.0, still_total / duration),
                "longest_still_s": max((end - start for start, end in stills), default=0.0),
            },
            events=events,
        )

    def _stills(self, duration: float) -> list[tuple[float, float]]:
        """(start_s, end_s) stretches where consecutive samples barely change, at least ``min_still_s`` long."""
        stretches: list[tuple[float, float]] = []
        start: float | None = None
        previous_t = 0.0
        for before_s, time_s, share in self._samples:
            if share < self.still_change_share:
                if start is None:
                    start = before_s
            elif start is not None:
                if previous_t - start >= self.min_still_s:
                    stretches.append((start, previous_t))
                start = None
            previous_t = time_s
        if start is not None and duration - start >= self.min_still_s:
            stretches.append((start, duration))  # still up to the end of the video
        return stretches


def _motion_per_frame(seg: Segmentation) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame value change (0-255) scaled to a 1/30 s step and its times; the first frame and cut frames
    are left out."""
    if seg.times.size < 2:
        return np.zeros(0), np.zeros(0)
    steps = np.clip(np.diff(seg.times) * REFERENCE_FPS, 0.5, 3.0)
    change = seg.value_changes[1:] / steps
    keep = np.ones(seg.times.size - 1, dtype=bool)
    for cut in seg.cuts:
        keep[cut.position - 1] = False
    return change[keep], seg.times[1:][keep]
