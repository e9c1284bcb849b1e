"""Audio prosody: loudness range, pitch, energy dynamics, speech/music/silence, beat, clipping, arousal.

Exposed by ``vidscore score`` (signals) and ``vidscore features`` (their list).
:class:`ProsodyExtractor` works on the mono 16 kHz track with librosa and fills
``context.prosody`` with one :class:`~features.base.ProsodySegment` per
``SEGMENT_S`` seconds (loudness, pitch, arousal in [0, 1]) for the emotional-tone
signals of the language extractors.

How things are measured:

* levels are RMS dBFS of 40 ms frames every 20 ms; frames above -40 dBFS, or
  above -50 dBFS and 15 dB over the track's noise floor, are *active* sound;
* pitch is librosa's YIN (65-400 Hz) on active frames, kept where it is stable
  across neighbouring frames (a cheap voicing decision); variability in semitones;
* each second is silence (< 10 % active frames), speech (its energy keeps dipping
  between syllables, low short-time-energy ratio >= 0.15, and its pitch moves,
  >= 0.7 semitone spread) or music/other sound;
* onsets come from the spectral flux of the dB spectrum (512-point STFT); tempo
  and beat strength come from that onset envelope (beat strength = peak of its
  normalised autocorrelation at 60-200 BPM lags; tempo = median of librosa's
  estimate over 60 s windows);
* arousal mixes loudness, pitch variability, onset rate and spectral brightness,
  each mapped to [0, 1].

Frame measures are computed over ``CHUNK_FRAMES`` frames at a time on zero-padded
windows, exactly as librosa's centred framing would over the whole track, so
memory stays flat however long the video is.

librosa is imported lazily with a writable ``NUMBA_CACHE_DIR`` (under the
vidscore cache) and warmed up once per process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from features.base import Extractor, ExtractorOutput, Input, ProsodySegment, SignalSpec, VideoContext
from features.media.resources import cache_dir

HOP = 320  # 20 ms at 16 kHz
SEGMENT_S = 3.0
FMIN_HZ, FMAX_HZ = 65.0, 400.0
CLIP_LEVEL = 0.99
CHUNK_FRAMES = 1500  # frames (30 s) analysed at a time
RMS_FRAME, YIN_FRAME, STFT_FRAME = 2 * HOP, 1024, 512  # frame lengths (samples)
TOP_DB = 80.0  # dB spectrum floor below the track's loudest bin (librosa's amplitude_to_db default)
TEMPO_WINDOW_S = 60.0


def active_frames(levels: np.ndarray) -> np.ndarray:
    """Frames above -40 dBFS, or above -50 dBFS and 15 dB over the noise floor (10th percentile)."""
    floor = float(np.percentile(levels, 10))
    return levels > max(-50.0, min(floor + 15.0, -40.0))


@lru_cache(maxsize=1)
def librosa_module() -> Any:
    """librosa, imported with a writable numba cache and warmed up once per process."""
    numba_cache = cache_dir() / "numba"
    try:
        numba_cache.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("NUMBA_CACHE_DIR", str(numba_cache))
    except OSError:
        pass  # numba then compiles in memory only
    import librosa

    noise = np.random.default_rng(0).standard_normal(16_000 * 2).astype(np.float32) * 0.1
    _analyse(librosa, noise, 16_000)
    return librosa


@dataclass(frozen=True)
class ProsodyAnalysis:
    """Per-track measures; arrays are per analysis frame (20 ms hop) or per second."""

    signals: dict[str, float | None]
    segments: list[ProsodySegment]


def _unit(value: float, low: float, high: float) -> float:
    return float(np.clip((value - low) / (high - low), 0.0, 1.0))


def _semitones(f0: np.ndarray, ref: float) -> np.ndarray:
    return 12.0 * np.log2(f0 / ref)


def _windows(y: np.ndarray, frame_length: int) -> Iterator[np.ndarray]:
    """Zero-padded stretches of ``y`` holding ``CHUNK_FRAMES`` frames each (the last fewer).

    Frame ``k`` is centred on sample ``k * HOP``, as with librosa's ``center=True`` and
    constant padding, so analysing each stretch with ``center=False`` and joining the
    results gives the same frames as one call over the whole track: 1 + len(y) // HOP.
    """
    total = 1 + y.size // HOP
    half = frame_length // 2
    for first in range(0, total, CHUNK_FRAMES):
        last = min(total, first + CHUNK_FRAMES) - 1
        start, stop = first * HOP - half, last * HOP - half + frame_length
        window = np.zeros(stop - start, dtype=np.float32)
        lo, hi = max(start, 0), min(stop, y.size)
        if hi > lo:
            window[lo - start : hi - start] = y[lo:hi]
        yield window


def _magnitudes(librosa: Any, y: np.ndarray) -> Iterator[np.ndarray]:
    """|STFT| (512 points, 20 ms hop) per stretch, float32 of shape (257, frames)."""
    for window in _windows(y, STFT_FRAME):
        yield np.abs(librosa.stft(window, n_fft=STFT_FRAME, hop_length=HOP, center=False))


def _spectral_flux(librosa: Any, y: np.ndarray, peak: float) -> np.ndarray:
    """Onset envelope: mean rise of the dB spectrum (ref ``peak``, floor -``TOP_DB``) from the previous frame."""
    envelope: list[np.ndarray] = []
    previous: np.ndarray | None = None
    for magnitude in _magnitudes(librosa, y):
        db = np.maximum(librosa.amplitude_to_db(magnitude, ref=peak, top_db=None), -TOP_DB)
        joined = db if previous is None else np.concatenate([previous, db], axis=1)
        rise = np.maximum(0.0, np.diff(joined, axis=1)).mean(axis=0)
        envelope.append(np.concatenate([[0.0], rise]) if previous is None else rise)
        previous = db[:, -1:]
    return np.concatenate(envelope).astype(np.float32)


def _beat(librosa: Any, onset_env: np.ndarray, sample_rate: int) -> tuple[float | None, float]:
    """(tempo in BPM or None, beat strength 0-1) of an onset envelope on the 20 ms grid."""
    frames_per_s = sample_rate / HOP
    if onset_env.size <= 4 * frames_per_s or onset_env.std() <= 1e-6:
        return None, 0.0
    env = onset_env - onset_env.mean()
    lo, hi = int(frames_per_s * 60 / 200), int(frames_per_s * 60 / 60)
    if hi >= env.size:
        return None, 0.0
    energy = float(np.dot(env, env))
    lags = range(lo, hi + 1)
    ac = np.array([np.dot(env[:-lag], env[lag:]) for lag in lags]) / (energy if energy > 0 else 1.0)
    beat_strength = float(np.clip(ac.max(), 0.0, 1.0))
    if beat_strength < 0.2:
        return None, beat_strength
    step = int(TEMPO_WINDOW_S * frames_per_s)
    estimates = [
        float(librosa.feature.tempo(onset_envelope=onset_env[i : i + step], sr=sample_rate, hop_length=HOP)[0])
        for i in range(0, onset_env.size, step)
        if onset_env[i : i + step].size > 4 * frames_per_s
    ]
    estimates = [bpm for bpm in estimates if bpm > 0]
    return (float(np.clip(np.median(estimates), 30.0, 300.0)) if estimates else None), beat_strength


def _analyse(librosa: Any, samples: np.ndarray, sample_rate: int) -> ProsodyAnalysis:
    y = np.ascontiguousarray(samples, dtype=np.float32)
    duration = y.size / sample_rate
    frames_per_s = sample_rate / HOP
    # Frame levels (RMS of 40 ms), YIN pitch and spectral centroid on the 20 ms hop grid, a stretch at a time.
    rms = np.concatenate(
        [librosa.feature.rms(y=w, frame_length=RMS_FRAME, hop_length=HOP, center=False)[0] for w in _windows(y, RMS_FRAME)]
    )
    f0 = np.concatenate(
        [
            librosa.yin(w, fmin=FMIN_HZ, fmax=FMAX_HZ, sr=sample_rate, frame_length=YIN_FRAME, hop_length=HOP, center=False)
            for w in _windows(y, YIN_FRAME)
        ]
    )
    centroid_parts, peak = [], 0.0
    for magnitude in _magnitudes(librosa, y):
        centroid_parts.append(librosa.feature.spectral_centroid(S=magnitude, sr=sample_rate, n_fft=STFT_FRAME)[0])
        peak = max(peak, float(magnitude.max(initial=0.0)))
    onset_env = _spectral_flux(librosa, y, peak if peak > 0 else 1.0)
    onsets = librosa.onset.onset_detect(onset_envelope=onset_env, sr=sample_rate, hop_length=HOP, units="time")

    levels = 20.0 * np.log10(np.maximum(rms, 1e-6))
    active = active_frames(levels)
    n = min(f0.size, levels.size)
    f0, levels, active, rms = f0[:n], levels[:n], active[:n], rms[:n]
    centroid = np.concatenate(centroid_parts)[:n]
    st = _semitones(np.maximum(f0, 1.0), 100.0)
    stable = np.zeros(n, dtype=bool)
    if n > 2:
        stable[1:-1] = (np.abs(st[1:-1] - st[:-2]) < 1.0) & (np.abs(st[2:] - st[1:-1]) < 1.0)
    voiced = active & stable & (f0 > FMIN_HZ * 1.05) & (f0 < FMAX_HZ * 0.95)

    # Per-second classes: silence / speech / music.
    per_s = int(round(frames_per_s))
    seconds = max(1, n // per_s)
    classes: list[str] = []
    for i in range(seconds):
        window = slice(i * per_s, (i + 1) * per_s)
        act = active[window]
        if act.mean() < 0.1:
            classes.append("silence")
            continue
        energy = rms[window] ** 2
        lster = float(np.mean(energy < 0.5 * energy.mean()))
        v = voiced[window]
        pitch_move = float(np.std(st[window][v])) if v.sum() >= 5 else 0.0
        speechy = lster >= 0.15 and pitch_move >= 0.7
        classes.append("speech" if speechy else "music")
    shares = {c: classes.count(c) / len(classes) for c in ("speech", "music", "silence")}

    tempo, beat_strength = _beat(librosa, onset_env, sample_rate)

    levels_active = levels[active]
    smoothed = np.convolve(levels, np.ones(12) / 12, mode="same")[active] if active.any() else levels_active
    voiced_st = st[voiced]
    signals: dict[str, float | None] = {
        "loudness_range_db": float(np.percentile(levels_active, 95) - np.percentile(levels_active, 10)) if active.sum() >= 10 else None,
        "energy_dynamics_db": float(np.std(smoothed)) if active.sum() >= 10 else None,
        "pitch_mean_hz": float(np.median(f0[voiced])) if voiced.sum() >= 10 else None,
        "pitch_variability_st": float(np.std(voiced_st)) if voiced.sum() >= 10 else None,
        "speech_share": shares["speech"],
        "music_share": shares["music"],
        "silence_share": shares["silence"],
        "tempo_bpm": tempo if shares["music"] >= 0.2 else None,
        "beat_strength": beat_strength,
        "clipping_share": float(np.count_nonzero((y >= CLIP_LEVEL) | (y <= -CLIP_LEVEL)) / y.size) if y.size else 0.0,
    }

    segments: list[ProsodySegment] = []
    seg_frames = int(SEGMENT_S * frames_per_s)
    for start in range(0, n, seg_frames):
        window = slice(start, min(n, start + seg_frames))
        act, v = active[window], voiced[window]
        t0 = start / frames_per_s
        t1 = min(duration, (start + seg_frames) / frames_per_s)
        if segments and t1 - t0 < 0.5:
            break  # a tail shorter than half a second is not a segment of its own
        loud = float(np.mean(levels[window][act])) if act.any() else float(np.max(levels[window]))
        pitch = float(np.median(f0[window][v])) if v.sum() >= 5 else None
        variability = float(np.std(st[window][v])) if v.sum() >= 5 else None
        rate = float(np.sum((onsets >= t0) & (onsets < t1))) / max(t1 - t0, 1e-3)
        bright = float(np.mean(centroid[window][act])) if act.any() else 0.0
        parts = [_unit(loud, -45.0, -10.0), _unit(rate, 0.5, 6.0), _unit(bright, 600.0, 3000.0)]
        if variability is not None:
            parts.append(_unit(variability, 0.5, 5.0))
        arousal = float(np.mean(parts)) if act.mean() >= 0.1 else 0.0
        segments.append(ProsodySegment(t0, t1, loud, pitch, variability, arousal))
    arousals = np.array([s.arousal for s in segments if s.loudness_db > -50.0] or [0.0])
    signals["arousal_mean"] = float(arousals.mean())
    signals["arousal_range"] = float(arousals.max() - arousals.min())
    return ProsodyAnalysis(signals=signals, segments=segments)


def analyse(samples: np.ndarray, sample_rate: int) -> ProsodyAnalysis:
    """Prosody of a mono track (any length >= 0.1 s) at ``sample_rate`` Hz."""
    if samples.size < sample_rate // 10:
        raise ValueError(f"audio too short for prosody analysis: {samples.size} samples")
    return _analyse(librosa_module(), samples, sample_rate)


class ProsodyExtractor(Extractor):
    """Loudness, pitch, energy dynamics, sound classes, beat, clipping and arousal (provides prosody)."""

    name = "prosody"
    version = "1"
    inputs = frozenset({Input.AUDIO})
    provides = frozenset({Input.PROSODY})
    signals = (
        SignalSpec("loudness_range_db", "dB", "Spread of active-sound level (95th minus 10th percentile)", 0.0, 120.0),
        SignalSpec("energy_dynamics_db", "dB", "Standard deviation of the 240 ms smoothed level of active sound", 0.0, 120.0),
        SignalSpec("pitch_mean_hz", "Hz", "Median pitch of voiced sound", FMIN_HZ, FMAX_HZ),
        SignalSpec("pitch_variability_st", "semitones", "Pitch spread of voiced sound (expressiveness)", 0.0, 48.0),
        SignalSpec("speech_share", "0-1", "Share of seconds classified as speech", 0.0, 1.0),
        SignalSpec("music_share", "0-1", "Share of seconds classified as music or other sustained sound", 0.0, 1.0),
        SignalSpec("silence_share", "0-1", "Share of seconds that are silent", 0.0, 1.0),
        SignalSpec("tempo_bpm", "BPM", "Music tempo (null when there is little music)", 30.0, 300.0),
        SignalSpec("beat_strength", "0-1", "Regularity of the beat (onset autocorrelation peak at 60-200 BPM)", 0.0, 1.0),
        SignalSpec("clipping_share", "0-1", "Share of samples at full scale (clipped)", 0.0, 1.0),
        SignalSpec("arousal_mean", "0-1", "Mean arousal-like vocal/sound energy over 3 s segments", 0.0, 1.0),
        SignalSpec("arousal_range", "0-1", "Highest minus lowest segment arousal (emotional movement)", 0.0, 1.0),
    )

    def finish(self, context: VideoContext) -> ExtractorOutput:
        audio = context.audio
        assert audio is not None
        result = analyse(audio.samples, audio.sample_rate)
        context.prosody = result.segments
        return ExtractorOutput(signals=result.signals)
