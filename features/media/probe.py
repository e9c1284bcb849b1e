"""Probe a video file: what it is, how it should be displayed, and whether it is usable.

``probe(path)`` opens the container with PyAV, demuxes the video packets once
(no decoding beyond the first frame) and returns a :class:`VideoInfo`. Every
reason a file cannot be scored is raised as a typed error from
:mod:`features.media.errors` with one sentence a user can act on. Exposed on the
command line as ``vidscore probe FILE``.
"""

from __future__ import annotations

import hashlib
import math
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np

from features.media.errors import (
    AudioOnlyError,
    DecodeTimeoutError,
    EmptyFileError,
    LimitExceededError,
    MissingFileError,
    NotMediaError,
    NoVideoFramesError,
    TruncatedError,
)

# A stream whose packet intervals vary by more than this (relative std) is variable-frame-rate.
_VFR_RELATIVE_STD = 0.05
# Decoded content shorter than this share of the claimed duration (and 1 s or more short) is truncated.
TRUNCATED_SHARE = 0.8
TRUNCATED_MIN_GAP_S = 1.0


def is_truncated(span_s: float, claimed_s: float) -> bool:
    """True when video data covering ``span_s`` seconds is much shorter than the ``claimed_s`` of the container."""
    return claimed_s > 0 and span_s < claimed_s * TRUNCATED_SHARE and claimed_s - span_s >= TRUNCATED_MIN_GAP_S


@dataclass(frozen=True)
class MediaLimits:
    """Inputs above these limits are refused before any decoding.

    Args:
        max_pixels: largest accepted width*height of the coded picture (pixels).
        max_duration_s: longest accepted duration (seconds).
        max_file_bytes: largest accepted file size (bytes).
        timeout_s: wall-clock limit for probing plus decoding one file (seconds).
        min_duration_s: shortest video scored (seconds, >= 0; 0 accepts any clip of two frames or more).
        min_short_side: smallest short side of the displayed picture scored (pixels, >= 1).
    """

    max_pixels: int = 4096 * 4096
    max_duration_s: float = 3600.0
    max_file_bytes: int = 8 * 1024**3
    timeout_s: float = 900.0
    min_duration_s: float = 1.0
    min_short_side: int = 64

    def __post_init__(self) -> None:
        for name in ("max_pixels", "max_duration_s", "max_file_bytes", "timeout_s"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and value > 0):
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        if not (isinstance(self.min_duration_s, (int, float)) and self.min_duration_s >= 0):
            raise ValueError(f"min_duration_s must be a number of seconds >= 0, got {self.min_duration_s!r}")
        if not (isinstance(self.min_short_side, int) and self.min_short_side >= 1):
            raise ValueError(f"min_short_side must be a whole number of pixels >= 1, got {self.min_short_side!r}")


