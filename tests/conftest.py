"""Shared test fixtures: the optional real-data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def realdata_path() -> Path:
    """``$VIDSCORE_REALDATA`` or ``../shared/realdata`` beside the repository."""
    return Path(os.environ.get("VIDSCORE_REALDATA", REPO_ROOT.parent / "shared" / "realdata"))


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The real-data folder; tests using it are skipped when it is absent."""
    path = realdata_path()
    if not (path / "MANIFEST.md").is_file():
        pytest.skip(f"real data not found at {path}")
    return path


@pytest.fixture(scope="session")
def postgres_server():
    """A private PostgreSQL server for the session (unix socket only), from Debian's packages (.ci/run installs them)."""
    pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install 'vidscore[postgres]')")
    from pgserver import PostgresServer, postgres_bindir

    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    server = PostgresServer(bindir)
    try:
        server.start()
    except Exception as exc:  # noqa: BLE001 - the reason, then skip
        server.stop()
        pytest.skip(f"cannot start a private PostgreSQL server: {exc}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres_server) -> str:
    """URL of a fresh, empty database on the session's PostgreSQL server."""
    return postgres_server.new_database()
