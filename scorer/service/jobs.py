"""The service's bounded job queue: uploads scored by the batch worker pool, results kept in the store.

One dispatcher thread owns the :class:`~scorer.batch.pool.WorkerPool` (``jobs``
worker processes that build the pipeline once) and the results store. A job that
runs past the per-video timeout has its worker killed and replaced and ends as
``timeout``; a worker that dies ends its job as ``crashed``. Before an upload is
removed, its report page (with thumbnails) is written under the reports folder.
"""

from __future__ import annotations

import collections
import json
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from features.media.errors import VidscoreError
from scorer.batch.inputs import BatchItem
from scorer.batch.keys import key_options
from scorer.batch.pool import KILL_GRACE_S, Task, WorkerPool
from scorer.batch.signals import StopFlag
from scorer.batch.worker import PipelineSpec
from scorer.options import ScoreOptions
from scorer.service.config import ServeConfig
from scorer.service.uploads import Upload
from scorer.store import utc_now
from scorer.stores import Store, open_store

HISTORY = 1000     # finished jobs remembered for GET /api/v1/jobs/{id}
STATUSES = ("queued", "running", "done", "failed")


class QueueFull(Exception):
    """Every worker is busy and the waiting queue is full (HTTP 429)."""


@dataclass
class Job:
    """One upload to score, from queued to done or failed."""

    id: str
    upload: Upload
    options: ScoreOptions
    sha256: str
    status: str = "queued"
    created: float = field(default_factory=time.monotonic)
    started: float | None = None
    finished: float | None = None
    result: dict[str, Any] | None = None
    error_code: str | None = None
    error_message: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def to_json(self, position: int | None = None) -> dict[str, Any]:
        """The job as the API shows it (no server paths)."""
        now = time.monotonic()
        body: dict[str, Any] = {"id": self.id, "status": self.status, "file": self.upload.display_name,
                                "sha256": self.sha256, "queued_s": round((self.started or now) - self.created, 1)}
        if self.started is not None:
            body["elapsed_s"] = round((self.finished or now) - self.started, 1)
        if position is not None:
            body["position"] = position
        if self.status == "done":
            body["result_url"] = f"/api/v1/results/{self.sha256}"
            body["report_url"] = f"/api/v1/results/{self.sha256}/report"
        if self.status == "failed":
            body["error"] = {"code": self.error_code, "message": self.error_message}
        return body


