"""Which frames the detectors look at: a steady rate plus the first frame of every new shot.

:class:`FrameSampler` picks the first frame of each ``1 / rate`` s slot and, because a
cut changes what is on screen at once, also the first frame at least 0.1 s after a
cut-like change (the half-size HSV content change of :func:`features.frame_cache.frame_change`
above ``CUT_SCORE``, PySceneDetect's content score), unless a sample was taken less
than 0.2 s before. Its decisions depend only on the frames pushed, so every
extractor that owns one samples the same frames and the memoised detections
(:func:`features.faces.faces`, :func:`features.hands.hands`) are computed once.
"""

from __future__ import annotations

from features.frame_cache import frame_change
from features.media.decode import Frame

CUT_SCORE = 30.0
AFTER_CUT_S = 0.1
MIN_GAP_S = 0.2


class FrameSampler:
    """Push every frame in order to :meth:`wants`; True for the frames to analyse."""

    def __init__(self, rate_hz: float) -> None:
        if not 0 < rate_hz <= 30:
            raise ValueError(f"rate_hz must be in (0, 30], got {rate_hz!r}")
        self.rate_hz = rate_hz
        self.reset()

    def reset(self) -> None:
        self._previous: Frame | None = None
        self._last_sample_s = float("-inf")
        self._cut_s: float | None = None
        self.last_cut_s: float | None = None

    def wants(self, frame: Frame) -> bool:
        previous, self._previous = self._previous, frame
        if previous is not None:
            change = frame_change(frame, previous)
            if (change.hue + change.saturation + change.value) / 3.0 >= CUT_SCORE:
                self._cut_s = frame.time_s
                self.last_cut_s = frame.time_s
        new_slot = previous is None or int(frame.time_s * self.rate_hz) != int(previous.time_s * self.rate_hz)
        after_cut = (self._cut_s is not None and frame.time_s >= self._cut_s + AFTER_CUT_S
                     and frame.time_s - self._last_sample_s >= MIN_GAP_S)
        if new_slot or after_cut:
            self._last_sample_s = frame.time_s
            if after_cut or (self._cut_s is not None and frame.time_s >= self._cut_s + AFTER_CUT_S):
                self._cut_s = None
            return True
        return False


def durations(times: list[float], end_s: float, step_s: float) -> list[float]:
    """How long each sample stands for: until the next sample, at most ``step_s`` (and never past ``end_s``)."""
    out = []
    for i, time_s in enumerate(times):
        stop = times[i + 1] if i + 1 < len(times) else end_s
        out.append(max(0.0, min(stop, time_s + step_s, max(end_s, time_s)) - time_s))
    return out


def share(flags: list[bool], weights: list[float]) -> float:
    """Duration-weighted share of flagged samples (0 when nothing was sampled)."""
    total = sum(weights)
    if total <= 0:
        return sum(flags) / len(flags) if flags else 0.0
    return sum(w for f, w in zip(flags, weights) if f) / total


def sample_ranges(times: list[float], flags: list[bool], end_s: float, step_s: float) -> list[tuple[float, float, list[int]]]:
    """Runs of consecutive flagged samples as (start_s, end_s, sample indices); each sample lasts as
    :func:`durations` says."""
    ranges: list[tuple[float, float, list[int]]] = []
    spans = durations(times, end_s, step_s)
    for i, (time_s, flag, length) in enumerate(zip(times, flags, spans)):
        if not flag:
            continue
        stop = time_s + max(length, 1e-3)
        if ranges and ranges[-1][2][-1] == i - 1:
            ranges[-1] = (ranges[-1][0], stop, ranges[-1][2] + [i])
        else:
            ranges.append((time_s, stop, [i]))
    return ranges
