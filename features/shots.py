"""Shot segmentation: hard cuts and fades from frames pushed by the shared decode pass.

The cut detector follows PySceneDetect (Castellano, BSD-3-Clause;
https://www.scenedetect.com/docs/latest/api/detectors.html):

* frame score = ``ContentDetector``'s ``content_val``: the mean absolute change of
  hue, saturation and value (HSV, 0-255) between consecutive frames, weights 1/1/1;
* a frame starts a new shot when ``AdaptiveDetector``'s rule holds: its score is at
  least ``adaptive_threshold`` (3.0) times the mean score of the ``window`` (2)
  frames on each side and at least ``min_content`` (15), or, as a safety net for
  cuts inside very busy footage, the plain ``ContentDetector`` rule ``score >=
  content_threshold`` (60; PySceneDetect's default 27 fires on fast motion);
* two changes of ours: when both frames are nearly grey (mean saturation below
  ``gray_saturation``) or one is nearly black (mean value below ``dark_value``),
  the score is the value (luma) change only, because hue and saturation are
  noise there (PySceneDetect's ``luma_only`` option, chosen automatically); and
  the minimum shot length is ``min_shot_s`` seconds (0.2 s) instead of 15 frames,
  because short-video edits often hold a shot for under half a second.

Fades follow PySceneDetect's ``ThresholdDetector`` idea: a run of black frames
(mean value below ``black_value``) entered or left by a gradual ramp of at least
``min_fade_frames`` frames is a fade out/in, and no cut is reported inside it; an
abrupt entry or exit is a cut (and is found by the cut rule above). Scores are computed at half analysis size
on the memoised :func:`features.frame_cache.frame_change`.

Used by the scene-dynamics, camera-motion, framing and product-display
extractors (``vidscore score``); ``benchmarks/bench_scenecut.py`` measures it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.frame_cache import frame_change
from features.media.decode import Frame


@dataclass(frozen=True)
class Cut:
    """A hard cut: decoder ``index``, ``position`` in the pushed sequence and ``time_s`` of the first frame
    of the new shot; ``score`` its content score (0-255)."""

    index: int
    position: int
    time_s: float
    score: float


@dataclass(frozen=True)
class Fade:
    """A gradual fade ``direction`` "in" (from black) or "out" (to black) over ``start_s``-``end_s`` (s)."""

    direction: str
    start_s: float
    end_s: float
    start_index: int
    end_index: int


@dataclass(frozen=True)
class Shot:
    """One shot from ``start_s`` to ``end_s`` (s), first and last frame positions in the pushed sequence."""

    start_s: float
    end_s: float
    first: int
    last: int

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class Segmentation:
    """Cuts, fades and the resulting shots of one video, plus per-frame arrays (one entry per pushed frame):
    ``times`` (s), content ``scores`` (0-255), mean HSV ``values`` (0-255) and ``value_changes`` (mean
    absolute change of the value plane from the previous frame, 0-255; 0 for the first frame)."""

    cuts: tuple[Cut, ...]
    fades: tuple[Fade, ...]
    shots: tuple[Shot, ...]
    times: np.ndarray
    scores: np.ndarray
    values: np.ndarray
    value_changes: np.ndarray


class ShotDetector:
    """Push every frame in order with :meth:`push`, then call :meth:`segment`.

    Args:
        adaptive_threshold: score / mean neighbour score needed for a cut (> 1; default 3.0).
        min_content: lowest content score (0-255) of an adaptive cut (default 15).
        window: neighbour frames on each side for the adaptive mean (1-10; default 2).
        content_threshold: content score (0-255) that is a cut on its own (default 60).
        min_shot_s: shortest shot in seconds (0-5; default 0.2).
        gray_saturation: mean saturation (0-255) below which a frame counts as grey (default 20).
        dark_value: mean value (0-255) below which a frame counts as dark (default 20).
        black_value: mean value (0-255) below which a frame counts as black for fades (default 16).
        min_fade_frames: shortest brightness ramp that makes a fade (>= 2; default 3).
    """

    def __init__(
        self,
        adaptive_threshold: float = 3.0,
        min_content: float = 15.0,
        window: int = 2,
        content_threshold: float = 60.0,
        min_shot_s: float = 0.2,
        gray_saturation: float = 20.0,
        dark_value: float = 20.0,
        black_value: float = 16.0,
        min_fade_frames: int = 3,
    ) -> None:
        if adaptive_threshold <= 1.0:
            raise ValueError(f"adaptive_threshold must be > 1, got {adaptive_threshold!r}")
        for label, value in (("min_content", min_content), ("content_threshold", content_threshold),
                             ("gray_saturation", gray_saturation), ("dark_value", dark_value),
                             ("black_value", black_value)):
            if not 0 <= value <= 255:
                raise ValueError(f"{label} must be in [0, 255], got {value!r}")
        if not 1 <= window <= 10:
            raise ValueError(f"window must be in [1, 10], got {window!r}")
        if not 0 <= min_shot_s <= 5:
            raise ValueError(f"min_shot_s must be in [0, 5], got {min_shot_s!r}")
        if min_fade_frames < 2:
            raise ValueError(f"min_fade_frames must be >= 2, got {min_fade_frames!r}")
        self.adaptive_threshold = adaptive_threshold
        self.min_content = min_content
        self.window = window
        self.content_threshold = content_threshold
        self.min_shot_s = min_shot_s
        self.gray_saturation = gray_saturation
        self.dark_value = dark_value
        self.black_value = black_value
        self.min_fade_frames = min_fade_frames
        self.reset()

    def reset(self) -> None:
        """Forget the previous video."""
        self._previous: Frame | None = None
        self._previous_sat = 0.0
        self._previous_val = 0.0
        self._times: list[float] = []
        self._indices: list[int] = []
        self._scores: list[float] = []
        self._values: list[float] = []
        self._value_changes: list[float] = []

    def push(self, frame: Frame) -> None:
        """Score ``frame`` against the previously pushed one."""
        change = frame_change(frame, self._previous)
        if self._previous is None:
            score = 0.0
        elif (max(change.mean_saturation, self._previous_sat) < self.gray_saturation
              or min(change.mean_value, self._previous_val) < self.dark_value):
            score = change.value
        else:
            score = (change.hue + change.saturation + change.value) / 3.0
        self._previous, self._previous_sat, self._previous_val = frame, change.mean_saturation, change.mean_value
        self._times.append(frame.time_s)
        self._indices.append(frame.index)
        self._scores.append(score)
        self._values.append(change.mean_value)
        self._value_changes.append(change.value)

    def segment(self, duration_s: float | None = None) -> Segmentation:
        """Cuts, fades and shots of everything pushed since :meth:`reset`; ``duration_s`` closes the last shot."""
        times = np.asarray(self._times, dtype=np.float64)
        scores = np.asarray(self._scores, dtype=np.float64)
        values = np.asarray(self._values, dtype=np.float64)
        fades = self._fades(times, values)
        cuts = [cut for cut in self._cuts(times, scores)
                if not any(f.start_index <= cut.index <= f.end_index for f in fades)]
        end = max(duration_s or 0.0, float(times[-1]) if times.size else 0.0)
        if times.size > 1:
            end = max(end, float(times[-1] + np.median(np.diff(times))))
        starts = [0] + [cut.position for cut in cuts]
        shots = []
        for number, first in enumerate(starts):
            last = starts[number + 1] - 1 if number + 1 < len(starts) else max(0, times.size - 1)
            start_s = 0.0 if number == 0 else float(times[first])
            end_s = float(times[starts[number + 1]]) if number + 1 < len(starts) else end
            shots.append(Shot(start_s, end_s, first, last))
        changes = np.asarray(self._value_changes, dtype=np.float64)
        return Segmentation(tuple(cuts), tuple(fades), tuple(shots), times, scores, values, changes)

    def _cuts(self, times: np.ndarray, scores: np.ndarray) -> list[Cut]:
        cuts: list[Cut] = []
        count, w = scores.size, self.window
        last_cut_s = -np.inf
        for i in range(1, count):
            score = scores[i]
            is_cut = score >= self.content_threshold
            if not is_cut and w <= i - 1 and i + w < count and score >= self.min_content:
                neighbours = (scores[i - w : i].sum() + scores[i + 1 : i + w + 1].sum()) / (2 * w)
                ratio = score / neighbours if neighbours > 1e-5 else 255.0
                is_cut = ratio >= self.adaptive_threshold
            if is_cut and times[i] - last_cut_s >= self.min_shot_s:
                cuts.append(Cut(self._indices[i], i, float(times[i]), float(score)))
                last_cut_s = times[i]
        return cuts

    def _fades(self, times: np.ndarray, values: np.ndarray) -> list[Fade]:
        fades: list[Fade] = []
        black = values < self.black_value
        count = values.size
        i = 0
        while i < count:
            if not black[i]:
                i += 1
                continue
            j = i
            while j + 1 < count and black[j + 1]:
                j += 1
            # fade out: values fall steadily into the black run that starts at i
            k = i
            while k - 1 >= 0 and values[k - 1] > values[k] + 0.2:
                k -= 1
            if i - k >= self.min_fade_frames and values[k] >= 2 * self.black_value:
                fades.append(Fade("out", float(times[k]), float(times[i]), self._indices[k], self._indices[i]))
            # fade in: values rise steadily out of the black run that ends at j
            k = j
            while k + 1 < count and values[k + 1] > values[k] + 0.2:
                k += 1
            if k - j >= self.min_fade_frames and values[k] >= 2 * self.black_value:
                fades.append(Fade("in", float(times[j]), float(times[k]), self._indices[j], self._indices[k]))
            i = j + 1
        return fades
