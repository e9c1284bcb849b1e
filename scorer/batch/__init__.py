"""Batch scoring: many videos, several worker processes (or Ray actors), results in a resumable store.

Exposed on the command line as ``vidscore batch INPUT --out STORE``. Modules, by job:

* :mod:`scorer.batch.inputs` — what INPUT names: folders, globs, files, CSV/JSONL manifests.
* :mod:`scorer.batch.keys` — per-video options, the versions-key options, content hashes.
* :mod:`scorer.batch.worker` — the pipeline factory, core pinning and the worker loop.
* :mod:`scorer.batch.pool` — the worker pool: timeouts, crashed workers, replacements.
* :mod:`scorer.batch.signals` — SIGINT/SIGTERM as a stop flag.
* :mod:`scorer.batch.run` — :func:`run_batch`, which ties them together (and the plan and recording the Ray
  engine shares).
* :mod:`scorer.batch.ray_cluster` — the Ray runtime: a private one on 127.0.0.1, or a cluster to join.
* :mod:`scorer.batch.ray_engine` — :func:`~scorer.batch.ray_engine.run_batch_ray` (``--engine ray``): actors,
  per-video timeouts, lost actors and nodes, one retry.
"""

from scorer.batch.inputs import BatchItem, expand_input, read_manifest
from scorer.batch.keys import key_options, options_for, pipeline_versions
from scorer.batch.run import BatchSummary, run_batch
from scorer.batch.worker import PipelineSpec

__all__ = [
    "BatchItem",
    "BatchSummary",
    "PipelineSpec",
    "expand_input",
    "key_options",
    "options_for",
    "pipeline_versions",
    "read_manifest",
    "run_batch",
]
