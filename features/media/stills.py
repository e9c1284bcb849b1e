"""Still frames at chosen timestamps by seeking, for thumbnails (no full decode pass).

Each timestamp costs one seek to the keyframe before it and a decode up to the
frame shown at that time, so a strip of 20 thumbnails of a 3-minute video reads
about 20 GOPs, not the whole file.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import av
import cv2
import numpy as np

from features.media.decode import analysis_size, rotate_upright

MAX_STILLS = 20


def grab_stills(path: str, times_s: Sequence[float], short_side: int = 180, rotation: int = 0,
                timeout_s: float = 60.0) -> dict[float, np.ndarray]:
    """BGR images of the frames displayed at ``times_s``, upright, short side ``short_side`` px.

    Args:
        path: video file.
        times_s: timestamps in seconds (at most :data:`MAX_STILLS`; ValueError beyond).
        short_side: short side of each returned image in pixels (16-2160).
        rotation: display rotation of the file in degrees (0/90/180/270, from ``probe``).
        timeout_s: wall-clock limit for all seeks together; times not reached by then are left out.

    Returns:
        ``{time_s: image}`` with ``image`` of shape (height, width, 3), uint8, for every time that
        could be decoded (a time past the last frame gets the last frame). Empty when the file has
        no video stream or cannot be opened.
    """
    if len(times_s) > MAX_STILLS:
        raise ValueError(f"at most {MAX_STILLS} timestamps per video, got {len(times_s)}")
    if not 16 <= short_side <= 2160:
        raise ValueError(f"short_side must be in [16, 2160] px, got {short_side}")
    if rotation not in (0, 90, 180, 270):
        raise ValueError(f"rotation must be 0, 90, 180 or 270, got {rotation}")
    deadline = time.monotonic() + timeout_s
    stills: dict[float, np.ndarray] = {}
    try:
        container = av.open(path)
    except (av.FFmpegError, OSError):
        return stills
    with container:
        if not container.streams.video:
            return stills
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        time_base = float(stream.time_base or 1e-3)
        for t in sorted(set(float(x) for x in times_s)):
            if time.monotonic() > deadline:
                break
            image = _frame_at(container, stream, max(0.0, t), time_base)
            if image is None:
                continue
            height, width = image.shape[:2]
            if rotation in (90, 270):
                width, height = height, width
            out_w, out_h = analysis_size(width, height, short_side)
            if rotation in (90, 270):
                out_w, out_h = out_h, out_w
            small = cv2.resize(image, (out_w, out_h), interpolation=cv2.INTER_AREA)
            stills[t] = rotate_upright(small, rotation)
    return stills


def _frame_at(container: av.container.InputContainer, stream: av.video.stream.VideoStream, t: float,
              time_base: float) -> np.ndarray | None:
    """The frame displayed at ``t`` seconds (the last one before it, or the last frame of the file)."""
    try:
        container.seek(int(t / time_base), stream=stream, backward=True, any_frame=False)
        last = None
        for frame in container.decode(stream):
            frame_t = frame.time if frame.time is not None else 0.0
            if last is not None and frame_t > t + 1e-6:
                break
            last = frame
            if frame_t >= t - 1e-6:
                break
        return None if last is None else last.to_ndarray(format="bgr24")
    except (av.FFmpegError, ValueError):
        return None
