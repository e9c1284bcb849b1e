"""A throwaway PostgreSQL server for the tests: Debian's initdb/pg_ctl into a temp folder, a unix socket only.

No TCP port is opened (``listen_addresses = ''``); clients connect through the socket in
the server's own folder. As root, the server runs as the ``postgres`` user (PostgreSQL
refuses to run as root). Everything is removed when the server stops.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path


def postgres_bindir() -> Path | None:
    """Folder of initdb/pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<version>/bin (newest)."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(candidates[-1]).parent if candidates else None


class PostgresServer:
    """Start a private server (``start``), make databases (``new_database``), then ``stop`` and remove it."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="vidscore-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.log = self.root / "server.log"
        self.user: str | None = None
        self.count = 0

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(a) for a in args]
        if self.user:
            command = ["runuser", "-u", self.user, "--"] + command
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True, stdin=subprocess.DEVNULL)

    def start(self) -> None:
        if os.geteuid() == 0:
            self.user = "postgres"
            ids = pwd.getpwnam(self.user)
            os.chmod(self.root, 0o755)
        self.socket_dir.mkdir()
        self.data.mkdir(mode=0o700)
        self.log.touch()
        if self.user:
            for path in (self.data, self.socket_dir, self.log):
                os.chown(path, ids.pw_uid, ids.pw_gid)
        self._run(self.bindir / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        options = (f"-c listen_addresses='' -k {self.socket_dir} -p 5432 -c fsync=off -c max_connections=60 "
                   "-c shared_buffers=16MB")
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "60", "start")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql:///{database}?host={self.socket_dir}&port=5432&user=postgres"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        self.count += 1
        name = f"t{self.count}"
        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
