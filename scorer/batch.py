"""Batch scoring: many videos, several worker processes, results in a resumable SQLite store.

Exposed on the command line as ``vidscore batch INPUT --out STORE``.

* :func:`expand_input` turns INPUT (a folder searched recursively, a glob, a single
  file, or a CSV/JSONL manifest with a ``path`` column plus metadata columns such
  as title, description, niche, product, creator_niche, creator and any labels)
  into :class:`BatchItem` objects.
* :func:`run_batch` hashes every file, skips what the store already holds under
  the same content hash and versions key (with ``resume``), and scores the rest
  in worker processes started with ``spawn``. Each worker builds one
  :class:`~scorer.pipeline.Pipeline` and reuses it, so models load once per
  worker. A video that runs past its wall-clock timeout has its worker killed
  and replaced and is recorded with error code ``timeout``; a worker that dies
  is recorded as ``crashed``. The parent is the only store writer and commits
  one transaction per video, so a SIGKILL at any moment loses at most the
  videos in flight, which the next ``resume`` run scores. SIGINT/SIGTERM stop
  the run cleanly: no new videos start, workers are stopped, the store stays
  consistent.

Videos are handed out largest file first, so no worker is left with a long video
at the end while the others idle. Each worker is pinned to its own
``worker_threads`` cores (default one) and keeps all its thread pools (decoder,
Whisper, OCR, torch, BLAS) to that many threads, so workers never compete for a
core and throughput grows with the worker count.
Several workers keep every core busy, so decoding of one video overlaps
analysis of another across processes; within a worker videos run one by one.
"""

from __future__ import annotations

import csv
import dataclasses
import gc
import glob
import hashlib
import json
import os
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing import connection, get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from features.media.errors import ConfigError, MissingFileError, VidscoreError
from scorer.store import DIMENSIONS, ResultStore, utc_now, versions_key

if TYPE_CHECKING:
    from scorer.pipeline import Pipeline
    from scorer.options import ScoreOptions

VIDEO_EXTENSIONS = frozenset(
    {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".flv", ".ts", ".3gp", ".wmv", ".mpg", ".mpeg"}
)
MANIFEST_EXTENSIONS = frozenset({".csv", ".jsonl", ".ndjson"})
# Manifest columns that set the per-video score options (the CLI values are the defaults).
OPTION_COLUMNS = ("title", "product", "niche", "creator_niche")
# Metadata that extractors read besides the option columns; part of the versions key.
KEY_METADATA = ("description",)
# A timed-out worker is killed this long after the video's timeout, so the pipeline's own
# decode deadline (same timeout) can report first when it is able to.
KILL_GRACE_S = 2.0
# Workers that die before they are ready this many times abort the run.
MAX_START_FAILURES = 3
_POLL_S = 0.5


@dataclass(frozen=True)
class BatchItem:
    """One video to score: absolute ``path`` and its manifest metadata (empty for folders and globs)."""

    path: str
    metadata: dict[str, Any] = field(default_factory=dict)


# -- input expansion ------------------------------------------------------------------------------


def expand_input(spec: str) -> list[BatchItem]:
    """Videos named by ``spec``: a folder (recursive), a CSV/JSONL manifest, a glob or one video file.

    Raises ``ConfigError`` when nothing matches or a manifest is malformed.
    """
    path = Path(spec)
    if path.is_dir():
        found = sorted(
            p for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in VIDEO_EXTENSIONS
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not found:
            raise ConfigError(f"{spec}: no video files ({', '.join(sorted(VIDEO_EXTENSIONS))}) in this folder.")
        return [BatchItem(os.path.abspath(p)) for p in found]
    if path.is_file() and path.suffix.lower() in MANIFEST_EXTENSIONS:
        return read_manifest(path)
    if path.is_file():
        return [BatchItem(os.path.abspath(path))]
    if glob.has_magic(spec):
        matched = sorted(p for p in glob.glob(spec, recursive=True) if os.path.isfile(p))
        if not matched:
            raise ConfigError(f"{spec}: the pattern matches no files.")
        return [BatchItem(os.path.abspath(p)) for p in matched]
    raise ConfigError(f"{spec}: no such folder, video file, manifest (.csv/.jsonl) or glob pattern.")


def read_manifest(path: Path) -> list[BatchItem]:
    """Items of a CSV (header row) or JSONL manifest; relative paths are relative to the manifest's folder."""
    rows: list[tuple[str, dict[str, Any]]] = []
    try:
        if path.suffix.lower() == ".csv":
            with open(path, newline="", encoding="utf-8-sig") as handle:
                for number, row in enumerate(csv.DictReader(handle), start=2):
                    rows.append((f"line {number}", {k.strip().lower(): v for k, v in row.items() if k}))
        else:
            with open(path, encoding="utf-8-sig") as handle:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise ConfigError(f"{path}: line {number} is not valid JSON ({exc.msg}).") from None
                    if not isinstance(record, dict):
                        raise ConfigError(f"{path}: line {number} is not a JSON object.")
                    rows.append((f"line {number}", {str(k).strip().lower(): v for k, v in record.items()}))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"{path}: cannot read the manifest ({exc}).") from None
    items: list[BatchItem] = []
    for where, row in rows:
        video = row.pop("path", None)
        if not isinstance(video, str) or not video.strip():
            raise ConfigError(f"{path}: {where} has no 'path' value (a manifest needs a 'path' column).")
        metadata = {k: v for k, v in row.items() if v not in (None, "")}
        items.append(BatchItem(os.path.abspath(path.parent / video.strip()), metadata))
    if not items:
        raise ConfigError(f"{path}: the manifest lists no videos.")
    return items


