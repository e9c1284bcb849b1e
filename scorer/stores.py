"""Which results store a ``STORE`` argument names, and the methods every store has.

``vidscore batch --out``, ``export``, ``rank``, ``report`` and ``serve --store`` take
either a file path (the SQLite store, :class:`scorer.store.ResultStore`, the default
for one machine) or a ``postgresql://`` URL (:class:`scorer.store_postgres.PostgresStore`,
for a cluster: many writers, one database). Both have the methods of :class:`Store`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from features.media.errors import ConfigError
from scorer.store import ResultStore, StoredVideo
from scorer.store_postgres import PostgresStore, redact

DATABASE_SCHEMES = ("postgresql", "postgres")


class Store(Protocol):
    """A results store: one row per (content hash, versions key), written one transaction per video."""

    @property
    def location(self) -> str: ...

    def done_keys(self, include_failed: bool = True) -> dict[tuple[str, str], dict[str, Any]]: ...

    def set_metadata(self, sha256: str, key: str, metadata: dict[str, Any]) -> None: ...

    def put(self, *, path: str, sha256: str, versions: dict[str, Any], options: dict[str, Any],
            metadata: dict[str, Any], started_at: str, elapsed_s: float, result: dict[str, Any] | None = None,
            error_code: str | None = None, error_message: str | None = None) -> None: ...

    def rows(self, latest_only: bool = True, status: str | None = None) -> Iterator[StoredVideo]: ...

    def find(self, sha256: str) -> StoredVideo | None: ...

    def recent(self, limit: int = 50) -> list[StoredVideo]: ...

    def count(self) -> int: ...

    def integrity_ok(self) -> bool: ...

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...


def url_scheme(location: str | Path) -> str | None:
    """The scheme of a ``scheme://…`` location (lower case), None for a file path."""
    text = str(location)
    head, sep, _ = text.partition("://")
    return head.lower() if sep and head.isidentifier() else None


def is_database_url(location: str | Path) -> bool:
    """True when ``location`` is a PostgreSQL URL rather than a file path."""
    return url_scheme(location) in DATABASE_SCHEMES


def open_store(location: str | Path, create: bool = True) -> Store:
    """The store at ``location``: PostgreSQL for a ``postgresql://`` URL, else the SQLite file.

    Args:
        location: a file path or a ``postgresql://`` (``postgres://``) URL.
        create: make the store when it does not exist yet (False: ``ConfigError``).
    """
    scheme = url_scheme(location)
    if scheme in DATABASE_SCHEMES:
        return PostgresStore(str(location), create=create)
    if scheme is not None:
        raise ConfigError(f"{location}: unknown kind of results store '{scheme}://' "
                          "(give a file path for SQLite or a postgresql:// URL).")
    return ResultStore(location, create=create)


def store_exists(location: str | Path) -> bool:
    """True for a database URL (whether it holds a store is known only by opening it) or an existing file."""
    return is_database_url(location) or Path(location).is_file()


def shown(location: str | Path) -> str:
    """``location`` as messages show it: a URL without its password, a path as given."""
    return redact(str(location)) if is_database_url(location) else str(location)
