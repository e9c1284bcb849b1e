"""Typed errors for everything that can go wrong with an input video.

Each error carries one clear sentence (``str(err)``) meant for the user and a
short machine-readable ``code`` that batch mode records. The CLI prints the
sentence on one line and exits with status 1; nothing here ever needs a
traceback to be understood.
"""

from __future__ import annotations


class VidscoreError(Exception):
    """Base class of every error vidscore reports to a user."""

    code: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def as_dict(self) -> dict[str, str]:
        """Machine-readable form used in results and batch stores."""
        return {"code": self.code, "message": self.message}


class InputError(VidscoreError):
    """The input file cannot be scored (missing, unreadable, not a video...)."""

    code = "input"


class MissingFileError(InputError):
    code = "missing"


class EmptyFileError(InputError):
    code = "empty"


class NotMediaError(InputError):
    code = "not_media"


class AudioOnlyError(InputError):
    code = "audio_only"


class NoVideoFramesError(InputError):
    code = "no_frames"


class TruncatedError(InputError):
    code = "truncated"


class LimitExceededError(InputError):
    code = "over_limit"


class StillImageError(InputError):
    code = "still_image"


class TooShortError(InputError):
    code = "too_short"


class TooSmallError(InputError):
    code = "too_small"


class DecodeTimeoutError(InputError):
    code = "timeout"


class ConfigError(VidscoreError):
    """A bad option, rubric, model file or parameter supplied by the user."""

    code = "config"
