"""Shared helpers of the words benchmarks (bench_asr, bench_ocr, bench_words): error rates and the data folder.

The real-data folder is ``$VIDSCORE_REALDATA`` or ``../shared/realdata`` beside
the repository; it is read in place, never copied into the repo.
"""

from __future__ import annotations

import re
from pathlib import Path

from _realdata import realdata_root  # noqa: F401 - re-exported; puts the repository on sys.path

_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)



def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Levenshtein distance between two token lists (substitutions, insertions, deletions)."""
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h))
        previous = current
    return previous[-1]


def english_words(text: str) -> list[str]:
    """Lower-case words without punctuation (WER tokens)."""
    return _PUNCT.sub(" ", text.lower().replace("'", "")).split()


def chinese_chars(text: str) -> list[str]:
    """Simplified characters without punctuation or spaces (CER tokens)."""
    from features.asr_backends import to_simplified

    return [c for c in _PUNCT.sub("", to_simplified(text)) if not c.isspace()]


PITCH = (
    "Hi everyone, welcome back to the channel. Today I want to show you the blender that changed my mornings. "
    "It has a one thousand watt motor, six stainless steel blades and a glass jar that holds almost two litres. "
    "Watch this: frozen strawberries, a banana, some oat milk, and in twenty seconds the smoothie is completely smooth. "
    "No chunks, no ice left at the bottom. Cleaning takes one minute, just add warm water and a drop of soap and press pulse. "
    "The base is heavy, so it does not walk across the counter, and it is quieter than my old one. "
    "I also tried hot soup, peanut butter and crushed ice for cocktails, and every time it worked on the first try. "
    "Right now it is thirty percent off for the next three days, and shipping is free. "
    "If you have questions about the size or the warranty, leave a comment and I will answer every one of them. "
    "Tap the yellow cart below to order, and follow for more kitchen tools that actually save time. "
    "Next week I will compare it with two cheaper models, so stay tuned and see you then."
)


def espeak_track(path: Path, seconds: float) -> Path | None:
    """A non-repeating English speech WAV of about ``seconds`` s (espeak-ng reading a product pitch), or None."""
    import shutil
    import subprocess

    if shutil.which("espeak-ng") is None:
        return None
    words = len(PITCH.split())
    rate = int(0.9 * words / (seconds / 60.0))  # espeak-ng speaks about 10 % faster than its -s words/min
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", str(rate), "-w", str(path), PITCH],
                   check=True, timeout=120)
    return path