@dataclass(frozen=True)
class VideoInfo:
    """What ``probe`` learned about a video file.

    ``width``/``height`` are as displayed (rotation applied); ``rotation`` is the
    clockwise turn in degrees (0, 90, 180 or 270) that makes the coded picture upright.
    """

    path: str
    file_size: int
    sha256: str
    container: str
    duration_s: float
    width: int
    height: int
    coded_width: int
    coded_height: int
    rotation: int
    fps: float
    is_vfr: bool
    frame_count: int
    codec: str
    pixel_format: str
    bit_depth: int
    has_audio: bool
    audio_codec: str | None
    audio_sample_rate: int | None
    audio_channels: int | None

    @property
    def aspect(self) -> float:
        """Displayed width divided by displayed height."""
        return self.width / self.height

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def sha256_of(path: str | os.PathLike[str], chunk_bytes: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()


def check_file(path: str | os.PathLike[str], limits: MediaLimits) -> int:
    """Refuse missing, unreadable, empty and over-size files; return the size in bytes."""
    p = Path(path)
    if not p.exists():
        raise MissingFileError(f"{p}: no such file.")
    if p.is_dir():
        raise NotMediaError(f"{p}: is a directory, not a video file.")
    if not os.access(p, os.R_OK):
        raise MissingFileError(f"{p}: file is not readable (permission denied).")
    size = p.stat().st_size
    if size == 0:
        raise EmptyFileError(f"{p}: file is empty (0 bytes).")
    if size > limits.max_file_bytes:
        raise LimitExceededError(
            f"{p}: file is {size / 1e6:.0f} MB, over the limit of {limits.max_file_bytes / 1e6:.0f} MB "
            "(raise it with --max-file-mb)."
        )
    return size


def open_container(path: str | os.PathLike[str], timeout_s: float) -> av.container.InputContainer:
    """Open a media container, turning every FFmpeg refusal into ``NotMediaError``.

    ``timeout_s`` also bounds each later blocking read: FFmpeg's interrupt callback
    aborts it, and the loops here turn that into ``DecodeTimeoutError``.
    """
    try:
        return av.open(str(path), mode="r", timeout=timeout_s)
    except av.error.ExitError:
        raise DecodeTimeoutError(f"{path}: opening the file took longer than the {timeout_s:g} s limit.") from None
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise NotMediaError(
            f"{path}: not a readable media file ({reason.strip().rstrip('.')})."
        ) from None


def pick_video_stream(container: av.container.InputContainer, path: str) -> av.video.stream.VideoStream:
    """The first real video stream (cover art in audio files does not count)."""
    videos = [
        s
        for s in container.streams.video
        if not (s.disposition & av.stream.Disposition.attached_pic)
    ]
    if videos:
        return videos[0]
    if container.streams.audio:
        raise AudioOnlyError(f"{path}: has only audio, no video stream.")
    raise NotMediaError(f"{path}: contains no video stream.")


def rotation_of(frame: av.VideoFrame) -> int:
    """Clockwise display rotation in degrees (0/90/180/270) from a decoded frame's display matrix."""
    counter_clockwise = float(getattr(frame, "rotation", 0) or 0)
    return int(round(-counter_clockwise / 90.0)) * 90 % 360


def _legacy_rotate_tag(stream: av.video.stream.VideoStream) -> int:
    value = stream.metadata.get("rotate")
    try:
        return int(round(float(value) / 90.0)) * 90 % 360 if value is not None else 0
    except ValueError:
        return 0


def bit_depth_of(pixel_format: str) -> int:
    """Bits per component of an FFmpeg pixel format name (8 when unknown)."""
    try:
        return int(av.VideoFormat(pixel_format).components[0].bits)
    except (ValueError, IndexError, TypeError):
        return 8


def _scan_video_packets(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    deadline: float,
    path: str,
) -> tuple[np.ndarray, av.VideoFrame | None]:
    """Demux every video packet once: presentation times (s) and the first decodable frame."""
    times: list[float] = []
    first: av.VideoFrame | None = None
    time_base = float(stream.time_base) if stream.time_base else 0.0
    for packet in guarded_demux(container.demux(stream), path):
        if time.monotonic() > deadline:
            raise DecodeTimeoutError(f"{path}: probing took longer than the time limit.")
        if packet.pts is not None and packet.size:
            times.append(packet.pts * time_base)
        if first is None and packet.size:
            try:
                frames = packet.decode()
            except av.error.FFmpegError:
                frames = []
            if frames:
                first = frames[0]
    if first is None:
        try:  # flush the decoder: some codecs only emit after the last packet
            frames = stream.codec_context.decode(None)
            first = frames[0] if frames else None
        except av.error.FFmpegError:
            first = None
    return np.sort(np.asarray(times, dtype=np.float64)), first


def guarded_demux(packets: Iterator[av.Packet], path: str) -> Iterator[av.Packet]:
    """Demuxed packets; FFmpeg's timeout interrupt becomes ``DecodeTimeoutError``, other read errors end the stream."""
    try:
        yield from packets
    except av.error.ExitError:
        raise DecodeTimeoutError(f"{path}: reading the file took longer than the time limit.") from None
    except av.error.FFmpegError:
        return


def _is_vfr(times: np.ndarray) -> bool:
    if times.size < 4:
        return False
    intervals = np.diff(times)
    intervals = intervals[intervals > 0]
    if intervals.size < 3:
        return False
    return bool(np.std(intervals) / np.mean(intervals) > _VFR_RELATIVE_STD)


def probe(path: str | os.PathLike[str], limits: MediaLimits | None = None, sha256: str | None = None) -> VideoInfo:
    """Inspect ``path`` and return its :class:`VideoInfo`.

    ``sha256`` is the file's content SHA-256 (64 hex digits) when the caller has already computed it (batch
    hashes every file once, before scoring); None: the file is hashed here.

    Raises a subclass of :class:`features.media.errors.InputError` with one clear sentence
    when the file is missing, empty, not media, audio-only, over a limit, truncated
    or has no decodable video frames.
    """
    limits = limits or MediaLimits()
    path = str(path)
    size = check_file(path, limits)
    deadline = time.monotonic() + limits.timeout_s
    container = open_container(path, limits.timeout_s)
    with container:
        stream = pick_video_stream(container, path)
        ctx = stream.codec_context
        coded_w, coded_h = int(ctx.width or 0), int(ctx.height or 0)
        if coded_w * coded_h > limits.max_pixels:
            raise LimitExceededError(
                f"{path}: picture is {coded_w}x{coded_h}, over the limit of {limits.max_pixels} pixels "
                "(raise it with --max-pixels)."
            )
        claimed = _claimed_duration(container, stream)
        if claimed > limits.max_duration_s:
            raise LimitExceededError(
                f"{path}: video lasts {claimed:.0f} s, over the limit of {limits.max_duration_s:.0f} s "
                "(raise it with --max-duration)."
            )
        audio = container.streams.audio[0] if container.streams.audio else None
        stream.thread_type = "AUTO"
        times, decoded = _scan_video_packets(container, stream, deadline, path)
        first: av.VideoFrame | np.ndarray | None = decoded
        if first is None:
            first = _first_frame_via_opencv_check(path)
        if first is None:
            raise NoVideoFramesError(
                f"{path}: no video frame could be decoded (codec {ctx.name!r} may be unsupported or the data is corrupt)."
            )
        rotation = rotation_of(first) if isinstance(first, av.VideoFrame) else 0
        rotation = rotation or _legacy_rotate_tag(stream)
        if isinstance(first, av.VideoFrame):
            coded_w, coded_h = coded_w or first.width, coded_h or first.height
        else:  # an image from OpenCV's decoder: (rows, columns, channels)
            coded_w, coded_h = coded_w or first.shape[1], coded_h or first.shape[0]
        pixel_format = first.format.name if isinstance(first, av.VideoFrame) else (ctx.pix_fmt or "unknown")
        frame_span = _frame_span(times, stream)
        if claimed <= 0:
            claimed = frame_span
        if is_truncated(frame_span, claimed):
            raise TruncatedError(
                f"{path}: truncated: video data ends at {frame_span:.1f} s but the file claims {claimed:.1f} s."
            )
        fps = _average_fps(stream, times)
        swap = rotation in (90, 270)
        return VideoInfo(
            path=path,
            file_size=size,
            sha256=sha256 or sha256_of(path),
            container=container.format.name,
            duration_s=round(float(claimed), 3),
            width=coded_h if swap else coded_w,
            height=coded_w if swap else coded_h,
            coded_width=coded_w,
            coded_height=coded_h,
            rotation=rotation,
            fps=round(fps, 3),
            is_vfr=_is_vfr(times),
            frame_count=int(times.size),
            codec=ctx.name,
            pixel_format=pixel_format,
            bit_depth=bit_depth_of(pixel_format),
            has_audio=audio is not None,
            audio_codec=audio.codec_context.name if audio is not None else None,
            audio_sample_rate=int(audio.codec_context.sample_rate or 0) or None if audio is not None else None,
            audio_channels=int(audio.codec_context.channels or 0) or None if audio is not None else None,
        )


def _first_frame_via_opencv_check(path: str) -> np.ndarray | None:
    """Second opinion from OpenCV's own FFmpeg build when PyAV cannot decode the stream."""
    import cv2

    capture = cv2.VideoCapture(path)
    try:
        ok, image = capture.read()
        return image if ok and image is not None else None
    finally:
        capture.release()


def _claimed_duration(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float:
    if stream.duration is not None and stream.time_base:
        value = float(stream.duration * stream.time_base)
        if value > 0 and math.isfinite(value):
            return value
    if container.duration is not None and container.duration > 0:
        return container.duration / 1_000_000.0
    return 0.0


def _frame_span(times: np.ndarray, stream: av.video.stream.VideoStream) -> float:
    """Seconds from the first to the end of the last demuxed video packet."""
    if times.size == 0:
        return 0.0
    step = float(np.median(np.diff(times))) if times.size > 1 else 0.0
    if step <= 0 and stream.average_rate:
        step = 1.0 / float(stream.average_rate)
    return float(times[-1] - min(times[0], 0.0) + step)


def _average_fps(stream: av.video.stream.VideoStream, times: np.ndarray) -> float:
    if times.size > 1 and times[-1] > times[0]:
        return float((times.size - 1) / (times[-1] - times[0]))
    if stream.average_rate:
        return float(stream.average_rate)
    return 0.0
