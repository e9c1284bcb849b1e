"""Shared helpers of the visual benchmarks (bench_scenecut, bench_picture_distortion, bench_visual_speed).

Finds the real-data folder (``$VIDSCORE_REALDATA`` or ``../shared/realdata`` beside
the repository; never copied into the repo) and runs visual extractors over one
file with the shared decode pass, the way the pipeline does.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from _realdata import realdata_root  # noqa: F401 - re-exported; puts the repository on sys.path

from features.base import Extractor, ExtractorOutput, VideoContext  # noqa: E402
from features.media.decode import FrameDecoder  # noqa: E402
from features.media.probe import probe  # noqa: E402


@dataclass
class VisualRun:
    """Outputs of a run by extractor name, decode-only-equivalent frame count and wall-clock seconds."""

    outputs: dict[str, ExtractorOutput]
    frames: int
    seconds: float


def run_visual(path: str | Path, extractors: Sequence[Extractor], analysis_short_side: int = 288) -> VisualRun:
    """Decode ``path`` once and push every frame to ``extractors``; return their validated outputs."""
    started = time.perf_counter()
    info = probe(str(path))
    context = VideoContext(info=info)
    for extractor in extractors:
        extractor.start(context)
    frames = 0
    for frame in FrameDecoder(info, analysis_short_side).frames():
        frames += 1
        for extractor in extractors:
            extractor.process_frame(frame)
    outputs = {e.name: e.validated(e.finish(context)) for e in extractors}
    return VisualRun(outputs, frames, time.perf_counter() - started)


def decode_only(path: str | Path, analysis_short_side: int = 288) -> tuple[int, float, float]:
    """(frames, wall-clock seconds, process CPU seconds) of the bare shared decode pass over ``path``."""
    started, cpu = time.perf_counter(), time.process_time()
    info = probe(str(path))
    frames = sum(1 for _ in FrameDecoder(info, analysis_short_side).frames())
    return frames, time.perf_counter() - started, time.process_time() - cpu
