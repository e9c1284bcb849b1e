"""The Ray runtime a ``vidscore batch --engine ray`` run uses: a private one on 127.0.0.1, or a cluster it joins.

Without ``--address`` the run starts its own single-node Ray and stops it at the end:
bound to 127.0.0.1 only (``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0``: Ray otherwise
registers the node at the machine's network address even when asked for loopback),
with a token for this process (``RAY_AUTH_MODE=token``, the token in the environment,
nothing written to ``~/.ray``), no dashboard, no usage reporting, no idle prestarted
workers, and its session folder (logs) in a temp folder removed at the end. ``--address auto``
(or ``HOST:PORT``) joins a running cluster as it is configured (its own token and
settings, from the environment as for any Ray driver).

Actors run the same vidscore as the driver: when the driver runs from a checkout, that
folder is put on the actors' ``PYTHONPATH`` (on a cluster it must be at the same path on
every node, as the videos must be).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from features.media.errors import ConfigError

INSTALL_HINT = "pip install 'vidscore[ray]'"
# The private Ray's shared-memory object store: results are small JSON texts, frames never travel.
PRIVATE_OBJECT_STORE_BYTES = 256 * 1024 * 1024
# One token per driver process for the private Ray (Ray caches the token it first reads).
_PRIVATE_TOKEN = secrets.token_hex(32)


def require_ray() -> None:
    """``ConfigError`` naming the install when Ray is not installed (checked without importing it)."""
    try:
        found = importlib.util.find_spec("ray") is not None
    except (ImportError, ValueError):  # ValueError: sys.modules["ray"] is None (blocked)
        found = False
    if not found:
        raise ConfigError(f"--engine ray needs Ray: {INSTALL_HINT}.")


def import_ray() -> Any:
    """The ``ray`` module, its settings read again from the environment; ``ConfigError`` when Ray is missing.

    Ray reads ``RAY_AUTH_MODE`` and the token when it is imported and caches them; the
    private Ray sets them just before starting, so they are read again here (as Ray
    itself does when it turns token auth on).
    """
    require_ray()
    try:
        import ray
    except ImportError:
        raise ConfigError(f"--engine ray needs Ray: {INSTALL_HINT}.") from None
    try:
        raylet = importlib.import_module("ray._raylet")
        raylet.Config.initialize("")
        raylet.AuthenticationTokenLoader.instance().reset_cache()
    except (ImportError, AttributeError):  # pragma: no cover - another Ray version: its import read the environment
        pass
    return ray


def code_root() -> Path | None:
    """The checkout this vidscore runs from (the folder holding ``scorer/`` and ``pyproject.toml``), None when installed."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "scorer").is_dir() else None


def runtime_env() -> dict[str, Any]:
    """Ray runtime env for the actors: this checkout first on ``PYTHONPATH``, then the driver's own ``PYTHONPATH``."""
    paths = [str(p) for p in (code_root(),) if p is not None]
    paths += [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p not in paths]
    return {"env_vars": {"PYTHONPATH": os.pathsep.join(paths)}} if paths else {}


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set ``values`` in ``os.environ`` (inherited by the Ray processes started inside), restoring them afterwards."""
    previous = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def private_environment() -> dict[str, str]:
    """Environment of the private local Ray: loopback only, token auth with this process's token, no usage stats."""
    env = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0",
           # no idle default workers: the actors run in workers of their own (their runtime env), so prestarted
           # ones would only take memory and CPU from them
           "RAY_enable_worker_prestart": "0", "RAY_prestart_worker_first_driver": "0"}
    if "RAY_AUTH_MODE" not in os.environ:
        env["RAY_AUTH_MODE"] = "token"
        if not os.environ.get("RAY_AUTH_TOKEN") and not os.environ.get("RAY_AUTH_TOKEN_PATH"):
            env["RAY_AUTH_TOKEN"] = _PRIVATE_TOKEN
    return env


@contextmanager
def ray_runtime(address: str | None, cpus: int) -> Iterator[Any]:
    """Connect a driver for the run's lifetime; yields the ``ray`` module.

    Args:
        address: None for a private local Ray (started here, stopped at the end), else ``auto`` or ``HOST:PORT``.
        cpus: CPUs the private Ray offers (ignored when joining a cluster).
    """
    require_ray()
    private = address is None
    with _environment(private_environment() if private else {}):
        ray = import_ray()
        if ray.is_initialized():
            raise ConfigError("a Ray driver is already connected in this process; vidscore starts its own.")
        quiet = {"log_to_driver": False, "logging_level": logging.WARNING, "runtime_env": runtime_env() or None}
        # the private Ray's sessions and logs live in a folder of the run's own, removed afterwards
        scratch = tempfile.mkdtemp(prefix="vidscore-ray-") if private else None
        try:
            try:
                if private:
                    ray.init(address="local", num_cpus=cpus, include_dashboard=False, _node_ip_address="127.0.0.1",
                             object_store_memory=PRIVATE_OBJECT_STORE_BYTES, namespace="vidscore", _temp_dir=scratch,
                             **quiet)
                else:
                    ray.init(address=address, namespace="vidscore", **quiet)
            except (ConnectionError, ValueError, RuntimeError, ray.exceptions.RayError) as exc:
                where = "start a local Ray" if private else f"join the Ray cluster at {address}"
                reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise ConfigError(f"cannot {where}: {reason}") from None
            restore = _notices_to_stderr()
            try:
                yield ray
            finally:
                ray.shutdown()
                restore()
        finally:
            if scratch:
                shutil.rmtree(scratch, ignore_errors=True)


def _notices_to_stderr() -> Callable[[], None]:
    """Send the notices Ray's driver prints about dead workers to stderr, not stdout (which carries vidscore's output).

    The run records every video whose worker died in the store, so these notices are
    only diagnostics. Returns the function that undoes it; does nothing on a Ray without
    the hook.
    """
    try:
        module = importlib.import_module("ray._private.worker")
        original = module.print_to_stdstream
    except (ImportError, AttributeError):  # pragma: no cover - another Ray version
        return lambda: None

    def to_stderr(data: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        return original({**data, "is_err": True}, *args, **kwargs)

    setattr(module, "print_to_stdstream", to_stderr)  # noqa: B010 - a private hook mypy cannot see

    def restore() -> None:
        setattr(module, "print_to_stdstream", original)  # noqa: B010

    return restore


def node_cpus(ray: Any) -> list[int]:
    """CPUs of each live node of the connected cluster."""
    return [int(n.get("Resources", {}).get("CPU", 0)) for n in ray.nodes() if n.get("Alive")]
