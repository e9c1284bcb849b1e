"""One of several processes writing to one results store at once (imports only the store, so it starts fast)."""

from __future__ import annotations

import time

from scorer.stores import open_store

VERSIONS = {"vidscore": "0.1.0", "pipeline": "1", "extractors": {"a": "1"}, "rubric": "default@1", "model": "rubric"}


def write(url: str, writer: int, shared: int, own: int, start_at: float) -> int:
    """``shared`` keys every writer writes (scored, quality = writer), ``own`` keys of its own (failed).

    Every writer waits for the wall-clock time ``start_at``, so they open the store and write at the same moment.
    """
    time.sleep(max(0.0, start_at - time.time()))
    with open_store(url) as store:  # the schema is created by whichever writer comes first
        for n in range(shared):
            sha = f"sha-s{n}"
            result = {"video": {"sha256": sha}, "scores": {"quality": float(writer), "immersion": 50.0, "persuasion": 10.0},
                      "signals": {}, "niche": {"top": []}}
            store.put(path=f"/shared{n}.mp4", sha256=sha, versions=VERSIONS, options={}, metadata={"writer": writer},
                      started_at="2026-01-01T00:00:00+00:00", elapsed_s=1.0, result=result)
        for n in range(own):
            store.put(path=f"/w{writer}-{n}.mp4", sha256=f"sha-w{writer}-{n}", versions=VERSIONS, options={},
                      metadata={}, started_at="2026-01-01T00:00:00+00:00", elapsed_s=0.0, error_code="empty",
                      error_message="empty file")
    return writer
