"""``vidscore batch --engine ray``: the local engine's plan, keys and store, with videos scored by Ray actors.

The driver (this process) hashes every input once, plans like the local engine
(:func:`scorer.batch.run.plan`: resume, duplicates, largest file first) and is the
only store writer, one transaction per video. Each actor claims ``worker_threads``
CPUs from Ray (``num_cpus``), pins itself to as many free cores of its node, builds the
pipeline once and scores one video at a time; a task carries a path, the options and
the content hash, and its reply is the result JSON, never frames. One task per actor
is in flight, so a run of any size holds at most ``workers`` videos in memory.

Faults, per video:

* past the per-video timeout, the actor is killed and replaced; the video is ``timeout``;
* an actor that dies (its process killed, its node lost) has its video retried once on
  another actor; if that one dies too, the video is ``crashed``. A replacement actor
  is started each time (it waits for CPUs when a node is gone);
* Ctrl-C (SIGINT/SIGTERM) stops the run: actors are killed, nothing half-written,
  ``--resume`` scores what is missing.

Actors report their pipeline versions; one whose versions differ from the first
actor's (another vidscore on some node) is dropped, so every row is keyed right.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from features.media.errors import ConfigError, VidscoreError
from scorer.batch.inputs import BatchItem
from scorer.batch.keys import pipeline_versions
from scorer.batch.pool import KILL_GRACE_S, MAX_START_FAILURES, Task
from scorer.batch.ray_cluster import node_cpus, ray_runtime
from scorer.batch.run import BatchSummary, Recorder, check_run, hash_all, plan
from scorer.batch.signals import StopFlag
from scorer.batch.worker import build_pipeline, claim_cores, pin, score_task, usable_cores
from scorer.store import utc_now

if TYPE_CHECKING:
    from scorer.options import ScoreOptions
    from scorer.pipeline import Pipeline
    from scorer.stores import Store

# Seconds the driver waits for replies per turn of its loop.
_POLL_S = 0.5
# Attempts per video when actors die under it (the first try and one retry).
ATTEMPTS = 2
# With no actor able to start for this long (no free CPUs anywhere), the run stops with an error.
START_LIMIT_S = 600.0


class ScoringActor:
    """A Ray actor: pinned to its own cores, builds the pipeline once, scores one video per call."""

    def __init__(self, factory: Callable[[], Pipeline], options: ScoreOptions, threads: int) -> None:
        import socket

        self._locks: list[int] = []
        self.info: dict[str, Any] = {"host": socket.gethostname(), "pid": os.getpid()}
        try:
            cores, self._locks = claim_cores(threads)
            threads = pin(cores)
            self.pipeline: Pipeline | None = build_pipeline(factory, threads)
            self.info["versions"] = pipeline_versions(self.pipeline, options)
            self.info["cores"] = sorted(cores)
        except Exception as exc:  # noqa: BLE001 - reported to the driver, which stops the run
            self.pipeline = None
            self.info["error"] = f"{type(exc).__name__}: {exc}"

    def ready(self) -> dict[str, Any]:
        """Versions, host, pid and cores of this actor, or its start-up error."""
        try:
            import ray

            self.info["node"] = ray.get_runtime_context().get_node_id()
        except Exception:  # noqa: BLE001 - the node id is only for messages
            pass
        return self.info

    def score(self, path: str, options: ScoreOptions, sha256: str) -> tuple[Any, ...]:
        """Score one video; then collect garbage, as the local workers do, so that memory stays flat."""
        assert self.pipeline is not None
        reply = score_task(self.pipeline, path, options, sha256)
        gc.collect()
        return reply


@dataclass
class Slot:
    """One actor and the call in flight on it (its start-up ``ready`` call, then one ``score`` at a time)."""

    actor: Any
    ref: Any
    ready: bool = False
    task: Task | None = None
    host: str = ""


class Fleet:
    """The run's actors: start, hand out videos, collect replies, replace the stuck and the dead."""

    def __init__(self, ray: Any, factory: Callable[[], Pipeline], options: ScoreOptions, size: int,
                 threads: int) -> None:
        self.ray = ray
        self.remote = ray.remote(num_cpus=threads, max_restarts=0, max_task_retries=0)(ScoringActor)
        self.factory, self.options, self.threads = factory, options, threads
        self.slots = [self._start() for _ in range(size)]
        self.versions: dict[str, Any] | None = None
        self.start_failures = 0
        self.last_ready = time.monotonic()
        self.restarts: list[float] = []  # when to start actors whose predecessors died while starting

    def _start(self) -> Slot:
        actor = self.remote.remote(self.factory, self.options, self.threads)
        return Slot(actor, actor.ready.remote())

    def replace(self, slot: Slot) -> None:
        self.kill(slot)
        self.slots[self.slots.index(slot)] = self._start()

    def kill(self, slot: Slot) -> None:
        try:
            self.ray.kill(slot.actor, no_restart=True)
        except Exception:  # noqa: BLE001 - already gone
            pass

    def busy(self) -> bool:
        return any(s.task is not None for s in self.slots)

    def idle(self) -> list[Slot]:
        return [s for s in self.slots if s.ready and s.task is None]

    def submit(self, slot: Slot, task: Task) -> None:
        task.started_at, task.started = utc_now(), time.monotonic()
        slot.task = task
        slot.ref = slot.actor.score.remote(task.item.path, task.options, task.sha256)

    def wait_versions(self, stop: StopFlag) -> dict[str, Any] | None:
        """Pipeline versions of the first actor that is ready (None if stopped first)."""
        while self.versions is None and not stop.stopped:
            self.wait(None)
        return self.versions

    def wait(self, timeout_s: float | None) -> list[tuple[Slot, Task, tuple[Any, ...]]]:
        """Wait up to ``_POLL_S``; returns (slot, task, reply) for videos that finished, timed out or lost their actor.

        A lost actor's reply is ("retry",) while the video has attempts left.
        """
        ray = self.ray
        now = time.monotonic()
        for due in [t for t in self.restarts if t <= now]:
            self.restarts.remove(due)
            self.slots.append(self._start())
        waiting = {s.ref: s for s in self.slots if s.ref is not None}
        done: list[Any] = []
        if waiting:
            done, rest = ray.wait(list(waiting), num_returns=1, timeout=_POLL_S)
            if done and rest:  # whatever else is ready too, without waiting again
                done += ray.wait(rest, num_returns=len(rest), timeout=0)[0]
        else:
            time.sleep(_POLL_S)
        finished: list[tuple[Slot, Task, tuple[Any, ...]]] = []
        for ref in done:
            slot = waiting[ref]
            slot.ref = None
            try:
                value = ray.get(ref)
            except ray.exceptions.RayTaskError as exc:  # the call raised: only an internal error can
                value = None if not slot.ready else ("error", "internal", _first_line(exc))
            except ray.exceptions.RayError as exc:  # the actor or its node died
                finished += self._lost(slot, exc)
                continue
            if not slot.ready:
                self._started(slot, value)
            elif slot.task is not None:
                finished.append((slot, slot.task, value))
                slot.task = None
        if timeout_s is not None:
            now = time.monotonic()
            for slot in list(self.slots):
                task = slot.task
                if task is not None and slot.ref is not None and now - task.started > timeout_s:
                    finished.append((slot, task, ("timeout", f"{task.item.path}: scoring took longer than "
                                                             f"{timeout_s - KILL_GRACE_S:g} s; the worker was stopped.")))
                    slot.task = None
                    self.replace(slot)
        if any(s.ready for s in self.slots):
            self.last_ready = time.monotonic()
        elif time.monotonic() - self.last_ready > START_LIMIT_S:
            raise VidscoreError(f"no Ray actor could start for {START_LIMIT_S:g} s: the cluster has no "
                                f"{self.threads} free CPU(s) on any node.")
        return finished

    def _started(self, slot: Slot, info: dict[str, Any] | None) -> None:
        if not info or "error" in info:
            detail = (info or {}).get("error", "the actor failed to start")
            raise ConfigError(f"cannot build the scoring pipeline: {detail}")
        if self.versions is None:
            self.versions = info["versions"]
        elif info["versions"] != self.versions:
            print(f"vidscore: warning: the Ray actor on {info.get('host')} runs other versions "
                  f"({info['versions']}); it is not used.", file=sys.stderr)
            self.kill(slot)
            self.slots.remove(slot)
            if not self.slots:
                raise ConfigError("no Ray actor runs the same vidscore versions as the first one.")
            return
        slot.ready, slot.host = True, str(info.get("host", ""))
        self.last_ready = time.monotonic()

    def _lost(self, slot: Slot, exc: Exception) -> list[tuple[Slot, Task, tuple[Any, ...]]]:
        task, slot.task = slot.task, None
        if not slot.ready:
            # Before any actor started, repeated deaths mean the pipeline cannot start: stop. Later they mean
            # a node went away under a starting actor: start another after a pause (1, 2, 4 ... 30 s).
            self.start_failures += 1
            if self.versions is None and self.start_failures >= MAX_START_FAILURES:
                raise VidscoreError(f"Ray actors keep dying while starting ({_first_line(exc)}).")
            self.kill(slot)
            self.slots.remove(slot)
            self.restarts.append(time.monotonic() + min(30.0, 2.0 ** min(self.start_failures - 1, 5)))
            return []
        self.replace(slot)
        if task is None:
            return []
        task.attempts += 1
        if task.attempts < ATTEMPTS:
            return [(slot, task, ("retry",))]
        where = f" on {slot.host}" if slot.host else ""
        return [(slot, task, ("crashed", f"{task.item.path}: the Ray worker{where} died "
                                         f"({ATTEMPTS} attempts; {_first_line(exc)})"))]

    def close(self) -> None:
        """Kill every actor (in-flight videos are abandoned, not recorded)."""
        for slot in self.slots:
            self.kill(slot)


