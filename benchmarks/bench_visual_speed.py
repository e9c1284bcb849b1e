"""Benchmark: cost of the visual extractors on top of the shared decode pass (60 s, 1080x1920).

Usage: python benchmarks/bench_visual_speed.py [--video PATH] [--repeat 2]

Without ``--video`` it makes a 60 s 1080x1920 H.264 clip with ffmpeg in a temporary
folder: a real vertical clip from the real-data folder looped and scaled up, or
ffmpeg's ``testsrc2`` pattern when the real data is absent. It times the bare decode
pass (:class:`features.media.decode.FrameDecoder`, analysis short side 288) and the same pass
feeding the visual extractors (scene dynamics, picture quality, camera motion,
framing, product display), best of ``--repeat`` runs each. It prints each extractor's
CPU time (thread time, so other processes on a busy machine do not inflate it), and
the ratio full / decode-only in wall-clock and in process CPU time (decoder threads
included). Target: wall-clock ratio <= 1.5.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from _visual_realdata import decode_only, realdata_root  # puts the repository on sys.path

from features.base import VideoContext  # noqa: E402
from features.camera_motion import CameraMotionExtractor  # noqa: E402
from features.face_signals import FacesExtractor  # noqa: E402
from features.framing import FramingExtractor  # noqa: E402
from features.media.decode import FrameDecoder  # noqa: E402
from features.media.probe import probe  # noqa: E402
from features.picture_quality import PictureQualityExtractor  # noqa: E402
from features.product_display import ProductDisplayExtractor  # noqa: E402
from features.scene_dynamics import SceneDynamicsExtractor  # noqa: E402
from scorer.report import format_table  # noqa: E402

TARGET = 1.5
SOURCE_CLIP = "videos/snapugc/13bdbeb5f3b1fdbda2a8fbcc646db222.mp4"


def make_clip(target: Path) -> str:
    """Write a 60 s 1080x1920 clip to ``target``; return a description of its content."""
    root = realdata_root()
    common = ["-t", "60", "-vf", "scale=1080:1920,format=yuv420p", "-r", "30", "-an",
              "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", str(target)]
    if root is not None and (root / SOURCE_CLIP).is_file():
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-i", str(root / SOURCE_CLIP), *common],
                       check=True)
        return f"{Path(SOURCE_CLIP).name} looped and scaled"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1080x1920:rate=30", *common],
                   check=True)
    return "ffmpeg testsrc2 pattern"


def full_pass(path: Path) -> tuple[float, float, dict[str, float]]:
    """Wall-clock and process CPU seconds of the decode pass feeding every visual extractor, and the CPU
    seconds spent in each extractor."""
    extractors = [SceneDynamicsExtractor(), PictureQualityExtractor(), CameraMotionExtractor(), FacesExtractor(),
                  FramingExtractor(), ProductDisplayExtractor()]
    started, cpu = time.perf_counter(), time.process_time()
    info = probe(str(path))
    context = VideoContext(info=info)
    spent = {e.name: 0.0 for e in extractors}
    for extractor in extractors:
        extractor.start(context)
    for frame in FrameDecoder(info).frames():
        for extractor in extractors:
            clock = time.thread_time()
            extractor.process_frame(frame)
            spent[extractor.name] += time.thread_time() - clock
    for extractor in extractors:
        clock = time.thread_time()
        extractor.validated(extractor.finish(context))
        spent[extractor.name] += time.thread_time() - clock
    spent["(sampled frames)"] = float(len(extractors[3].samples()))  # type: ignore[attr-defined]
    return time.perf_counter() - started, time.process_time() - cpu, spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", default=None, help="video to time instead of the generated 60 s 1080x1920 clip")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each pass; the best is kept")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vidscore_bench_speed_"))
    try:
        if args.video:
            path, content = Path(args.video), "given file"
        else:
            if shutil.which("ffmpeg") is None:
                print("ffmpeg not found; skipped")
                return 0
            path = work / "clip_60s_1080x1920.mp4"
            content = make_clip(path)
        info = probe(str(path))
        decode_s = decode_cpu = full_s = full_cpu = float("inf")
        spent: dict[str, float] = {}
        frames = 0
        for _ in range(max(1, args.repeat)):
            frames, seconds, cpu = decode_only(path)
            decode_s, decode_cpu = min(decode_s, seconds), min(decode_cpu, cpu)
            seconds, cpu, per_extractor = full_pass(path)
            full_s = min(full_s, seconds)
            if cpu < full_cpu:
                full_cpu, spent = cpu, per_extractor
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{path.name}: {info.duration_s:.1f} s, {info.width}x{info.height}, {frames} frames ({content})\n")
    sampled = int(spent.pop("(sampled frames)", 0))
    rows = [[name, f"{seconds:.2f}", f"{1000 * seconds / max(frames, 1):.2f}"] for name, seconds in spent.items()]
    rows.append(["all visual extractors", f"{sum(spent.values()):.2f}", f"{1000 * sum(spent.values()) / max(frames, 1):.2f}"])
    print(format_table(["extractor", "CPU s", "CPU ms/frame"], rows))
    detectors = spent.get("faces", 0.0) + spent.get("framing", 0.0)  # faces, then hands (palm + landmarks)
    print(f"\ndetectors on {sampled} sampled frames: faces {1000 * spent.get('faces', 0.0) / max(sampled, 1):.1f} ms, "
          f"hands (with shots and motion) {1000 * spent.get('framing', 0.0) / max(sampled, 1):.1f} ms, "
          f"together {1000 * detectors / max(sampled, 1):.1f} ms CPU per sampled frame")
    ratio = full_s / max(decode_s, 1e-9)
    print(f"\nwall clock: decode only {decode_s:.2f} s; decode + visual extraction {full_s:.2f} s")
    print(f"process CPU: decode only {decode_cpu:.2f} s; decode + visual extraction {full_cpu:.2f} s; "
          f"ratio {full_cpu / max(decode_cpu, 1e-9):.2f}")
    print(f"wall-clock ratio {ratio:.2f} (target <= {TARGET}): {'MET' if ratio <= TARGET else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
