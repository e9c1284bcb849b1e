"""Audio level: loudness and how much of the track carries sound.

``AudioLevelExtractor`` works on the mono 16 kHz track. Frames of 30 ms count as
active sound by :func:`features.prosody.active_frames` (above -40 dBFS, or above
-50 dBFS and 15 dB over the track's noise floor).
"""

from __future__ import annotations

import numpy as np

from features.base import Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.prosody import active_frames

FRAME_S = 0.03


def frame_rms_db(samples: np.ndarray, sample_rate: int, frame_s: float = FRAME_S) -> np.ndarray:
    """RMS level in dBFS of consecutive non-overlapping frames; shape (n_frames,)."""
    size = max(1, int(sample_rate * frame_s))
    count = samples.size // size
    if count == 0:
        return np.full(1, -120.0)
    frames = samples[: count * size].reshape(count, size).astype(np.float64)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    return 20.0 * np.log10(np.maximum(rms, 1e-6))


class AudioLevelExtractor(Extractor):
    """Loudness (dBFS) and active-sound share of the audio track."""

    name = "audio_level"
    version = "1"
    inputs = frozenset({Input.AUDIO})
    signals = (
        SignalSpec("loudness_dbfs", "dBFS", "Mean RMS level of active sound", -120.0, 0.0),
        SignalSpec("sound_activity", "0-1", "Share of 30 ms frames with active sound (above -40 dBFS, or 15 dB over the noise floor)", 0.0, 1.0),
    )

    def finish(self, context: VideoContext) -> ExtractorOutput:
        audio = context.audio
        assert audio is not None
        levels = frame_rms_db(audio.samples, audio.sample_rate)
        active = active_frames(levels)
        loud = float(np.mean(levels[active])) if active.any() else float(np.max(levels))
        return ExtractorOutput(signals={"loudness_dbfs": loud, "sound_activity": float(np.mean(active))})
