"""The batch worker pool: start workers, hand out tasks, collect replies, kill and replace stuck or dead ones.

A video that runs past its wall-clock timeout has its worker killed and replaced
and is reported as ``timeout``; a worker that dies is reported as ``crashed``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import connection, get_context
from typing import TYPE_CHECKING, Any

from features.media.errors import ConfigError, VidscoreError
from scorer.batch.inputs import BatchItem
from scorer.batch.signals import StopFlag
from scorer.batch.worker import core_sets, worker_main

if TYPE_CHECKING:
    from scorer.options import ScoreOptions
    from scorer.pipeline import Pipeline

# A timed-out worker is killed this long after the video's timeout, so the pipeline's own
# decode deadline (same timeout) can report first when it is able to.
KILL_GRACE_S = 2.0
# Workers that die before they are ready this many times abort the run.
MAX_START_FAILURES = 3
# Seconds the pool waits for worker replies per turn of the run loop.
_POLL_S = 0.5


@dataclass
class Task:
    """One video handed to a worker: its content hash, options, when it started (UTC text, monotonic s), and
    how many of its workers died under it (the Ray engine retries it once)."""

    item: BatchItem
    sha256: str
    options: ScoreOptions
    key_options: dict[str, Any]
    started_at: str = ""
    started: float = 0.0
    attempts: int = 0


class Worker:
    """One worker process and the duplex pipe to it."""

    def __init__(
        self, context: Any, factory: Callable[[], Pipeline], options: ScoreOptions, cores: frozenset[int]
    ) -> None:
        self.cores = cores
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(
            target=worker_main, args=(child, factory, options, cores, os.getpid()), name="vidscore-worker",
            daemon=True,
        )
        self.process.start()
        child.close()
        self.ready = False
        self.task: Task | None = None

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




class WorkerPool:
    """Worker processes: start, hand out tasks, collect replies, kill and replace stuck or dead ones."""

    def __init__(self, factory: Callable[[], Pipeline], options: ScoreOptions, size: int, threads: int) -> None:
        self.factory = factory
        self.options = options
        self.context = get_context("spawn")
        self.workers = [Worker(self.context, factory, options, cores) for cores in core_sets(size, threads)]
        self._versions: dict[str, Any] | None = None
        self.start_failures = 0

    def busy(self) -> bool:
        return any(w.task is not None for w in self.workers)

    def idle(self) -> list[Worker]:
        return [w for w in self.workers if w.ready and w.task is None]

    def versions(self, stop: StopFlag) -> dict[str, Any] | None:
        """Pipeline versions as reported by the first ready worker (None if stopped first)."""
        while self._versions is None and not stop.stopped:
            self.wait(None, stop)
        return self._versions

    def replace(self, worker: Worker) -> None:
        worker.kill()
        self.workers[self.workers.index(worker)] = Worker(self.context, self.factory, self.options, worker.cores)

    def wait(self, timeout_s: float | None, stop: StopFlag) -> list[tuple[Worker, tuple[Any, ...]]]:
        """Wait up to ``_POLL_S`` for replies; returns (worker, reply) for finished, timed-out and dead tasks."""
        finished: list[tuple[Worker, tuple[Any, ...]]] = []
        waiting = {w.conn: w for w in self.workers}
        waiting.update({w.process.sentinel: w for w in self.workers})
        for ready in connection.wait(list(waiting), timeout=_POLL_S):
            worker = waiting[ready]
            if worker not in self.workers:
                continue  # replaced earlier in this loop
            message: Any = None
            try:
                if ready is worker.conn:
                    message = self._recv(worker)
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
                        (worker, ("timeout", (f"{worker.task.item.path}: scoring took longer than "
                                              f"{timeout_s - KILL_GRACE_S:g} s; the worker was stopped.")))
                    )
                    self.replace(worker)
        return finished

    @staticmethod
    def _recv(worker: Worker) -> Any:
        return worker.conn.recv()

    def _dead(self, worker: Worker) -> list[tuple[Worker, tuple[Any, ...]]]:
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
