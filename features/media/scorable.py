"""Is a probed file a video worth scoring? Still images, single frames, clips too short or too small are not.

:func:`probe` describes any media file (``vidscore probe photo.png`` works); scoring
calls :func:`check_scorable` on what it found and refuses, with one sentence and a
code batch mode records, what no short-video score can describe.
"""

from __future__ import annotations

from features.media.errors import StillImageError, TooShortError, TooSmallError
from features.media.probe import MediaLimits, VideoInfo

# Demuxers of single pictures (FFmpeg's image2 family and the per-format "<codec>_pipe" readers).
IMAGE_CONTAINERS = ("image2", "image2pipe", "apng")
# Codecs of still pictures; a one-frame stream in one of these is a photo, not a video.
IMAGE_CODECS = ("png", "mjpeg", "jpegls", "webp", "bmp", "tiff", "gif", "jpeg2000", "pam", "ppm", "pgm", "qoi",
                "heif", "hevc_image", "avif", "jpegxl", "sgi", "targa", "dpx", "exr", "pcx", "xbm", "xwd")


def is_image_container(container: str) -> bool:
    """True for FFmpeg's still-picture demuxers (``image2``, ``png_pipe``, ``jpeg_pipe``, ``webp_pipe``...)."""
    names = container.split(",")
    return any(name in IMAGE_CONTAINERS or name.endswith("_pipe") for name in names)


def check_scorable(info: VideoInfo, limits: MediaLimits) -> None:
    """Raise an :class:`~features.media.errors.InputError` when ``info`` is not a scorable short video.

    Refused: a still image (PNG, JPEG, WebP, a one-frame GIF...), a video of one frame, a clip shorter than
    ``limits.min_duration_s`` seconds, a picture whose short side is under ``limits.min_short_side`` pixels.
    An animated GIF of at least ``min_duration_s`` is a video.
    """
    if info.frame_count <= 1:
        if is_image_container(info.container) or info.codec in IMAGE_CODECS:
            raise StillImageError(f"{info.path}: is a still image ({info.codec}), not a video.")
        raise TooShortError(f"{info.path}: holds a single video frame; a video needs moving pictures.")
    if info.duration_s < limits.min_duration_s:
        raise TooShortError(
            f"{info.path}: lasts {info.duration_s:.2f} s, under the minimum of {limits.min_duration_s:g} s "
            "(lower it with --min-duration)."
        )
    short_side = min(info.width, info.height)
    if short_side < limits.min_short_side:
        raise TooSmallError(
            f"{info.path}: picture is {info.width}x{info.height}; its short side of {short_side} px is under the "
            f"minimum of {limits.min_short_side} px (lower it with --min-short-side)."
        )
