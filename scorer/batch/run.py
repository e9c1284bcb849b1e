"""Batch orchestration: hash the inputs, plan what to score, score it in the worker pool, record every video.

:func:`run_batch` hashes every file, skips what the store already holds under
the same content hash and versions key (with ``resume``), and scores the rest
in worker processes started with ``spawn``. The parent is the only store writer
and commits one transaction per video, so a SIGKILL at any moment loses at most
the videos in flight, which the next ``resume`` run scores. SIGINT/SIGTERM stop
the run cleanly: no new videos start, workers are stopped, the store stays
consistent.

Videos are handed out largest file first, so no worker is left with a long video
at the end while the others idle.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from features.media.errors import MissingFileError
from scorer.batch.inputs import BatchItem
from scorer.batch.keys import file_sha256, key_options, options_for
from scorer.batch.pool import KILL_GRACE_S, Task, WorkerPool
from scorer.batch.signals import StopFlag
from scorer.batch.worker import default_workers
from scorer.rubric import DIMENSIONS
from scorer.store import utc_now, versions_key

if TYPE_CHECKING:
    from scorer.options import ScoreOptions
    from scorer.pipeline import Pipeline
    from scorer.stores import Store


@dataclass
class BatchSummary:
    """What a batch run did (counts of videos) and the mean scores of the videos scored in it."""

    inputs: int = 0
    skipped: int = 0
    duplicates: int = 0
    scored: int = 0
    failed: Counter = field(default_factory=Counter)
    score_sums: dict[str, float] = field(default_factory=lambda: {d: 0.0 for d in DIMENSIONS})
    interrupted: bool = False
    elapsed_s: float = 0.0
    retried: int = 0  # videos started again because their worker died (the Ray engine)

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())

    def mean_scores(self) -> dict[str, float | None]:
        return {d: (s / self.scored if self.scored else None) for d, s in self.score_sums.items()}

    def rows(self) -> list[tuple[str, str]]:
        """(what, value) rows of the end-of-run summary table."""
        rate = 60.0 * (self.scored + self.failed_total) / self.elapsed_s if self.elapsed_s > 0 else 0.0
        rows = [
            ("inputs", str(self.inputs)),
            ("skipped (already in store)", str(self.skipped)),
            ("duplicates (same content)", str(self.duplicates)),
            ("scored", str(self.scored)),
            ("failed", str(self.failed_total)),
        ]
        rows += [(f"  failed: {code}", str(n)) for code, n in sorted(self.failed.items())]
        if self.retried:
            rows.append(("retried (worker died)", str(self.retried)))
        rows += [(f"mean {d}", "-" if m is None else f"{m:.1f}") for d, m in self.mean_scores().items()]
        rows += [("elapsed", f"{self.elapsed_s:.1f} s"), ("videos/minute", f"{rate:.1f}")]
        if self.interrupted:
            rows.append(("interrupted", "yes: run again with --resume to finish"))
        return rows


def run_batch(
    items: list[BatchItem],
    store: Store,
    base_options: ScoreOptions,
    factory: Callable[[], Pipeline],
    workers: int | None = None,
    worker_threads: int = 1,
    timeout_s: float | None = None,
    resume: bool = False,
    retry_failed: bool = False,
    progress: bool | None = None,
) -> BatchSummary:
    """Score ``items`` into ``store``; returns the run's summary.

    Args:
        items: videos to score (see :func:`expand_input`).
        store: the results store, written by this process only.
        base_options: score options; manifest values override them per video.
        factory: picklable callable building the pipeline in each worker (e.g. :class:`PipelineSpec`).
        workers: worker processes, >= 1 (default: usable cores // ``worker_threads``).
        worker_threads: cores each worker is pinned to and threads it uses, >= 1 (default 1: one
            single-threaded process per core, the best throughput; raise it to finish each video sooner).
        timeout_s: wall-clock limit per video in seconds, > 0 (default: ``base_options.limits.timeout_s``).
        resume: skip videos whose (content hash, versions key) is already in the store (their
            manifest labels are still updated).
        retry_failed: with ``resume``, score again the videos stored as failed.
        progress: show progress bars (None: only on a terminal).
    """
    timeout_s = check_run(items, base_options, workers, worker_threads, timeout_s)
    workers = default_workers(worker_threads) if workers is None else workers
    summary = BatchSummary(inputs=len(items))
    clock = time.monotonic()
    with StopFlag() as stop:
        pool = WorkerPool(factory, base_options, min(workers, len(items)), worker_threads)
        try:
            hashed = hash_all(items, stop, progress)
            versions = pool.versions(stop)
            if versions is not None and not stop.stopped:
                extractor_options = dict(getattr(factory, "extractor_options", {}))
                todo = plan(items, hashed, base_options, extractor_options, versions, store, resume, retry_failed, summary)
                _score_all(todo, pool, Recorder(store, versions, summary, len(todo), progress), timeout_s, stop)
        finally:
            pool.close()
        summary.interrupted = stop.stopped
    summary.elapsed_s = time.monotonic() - clock
    return summary


def check_run(items: list[BatchItem], base_options: ScoreOptions, workers: int | None, worker_threads: int,
              timeout_s: float | None) -> float:
    """Check the run's parameters (``ValueError`` naming the bad one); returns the per-video timeout in seconds."""
    if not isinstance(worker_threads, int) or worker_threads < 1:
        raise ValueError(f"worker_threads must be an integer >= 1, got {worker_threads!r}")
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise ValueError(f"workers must be an integer >= 1, got {workers!r}")
    timeout_s = base_options.limits.timeout_s if timeout_s is None else timeout_s
    if not timeout_s > 0:
        raise ValueError(f"timeout_s must be > 0 seconds, got {timeout_s!r}")
    if not items:
        raise ValueError("items must not be empty")
    return timeout_s


def hash_all(items: list[BatchItem], stop: StopFlag, progress: bool | None) -> list[str | MissingFileError]:
    """SHA-256 of every input (read once, here), or the error that made it unreadable; stops early on ``stop``."""
    hashed: list[str | MissingFileError] = []
    for item in tqdm(items, desc="hashing", unit="file", leave=False, disable=None if progress is None else not progress):
        if stop.stopped:
            break
        try:
            hashed.append(file_sha256(item.path))
        except MissingFileError as exc:
            hashed.append(exc)
    return hashed


def plan(
    items: list[BatchItem],
    hashed: list[str | MissingFileError],
    base_options: ScoreOptions,
    extractor_options: dict[str, Any],
    versions: dict[str, Any],
    store: Store,
    resume: bool,
    retry_failed: bool,
    summary: BatchSummary,
) -> list[Task]:
    """Tasks still to score, largest file first; unreadable files are recorded as failed right away."""
    done = store.done_keys(include_failed=not retry_failed) if resume else {}
    seen: set[tuple[str, str]] = set()
    todo: list[Task] = []
    for item, sha in zip(items, hashed):
        options = options_for(item, base_options)
        keyed = key_options(options, extractor_options)
        digest = sha if isinstance(sha, str) else f"unreadable:{item.path}"
        key = (digest, versions_key(versions, keyed))
        if key in done:
            summary.skipped += 1
            if done[key] != json.loads(json.dumps(item.metadata, default=str)):
                store.set_metadata(key[0], key[1], item.metadata)  # new labels need no re-scoring
            continue
        if key in seen:
            summary.duplicates += 1
            continue
        seen.add(key)
        if isinstance(sha, MissingFileError):
            store.put(path=item.path, sha256=digest, versions=versions, options=keyed, metadata=item.metadata,
                      started_at=utc_now(), elapsed_s=0.0, error_code=sha.code, error_message=sha.message)
            summary.failed[sha.code] += 1
            continue
        todo.append(Task(item, sha, options, keyed))
    return largest_first(todo)


def largest_first(todo: list[Task]) -> list[Task]:
    """Tasks ordered by file size, largest first (input order among equals).

    Long videos started last would leave the other workers idle while one finishes;
    starting them first keeps every worker busy until the end (longest-first scheduling).
    """

    def size(task: Task) -> int:
        try:
            return os.path.getsize(task.item.path)
        except OSError:
            return 0

    return sorted(todo, key=size, reverse=True)


class Recorder:
    """Writes each finished video to the store (one transaction), counts it in the summary, moves the bar."""

    def __init__(self, store: Store, versions: dict[str, Any], summary: BatchSummary, total: int,
                 progress: bool | None) -> None:
        self.store, self.versions, self.summary = store, versions, summary
        self.bar = tqdm(total=total, desc="scoring", unit="video", disable=None if progress is None else not progress)

    def __enter__(self) -> Recorder:  # noqa: PYI034 - Self needs Python 3.11; requires-python is 3.10
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.close()

    def record(self, task: Task, result: dict[str, Any] | None, code: str | None = None,
               message: str | None = None) -> None:
        """Store ``task``'s result, or its failure ``code`` and one-line ``message``."""
        summary = self.summary
        sha = result["video"]["sha256"] if result else task.sha256  # what was scored, if the file changed meanwhile
        self.store.put(path=task.item.path, sha256=sha, versions=self.versions, options=task.key_options,
                       metadata=task.item.metadata, started_at=task.started_at,
                       elapsed_s=time.monotonic() - task.started, result=result, error_code=code, error_message=message)
        if result is not None:
            summary.scored += 1
            for d in DIMENSIONS:
                summary.score_sums[d] += float(result["scores"][d])
        else:
            summary.failed[code or "error"] += 1
        self.bar.update(1)
        self.bar.set_postfix(failed=summary.failed_total, refresh=False)

    def reply(self, task: Task, message: tuple[Any, ...]) -> None:
        """Record a worker's reply: ("ok", result JSON text), ("error", code, message) or (code, message)."""
        if message[0] == "ok":
            self.record(task, json.loads(message[1]))
        elif message[0] == "error":
            self.record(task, None, message[1], message[2])
        else:  # "timeout" or "crashed", from the pool
            self.record(task, None, message[0], message[1])


def _score_all(todo: list[Task], pool: WorkerPool, recorder: Recorder, timeout_s: float, stop: StopFlag) -> None:
    queue = deque(todo)
    with recorder:
        while (queue or pool.busy()) and not stop.stopped:
            for worker in pool.idle():
                if not queue:
                    break
                task = queue.popleft()
                task.started_at, task.started = utc_now(), time.monotonic()
                worker.task = task
                try:
                    worker.conn.send((task.item.path, task.options, task.sha256))
                except (BrokenPipeError, OSError):  # the worker died while idle: retry on a new one
                    pool.replace(worker)
                    queue.appendleft(task)
            for worker, message in pool.wait(timeout_s + KILL_GRACE_S, stop):
                done, worker.task = worker.task, None
                if done is not None:
                    recorder.reply(done, message)


# the old private name, kept for callers that imported it
_largest_first = largest_first
