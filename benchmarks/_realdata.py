"""Where the benchmarks find the repository and the real data.

Importing this module puts the repository on ``sys.path``. The real-data folder
is ``$VIDSCORE_REALDATA`` or ``../shared/realdata`` beside the repository; it is
read in place, never copied into the repo.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def realdata_root() -> Path | None:
    """The real-data folder, or None (benchmarks then print a note and skip)."""
    path = Path(os.environ.get("VIDSCORE_REALDATA", ROOT.parent / "shared" / "realdata"))
    return path if (path / "MANIFEST.md").is_file() else None
