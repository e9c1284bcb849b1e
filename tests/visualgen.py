"""Synthetic analysis frames for the visual-extractor tests (numpy/OpenCV only, nothing binary committed)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from features.base import Extractor, ExtractorOutput, VideoContext
from features.media.decode import Frame
from features.media.probe import VideoInfo

WIDTH, HEIGHT = 144, 256  # a 9:16 analysis frame (short side kept small for speed)


def texture(seed: int, width: int = WIDTH, height: int = HEIGHT, tint: Sequence[int] = (128, 128, 128),
            grain: float = 6.0) -> np.ndarray:
    """A smooth random BGR texture (blurred noise plus a few shapes) around the colour ``tint``, with
    per-pixel grain of standard deviation ``grain`` levels."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 1, (height // 7 + 2, width // 7 + 2, 3)).astype(np.float32)  # not on the 8-px codec grid
    base = cv2.resize(noise, (width, height), interpolation=cv2.INTER_CUBIC) * 40 + np.array(tint, np.float32)
    for _ in range(6):
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        cv2.circle(base, centre, int(rng.integers(5, width // 4)), colour, -1)
    fine = rng.normal(0, grain, (height, width, 3)).astype(np.float32)
    return np.clip(base + fine, 0, 255).astype(np.uint8)


def cartoon_face(size: int) -> np.ndarray:
    """A drawn frontal face (grey, ``size`` x ``size``) that OpenCV's frontal-face cascade detects."""
    img = np.full((200, 200), 90, np.uint8)
    cv2.ellipse(img, (100, 100), (64, 84), 0, 0, 360, 200, -1)
    for dx in (-1, 1):
        ex = 100 + dx * 26
        cv2.ellipse(img, (ex, 80), (14, 7), 0, 0, 360, 40, -1)
        cv2.line(img, (ex - 16, 64), (ex + 16, 62), 50, 5)
    cv2.line(img, (100, 90), (100, 120), 150, 4)
    cv2.ellipse(img, (100, 144), (24, 8), 0, 0, 360, 70, -1)
    face = cv2.GaussianBlur(img, (5, 5), 0)
    return cv2.resize(face, (size, size), interpolation=cv2.INTER_AREA)


def frames_from(images: Iterable[np.ndarray], fps: float = 15.0) -> list[Frame]:
    """Wrap BGR images as consecutive analysis frames at ``fps``."""
    return [Frame(i, i / fps, image) for i, image in enumerate(images)]


def info_for(frames: Sequence[Frame], fps: float = 15.0) -> VideoInfo:
    """A VideoInfo describing ``frames`` (as if probed from a file)."""
    height, width = frames[0].bgr.shape[:2]
    duration = len(frames) / fps
    return VideoInfo(
        path="synthetic.mp4", file_size=0, sha256="", container="mp4", duration_s=duration, width=width,
        height=height, coded_width=width, coded_height=height, rotation=0, fps=fps, is_vfr=False,
        frame_count=len(frames), codec="h264", pixel_format="yuv420p", bit_depth=8, has_audio=False,
        audio_codec=None, audio_sample_rate=None, audio_channels=None,
    )


def run(extractor: Extractor, frames: Sequence[Frame], fps: float = 15.0) -> ExtractorOutput:
    """Push ``frames`` through ``extractor`` and return its validated output."""
    context = VideoContext(info=info_for(frames, fps))
    extractor.start(context)
    for frame in frames:
        extractor.process_frame(frame)
    return extractor.validated(extractor.finish(context))


def encode(path: Path, images: Sequence[np.ndarray], fps: int = 15, crf: int = 18) -> Path:
    """Encode BGR ``images`` as an H.264 MP4 at constant rate factor ``crf``."""
    height, width = images[0].shape[:2]
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.time_base = Fraction(1, fps)
        stream.options = {"preset": "veryfast", "crf": str(crf)}
        for index, image in enumerate(images):
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


SKIN_BGR = (120, 150, 200)  # YCrCb ~ (161, 155, 105): inside the skin range
BACKGROUND_TINT = (150, 110, 60)  # bluish, not skin


def background(seed: int = 31) -> np.ndarray:
    """A bluish (not skin-coloured) texture a little larger than the frame, for camera jitter."""
    return texture(seed, WIDTH + 40, HEIGHT + 40, BACKGROUND_TINT, grain=2.0)


def shot(count: int, hand: bool = False, face: bool = False, jitter: int = 0, hand_row: float = 0.75,
         seed: int = 1) -> list[np.ndarray]:
    """Frames of a still background, optionally a moving skin-coloured hand, a face, and camera jitter (px)."""
    rng = np.random.default_rng(seed)
    scene = background()
    images = []
    for i in range(count):
        dx, dy = (rng.integers(-jitter, jitter + 1, 2) if jitter else (0, 0))
        image = scene[20 + dy : 20 + dy + HEIGHT, 20 + dx : 20 + dx + WIDTH].copy()
        if face:
            image[20:120, 22:122] = cartoon_face(100)[:, :, None]
        if hand:
            x = int(WIDTH / 2 + 30 * np.sin(i / 2.0))
            y = int(HEIGHT * hand_row + 8 * np.cos(i / 3.0))
            cv2.ellipse(image, (x, y), (18, 26), 20, 0, 360, SKIN_BGR, -1)
            cv2.ellipse(image, (x + 16, y - 22), (5, 14), 10, 0, 360, SKIN_BGR, -1)
        images.append(image)
    return images
