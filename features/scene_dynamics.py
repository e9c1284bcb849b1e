"""Scene dynamics: hard cuts, shot lengths, motion energy and the 3-second hook.

``SceneDynamicsExtractor`` consumes frames pushed by the shared decode pass.
Cuts are found with the HSV content-difference score of PySceneDetect's
``ContentDetector`` (mean absolute change of hue, saturation and luma between
consecutive frames, 0-255) and a minimum shot length. Exposed through
``vidscore score`` (signals ``cuts_per_minute``, ``mean_shot_s``, ``motion_energy``,
``hook_motion``) and listed by ``vidscore features``.
"""

from __future__ import annotations

import numpy as np

from features.base import Event, Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from scorer.decode import Frame

HOOK_SECONDS = 3.0


class SceneDynamicsExtractor(Extractor):
    """Hard cuts and motion from consecutive analysis frames.

    Args:
        threshold: content score (0-255) above which a frame starts a new shot; default 27.
        min_shot_s: shortest accepted shot in seconds; default 0.4.
    """

    name = "scene_dynamics"
    version = "1"
    inputs = frozenset({Input.FRAMES})
    signals = (
        SignalSpec("cuts_per_minute", "1/min", "Hard cuts per minute of video", 0.0, 600.0),
        SignalSpec("mean_shot_s", "s", "Mean shot length", 0.0, 36000.0),
        SignalSpec("motion_energy", "0-1", "Mean absolute luma change between consecutive frames (x10, capped)", 0.0, 1.0),
        SignalSpec("hook_motion", "0-1", "Motion plus cuts in the first 3 s (the hook)", 0.0, 1.0),
    )

    def __init__(self, threshold: float = 27.0, min_shot_s: float = 0.4) -> None:
        if not 0 < threshold < 255:
            raise ValueError(f"threshold must be in (0, 255), got {threshold!r}")
        if min_shot_s < 0:
            raise ValueError(f"min_shot_s must be >= 0, got {min_shot_s!r}")
        self.threshold = threshold
        self.min_shot_s = min_shot_s

    def start(self, context: VideoContext) -> None:
        self._previous_hsv: np.ndarray | None = None
        self._previous_gray: np.ndarray | None = None
        self._cuts: list[float] = []
        self._motion: list[tuple[float, float]] = []
        self._first_s: float | None = None
        self._last_s = 0.0

    def process_frame(self, frame: Frame) -> None:
        hsv = frame.hsv.astype(np.int16)
        gray = frame.gray.astype(np.int16)
        if self._first_s is None:
            self._first_s = frame.time_s
        if self._previous_hsv is not None:
            content = float(np.mean(np.abs(hsv - self._previous_hsv)))
            motion = float(np.mean(np.abs(gray - self._previous_gray))) / 255.0
            last_cut = self._cuts[-1] if self._cuts else self._first_s
            if content >= self.threshold and frame.time_s - last_cut >= self.min_shot_s:
                self._cuts.append(frame.time_s)
            else:
                self._motion.append((frame.time_s, motion))
        self._previous_hsv, self._previous_gray = hsv, gray
        self._last_s = frame.time_s

    def finish(self, context: VideoContext) -> ExtractorOutput:
        duration = max(context.info.duration_s, self._last_s, 1e-6)
        shots = len(self._cuts) + 1
        motion = np.array([m for _, m in self._motion]) if self._motion else np.zeros(1)
        hook = [m for t, m in self._motion if t < HOOK_SECONDS] or [0.0]
        hook_cuts = sum(1 for t in self._cuts if t < HOOK_SECONDS)
        events = [Event("cut", t, t, {}) for t in self._cuts]
        return ExtractorOutput(
            signals={
                "cuts_per_minute": len(self._cuts) * 60.0 / duration,
                "mean_shot_s": duration / shots,
                "motion_energy": min(1.0, float(np.mean(motion)) * 10.0),
                "hook_motion": min(1.0, float(np.mean(hook)) * 10.0 + 0.25 * hook_cuts),
            },
            events=events,
        )
