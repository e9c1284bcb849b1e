"""The Ray engine against the local pool: videos per minute, per-video overhead, and the capacity it implies.

Usage: python benchmarks/bench_ray.py [--durations 20,28,36,44,52,60] [--workers 2] [--repeat 2] [--overhead-videos 40]

1. Throughput: the same generated clips (720x1280, speech + captions, as
   bench_throughput.py) scored with the full pipeline by ``run_batch`` (local pool)
   and by ``run_batch_ray`` (a private Ray on 127.0.0.1 with as many CPUs), ``--workers``
   each, one core per worker, the engines alternating for ``--repeat`` rounds. Reports videos/minute over the whole run (engine start
   and model loads included) and over the scoring span (first video started to last
   finished), and checks that every score is identical.
2. Per-video overhead: ``--overhead-videos`` tiny clips through a two-extractor pipeline
   (about 20 ms of work each) with both engines: the time per video per worker is an
   upper bound of what the engine adds to every video (task dispatch, result transfer,
   store write), compared with the time a video of the mix takes.
3. Capacity: from the local pool's measured rate per core, the cores and machines
   needed for 100 k and 1 M uploads a day at this 20-60 s mix (with the Ray engine's
   measured efficiency), for 16- and 64-core machines.

Target: Ray engine rate >= 0.9x the local pool's (scoring span).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_speed import cached_video  # noqa: E402

from scorer.batch import BatchItem, PipelineSpec, run_batch  # noqa: E402
from scorer.batch.ray_engine import run_batch_ray  # noqa: E402
from scorer.options import ScoreOptions  # noqa: E402
from scorer.report import format_table  # noqa: E402
from scorer.store import ResultStore  # noqa: E402

TARGET_RATIO = 0.9
UPLOADS_PER_DAY = (100_000, 1_000_000)
MACHINE_CORES = (16, 64)


def run(engine: str, videos: list[Path], workers: int, spec: PipelineSpec) -> dict[str, Any]:
    """One batch run into a fresh store: wall and scoring-span seconds, scored count, scores by file."""
    with tempfile.TemporaryDirectory() as tmp, ResultStore(Path(tmp) / "store.db") as store:
        items = [BatchItem(str(v)) for v in videos]
        started = time.perf_counter()
        engine_run = run_batch if engine == "local" else run_batch_ray
        summary = engine_run(items, store, ScoreOptions(), spec, workers=workers, progress=False)
        wall = time.perf_counter() - started
        rows = list(store.rows())
    first = min(datetime.fromisoformat(r.started_at) for r in rows)
    last = max(datetime.fromisoformat(r.finished_at) for r in rows)
    if summary.failed_total:
        print(f"warning: {engine}: {summary.failed_total} video(s) failed: {dict(summary.failed)}", file=sys.stderr)
    scores = {r.path: ({k: v for k, v in r.result.items() if k not in ("timing", "timing_s")} if r.result else None)
              for r in rows}
    return {"wall": wall, "span": (last - first).total_seconds(), "scored": summary.scored, "scores": scores}


def throughput(durations: list[float], workers: int, cache: Path, repeat: int) -> tuple[float, float, float]:
    """(local videos/min per core over the scoring span, Ray/local ratio, Ray seconds per video per worker).

    The engines alternate (local, ray, local, ray, ...) so that load from other jobs falls on both alike;
    the figures are the totals over the ``repeat`` rounds.
    """
    clips = [cached_video(cache, d, 720, 1280) for d in durations]
    totals = {e: {"wall": 0.0, "span": 0.0, "scored": 0} for e in ("local", "ray")}
    rows = []
    same = True
    for round_ in range(1, repeat + 1):
        results = {engine: run(engine, clips, workers, PipelineSpec()) for engine in ("local", "ray")}
        same = same and results["local"]["scores"] == results["ray"]["scores"]
        for engine, r in results.items():
            for key in ("wall", "span", "scored"):
                totals[engine][key] += r[key]
            rows.append((round_, engine, workers, r["scored"], f"{r['wall']:.1f}", f"{60 * r['scored'] / r['wall']:.2f}",
                         f"{r['span']:.1f}", f"{60 * r['scored'] / r['span']:.2f}", f"{os.getloadavg()[0]:.1f}"))
        rows.append(("", "ray/local", "", "", "", f"{results['local']['wall'] / results['ray']['wall']:.2f}", "",
                     f"{results['local']['span'] / results['ray']['span']:.2f}", ""))
    print(f"clips: {len(clips)} ({', '.join(f'{d:g}' for d in durations)} s), 720x1280, speech + captions; "
          f"full pipeline, one core per worker; engines alternate, {repeat} round(s)")
    print(format_table(("round", "engine", "workers", "videos", "wall s", "videos/min (wall)", "span s",
                        "videos/min (scoring span)", "load avg"), rows))
    print(f"scores identical between the engines: {'yes' if same else 'NO'}")
    local, ray = totals["local"], totals["ray"]
    ratio_span = local["span"] / ray["span"]
    ratio_wall = local["wall"] / ray["wall"]
    print(f"Ray / local rate over all rounds: {ratio_span:.2f} (scoring span), {ratio_wall:.2f} (wall, engine start "
          f"included) vs target >= {TARGET_RATIO} ({'met' if ratio_span >= TARGET_RATIO else 'MISSED'})")
    return 60 * local["scored"] / local["span"] / workers, ratio_span, ray["span"] * workers / ray["scored"]


def overhead(count: int, workers: int, cache: Path, real_video_s: float) -> None:
    from mediagen import write_video

    folder = cache / "tiny"
    folder.mkdir(parents=True, exist_ok=True)
    clips = [folder / f"tiny{i}.mp4" for i in range(count)]
    for i, path in enumerate(clips):
        if not path.is_file():
            write_video(path, width=96, height=160, fps=10, seconds=1.0, audio_tone_hz=300.0 + 10 * i)
    spec = PipelineSpec(extractors=("scene_dynamics", "audio_level"))
    rows = []
    per_video = {}
    for engine in ("local", "ray"):
        r = run(engine, clips, workers, spec)
        per_video[engine] = r["span"] * workers / r["scored"]
        rows.append((engine, r["scored"], f"{r['span']:.2f}", f"{1000 * per_video[engine]:.0f}", f"{r['wall']:.1f}"))
    print(f"per-video overhead: {count} tiny clips (96x160, 1 s), two extractors, {workers} workers")
    print(format_table(("engine", "videos", "span s", "ms per video per worker", "wall s (start included)"), rows))
    print(f"engine cost per video (an upper bound: it includes the tiny pipeline's own work): Ray "
          f"{1000 * per_video['ray']:.0f} ms, local pool {1000 * per_video['local']:.0f} ms; the Ray figure is "
          f"{100 * per_video['ray'] / real_video_s:.2f}% of a video of the mix above ({real_video_s:.1f} s per worker)")


def capacity(per_core_per_min: float, ratio: float, durations: list[float]) -> None:
    mix = f"{min(durations):g}-{max(durations):g} s"
    rows = []
    for uploads in UPLOADS_PER_DAY:
        for engine, efficiency in (("local pool", 1.0), ("Ray engine", min(ratio, 1.0))):
            cores = math.ceil(uploads / (per_core_per_min * efficiency * 60 * 24))
            machines = " / ".join(str(math.ceil(cores / m)) for m in MACHINE_CORES)
            rows.append((f"{uploads:,}", engine, cores, machines))
    print(f"capacity at {per_core_per_min:.2f} videos/min per core ({mix} mix, measured above), running 24 h a day, "
          "no headroom")
    print(format_table(("uploads/day", "engine", "cores", f"machines ({' / '.join(map(str, MACHINE_CORES))} cores)"),
                       rows))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--durations", default="20,28,36,44,52,60", help="clip lengths in seconds, comma-separated")
    parser.add_argument("--workers", type=int, default=2, help="workers (local) and actors (Ray)")
    parser.add_argument("--repeat", type=int, default=2, help="rounds of (local, ray) runs")
    parser.add_argument("--overhead-videos", type=int, default=40, help="tiny clips for the overhead run (0: skip)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "vidscore-bench")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    durations = [float(d) for d in args.durations.split(",") if d.strip()]
    print(f"cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f} at start")
    per_core, ratio, real_video_s = throughput(durations, args.workers, args.cache, args.repeat)
    if args.overhead_videos:
        overhead(args.overhead_videos, args.workers, args.cache, real_video_s)
    capacity(per_core, ratio, durations)
    print(f"load average {os.getloadavg()[0]:.1f} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