def _first_line(exc: BaseException) -> str:
    """A Ray error's gist in one line (its text starts with a type banner and may span pages)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = next((line for line in lines if not line.startswith(("ray::", "\x1b"))), type(exc).__name__)
    return text[:300]


def run_batch_ray(
    items: list[BatchItem],
    store: Store,
    base_options: ScoreOptions,
    factory: Callable[[], Pipeline],
    address: str | None = None,
    workers: int | None = None,
    worker_threads: int = 1,
    timeout_s: float | None = None,
    resume: bool = False,
    retry_failed: bool = False,
    progress: bool | None = None,
) -> BatchSummary:
    """Score ``items`` into ``store`` with Ray actors; same arguments and summary as :func:`scorer.batch.run_batch`.

    Args:
        address: None: start a private Ray on 127.0.0.1 for this run; ``auto`` or ``HOST:PORT``: join that cluster.
        workers: actors (default: the cluster's CPUs // ``worker_threads``; the private Ray's: usable cores).
        worker_threads: CPUs each actor asks Ray for and cores it pins itself to.
    """
    timeout_s = check_run(items, base_options, workers, worker_threads, timeout_s)
    summary = BatchSummary(inputs=len(items))
    clock = time.monotonic()
    local_cpus = max(len(usable_cores()), (workers or 1) * worker_threads)
    with ray_runtime(address, local_cpus) as ray, StopFlag() as stop:
        cpus = node_cpus(ray)
        if cpus and worker_threads > max(cpus):
            raise ConfigError(f"--worker-threads {worker_threads}: no Ray node has that many CPUs "
                              f"(largest: {max(cpus)}).")
        size = workers or max(1, sum(cpus) // worker_threads)
        fleet = Fleet(ray, factory, base_options, min(size, len(items)), worker_threads)
        try:
            hashed = hash_all(items, stop, progress)
            versions = fleet.wait_versions(stop)
            if versions is not None and not stop.stopped:
                extractor_options = dict(getattr(factory, "extractor_options", {}))
                todo = plan(items, hashed, base_options, extractor_options, versions, store, resume, retry_failed,
                            summary)
                _score_all(todo, fleet, Recorder(store, versions, summary, len(todo), progress), timeout_s, stop)
        finally:
            fleet.close()
        summary.interrupted = stop.stopped
    summary.elapsed_s = time.monotonic() - clock
    return summary


def _score_all(todo: list[Task], fleet: Fleet, recorder: Recorder, timeout_s: float, stop: StopFlag) -> None:
    queue = deque(todo)
    with recorder:
        while (queue or fleet.busy()) and not stop.stopped:
            for slot in fleet.idle():
                if not queue:
                    break
                fleet.submit(slot, queue.popleft())
            for _slot, done, reply in fleet.wait(timeout_s + KILL_GRACE_S):
                if reply[0] == "retry":
                    queue.appendleft(done)  # next free actor, before anything else
                    recorder.summary.retried += 1
                else:
                    recorder.reply(done, reply)
