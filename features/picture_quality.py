"""Picture quality: sharpness, exposure, contrast, colour, noise, compression, bars, frame rate.

``PictureQualityExtractor`` measures sampled frames of the shared decode pass:

* at analysis size (short side 288), ``samples_per_second`` times a second: brightness,
  contrast, clipped highlights, crushed shadows, colourfulness and black bars; sharpness
  at half that size (short side 144, where area averaging has removed most pixel noise),
  as Laplacian energy less the part the picture's own estimated noise adds, so grain
  does not read as detail;
* at the coded size (where the codec's 8x8 block grid still exists), on the central
  512 x 512 px, about ``native_samples`` times per video: noise (Immerkaer's estimator
  on flat areas) and blockiness (excess luma-step energy across the 8- or 16-pixel grid
  lines, with the noise's share of the step energy removed so grain does not hide it);
* on every frame (through the memoised frame change): the effective frame rate,
  i.e. frames per second that differ from the previous one.

``picture_quality`` combines them into one 0-1 sub-score for the rubric. Exposed
through ``vidscore score`` and listed by ``vidscore features``.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from features.base import Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.frame_cache import frame_change
from features.media.decode import Frame

SHARPNESS_SHORT_SIDE = 144  # short side (px) at which sharpness is measured
SHARPNESS_LOG_MAX = math.log1p(10000.0)  # Laplacian energy (levels^2, noise share removed) that maps to sharpness 1
CRUSHED_LEVEL = 10  # luma (0-255, full range) at or below which a pixel is crushed to black (~4 % of white)
BAR_LEVEL = 20  # luma (0-255) below which a uniform border row/column can be a letterbox bar
BAR_SPREAD = 2.0  # luma standard deviation (0-255) above which a dark row/column is picture, not a bar
NATIVE_CROP_PX = 512  # side of the central coded-size crop measured for noise and blockiness
DUPLICATE_CHANGE = 0.05  # mean HSV-value change (0-255) below which a frame repeats the previous one
_IMMERKAER = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)


def colorfulness(bgr: np.ndarray) -> float:
    """Hasler-Suesstrunk colourfulness of a BGR uint8 image (0 grey, ~100+ very colourful)."""
    b, g, r = (bgr[..., i].astype(np.float32) for i in range(3))
    rg = r - g
    yb = 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def flat_half(image: np.ndarray) -> np.ndarray:
    """Mask of the flattest half of float32 ``image`` without its 1-px border: Sobel |gx| + |gy| at or
    below the median, i.e. the pixels away from edges and texture."""
    gx = cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=3)[1:-1, 1:-1]
    gy = cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=3)[1:-1, 1:-1]
    magnitude = np.abs(gx) + np.abs(gy)
    return magnitude <= np.median(magnitude)


def immerkaer_sigma(image: np.ndarray) -> float:
    """Noise standard deviation (levels) of float32 ``image`` (at least 3 x 3), Immerkaer (1996) on its
    flattest half: the 3x3 kernel cancels smooth gradients, edges and texture are left out."""
    response = np.abs(cv2.filter2D(image, -1, _IMMERKAER))[1:-1, 1:-1]
    return float(math.sqrt(math.pi / 2.0) / 6.0 * response[flat_half(image)].mean())


def sharpness(gray: np.ndarray) -> float:
    """Sharpness 0-1 (0 flat or very soft, 1 very sharp) of luma ``gray`` (analysis size, short side 288).

    Measured at short side 144: the mean squared 4-neighbour Laplacian less 20 * sigma^2, the
    part white noise of the image's own noise estimate sigma (Immerkaer) adds, log1p-scaled so
    10000 levels^2 maps to 1. Area averaging to half size and that subtraction keep grain from
    reading as detail.
    """
    scale = SHARPNESS_SHORT_SIDE / max(1, min(gray.shape))
    size = (max(3, round(gray.shape[1] * scale)), max(3, round(gray.shape[0] * scale)))
    image = cv2.resize(gray, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR).astype(np.float32)
    energy = float(np.square(cv2.Laplacian(image, cv2.CV_32F)[1:-1, 1:-1]).mean())
    excess = energy - 20.0 * immerkaer_sigma(image) ** 2
    return min(1.0, math.log1p(max(0.0, excess)) / SHARPNESS_LOG_MAX)


def noise_sigma(gray: np.ndarray) -> float:
    """Noise standard deviation in luma levels (0-255) of uint8 luma ``gray``; Immerkaer's estimator
    on the flattest half of the image (0 for images under 3 x 3 px)."""
    return immerkaer_sigma(gray.astype(np.float32)) if min(gray.shape) >= 3 else 0.0


def blockiness(gray: np.ndarray, noise: float = 0.0) -> float:
    """Compression blockiness 0-1 of coded-size luma ``gray`` with noise of ``noise`` levels (0-255).

    For a block grid, with E_on and E_off the median over grid lines, and over the other lines,
    of the mean squared luma step across the line, each less the noise's share 2 * noise^2:
    1 - E_off / E_on, the part of the step energy across block edges that is an excess
    discontinuity (0 no grid, 1 flat blocks). The larger of the 8-px (transform) and 16-px
    (macroblock) grids counts. Additive noise raises both energies alike, so grain does not hide
    the blocks; the medians keep a few strong picture edges from deciding it.
    """
    image = gray.astype(np.int32)
    steps = [np.square(np.diff(image, axis=axis)).mean(axis=1 - axis) for axis in (0, 1)]
    floor = 2.0 * noise * noise
    shares = [0.0]
    for block in (8, 16):
        on, off = [], []
        for line_steps in steps:
            if line_steps.size < 2 * block:
                continue
            on_grid = (np.arange(line_steps.size) % block) == block - 1
            on.append(np.median(line_steps[on_grid]))
            off.append(np.median(line_steps[~on_grid]))
        e_on = float(np.mean(on)) - floor if on else 0.0
        if e_on > 1.0:  # under 1 level^2 of step energy across the grid there is nothing to see
            shares.append(1.0 - max(0.0, float(np.mean(off)) - floor) / e_on)
    return min(1.0, max(shares))


def centre_crop(gray: np.ndarray, size: int = NATIVE_CROP_PX) -> np.ndarray:
    """The central ``size`` x ``size`` (at most) part of ``gray``, its corner on the 8-pixel codec grid."""
    height, width = gray.shape
    top = max(0, (height - size) // 2) // 8 * 8
    left = max(0, (width - size) // 2) // 8 * 8
    return gray[top : top + size, left : left + size]


def black_bars(gray: np.ndarray) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) rows/columns of uniform dark bars around the picture: every pixel
    below luma ``BAR_LEVEL`` and a spread of at most ``BAR_SPREAD`` levels, so darkened or crushed
    picture content (which keeps some texture) is not taken for a bar."""
    rows_dark = gray.max(axis=1) < BAR_LEVEL
    rows_dark[rows_dark] = gray[rows_dark].std(axis=1) <= BAR_SPREAD
    cols_dark = gray.max(axis=0) < BAR_LEVEL
    cols_dark[cols_dark] = gray[:, cols_dark].std(axis=0) <= BAR_SPREAD

    def run(flags: np.ndarray) -> int:
        count = 0
        for flag in flags:
            if not flag:
                break
            count += 1
        return count

    top, bottom = run(rows_dark), run(rows_dark[::-1])
    left, right = run(cols_dark), run(cols_dark[::-1])
    if top + bottom >= gray.shape[0] or left + right >= gray.shape[1]:
        return 0, 0, 0, 0  # an all-dark frame is not bars
    return top, bottom, left, right


