"""A real ``vidscore serve`` process on 127.0.0.1 for the browser, fuzz and load tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

TOKEN = "test-token-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    data_dir: Path

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}"}


@contextmanager
def running_server(tmp: Path, *args: str, ready_s: float = 180.0) -> Iterator[Server]:
    """Start ``vidscore serve`` with a token file and its own data folder; wait until its workers are ready."""
    port = free_port()
    token_file = tmp / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    data_dir = tmp / "serve"
    log = (tmp / "serve.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "scorer.cli", "serve", "--port", str(port), "--token-file", str(token_file),
         "--data-dir", str(data_dir), "--text-model", "none", *args],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}: {(tmp / 'serve.log').read_text()}")
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=2.0).json()["status"] == "ok":
                    break
            except (httpx.HTTPError, ValueError, KeyError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready after {ready_s:g} s: {(tmp / 'serve.log').read_text()}")
            time.sleep(0.5)
        yield Server(url, process, data_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def rss_mb(pid: int) -> float:
    """Resident memory of one process in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
