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
