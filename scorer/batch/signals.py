"""Clean stops for a batch run: SIGINT/SIGTERM set a flag that the run loop checks."""

from __future__ import annotations

import signal
import threading
from typing import Any


class StopFlag:
    """SIGINT/SIGTERM set a flag (checked by the run loop) instead of raising mid-transaction."""

    def __init__(self) -> None:
        self.stopped = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopFlag:  # noqa: PYI034 - Self needs Python 3.11; requires-python is 3.10
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        self.stopped = True

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
