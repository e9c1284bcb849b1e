"""One sequential decode pass shared by every visual extractor, plus audio decoding.

:class:`FrameDecoder` yields :class:`Frame` objects at an analysis resolution
(short side ``analysis_short_side`` pixels, display rotation applied) with their
real presentation timestamps. It never seeks. Frames that fail to decode are
skipped and counted; a wall-clock deadline turns a stuck decode into
:class:`~features.media.errors.DecodeTimeoutError`. When PyAV's FFmpeg cannot decode the
stream at all, OpenCV's own FFmpeg build is tried instead.

:func:`decode_audio` returns the first audio track as mono 16 kHz float32 samples.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import cast

import av
import cv2
import numpy as np
from av.video.reformatter import VideoReformatter

from features.media.errors import DecodeTimeoutError, NoVideoFramesError, TruncatedError
from features.media.probe import (
    VideoInfo,
    guarded_demux,
    is_truncated,
    open_container,
    pick_video_stream,
)

AUDIO_SAMPLE_RATE = 16_000


class Frame:
    """One analysis frame: BGR uint8 image of shape (height, width, 3) at ``time_s`` seconds.

    Colour conversions are computed on first use and cached, so several
    extractors share them. :meth:`image` gives the same picture at a larger size
    (e.g. for OCR), scaled from the decoded picture only when asked for.
    """

    __slots__ = ("index", "time_s", "bgr", "__dict__")

    def __init__(
        self, index: int, time_s: float, bgr: np.ndarray, source: Callable[[int], np.ndarray] | None = None
    ) -> None:
        self.index = index
        self.time_s = time_s
        self.bgr = bgr
        self._source = source

    def image(self, short_side: int) -> np.ndarray:
        """Upright BGR picture with its short side ``short_side`` px (never above the decoded size).

        Made on demand from the decoded picture and cached per size; ``bgr`` when no
        larger source is available.
        """
        cache = self.__dict__.setdefault("_images", {})
        if short_side not in cache:
            cache[short_side] = self._source(short_side) if self._source is not None else self.bgr
        return cache[short_side]

    @cached_property
    def gray(self) -> np.ndarray:
        """Luma, uint8, shape (height, width)."""
        return cv2.cvtColor(self.bgr, cv2.COLOR_BGR2GRAY)

    @cached_property
    def hsv(self) -> np.ndarray:
        """HSV (OpenCV ranges: H 0-179, S and V 0-255), uint8, shape (height, width, 3)."""
        return cv2.cvtColor(self.bgr, cv2.COLOR_BGR2HSV)

    @property
    def height(self) -> int:
        return int(self.bgr.shape[0])

    @property
    def width(self) -> int:
        return int(self.bgr.shape[1])


@dataclass
class DecodeReport:
    """What a decode pass did: counts, the decoder used and the span of decoded time (s)."""

    decoder: str = "pyav"
    frames_decoded: int = 0
    frames_failed: int = 0
    first_time_s: float | None = None
    last_time_s: float | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def decoded_span_s(self) -> float:
        if self.first_time_s is None or self.last_time_s is None:
            return 0.0
        return self.last_time_s - min(self.first_time_s, 0.0)


def analysis_size(width: int, height: int, short_side: int) -> tuple[int, int]:
    """(width, height) scaled so the shorter side is ``short_side`` px (never upscaled), both even."""
    scale = min(1.0, short_side / max(1, min(width, height)))
    return max(2, int(round(width * scale / 2)) * 2), max(2, int(round(height * scale / 2)) * 2)


def rotate_upright(image: np.ndarray, rotation: int) -> np.ndarray:
    """Turn ``image`` clockwise by ``rotation`` degrees (0, 90, 180 or 270)."""
    if rotation == 90:
        return cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
    if rotation == 180:
        return cv2.rotate(image, cv2.ROTATE_180)
    if rotation == 270:
        return cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return image


class FrameDecoder:
    """Sequential decoder of analysis frames for one probed video.

    Args:
        info: the file's :class:`VideoInfo` from :func:`features.media.probe.probe`.
        analysis_short_side: short side of analysis frames in pixels (64-1080; default 288).
        timeout_s: wall-clock limit for the whole pass in seconds.

    Iterate :meth:`frames`; afterwards :attr:`report` holds counts and timings.
    """

    def __init__(self, info: VideoInfo, analysis_short_side: int = 288, timeout_s: float = 900.0) -> None:
        if not 64 <= analysis_short_side <= 1080:
            raise ValueError(f"analysis_short_side must be in [64, 1080], got {analysis_short_side!r}")
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {timeout_s!r}")
        self.info = info
        self.analysis_short_side = analysis_short_side
        self.timeout_s = timeout_s
        self.report = DecodeReport()
        # Size before rotation, so the rotated frame has the analysis size as displayed.
        self.coded_size = analysis_size(info.coded_width, info.coded_height, analysis_short_side)
        # One scaler per output size for the whole pass: a frame's own ``reformat`` sets up
        # a new swscale context every call, which costs about as much as decoding the frame.
        self._scalers: dict[tuple[int, int], VideoReformatter] = {}

    def _scale(self, vframe: av.VideoFrame, width: int, height: int) -> np.ndarray:
        """``vframe`` as a BGR array of ``width`` x ``height`` (coded orientation)."""
        scaler = self._scalers.get((width, height))
        if scaler is None:
            scaler = self._scalers[(width, height)] = VideoReformatter()
        return scaler.reformat(vframe, width=width, height=height, format="bgr24").to_ndarray()

    def frames(self) -> Iterator[Frame]:
        """Yield analysis frames in presentation order; raise typed errors on failure."""
        start = time.monotonic()
        deadline = start + self.timeout_s
        produced = False
        for frame in self._pyav_frames(deadline):
            produced = True
            yield frame
        if not produced:
            self.report = DecodeReport(decoder="opencv", frames_failed=self.report.frames_failed)
            for frame in self._opencv_frames(deadline):
                produced = True
                yield frame
        self.report.seconds = time.monotonic() - start
        if not produced:
            raise NoVideoFramesError(f"{self.info.path}: no video frame could be decoded.")
        claimed = self.info.duration_s
        span = self.report.decoded_span_s + 1.0 / max(self.info.fps, 1.0)
        if is_truncated(span, claimed):
            raise TruncatedError(
                f"{self.info.path}: truncated or corrupt: frames decode only up to {span:.1f} s "
                f"of the {claimed:.1f} s the file claims."
            )

    def _emit(
        self, index: int, time_s: float, bgr: np.ndarray, source: Callable[[int], np.ndarray] | None = None
    ) -> Frame:
        report = self.report
        report.frames_decoded += 1
        if report.first_time_s is None:
            report.first_time_s = time_s
        report.last_time_s = time_s if report.last_time_s is None else max(report.last_time_s, time_s)
        return Frame(index, time_s, bgr, source)

    def _pyav_frames(self, deadline: float) -> Iterator[Frame]:
        width, height = self.coded_size
        rotation = self.info.rotation
        container = open_container(self.info.path, self.timeout_s)
        with container:
            stream = pick_video_stream(container, self.info.path)
            stream.thread_type = "AUTO"
            time_base = float(stream.time_base) if stream.time_base else 0.0
            index = 0
            last_time = -1.0
            for packet in guarded_demux(container.demux(stream), self.info.path):
                if time.monotonic() > deadline:
                    raise DecodeTimeoutError(
                        f"{self.info.path}: decoding took longer than the {self.timeout_s:.0f} s limit."
                    )
                try:
                    decoded = packet.decode()
                except (av.error.FFmpegError, ValueError):
                    self.report.frames_failed += 1
                    continue
                for vframe in decoded:
                    if vframe.pts is not None and time_base:
                        time_s = vframe.pts * time_base
                    else:
                        time_s = last_time + 1.0 / max(self.info.fps, 1.0)
                    last_time = time_s
                    try:
                        bgr = self._scale(vframe, width, height)
                    except (av.error.FFmpegError, ValueError):
                        self.report.frames_failed += 1
                        continue
                    yield self._emit(index, time_s, rotate_upright(bgr, rotation), self._pyav_source(vframe))
                    index += 1

    def _pyav_source(self, vframe: av.VideoFrame) -> Callable[[int], np.ndarray]:
        """Scaler of one decoded frame to any short side, rotation applied."""
        info = self.info

        def scale(short_side: int) -> np.ndarray:
            width, height = analysis_size(info.coded_width, info.coded_height, short_side)
            return rotate_upright(self._scale(vframe, width, height), info.rotation)

        return scale

    def _opencv_frames(self, deadline: float) -> Iterator[Frame]:
        capture = cv2.VideoCapture(self.info.path)
        try:
            if not capture.isOpened():
                return
            width, height = analysis_size(self.info.width, self.info.height, self.analysis_short_side)
            index = 0
            while True:
                if time.monotonic() > deadline:
                    raise DecodeTimeoutError(
                        f"{self.info.path}: decoding took longer than the {self.timeout_s:.0f} s limit."
                    )
                ok, image = capture.read()  # OpenCV applies the display rotation itself
                if not ok or image is None:
                    break
                time_s = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
                small = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
                yield self._emit(index, time_s, small, _opencv_source(image))
                index += 1
        finally:
            capture.release()


def _opencv_source(image: np.ndarray) -> Callable[[int], np.ndarray]:
    """Scaler of one full-size upright OpenCV frame to any short side."""

    def scale(short_side: int) -> np.ndarray:
        size = analysis_size(image.shape[1], image.shape[0], short_side)
        return image if size == (image.shape[1], image.shape[0]) else cv2.resize(image, size, interpolation=cv2.INTER_AREA)

    return scale


@dataclass(frozen=True)
class AudioTrack:
    """Mono float32 samples in [-1, 1] at ``sample_rate`` Hz."""

    samples: np.ndarray
    sample_rate: int = AUDIO_SAMPLE_RATE

    @property
    def duration_s(self) -> float:
        return self.samples.size / float(self.sample_rate)


def decode_audio(path: str, timeout_s: float = 900.0, sample_rate: int = AUDIO_SAMPLE_RATE) -> AudioTrack | None:
    """Decode the first audio stream to mono ``sample_rate`` Hz float32; ``None`` when there is none.

    Packets that fail to decode are skipped. Raises ``DecodeTimeoutError`` past ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    container = open_container(path, timeout_s)
    with container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        chunks: list[np.ndarray] = []
        for packet in guarded_demux(container.demux(stream), path):
            if time.monotonic() > deadline:
                raise DecodeTimeoutError(f"{path}: audio decoding took longer than the {timeout_s:.0f} s limit.")
            try:
                frames = packet.decode()
            except (av.error.FFmpegError, ValueError):
                continue
            for frame in frames:
                for out in resampler.resample(cast(av.AudioFrame, frame)):  # demuxed from the audio stream
                    chunks.append(out.to_ndarray().reshape(-1))
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1))
    if not chunks:
        return None
    samples = np.concatenate(chunks).astype(np.float32, copy=False)
    np.clip(samples, -1.0, 1.0, out=samples)
    return AudioTrack(samples=samples, sample_rate=sample_rate)
