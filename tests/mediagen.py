"""Small media files generated for tests with PyAV and numpy (nothing binary is committed)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

FramePainter = Callable[[int, int, int], np.ndarray]  # (index, width, height) -> RGB uint8 (h, w, 3)


def moving_square(index: int, width: int, height: int) -> np.ndarray:
    """Textured background with a bright square that moves right; left 1/8 of the frame is white."""
    rng = np.random.default_rng(7)
    image = (rng.integers(40, 90, size=(height, width, 3))).astype(np.uint8)
    image[:, : max(1, width // 8)] = 255
    size = max(4, min(width, height) // 5)
    x = (index * 4) % max(1, width - size)
    y = height // 2 - size // 2
    image[y : y + size, x : x + size] = (220, 40, 40)
    return image


def write_video(
    path: Path,
    width: int = 180,
    height: int = 320,
    fps: int = 15,
    seconds: float = 2.0,
    painter: FramePainter = moving_square,
    audio_tone_hz: float | None = None,
    rotation_ccw: int | None = None,
    pixel_format: str = "yuv420p",
    codec: str = "libx264",
    frame_times: Sequence[float] | None = None,
    faststart: bool = True,
) -> Path:
    """Encode an H.264 MP4 (optionally with a sine-tone AAC track, display rotation or explicit frame times)."""
    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", options=options) as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, pixel_format
        stream.codec_context.time_base = Fraction(1, 1000 if frame_times is not None else fps)
        if codec == "libx264":
            stream.options = {"preset": "ultrafast"}
        if rotation_ccw is not None:
            stream.set_display_rotation(rotation_ccw)
        audio = None
        if audio_tone_hz is not None:
            audio = container.add_stream("aac", rate=16000)
            audio.layout = "mono"
        times = list(frame_times) if frame_times is not None else [i / fps for i in range(int(seconds * fps))]
        for index, t in enumerate(times):
            frame = av.VideoFrame.from_ndarray(painter(index, width, height), format="rgb24")
            frame.pts = int(round(t * (1000 if frame_times is not None else fps)))
            for packet in stream.encode(frame.reformat(format=pixel_format)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        if audio is not None:
            _write_tone(container, audio, audio_tone_hz, times[-1] + 1.0 / fps)
    return path


def _write_tone(container: av.container.OutputContainer, stream: av.audio.stream.AudioStream, hz: float, seconds: float) -> None:
    rate = 16000
    t = np.arange(int(rate * seconds)) / rate
    samples = (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)
    chunk = 1024
    for start in range(0, samples.size, chunk):
        block = samples[start : start + chunk]
        frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)


def write_audio_only(path: Path, seconds: float = 1.0) -> Path:
    """An AAC-in-MP4 file with no video stream."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=16000)
        stream.layout = "mono"
        _write_tone(container, stream, 440.0, seconds)
    return path
