"""A two-node Ray cluster for the tests, each node in a network namespace of its own, joined by a veth pair.

``ip netns add`` makes two namespaces (head 10.200.0.1, worker 10.200.0.2); the head runs
``ray start --head`` in the first, the worker ``ray start --address`` in the second, both
with ``--block`` so their processes are ours, every Ray process with ``RAY_AUTH_MODE=token``
and a token file in the cluster's temp folder. Nothing listens outside the namespaces;
:meth:`NetnsCluster.close` kills every process in them and removes them.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAD_IP, WORKER_IP, PORT = "10.200.0.1", "10.200.0.2", 6390


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)


def netns_unavailable() -> str | None:
    """Why network namespaces cannot be made here (None when they can): tried with a scratch namespace."""
    if shutil.which("ip") is None:
        return "the ip command (iproute2) is not installed"
    if os.geteuid() != 0:
        return "ip netns needs root (CI runs the suite as root)"
    name = f"vsprobe{os.getpid()}"
    try:
        _ip("netns", "add", name)
    except subprocess.CalledProcessError as exc:
        return f"ip netns add is not permitted here ({exc.stderr.strip()})"
    _ip("netns", "del", name)
    return None


def ray_command() -> list[str]:
    ray = Path(sys.executable).with_name("ray")
    return [str(ray)] if ray.is_file() else [sys.executable, "-m", "ray.scripts.scripts"]


class NetnsCluster:
    """Start with :meth:`start`; :meth:`env` is the environment a driver in :attr:`head` needs."""

    def __init__(self) -> None:
        tag = f"{os.getpid() % 100000}"
        self.head, self.worker = f"vsr{tag}h", f"vsr{tag}w"
        self.veth = (f"vsr{tag}a", f"vsr{tag}b")
        self.root = Path(tempfile.mkdtemp(prefix="vidscore-raynet-"))
        self.token = self.root / "auth_token"
        self.token.write_text(secrets.token_hex(32), encoding="utf-8")
        self.token.chmod(0o600)
        self.made: list[str] = []
        self.nodes: list[subprocess.Popen] = []

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(self.token),
                "RAY_USAGE_STATS_ENABLED": "0", **extra}

    def start(self, cpus_per_node: int = 1, limit_s: float = 120.0) -> None:
        for name in (self.head, self.worker):
            _ip("netns", "add", name)
            self.made.append(name)
            _ip("-n", name, "link", "set", "lo", "up")
        a, b = self.veth
        _ip("link", "add", a, "type", "veth", "peer", "name", b)
        _ip("link", "set", a, "netns", self.head)
        _ip("link", "set", b, "netns", self.worker)
        _ip("-n", self.head, "addr", "add", f"{HEAD_IP}/24", "dev", a)
        _ip("-n", self.worker, "addr", "add", f"{WORKER_IP}/24", "dev", b)
        _ip("-n", self.head, "link", "set", a, "up")
        _ip("-n", self.worker, "link", "set", b, "up")
        common = ["--num-cpus", str(cpus_per_node), "--disable-usage-stats", "--block"]
        self._node(self.head, ["start", "--head", "--node-ip-address", HEAD_IP, "--port", str(PORT),
                               "--include-dashboard", "false", "--temp-dir", str(self.root / "head"), *common], limit_s)
        self._node(self.worker, ["start", "--address", f"{HEAD_IP}:{PORT}", "--node-ip-address", WORKER_IP,
                                 "--temp-dir", str(self.root / "worker"), *common], limit_s)

    def _node(self, namespace: str, args: list[str], limit_s: float) -> None:
        log = self.root / f"{namespace}.log"
        with open(log, "w", encoding="utf-8") as out:
            node = subprocess.Popen(["ip", "netns", "exec", namespace, *ray_command(), *args], stdout=out,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env(),
                                    start_new_session=True)
        self.nodes.append(node)
        deadline = time.monotonic() + limit_s
        while "will now block forever" not in log.read_text(encoding="utf-8", errors="replace"):
            if node.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"ray start in {namespace} failed:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)

    def pids(self, namespace: str) -> list[int]:
        """Every process whose network namespace is ``namespace``."""
        run = subprocess.run(["ip", "netns", "pids", namespace], capture_output=True, text=True, timeout=30)
        return [int(p) for p in run.stdout.split()]

    def commands(self, namespace: str) -> list[str]:
        found = []
        for pid in self.pids(namespace):
            try:
                found.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
            except OSError:
                continue
        return found

    def kill_node(self, namespace: str) -> int:
        """SIGKILL every process of ``namespace`` (the node dies as a machine would); returns how many."""
        pids = self.pids(namespace)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return len(pids)

    def close(self) -> None:
        for name in self.made:
            self.kill_node(name)
        for node in self.nodes:
            try:
                node.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for name in self.made:
            deadline = time.monotonic() + 10
            while self.pids(name) and time.monotonic() < deadline:
                self.kill_node(name)
                time.sleep(0.2)
            subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)

    def exists(self) -> list[str]:
        """Namespaces of this cluster that still exist."""
        listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, timeout=30).stdout
        present = {line.split()[0] for line in listed.splitlines() if line.strip()}
        return [n for n in (self.head, self.worker) if n in present]
