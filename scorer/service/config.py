"""Settings of ``vidscore serve``, each range stated once and checked when the settings are made."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from features.media.errors import ConfigError

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost'."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def default_data_dir() -> Path:
    """``$VIDSCORE_SERVE_DIR``, else ``~/.local/share/vidscore/serve``."""
    env = os.environ.get("VIDSCORE_SERVE_DIR")
    return Path(env) if env else Path.home() / ".local" / "share" / "vidscore" / "serve"


@dataclass(frozen=True)
class ServeConfig:
    """How the service runs.

    Args:
        token: the bearer token every API route but health requires (None only with ``no_auth``).
        no_auth: serve without a token; allowed only on a loopback host.
        host: address to bind (default 127.0.0.1).
        port: TCP port, 0-65535 (0: any free port).
        data_dir: the server's own folder: uploads (generated names) and reports live under it.
        store: results store, an SQLite file or a ``postgresql://`` URL (default ``data_dir/results.db``).
        max_upload_mb: largest accepted upload in megabytes, > 0.
        jobs: videos scored at once (worker processes), 1-64.
        queue: jobs waiting beyond those running before new ones get 429, 0-10000.
        timeout_s: wall-clock limit per video in seconds, > 0; a stuck worker is killed and replaced.
        keep_uploads: keep uploaded files after scoring (default: removed).
        extractor_options: per-process extractor options (speech language, models).
    """

    token: str | None
    no_auth: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = field(default_factory=default_data_dir)
    store: str | Path | None = None
    max_upload_mb: float = 500.0
    jobs: int = 1
    queue: int = 8
    timeout_s: float = 900.0
    keep_uploads: bool = False
    extractor_options: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.no_auth:
            if not is_loopback(self.host):
                raise ConfigError(f"--no-auth is only allowed on a loopback host (127.0.0.1, ::1), not {self.host!r}; "
                                  "give a token with VIDSCORE_TOKEN or --token-file.")
        elif not self.token:
            raise ConfigError("no API token: set VIDSCORE_TOKEN or give --token-file FILE "
                              "(or --no-auth on 127.0.0.1 for a private server).")
        elif len(self.token) < 16:
            raise ConfigError(f"the API token must be at least 16 characters, got {len(self.token)}.")
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"--port must be in [0, 65535], got {self.port}.")
        if not self.max_upload_mb > 0:
            raise ConfigError(f"--max-upload-mb must be > 0, got {self.max_upload_mb:g}.")
        if not 1 <= self.jobs <= 64:
            raise ConfigError(f"--jobs must be in [1, 64], got {self.jobs}.")
        if not 0 <= self.queue <= 10000:
            raise ConfigError(f"--queue must be in [0, 10000], got {self.queue}.")
        if not self.timeout_s > 0:
            raise ConfigError(f"--timeout must be > 0 seconds, got {self.timeout_s:g}.")

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1e6)

    @property
    def store_location(self) -> str:
        """The results store: a file path or a ``postgresql://`` URL."""
        return str(self.store) if self.store else str(self.data_dir / "results.db")

    @property
    def store_path(self) -> Path:
        """The SQLite store's path (for a ``postgresql://`` store, use :attr:`store_location`)."""
        return Path(self.store_location)

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"


def read_token(token_file: str | None) -> str | None:
    """The token from ``token_file`` (first line, stripped) or ``$VIDSCORE_TOKEN``; None when neither is set."""
    if token_file:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip().splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"--token-file {token_file}: cannot be read ({exc.__class__.__name__}).") from None
        if not token or not token[0].strip():
            raise ConfigError(f"--token-file {token_file}: is empty.")
        return token[0].strip()
    return os.environ.get("VIDSCORE_TOKEN") or None
