"""Writing text output: atomically to a file, or to stdout. Imports nothing of ours (used by calibration and the CLI)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def write_text(text: str, out: str | None) -> None:
    """Write ``text`` atomically to ``out``, or to stdout when ``out`` is None."""
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        tmp = f"{out}.tmp{os.getpid()}"
        Path(tmp).write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    elif text:
        sys.stdout.write(text)
