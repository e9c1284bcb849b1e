"""Time of the whole words stage (speech recognition + prosody + on-screen text) on a 60 s video.

Usage: python benchmarks/bench_words.py [--seconds 60] [--keep PATH]

Builds a 60 s test video in a temporary folder with ffmpeg (skips when the
real-data folder, ffmpeg or espeak-ng is absent): the Chinese subtitled clip
looped for the picture (burned-in captions that change every few seconds) and
an espeak-ng product pitch for the sound. Then runs the pipeline with only the words
extractors (speech, prosody, screen_text), so the time includes probing, audio
decoding and the shared frame pass. Target: under 15 s on 2 cores. The machine
may be shared, so the load average and CPU time are printed too.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _text_metrics import espeak_track, realdata_root

from features.media.resources import frame_pass_threads
from features.prosody import ProsodyExtractor, librosa_module
from features.screen_text import ScreenTextExtractor, load_ocr
from features.speech import SpeechExtractor
from features.whisper_models import load_whisper
from scorer.options import ScoreOptions
from scorer.pipeline import Pipeline

TARGET_S = 15.0
VIDEO = "videos/zh_subtitled/rapidvideocr_test_a_zh_narration.mp4"


def build_video(root: Path, seconds: float, folder: Path) -> Path | None:
    """The subtitled clip looped under a non-repeating espeak-ng speech track, ``seconds`` long; None without espeak-ng."""
    speech = espeak_track(folder / "pitch.wav", seconds)
    if speech is None:
        return None
    out = folder / "words.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-i", str(root / VIDEO), "-i", str(speech),
         "-map", "0:v", "-map", "1:a", "-t", str(seconds), "-c:v", "libx264", "-preset", "veryfast",
         "-c:a", "aac", "-ar", "44100", str(out)],
        check=True, timeout=300,
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--keep", metavar="PATH", help="also keep the generated video at PATH")
    args = parser.parse_args()
    root = realdata_root()
    if root is None or shutil.which("ffmpeg") is None:
        print("bench_words: real data or ffmpeg not found; skipped")
        return 0
    started = time.perf_counter()
    load_whisper("base", frame_pass_threads()), load_ocr(), librosa_module()
    print(f"model loading and warm-up (once per process): {time.perf_counter() - started:.1f} s")
    with tempfile.TemporaryDirectory() as folder:
        video = build_video(root, args.seconds, Path(folder))
        if video is None:
            print("bench_words: espeak-ng not found; skipped")
            return 0
        if args.keep:
            shutil.copy(video, args.keep)
        pipeline = Pipeline(extractors=[SpeechExtractor.from_options({}), ProsodyExtractor(), ScreenTextExtractor()])
        load = os.getloadavg()[0]
        wall, cpu = time.perf_counter(), time.process_time()
        result = pipeline.score(str(video), ScoreOptions(), progress=False).to_json()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    timing = ", ".join(f"{k} {v:.1f}" for k, v in result["timing_s"].items() if v >= 0.05)
    print(f"stage timings (s): {timing}")
    print(f"transcript ({result['transcript']['language']}): {result['transcript']['text'][:100]}...")
    print(f"screen text spans: {len(result['screen_text'])}, errors: {result['errors']}")
    print(f"load average before the run: {load:.1f} on {os.cpu_count()} cores; cpu time {cpu:.1f} s")
    verdict = "meets" if wall <= TARGET_S else "misses"
    print(f"words stage for a {args.seconds:.0f} s video: {wall:.1f} s wall (target < {TARGET_S:.0f} s: {verdict}; "
          f"ratio {wall / TARGET_S:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
