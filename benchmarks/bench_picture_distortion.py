"""Benchmark: picture-quality signals move the right way when real clips are degraded.

Usage: python benchmarks/bench_picture_distortion.py [--seconds 4] [--clips N] [--realdata PATH]

Takes real clips from the real-data folder (first ``--seconds`` s), re-encodes each
with ffmpeg at level 0 (libx264 CRF 16, the reference) and at four increasing
strengths of each distortion: Gaussian blur, temporal noise, darkening (luma scaled
down) and heavy compression (libx264 CRF 30-51). For every clip and distortion it
computes Spearman's rho between the level (0-4) and each affected signal and the
``picture_quality`` sub-score, and prints the mean and worst rho over clips with the
expected sign. Target: |rho| >= 0.90 for every distortion (mean over clips).
Distorted files go to a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from _visual_realdata import realdata_root, run_visual  # puts the repository on sys.path

from features.picture_quality import PictureQualityExtractor  # noqa: E402
from scorer.report import format_table  # noqa: E402

TARGET = 0.90
CLIPS = (
    "videos/snapugc/13bdbeb5f3b1fdbda2a8fbcc646db222.mp4",
    "videos/snapugc/909c1cd9351eb8c2903b06d07e483d81.mp4",
    "videos/snapugc/ef49ff16c0930c6d2d4531550f43d773.mp4",
    "videos/vqa_mos/konvid1k_10053703034.mp4",
    "videos/vqa_mos/lsvq_yfcc-batch3_1724.mp4",
    "videos/kinetics400/e4dv6ZsFzHE_000243_000253.mp4",
    "videos/talking_head/liveportrait_driving_d13.mp4",
    "videos/scenecut/pyscenedetect_issue-195-aspect-ratio.mp4",
)
# distortion -> (ffmpeg filter or CRF per level 1-4, signals with the expected sign of rho)
DISTORTIONS: dict[str, tuple[list[str], dict[str, int]]] = {
    "blur": (["gblur=sigma=0.8", "gblur=sigma=1.6", "gblur=sigma=3", "gblur=sigma=6"],
             {"sharpness": -1, "picture_quality": -1}),
    "noise": (["noise=alls=6:allf=t", "noise=alls=12:allf=t", "noise=alls=24:allf=t", "noise=alls=40:allf=t"],
              {"noise_level": +1, "picture_quality": -1}),
    "darken": (["lutyuv=y=val*0.75", "lutyuv=y=val*0.5", "lutyuv=y=val*0.3", "lutyuv=y=val*0.15"],
               {"brightness": -1, "crushed_shadows": +1, "picture_quality": -1}),
    "compression": (["crf=32", "crf=40", "crf=46", "crf=51"],
                    {"blockiness": +1, "sharpness": -1, "picture_quality": -1}),
}


def encode(source: Path, target: Path, seconds: float, step: str | None) -> None:
    crf = "16"
    filters = ["format=yuv420p"]
    if step is not None and step.startswith("crf="):
        crf = step.split("=", 1)[1]
    elif step is not None:
        filters.insert(0, step)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(source), "-t", f"{seconds}", "-an", "-vf", ",".join(filters),
         "-c:v", "libx264", "-preset", "veryfast", "-crf", crf, str(target)],
        check=True,
    )


def spearman(x: list[float], y: list[float]) -> float:
    """Spearman's rho with average ranks for ties; 0 when either side is constant."""
    def ranks(values: list[float]) -> np.ndarray:
        order = np.argsort(values, kind="mergesort")
        result = np.empty(len(values))
        sorted_values = np.asarray(values)[order]
        i = 0
        while i < len(values):
            j = i
            while j + 1 < len(values) and sorted_values[j + 1] == sorted_values[i]:
                j += 1
            result[order[i : j + 1]] = (i + j) / 2.0
            i = j + 1
        return result

    rx, ry = ranks(x), ranks(y)
    if rx.std() == 0 or ry.std() == 0:
        return 0.0
    return float(np.corrcoef(rx, ry)[0, 1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each test clip (s)")
    parser.add_argument("--clips", type=int, default=len(CLIPS), help="how many of the clips to use")
    parser.add_argument("--realdata", default=None, help="real-data folder (default ../shared/realdata)")
    args = parser.parse_args()
    root = Path(args.realdata) if args.realdata else realdata_root()
    if root is None:
        print("real data not found; skipped")
        return 0
    if shutil.which("ffmpeg") is None:
        print("ffmpeg not found; skipped")
        return 0
    clips = [root / c for c in CLIPS[: args.clips] if (root / c).is_file()]
    extractor = PictureQualityExtractor()
    rhos: dict[tuple[str, str], list[float]] = {}
    work = Path(tempfile.mkdtemp(prefix="vidscore_bench_pq_"))
    try:
        for number, clip in enumerate(clips):
            reference = work / f"{number}_ref.mp4"
            encode(clip, reference, args.seconds, None)
            base = run_visual(reference, [extractor]).outputs[extractor.name].signals
            for distortion, (steps, expected) in DISTORTIONS.items():
                series = [base]
                for level, step in enumerate(steps, start=1):
                    target = work / f"{number}_{distortion}_{level}.mp4"
                    encode(clip, target, args.seconds, step)
                    series.append(run_visual(target, [extractor]).outputs[extractor.name].signals)
                    target.unlink()
                for signal in expected:
                    values = [float(s[signal]) for s in series]
                    rhos.setdefault((distortion, signal), []).append(spearman(list(range(len(values))), values))
            print(f"  {clip.name}: done", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = []
    worst_mean = 1.0
    for (distortion, signal), values in rhos.items():
        sign = DISTORTIONS[distortion][1][signal]
        signed = [sign * v for v in values]
        mean = float(np.mean(signed))
        worst_mean = min(worst_mean, mean)
        rows.append([distortion, signal, "+" if sign > 0 else "-", f"{sign * mean:+.3f}", f"{sign * min(signed):+.3f}",
                     "ok" if mean >= TARGET else "MISS"])
    print(format_table(["distortion", "signal", "expected", "mean rho", "worst clip rho", f"|rho|>={TARGET}"], rows))
    print(f"\n{len(clips)} clips x {args.seconds:g} s, levels 0-4; worst mean |rho| in the expected direction "
          f"{worst_mean:.3f} (target >= {TARGET:.2f}): {'MET' if worst_mean >= TARGET else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
