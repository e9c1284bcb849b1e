"""Process-wide resources every model-backed extractor shares: the cache folder and the thread budget."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """Root of vidscore's cache: ``$VIDSCORE_CACHE_DIR`` or ``~/.cache/vidscore``."""
    configured = os.environ.get("VIDSCORE_CACHE_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "vidscore"


def cpu_threads() -> int:
    """All cores this process may use (CTranslate2, OpenCV, BLAS share this budget)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def frame_pass_threads() -> int:
    """Threads for work beside the frame pass (ASR in the pipeline, OCR inside it): half the cores, at least one.

    Speech recognition runs in a background thread while the frame pass decodes and
    reads text, so each gets its own share of the cores instead of oversubscribing them.
    """
    return max(1, cpu_threads() // 2)