def options_for(item: BatchItem, base: "ScoreOptions") -> "ScoreOptions":
    """``base`` with this item's manifest values for title, product, niche and creator_niche, and its metadata."""
    overrides = {k: str(item.metadata[k]) for k in OPTION_COLUMNS if k in item.metadata}
    return dataclasses.replace(base, metadata={**base.metadata, **item.metadata}, **overrides)


def key_options(options: "ScoreOptions", extractor_options: dict[str, Any]) -> dict[str, Any]:
    """The options that change a result: every score option but input limits and label metadata, and the
    extractor options the pipeline was built with (speech language, ASR and text models)."""
    keyed = {f.name: getattr(options, f.name) for f in dataclasses.fields(options) if f.name not in ("limits", "metadata")}
    keyed["extractor_options"] = extractor_options
    keyed.update({k: options.metadata[k] for k in KEY_METADATA if k in options.metadata})
    return keyed


def pipeline_versions(pipeline: "Pipeline", options: "ScoreOptions") -> dict[str, Any]:
    """``Pipeline.versions()`` with the rubric and model that ``options`` select."""
    return pipeline.versions(pipeline.scorer_for(options)[1])


def file_sha256(path: str, chunk_bytes: int = 1 << 20) -> str:
    """Hex SHA-256 of the file's bytes; raises ``MissingFileError`` when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(chunk_bytes):
                digest.update(chunk)
    except FileNotFoundError:
        raise MissingFileError(f"{path}: no such file.") from None
    except OSError as exc:
        raise MissingFileError(f"{path}: cannot read the file ({exc.strerror or exc}).") from None
    return digest.hexdigest()


# -- pipeline factory and worker process ----------------------------------------------------------


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

    def __call__(self) -> "Pipeline":
        from features.registry import create_extractors
        from scorer.pipeline import Pipeline

        if self.extractors is None:
            return Pipeline(extractor_options=self.extractor_options)
        chosen = [e for e in create_extractors(self.extractor_options) if e.name in self.extractors]
        return Pipeline(extractors=chosen, extractor_options=self.extractor_options)


def _pin(cores: frozenset[int]) -> int:
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


def _worker_main(
    conn: Any, factory: Callable[[], "Pipeline"], options: "ScoreOptions", cores: frozenset[int], parent_pid: int
) -> None:
    """Worker loop: build the pipeline once, report its versions for ``options``, then score tasks until told to stop."""
    threads = _pin(cores)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides how to stop
    _watch_parent(parent_pid)
    try:
        pipeline = factory()
        import cv2  # loaded by the pipeline already
        from threadpoolctl import threadpool_limits

        cv2.setNumThreads(threads)
        threadpool_limits(threads)  # BLAS/OpenMP pools loaded before the pinning (numpy comes in with the task)
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
        path, options = task
        try:
            reply: tuple[Any, ...] = ("ok", json.dumps(pipeline.score(path, options, progress=False).to_json()))
        except VidscoreError as exc:
            reply = ("error", exc.code, exc.message)
        except Exception as exc:  # noqa: BLE001 - one bad video must not stop the worker
            reply = ("error", "internal", f"{path}: internal error: {type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
        del reply
        gc.collect()


@dataclass
class _Task:
    item: BatchItem
    sha256: str
    options: "ScoreOptions"
    key_options: dict[str, Any]
    started_at: str = ""
    started: float = 0.0


class _Worker:
    """One worker process and the duplex pipe to it."""

    def __init__(
        self, context: Any, factory: Callable[[], "Pipeline"], options: "ScoreOptions", cores: frozenset[int]
    ) -> None:
        self.cores = cores
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(
            target=_worker_main, args=(child, factory, options, cores, os.getpid()), name="vidscore-worker",
            daemon=True,
        )
        self.process.start()
        child.close()
        self.ready = False
        self.task: _Task | None = None

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5.0)
        self.conn.close()

    def stop(self) -> None:
        """Ask the worker to exit, killing it if it does not within a few seconds."""
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(timeout=5.0)
        self.kill()


# -- the run --------------------------------------------------------------------------------------


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
        rows += [(f"mean {d}", "-" if m is None else f"{m:.1f}") for d, m in self.mean_scores().items()]
        rows += [("elapsed", f"{self.elapsed_s:.1f} s"), ("videos/minute", f"{rate:.1f}")]
        if self.interrupted:
            rows.append(("interrupted", "yes: run again with --resume to finish"))
        return rows


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


class _StopFlag:
    """SIGINT/SIGTERM set a flag (checked by the run loop) instead of raising mid-transaction."""

    def __init__(self) -> None:
        self.stopped = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> "_StopFlag":
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        self.stopped = True

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def run_batch(
    items: list[BatchItem],
    store: ResultStore,
    base_options: "ScoreOptions",
    factory: Callable[[], "Pipeline"],
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
    if not isinstance(worker_threads, int) or worker_threads < 1:
        raise ValueError(f"worker_threads must be an integer >= 1, got {worker_threads!r}")
    workers = default_workers(worker_threads) if workers is None else workers
    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be an integer >= 1, got {workers!r}")
    timeout_s = base_options.limits.timeout_s if timeout_s is None else timeout_s
    if not timeout_s > 0:
        raise ValueError(f"timeout_s must be > 0 seconds, got {timeout_s!r}")
    if not items:
        raise ValueError("items must not be empty")
    summary = BatchSummary(inputs=len(items))
    clock = time.monotonic()
    with _StopFlag() as stop:
        pool = _Pool(factory, base_options, min(workers, len(items)), worker_threads)
        try:
            hashed = _hash_all(items, stop, progress)
            versions = pool.versions(stop)
            if versions is not None and not stop.stopped:
                extractor_options = dict(getattr(factory, "extractor_options", {}))
                todo = _plan(items, hashed, base_options, extractor_options, versions, store, resume, retry_failed, summary)
                _score_all(todo, pool, store, versions, timeout_s, stop, summary, progress)
        finally:
            pool.close()
        summary.interrupted = stop.stopped
    summary.elapsed_s = time.monotonic() - clock
    return summary


def _hash_all(items: list[BatchItem], stop: _StopFlag, progress: bool | None) -> list[str | MissingFileError]:
    hashed: list[str | MissingFileError] = []
    for item in tqdm(items, desc="hashing", unit="file", leave=False, disable=None if progress is None else not progress):
        if stop.stopped:
            break
        try:
            hashed.append(file_sha256(item.path))
        except MissingFileError as exc:
            hashed.append(exc)
    return hashed


def _plan(
    items: list[BatchItem],
    hashed: list[str | MissingFileError],
    base_options: "ScoreOptions",
    extractor_options: dict[str, Any],
    versions: dict[str, Any],
    store: ResultStore,
    resume: bool,
    retry_failed: bool,
    summary: BatchSummary,
) -> list[_Task]:
    """Tasks still to score; unreadable files are recorded as failed right away."""
    done = store.done_keys(include_failed=not retry_failed) if resume else {}
    seen: set[tuple[str, str]] = set()
    todo: list[_Task] = []
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
        todo.append(_Task(item, sha, options, keyed))
    return _largest_first(todo)


def _largest_first(todo: list[_Task]) -> list[_Task]:
    """Tasks ordered by file size, largest first (input order among equals).

    Long videos started last would leave the other workers idle while one finishes;
    starting them first keeps every worker busy until the end (longest-first scheduling).
    """

    def size(task: _Task) -> int:
        try:
            return os.path.getsize(task.item.path)
        except OSError:
            return 0

    return sorted(todo, key=size, reverse=True)


def _score_all(
    todo: list[_Task],
    pool: "_Pool",
    store: ResultStore,
    versions: dict[str, Any],
    timeout_s: float,
    stop: _StopFlag,
    summary: BatchSummary,
    progress: bool | None,
) -> None:
    queue = deque(todo)
    bar = tqdm(total=len(todo), desc="scoring", unit="video", disable=None if progress is None else not progress)

    def record(task: _Task, result: dict[str, Any] | None, code: str | None = None, message: str | None = None) -> None:
        sha = result["video"]["sha256"] if result else task.sha256  # what was scored, if the file changed meanwhile
        store.put(path=task.item.path, sha256=sha, versions=versions, options=task.key_options,
                  metadata=task.item.metadata, started_at=task.started_at,
                  elapsed_s=time.monotonic() - task.started, result=result, error_code=code, error_message=message)
        if result is not None:
            summary.scored += 1
            for d in DIMENSIONS:
                summary.score_sums[d] += float(result["scores"][d])
        else:
            summary.failed[code or "error"] += 1
        bar.update(1)
        bar.set_postfix(failed=summary.failed_total, refresh=False)

    with bar:
        while (queue or pool.busy()) and not stop.stopped:
            for worker in pool.idle():
                if not queue:
                    break
                task = queue.popleft()
                task.started_at, task.started = utc_now(), time.monotonic()
                worker.task = task
                try:
                    worker.conn.send((task.item.path, task.options))
                except (BrokenPipeError, OSError):  # the worker died while idle: retry on a new one
                    pool.replace(worker)
                    queue.appendleft(task)
            for worker, message in pool.wait(timeout_s + KILL_GRACE_S, stop):
                task = worker.task
                worker.task = None
                if task is None:
                    continue
                if message[0] == "ok":
                    record(task, json.loads(message[1]))
                elif message[0] == "error":
                    record(task, None, message[1], message[2])
                else:  # "timeout" or "crashed", from the pool
                    record(task, None, message[0], message[1])


class _Pool:
    """Worker processes: start, hand out tasks, collect replies, kill and replace stuck or dead ones."""

    def __init__(self, factory: Callable[[], "Pipeline"], options: "ScoreOptions", size: int, threads: int) -> None:
        self.factory = factory
        self.options = options
        self.context = get_context("spawn")
        self.workers = [_Worker(self.context, factory, options, cores) for cores in core_sets(size, threads)]
        self._versions: dict[str, Any] | None = None
        self.start_failures = 0

    def busy(self) -> bool:
        return any(w.task is not None for w in self.workers)

    def idle(self) -> list[_Worker]:
        return [w for w in self.workers if w.ready and w.task is None]

    def versions(self, stop: _StopFlag) -> dict[str, Any] | None:
        """Pipeline versions as reported by the first ready worker (None if stopped first)."""
        while self._versions is None and not stop.stopped:
            self.wait(None, stop)
        return self._versions

    def replace(self, worker: _Worker) -> None:
        worker.kill()
        self.workers[self.workers.index(worker)] = _Worker(self.context, self.factory, self.options, worker.cores)

    def wait(self, timeout_s: float | None, stop: _StopFlag) -> list[tuple[_Worker, tuple[Any, ...]]]:
        """Wait up to ``_POLL_S`` for replies; returns (worker, reply) for finished, timed-out and dead tasks."""
        finished: list[tuple[_Worker, tuple[Any, ...]]] = []
        waiting = {w.conn: w for w in self.workers}
        waiting.update({w.process.sentinel: w for w in self.workers})
        for ready in connection.wait(list(waiting), timeout=_POLL_S):
            worker = waiting[ready]
            if worker not in self.workers:
                continue  # replaced earlier in this loop
            try:
                message = worker.conn.recv() if ready is worker.conn else None
            except (EOFError, OSError):
                message = None
            if message is None:
                if not worker.process.is_alive() or ready is worker.conn:
                    finished += self._dead(worker)
                continue
            if message[0] == "ready":
                worker.ready = True
                if self._versions is None:
                    self._versions = message[1]
            elif message[0] == "init_error":
                raise ConfigError(f"cannot build the scoring pipeline: {message[1]}")
            else:
                finished.append((worker, message))
        if timeout_s is not None:
            now = time.monotonic()
            answered = {id(w) for w, _ in finished}
            for worker in list(self.workers):
                if worker.task is not None and id(worker) not in answered and now - worker.task.started > timeout_s:
                    finished.append(
                        (worker, ("timeout", f"{worker.task.item.path}: scoring took longer than "
                                             f"{timeout_s - KILL_GRACE_S:g} s; the worker was stopped."))
                    )
                    self.replace(worker)
        return finished

    def _dead(self, worker: _Worker) -> list[tuple[_Worker, tuple[Any, ...]]]:
        worker.process.join(timeout=5.0)
        code = worker.process.exitcode
        if not worker.ready:
            self.start_failures += 1
            if self.start_failures >= MAX_START_FAILURES:
                raise VidscoreError(f"worker processes keep dying while starting (exit code {code}).")
        reply = []
        if worker.task is not None:
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            reply.append((worker, ("crashed", f"{worker.task.item.path}: the worker process died ({how}).")))
        self.replace(worker)
        return reply

    def close(self) -> None:
        """Stop every worker (in-flight videos are abandoned, not recorded)."""
        for worker in self.workers:
            if worker.task is not None or not worker.ready:
                worker.kill()
            else:
                worker.stop()
