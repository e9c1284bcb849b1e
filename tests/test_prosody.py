"""Audio prosody with librosa: pitch, loudness, sound classes, beat, clipping, arousal segments."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from speechgen import espeak_wav, load_samples

from features.base import Input, VideoContext
from features.media.decode import AudioTrack
from features.media.probe import VideoInfo
from features.prosody import SEGMENT_S, ProsodyExtractor, analyse

RATE = 16_000


def harmonic_tone(hz: float, seconds: float, level: float = 0.2) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return sum(level / k * np.sin(2 * np.pi * hz * k * t) for k in range(1, 6)).astype(np.float32)


def fake_info(duration_s: float) -> VideoInfo:
    fields = {name: None for name in VideoInfo.__dataclass_fields__}
    fields.update(path="x.mp4", duration_s=duration_s)
    return VideoInfo(**fields)  # type: ignore[arg-type]


def test_steady_tone_has_its_pitch_and_counts_as_music() -> None:
    signals = analyse(harmonic_tone(150.0, 6.0), RATE).signals
    assert signals["pitch_mean_hz"] == pytest.approx(150.0, rel=0.03)
    assert signals["pitch_variability_st"] < 0.2
    assert signals["music_share"] == 1.0 and signals["speech_share"] == 0.0
    assert signals["clipping_share"] == 0.0
    assert signals["loudness_range_db"] < 1.0


def test_silence_is_silence() -> None:
    signals = analyse(np.zeros(RATE * 3, np.float32), RATE).signals
    assert signals["silence_share"] == 1.0
    assert signals["pitch_mean_hz"] is None and signals["tempo_bpm"] is None
    assert signals["arousal_mean"] == 0.0


def test_click_track_gives_its_tempo_and_a_strong_beat() -> None:
    t = np.arange(RATE * 8) / RATE
    y = 0.05 * np.sin(2 * np.pi * 440 * t)
    for beat in np.arange(0.0, 8.0, 0.5):  # 120 BPM
        start = int(beat * RATE)
        y[start : start + 400] += 0.8 * np.hanning(400)
    signals = analyse(y.astype(np.float32), RATE).signals
    assert signals["beat_strength"] > 0.5
    assert signals["tempo_bpm"] == pytest.approx(120.0, rel=0.05)


def test_full_scale_square_wave_is_clipped() -> None:
    t = np.arange(RATE * 2) / RATE
    square = np.sign(np.sin(2 * np.pi * 200 * t)).astype(np.float32)
    assert analyse(square, RATE).signals["clipping_share"] > 0.9
    assert analyse(0.5 * square, RATE).signals["clipping_share"] == 0.0


def test_speech_is_voiced_and_moving(tmp_path: Path) -> None:
    speech = load_samples(espeak_wav(tmp_path / "s.wav", "Look at this amazing blender, it crushes ice in seconds!"))
    signals = analyse(speech, RATE).signals
    assert signals["speech_share"] >= 0.5
    assert 70.0 < signals["pitch_mean_hz"] < 300.0
    assert signals["pitch_variability_st"] > 0.7
    assert signals["energy_dynamics_db"] > 2.0


def test_extractor_provides_segments_and_louder_livelier_sound_rates_higher() -> None:
    rng = np.random.default_rng(3)
    quiet = harmonic_tone(120.0, 6.0, level=0.01)
    lively = np.concatenate([harmonic_tone(hz, 0.25, level=0.3) * np.hanning(4000) for hz in rng.uniform(120, 320, 24)])
    extractor = ProsodyExtractor()
    assert Input.PROSODY in extractor.provides
    track = np.concatenate([quiet, lively]).astype(np.float32)
    context = VideoContext(info=fake_info(track.size / RATE), audio=AudioTrack(track))
    output = extractor.validated(extractor.finish(context))
    segments = context.prosody
    assert segments is not None and len(segments) == 4
    assert segments[0].start_s == 0.0 and segments[-1].end_s == pytest.approx(12.0, abs=0.05)
    assert all(s.end_s - s.start_s <= SEGMENT_S + 1e-6 for s in segments)
    assert all(0.0 <= s.arousal <= 1.0 for s in segments)
    assert min(s.arousal for s in segments[2:]) > max(s.arousal for s in segments[:2])
    assert output.signals["arousal_range"] > 0.1


def test_too_short_audio_is_refused() -> None:
    with pytest.raises(ValueError, match="too short"):
        analyse(np.zeros(100, np.float32), RATE)
