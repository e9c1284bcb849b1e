"""Audio level: what counts as active sound."""

from __future__ import annotations

import numpy as np

from features.audio_level import frame_rms_db
from features.prosody import active_frames


def test_loud_continuous_sound_counts_as_active() -> None:
    t = np.arange(32000) / 16000
    tone = (0.5 * np.sin(2 * np.pi * 200 * t)).astype(np.float32)
    assert active_frames(frame_rms_db(tone, 16000)).mean() == 1.0


def test_silence_is_not_active() -> None:
    assert active_frames(frame_rms_db(np.zeros(32000, dtype=np.float32), 16000)).mean() == 0.0


def test_frame_levels_in_dbfs() -> None:
    full_scale_square = np.ones(16000, dtype=np.float32)
    np.testing.assert_allclose(frame_rms_db(full_scale_square, 16000), 0.0, atol=1e-6)
