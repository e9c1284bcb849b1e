"""Speech generated for tests with espeak-ng (installed by CI); nothing binary is committed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile


def espeak_wav(path: Path, text: str, voice: str = "en-us", words_per_minute: int = 150) -> Path:
    """Write ``text`` spoken by espeak-ng to a 16 kHz mono WAV at ``path``; skip the test without espeak-ng."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(raw), text], check=True, timeout=60)
    samples, rate = soundfile.read(str(raw), dtype="float32")
    raw.unlink()
    if samples.ndim > 1:
        samples = samples.mean(axis=1)
    if rate != 16_000:
        from math import gcd

        from scipy.signal import resample_poly

        common = gcd(rate, 16_000)
        samples = resample_poly(samples, 16_000 // common, rate // common)
    soundfile.write(str(path), samples.astype(np.float32), 16_000)
    return path


def load_samples(path: Path) -> np.ndarray:
    """Mono float32 samples of a 16 kHz WAV written by :func:`espeak_wav`."""
    samples, _ = soundfile.read(str(path), dtype="float32")
    return samples