class JobManager:
    """Bounded queue + dispatcher thread over the worker pool; thread-safe ``submit``/``get``."""

    def __init__(self, config: ServeConfig, base_options: ScoreOptions) -> None:
        self.config = config
        self.base_options = base_options
        self.spec = PipelineSpec(extractor_options=dict(config.extractor_options))
        self._lock = threading.Lock()
        self._queue: collections.deque[Job] = collections.deque()
        self._running: dict[str, Job] = {}
        self._jobs: collections.OrderedDict[str, Job] = collections.OrderedDict()
        self._job_of_task: dict[int, Job] = {}
        self._stop = StopFlag()
        self._ready = threading.Event()
        self._failure: str | None = None
        self._thread = threading.Thread(target=self._dispatch, name="vidscore-dispatcher", daemon=True)

    # -- API side -------------------------------------------------------------------------------

    def start(self) -> None:
        self.config.reports_dir.mkdir(parents=True, exist_ok=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.stopped = True
        self._thread.join(timeout=30.0)

    @property
    def ready(self) -> bool:
        """True once every worker has built its pipeline."""
        return self._ready.is_set()

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {"workers": self.config.jobs, "running": len(self._running), "queued": len(self._queue),
                    "queue_limit": self.config.queue, "ready": self.ready, "error": self._failure}

    def submit(self, upload: Upload, options: ScoreOptions, sha256: str) -> Job:
        """Queue ``upload``; raises :class:`QueueFull` when ``jobs`` are running and ``queue`` are waiting."""
        with self._lock:
            if self._failure:
                raise VidscoreError(f"the scoring workers cannot start: {self._failure}")
            if len(self._running) + len(self._queue) >= self.config.jobs + self.config.queue:
                raise QueueFull(f"{len(self._running)} videos are being scored and {len(self._queue)} are waiting; "
                                "try again later.")
            job = Job(uuid.uuid4().hex, upload, options, sha256)
            self._queue.append(job)
            self._jobs[job.id] = job
            while len(self._jobs) > HISTORY:
                oldest = next(iter(self._jobs))
                if self._jobs[oldest].status in ("done", "failed"):
                    self._jobs.pop(oldest)
                else:
                    break
            return job

    def get(self, job_id: str) -> tuple[Job, int | None] | None:
        """(job, its 1-based position in the queue when waiting), or None for an unknown id."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            position = next((n for n, queued in enumerate(self._queue, start=1) if queued is job), None)
            return job, position

    # -- dispatcher thread --------------------------------------------------------------------

    def _dispatch(self) -> None:
        try:
            pool = WorkerPool(self.spec, self.base_options, self.config.jobs, 1)
        except Exception as exc:  # noqa: BLE001 - reported by health and every submit
            self._failure = f"{type(exc).__name__}: {exc}"
            return
        try:
            store = open_store(self.config.store_location)
        except VidscoreError as exc:  # ConfigError too: an unreachable database, a foreign file
            pool.close()
            self._failure = exc.message
            self._fail_all(exc.message)
            return
        versions: dict[str, Any] | None = None
        try:
            while not self._stop.stopped:
                if versions is None and any(w.ready for w in pool.workers):
                    versions = pool.versions(self._stop)
                if all(w.ready for w in pool.workers):
                    self._ready.set()
                self._hand_out(pool)
                for worker, message in pool.wait(self.config.timeout_s + KILL_GRACE_S, self._stop):
                    task, worker.task = worker.task, None
                    if task is not None:
                        self._finish(task, message, store, versions or {})
        except VidscoreError as exc:
            self._failure = exc.message
            self._fail_all(exc.message)
        finally:
            pool.close()
            store.close()

    def _hand_out(self, pool: WorkerPool) -> None:
        for worker in pool.idle():
            with self._lock:
                if not self._queue:
                    return
                job = self._queue.popleft()
                job.status, job.started = "running", time.monotonic()
                self._running[job.id] = job
            assert job.upload.path is not None
            item = BatchItem(str(job.upload.path), {"file": job.upload.display_name})
            task = Task(item, job.sha256, job.options, key_options(job.options, dict(self.config.extractor_options)))
            task.started_at, task.started = utc_now(), time.monotonic()
            self._job_of_task[id(task)] = job
            worker.task = task
            try:
                worker.conn.send((item.path, job.options, job.sha256))
            except (BrokenPipeError, OSError):
                pool.replace(worker)
                self._job_of_task.pop(id(task), None)
                with self._lock:
                    self._running.pop(job.id, None)
                    job.status, job.started = "queued", None
                    self._queue.appendleft(job)

    def _finish(self, task: Task, message: tuple[Any, ...], store: Store, versions: dict[str, Any]) -> None:
        job = self._job_of_task.pop(id(task))
        result = json.loads(message[1]) if message[0] == "ok" else None
        if result is not None:
            result["video"]["path"] = job.upload.display_name   # never show the server's own path
            self._write_report(job, result)
        code, text = (None, None) if result is not None else (
            (message[1], message[2]) if message[0] == "error" else (message[0], message[1]))
        if text:
            text = text.replace(str(job.upload.path), job.upload.display_name)
        store.put(path=job.upload.display_name, sha256=job.sha256, versions=versions, options=task.key_options,
                  metadata=task.item.metadata, started_at=task.started_at, elapsed_s=time.monotonic() - task.started,
                  result=result, error_code=code, error_message=text)
        if not self.config.keep_uploads:
            job.upload.remove()
        with self._lock:
            self._running.pop(job.id, None)
            job.result, job.error_code, job.error_message = result, code, text
            job.status, job.finished = ("done" if result is not None else "failed"), time.monotonic()
        job.done.set()

    def _write_report(self, job: Job, result: dict[str, Any]) -> None:
        """The report page of ``result`` with thumbnails from the upload, before the upload is removed."""
        from scorer.htmlreport import write_report

        assert job.upload.path is not None
        with_media = dict(result, video=dict(result["video"], path=str(job.upload.path)))
        try:
            page = self.config.reports_dir / f"{job.sha256}.html"
            write_report([with_media], str(page), lang=job.options.lang)
            text = page.read_text(encoding="utf-8").replace(str(job.upload.path), job.upload.display_name)
            page.write_text(text, encoding="utf-8")
        except Exception as exc:  # noqa: BLE001 - the result stands without its page; GET .../report then says so
            print(f"vidscore serve: report of {job.upload.display_name} not written: {type(exc).__name__}: {exc}",
                  file=sys.stderr)

    def _fail_all(self, message: str) -> None:
        with self._lock:
            pending = list(self._queue) + list(self._running.values())
            self._queue.clear()
            self._running.clear()
            for job in pending:
                job.status, job.error_code, job.error_message, job.finished = "failed", "internal", message, time.monotonic()
                job.done.set()
                if not self.config.keep_uploads:
                    job.upload.remove()


def report_path(config: ServeConfig, sha256: str) -> Path:
    """Where the report page of a scored video is kept."""
    return config.reports_dir / f"{sha256}.html"
