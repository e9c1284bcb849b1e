"""Batch worker processes: the picklable pipeline factory, core pinning, and the worker loop.

Each worker is pinned to its own ``worker_threads`` cores and keeps all its thread
pools (decoder, Whisper, OCR, torch, BLAS) to that many threads, so workers never
compete for a core and throughput grows with the worker count.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from features.media.errors import VidscoreError
from scorer.batch.keys import pipeline_versions

if TYPE_CHECKING:
    from scorer.options import ScoreOptions
    from scorer.pipeline import Pipeline


@dataclass(frozen=True)
class PipelineSpec:
    """How a worker builds its pipeline (picklable, so it crosses the ``spawn`` boundary).

    Args:
        extractor_options: options given to extractors (language, ASR model...).
        extractors: names of registered extractors to run, or None for all of them.
    """

    extractor_options: dict[str, Any] = field(default_factory=dict)
    extractors: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.extractors is not None:
            from features.registry import EXTRACTORS

            known = [cls.name for cls in EXTRACTORS]
            unknown = [n for n in self.extractors if n not in known]
            if unknown or not self.extractors:
                raise ValueError(f"extractors must be a non-empty subset of {known}, got {list(self.extractors)!r}")

    def __call__(self) -> Pipeline:
        from features.registry import create_extractors
        from scorer.pipeline import Pipeline

        if self.extractors is None:
            return Pipeline(extractor_options=self.extractor_options)
        chosen = [e for e in create_extractors(self.extractor_options) if e.name in self.extractors]
        return Pipeline(extractors=chosen, extractor_options=self.extractor_options)


def pin(cores: frozenset[int]) -> int:
    """Run this worker on ``cores`` only and keep its math libraries to as many threads (before they load).

    Returns the thread count. Thread pools sized from the process's CPU affinity
    (Whisper, OCR, torch, FFmpeg's decoder) follow the pinning by themselves.
    """
    if cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, cores)
    threads = max(1, len(cores))
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
    return threads


def _watch_parent(parent_pid: int) -> None:
    """Exit this worker soon after its parent dies (e.g. SIGKILL), instead of running on alone."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def worker_main(
    conn: Any, factory: Callable[[], Pipeline], options: ScoreOptions, cores: frozenset[int], parent_pid: int
) -> None:
    """Worker loop: build the pipeline once, report its versions for ``options``, then score tasks until told to stop."""
    threads = pin(cores)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides how to stop
    _watch_parent(parent_pid)
    try:
        pipeline = build_pipeline(factory, threads)
        conn.send(("ready", pipeline_versions(pipeline, options)))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which stops the run
        conn.send(("init_error", f"{type(exc).__name__}: {exc}"))
        return
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        path, options, sha256 = task
        reply = score_task(pipeline, path, options, sha256)
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
        del reply
        gc.collect()


def build_pipeline(factory: Callable[[], Pipeline], threads: int) -> Pipeline:
    """``factory()``, then OpenCV and the BLAS/OpenMP pools kept to ``threads`` (those loaded before the pinning)."""
    pipeline = factory()
    import cv2  # loaded by the pipeline already
    from threadpoolctl import threadpool_limits

    cv2.setNumThreads(threads)
    threadpool_limits(threads)  # numpy comes in with the task
    return pipeline


def score_task(pipeline: Pipeline, path: str, options: ScoreOptions, sha256: str) -> tuple[Any, ...]:
    """Score one video; the reply every engine sends back: ("ok", result JSON text) or ("error", code, message)."""
    try:
        result = pipeline.score(path, options, progress=False, sha256=sha256)  # hashed once, by the driver
        return ("ok", json.dumps(result.to_json()))
    except VidscoreError as exc:
        return ("error", exc.code, exc.message)
    except Exception as exc:  # noqa: BLE001 - one bad video must not stop the worker
        return ("error", "internal", f"{path}: internal error: {type(exc).__name__}: {exc}")


def usable_cores() -> list[int]:
    """Ids of the cores this process may run on."""
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - non-Linux
        return list(range(os.cpu_count() or 1))


def default_workers(worker_threads: int = 1) -> int:
    """Workers that fill the usable cores with ``worker_threads`` cores each (at least one)."""
    return max(1, len(usable_cores()) // worker_threads)


def core_sets(workers: int, threads: int) -> list[frozenset[int]]:
    """``threads`` consecutive usable cores for each of ``workers`` workers, wrapping round when there are too few."""
    cores = usable_cores()
    return [frozenset(cores[(w * threads + t) % len(cores)] for t in range(threads)) for w in range(workers)]




def claim_cores(threads: int) -> tuple[frozenset[int], list[int]]:
    """``threads`` usable cores no other vidscore worker on this machine holds, and the open lock files holding them.

    For workers that nobody hands cores to (Ray actors): each core has a lock file under
    the temp folder, held with ``flock`` for the life of the process (the kernel drops it
    when the process dies, however it dies). When fewer are free, the least-used cores
    are shared, as the local pool's wrap-round does.
    """
    import fcntl
    import tempfile

    folder = os.path.join(tempfile.gettempdir(), f"vidscore-cores-{os.getuid()}")
    os.makedirs(folder, exist_ok=True)
    cores = usable_cores()
    held: list[int] = []
    chosen: list[int] = []
    for core in cores:
        if len(chosen) == threads:
            break
        fd = os.open(os.path.join(folder, f"{core}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        held.append(fd)
        chosen.append(core)
    spare = [c for c in cores if c not in chosen]
    while len(chosen) < min(threads, len(cores)) and spare:
        chosen.append(spare.pop(os.getpid() % len(spare)))
    return frozenset(chosen), held
