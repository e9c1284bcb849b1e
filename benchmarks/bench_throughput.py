"""Batch throughput and memory: videos per minute at 1 and 2 workers, peak RSS per worker, memory vs length.

Usage: python benchmarks/bench_throughput.py [--durations 20,28,36,44,52,60] [--long-seconds 600] [--skip-long]

Generates a folder of 9:16 clips (720x1280, 30 fps, espeak-ng speech, scene
changes, captions; see bench_speed.py) and scores it with ``run_batch`` (the
engine of ``vidscore batch``, full pipeline) at 1 and then 2 workers, each into
a fresh store. Reports videos/minute over the whole run (worker start and model
loading included) and over the scoring span (first video started to last
finished), the speed-up, and the peak RSS (VmHWM) of every worker process.
Then scores a 60 s clip and a long clip (default 10 minutes), both 360x640
(cheaper to generate; analysis runs at 288 px anyway), alone with one worker
each, to show that peak memory does not grow with video length.

Targets: speed-up >= 1.7 from 1 to 2 workers; peak RSS <= 2 GB per worker;
long-video peak <= 1.25x the 60 s peak (flat).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_speed import cached_video  # noqa: E402

from scorer.batch import BatchItem, PipelineSpec, run_batch  # noqa: E402
from scorer.pipeline import ScoreOptions  # noqa: E402
from scorer.report import format_table  # noqa: E402
from scorer.store import ResultStore  # noqa: E402

TARGET_SPEEDUP = 1.7
TARGET_RSS_MB = 2048.0
TARGET_FLAT = 1.25


class PeakRss:
    """Samples the peak RSS (VmHWM, MB) of this process's worker children while running."""

    def __init__(self, interval_s: float = 0.25) -> None:
        self.interval_s = interval_s
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) != me:
                        continue
                    if b"spawn_main" not in (entry / "cmdline").read_bytes():
                        continue
                    status = (entry / "status").read_text()
                except (OSError, IndexError, ValueError):
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        mb = int(line.split()[1]) / 1024
                        self.peaks[int(entry.name)] = max(self.peaks.get(int(entry.name), 0.0), mb)
            self._stop.wait(self.interval_s)


def score_folder(videos: list[Path], workers: int) -> tuple[float, float, float, int]:
    """(wall s, scoring-span s, max worker peak RSS MB, videos scored) for one batch run."""
    with tempfile.TemporaryDirectory() as tmp, ResultStore(Path(tmp) / "store.db") as store:
        started = time.perf_counter()
        with PeakRss() as rss:
            summary = run_batch([BatchItem(str(v)) for v in videos], store, ScoreOptions(), PipelineSpec(),
                                workers=workers, progress=False)
        wall = time.perf_counter() - started
        rows = list(store.rows())
        first = min(datetime.fromisoformat(r.started_at) for r in rows)
        last = max(datetime.fromisoformat(r.finished_at) for r in rows)
        if summary.failed_total:
            print(f"warning: {summary.failed_total} video(s) failed: {dict(summary.failed)}", file=sys.stderr)
    return wall, (last - first).total_seconds(), max(rss.peaks.values(), default=0.0), summary.scored


def throughput(durations: list[float], cache: Path) -> None:
    clips = [cached_video(cache, d, 720, 1280) for d in durations]
    rows = []
    rates = {}
    peaks = []
    for workers in (1, 2):
        wall, span, peak, scored = score_folder(clips, workers)
        rates[workers] = (60.0 * scored / wall, 60.0 * scored / span)
        peaks.append(peak)
        rows.append((workers, scored, f"{wall:.1f}", f"{rates[workers][0]:.2f}", f"{rates[workers][1]:.2f}",
                     f"{peak:.0f}"))
    print(f"clips: {len(clips)} ({', '.join(f'{d:g}' for d in durations)} s), 720x1280, speech + captions")
    print(format_table(("workers", "videos", "wall s", "videos/min (wall)", "videos/min (scoring span)",
                        "peak RSS/worker MB"), rows))
    speedup_wall = rates[2][0] / rates[1][0]
    speedup_span = rates[2][1] / rates[1][1]
    print(f"speed-up 1 -> 2 workers: {speedup_wall:.2f} (wall), {speedup_span:.2f} (scoring span) "
          f"vs target {TARGET_SPEEDUP} ({'met' if max(speedup_wall, speedup_span) >= TARGET_SPEEDUP else 'MISSED'})")
    print(f"peak RSS per worker: {max(peaks):.0f} MB vs target {TARGET_RSS_MB:.0f} MB "
          f"({'met' if max(peaks) <= TARGET_RSS_MB else 'MISSED'})")


def memory_vs_length(long_seconds: float, cache: Path) -> None:
    memory = []
    for seconds in (60.0, long_seconds):
        wall, _, peak, _ = score_folder([cached_video(cache, seconds, 360, 640)], 1)
        memory.append((f"{seconds:g} s", f"{wall:.1f}", f"{peak:.0f}"))
    ratio = float(memory[1][2]) / float(memory[0][2])
    print(format_table(("video (360x640)", "wall s", "peak RSS MB"), memory))
    print(f"memory vs length: peak ratio {ratio:.2f} ({long_seconds:g} s vs 60 s) vs target <= {TARGET_FLAT} "
          f"({'met' if ratio <= TARGET_FLAT else 'MISSED'})")



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--durations", default="20,28,36,44,52,60",
                        help="clip lengths in seconds, comma-separated (empty: skip the throughput runs)")
    parser.add_argument("--long-seconds", type=float, default=600.0, help="length of the long video (seconds)")
    parser.add_argument("--skip-long", action="store_true", help="skip the memory-vs-length run")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "vidscore-bench")
    args = parser.parse_args()
    durations = [float(d) for d in args.durations.split(",") if d.strip()]
    print(f"cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f} at start")
    if durations:
        throughput(durations, args.cache)
    if not args.skip_long:
        memory_vs_length(args.long_seconds, args.cache)
    print(f"load average {os.getloadavg()[0]:.1f} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