class PictureQualityExtractor(Extractor):
    """Technical picture quality from sampled frames.

    Args:
        samples_per_second: analysis-size measurements per second of video (0.5-30; default 2).
        native_samples: coded-size measurements (noise, blockiness) per video (1-100; default 12).
    """

    name = "picture_quality"
    version = "3"
    inputs = frozenset({Input.FRAMES})
    signals = (
        SignalSpec("sharpness", "0-1", "Laplacian energy of luma at short side 144 less the share of its "
                   "estimated noise (log1p(energy)/log1p(10000)); soft pictures score low, noise does "
                   "not count as detail", 0.0, 1.0),
        SignalSpec("brightness", "0-1", "Mean luma (0 black, 1 white)", 0.0, 1.0),
        SignalSpec("contrast", "0-1", "Standard deviation of luma x4, capped", 0.0, 1.0),
        SignalSpec("colorfulness", "0-1", "Hasler-Suesstrunk colourfulness / 100, capped", 0.0, 1.0),
        SignalSpec("clipped_highlights", "0-1", "Share of pixels with luma >= 250 (blown highlights)", 0.0, 1.0),
        SignalSpec("crushed_shadows", "0-1", "Share of pixels with luma <= 10 (0-255 full range, ~4% of white) "
                   "inside the picture (bars excluded)", 0.0, 1.0),
        SignalSpec("noise_level", "luma levels", "Noise standard deviation at coded size on flat areas "
                   "(Immerkaer estimator, 0-255 scale)", 0.0, 128.0),
        SignalSpec("blockiness", "0-1", "Compression block edges at coded size: share of the (median) luma-step "
                   "energy across 8- or 16-px grid lines that is excess over the steps inside blocks, "
                   "noise removed (0 no grid, 1 flat blocks)", 0.0, 1.0),
        SignalSpec("black_bar_share", "0-1", "Share of the frame taken by letterbox/pillarbox bars", 0.0, 1.0),
        SignalSpec("content_aspect", "w/h", "Aspect ratio of the picture inside any bars (9:16 = 0.5625)",
                   0.0, 100.0),
        SignalSpec("source_short_side_px", "px", "Short side of the video as displayed", 0.0, 100000.0),
        SignalSpec("effective_fps", "1/s", "Frames per second that differ from the previous frame "
                   "(repeated frames not counted)", 0.0, 1000.0),
        SignalSpec("picture_quality", "0-1", "Picture-quality sub-score: mean of sharpness, exposure, "
                   "noise and blockiness scores (1 clean, sharp and well exposed)", 0.0, 1.0),
    )

    def __init__(self, samples_per_second: float = 2.0, native_samples: int = 12) -> None:
        if not 0.5 <= samples_per_second <= 30:
            raise ValueError(f"samples_per_second must be in [0.5, 30], got {samples_per_second!r}")
        if not 1 <= native_samples <= 100:
            raise ValueError(f"native_samples must be in [1, 100], got {native_samples!r}")
        self.samples_per_second = samples_per_second
        self.native_samples = native_samples

    def start(self, context: VideoContext) -> None:
        info = context.info
        self._coded_short = max(1, min(info.coded_width, info.coded_height))
        self._native_step_s = max(0.25, info.duration_s / self.native_samples) if info.duration_s > 0 else 0.5
        self._next_s = -1.0
        self._next_native_s = -1.0
        self._previous: Frame | None = None
        self._frames = 0
        self._new_frames = 0
        self._first_s: float | None = None
        self._last_s = 0.0
        self._rows: list[tuple[float, ...]] = []
        self._bars: list[tuple[float, float]] = []  # (bar share, content aspect)
        self._native: list[tuple[float, float]] = []  # (noise sigma, blockiness)
        self._short_side = min(info.width, info.height)

    def process_frame(self, frame: Frame) -> None:
        change = frame_change(frame, self._previous)
        self._frames += 1
        if self._previous is None or change.value >= DUPLICATE_CHANGE:
            self._new_frames += 1
        self._previous = frame
        if self._first_s is None:
            self._first_s = frame.time_s
        self._last_s = frame.time_s
        if frame.time_s >= self._next_s:
            self._next_s = frame.time_s + 1.0 / self.samples_per_second
            self._measure(frame)
        if frame.time_s >= self._next_native_s:
            self._next_native_s = frame.time_s + self._native_step_s
            native = centre_crop(cv2.cvtColor(frame.image(self._coded_short), cv2.COLOR_BGR2GRAY))
            noise = noise_sigma(native)
            self._native.append((noise, blockiness(native, noise)))

    def _measure(self, frame: Frame) -> None:
        gray = frame.gray
        top, bottom, left, right = black_bars(gray)
        inner = gray[top : gray.shape[0] - bottom, left : gray.shape[1] - right]
        bgr = frame.bgr[top : gray.shape[0] - bottom, left : gray.shape[1] - right]
        area = float(gray.size)
        self._bars.append((1.0 - inner.size / area, inner.shape[1] / max(1, inner.shape[0])))
        self._rows.append(
            (
                sharpness(inner),
                float(inner.mean()) / 255.0,
                min(1.0, float(inner.std()) / 255.0 * 4.0),
                min(1.0, colorfulness(bgr) / 100.0),
                float(np.count_nonzero(inner >= 250)) / inner.size,
                float(np.count_nonzero(inner <= CRUSHED_LEVEL)) / inner.size,
            )
        )

    def finish(self, context: VideoContext) -> ExtractorOutput:
        if not self._rows:
            return ExtractorOutput()
        sharp, bright, contrast, colour, clipped, crushed = (float(v) for v in np.mean(np.array(self._rows), axis=0))
        noise, blocks = (float(v) for v in np.median(np.array(self._native), axis=0)) if self._native else (0.0, 0.0)
        bar_share = float(np.median([b for b, _ in self._bars]))
        aspect = float(np.median([a for _, a in self._bars]))
        span = self._last_s - (self._first_s or 0.0)
        effective_fps = (self._new_frames - 1) / span if span > 0 and self._new_frames > 1 else 0.0
        return ExtractorOutput(
            signals={
                "sharpness": sharp,
                "brightness": bright,
                "contrast": contrast,
                "colorfulness": colour,
                "clipped_highlights": clipped,
                "crushed_shadows": crushed,
                "noise_level": min(128.0, noise),
                "blockiness": blocks,
                "black_bar_share": bar_share,
                "content_aspect": min(100.0, aspect),
                "source_short_side_px": float(self._short_side),
                "effective_fps": min(1000.0, effective_fps),
                "picture_quality": quality_score(sharp, bright, clipped, crushed, noise, blocks),
            }
        )


def quality_score(sharp: float, bright: float, clipped: float, crushed: float, noise: float, blocks: float) -> float:
    """Picture-quality sub-score 0-1, the mean of four component scores (each 0-1):

    sharpness (0.15 -> 0, 0.75 -> 1), exposure (1 for mean luma 0.35-0.65, falling to 0 at 0.05 and
    0.95, times 1 - clipped - crushed shares), noise (1 at sigma <= 0.5 levels, 0 at 25, the rubric's
    range for noise_level) and 1 - blockiness.
    """
    s_sharp = min(1.0, max(0.0, (sharp - 0.15) / 0.6))
    if bright < 0.35:
        band = max(0.0, (bright - 0.05) / 0.30)
    elif bright > 0.65:
        band = max(0.0, (0.95 - bright) / 0.30)
    else:
        band = 1.0
    s_exposure = band * max(0.0, 1.0 - clipped - crushed)
    s_noise = min(1.0, max(0.0, 1.0 - (noise - 0.5) / 24.5))
    s_blocks = 1.0 - blocks
    return float((s_sharp + s_exposure + s_noise + s_blocks) / 4.0)
