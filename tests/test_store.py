"""The batch results store (scorer/store.py): keys, upserts, current rows, durability under SIGKILL and Ctrl-C."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from test_batch import make_videos, trap_pipeline, write_csv

from features.media.errors import ConfigError
from scorer.batch import expand_input, run_batch
from scorer.options import ScoreOptions
from scorer.store import ResultStore, compliance_flag, versions_key

REPO = Path(__file__).resolve().parents[1]
VERSIONS = {"vidscore": "0.1.0", "pipeline": "1", "extractors": {"a": "1"}, "rubric": "default@1", "model": "rubric"}


def fake_result(sha: str, quality: float, risk: Any = None, niche: str | None = None) -> dict[str, Any]:
    """The parts of a result the store reads (scores, signals, niche, explanations)."""
    signals = {} if risk is None else {"compliance_risk": risk}
    return {
        "video": {"sha256": sha},
        "scores": {"quality": quality, "immersion": 50.0, "persuasion": 10.0},
        "signals": signals,
        "niche": {"top": [{"id": niche, "score": 0.9}] if niche else [], "target": None, "match": None},
    }


def put(store: ResultStore, path: str, sha: str, versions: dict[str, Any] = VERSIONS, **kw: Any) -> None:
    store.put(path=path, sha256=sha, versions=versions, options=kw.pop("options", {}), metadata=kw.pop("metadata", {}),
              started_at="2026-01-01T00:00:00+00:00", elapsed_s=1.0, **kw)


def test_versions_key_covers_versions_and_options() -> None:
    key = versions_key(VERSIONS, {"niche": "beauty"})
    assert key == versions_key(json.loads(json.dumps(VERSIONS)), {"niche": "beauty"})
    assert key != versions_key({**VERSIONS, "rubric": "strict@2"}, {"niche": "beauty"})
    assert key != versions_key({**VERSIONS, "model": "logistic:abc"}, {"niche": "beauty"})
    assert key != versions_key(VERSIONS, {"niche": "food"})


@pytest.mark.parametrize("risk, flag", [(None, None), (True, True), (False, False), (0.7, True), (0.2, False)])
def test_compliance_flag(risk: Any, flag: bool | None) -> None:
    assert compliance_flag(fake_result("s", 50.0, risk)) is flag


def test_put_upserts_by_key_and_rows_return_the_current_row_per_path(tmp_path: Path) -> None:
    with ResultStore(tmp_path / "s.db") as store:
        put(store, "/a.mp4", "sha-a", result=fake_result("sha-a", 70.0, True, "beauty"), options={"niche": None})
        put(store, "/b.mp4", "sha-b", error_code="not_media", error_message="/b.mp4: not a video.")
        put(store, "/a.mp4", "sha-a", result=fake_result("sha-a", 80.0, True, "beauty"), options={"niche": None})
        assert store.count() == 2  # same (sha, key): replaced
        put(store, "/a.mp4", "sha-a2", result=fake_result("sha-a2", 20.0), options={"niche": None})
        assert store.count() == 3  # the file changed: a new row, the old one kept
        assert set(store.done_keys()) == {("sha-a", versions_key(VERSIONS, {"niche": None})),
                                          ("sha-a2", versions_key(VERSIONS, {"niche": None})),
                                          ("sha-b", versions_key(VERSIONS, {}))}
        store.set_metadata("sha-b", versions_key(VERSIONS, {}), {"gmv": 3})
        assert store.done_keys()[("sha-b", versions_key(VERSIONS, {}))] == {"gmv": 3}
        assert {k[0] for k in store.done_keys(include_failed=False)} == {"sha-a", "sha-a2"}
        current = {v.path: v for v in store.rows()}
        assert current["/a.mp4"].sha256 == "sha-a2" and current["/a.mp4"].quality == 20.0
        assert current["/b.mp4"].status == "failed" and current["/b.mp4"].error_code == "not_media"
        assert current["/b.mp4"].overall is None
        old = [v for v in store.rows(latest_only=False) if v.sha256 == "sha-a"][0]
        assert old.quality == 80.0 and old.compliance_flag is True and old.detected_niche == "beauty"
        assert old.overall == pytest.approx((80 + 50 + 10) / 3)
        assert [v.path for v in store.rows(status="failed")] == ["/b.mp4"]
        with pytest.raises(ValueError, match="either result or error_code"):
            put(store, "/c.mp4", "sha-c")
        with pytest.raises(ValueError, match="status must be"):
            list(store.rows(status="done"))
        assert store.integrity_ok()
    with sqlite3.connect(tmp_path / "s.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_foreign_and_missing_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such results store"):
        ResultStore(tmp_path / "none.db", create=False)
    (tmp_path / "junk.db").write_bytes(b"not sqlite at all" * 200)
    with pytest.raises(ConfigError, match="not a vidscore results store"):
        ResultStore(tmp_path / "junk.db")
    with sqlite3.connect(tmp_path / "other.db") as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(ConfigError, match="not a vidscore results store"):
        ResultStore(tmp_path / "other.db")
    with pytest.raises(ConfigError, match="is a directory"):
        ResultStore(tmp_path)


# -- durability -----------------------------------------------------------------------------------

RUNNER = textwrap.dedent(
    """
    import json, sys
    sys.path[:0] = [{repo!r}, {tests!r}]
    from scorer.batch import expand_input, run_batch
    from scorer.options import ScoreOptions
    from scorer.store import ResultStore
    from test_batch import trap_pipeline

    if __name__ == "__main__":  # spawned workers import this file too
        with ResultStore(sys.argv[2]) as store:
            summary = run_batch(expand_input(sys.argv[1]), store, ScoreOptions(), trap_pipeline, workers=2,
                                resume=True, progress=False)
        print(json.dumps({{"scored": summary.scored, "skipped": summary.skipped, "interrupted": summary.interrupted}}))
        sys.exit(130 if summary.interrupted else 0)
    """
)


def slow_manifest(tmp_path: Path, count: int) -> Path:
    clips = make_videos(tmp_path / "in", count)
    return write_csv(tmp_path / "m.csv", [{"path": f"in/{p.name}", "trap": "slow"} for p in clips])


def start_runner(tmp_path: Path, manifest: Path, store: Path) -> subprocess.Popen:
    script = tmp_path / "runner.py"
    script.write_text(RUNNER.format(repo=str(REPO), tests=str(REPO / "tests")), encoding="utf-8")
    return subprocess.Popen([sys.executable, str(script), str(manifest), str(store)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stored_count(store: Path) -> int:
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute("SELECT COUNT(*) FROM videos").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def wait_for_rows(store: Path, runner: subprocess.Popen, at_least: int, limit_s: float = 180.0) -> int:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        count = stored_count(store)
        if count >= at_least:
            return count
        assert runner.poll() is None, runner.communicate()
        time.sleep(0.05)
    raise AssertionError("the batch run made no progress")


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def wait_gone(pids: list[int], limit_s: float = 20.0) -> list[int]:
    deadline = time.monotonic() + limit_s
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if Path(f"/proc/{p}").exists() and "Z" not in (Path(f"/proc/{p}/stat").read_text()
                                                                                  .rsplit(")", 1)[1].split()[:1])]
        time.sleep(0.1)
    return alive


def finish_and_check(manifest: Path, store_path: Path, already: int, count: int) -> None:
    """Resume in this process; every video must end up stored exactly once, earlier rows untouched."""
    with ResultStore(store_path) as store:
        assert store.integrity_ok()
        before = {v.sha256: v.finished_at for v in store.rows()}
        assert len(before) == already
        summary = run_batch(expand_input(str(manifest)), store, ScoreOptions(), trap_pipeline, workers=2,
                            resume=True, progress=False)
        assert (summary.skipped, summary.scored, summary.failed_total) == (already, count - already, 0)
        rows = list(store.rows(latest_only=False))
        assert store.integrity_ok()
    assert len(rows) == count and len({v.sha256 for v in rows}) == count
    assert all(v.status == "scored" for v in rows)
    assert all(before[v.sha256] == v.finished_at for v in rows if v.sha256 in before)


def test_ctrl_c_then_sigkill_then_resume_scores_every_video_exactly_once(tmp_path: Path) -> None:
    count = 8
    manifest = slow_manifest(tmp_path, count)
    store = tmp_path / "store.db"

    # Ctrl-C: the run stops cleanly with status 130, workers exit, the store is consistent.
    runner = start_runner(tmp_path, manifest, store)
    try:
        wait_for_rows(store, runner, at_least=1)
        workers = children_of(runner.pid)
        runner.send_signal(signal.SIGINT)
        out, err = runner.communicate(timeout=60)
    finally:
        if runner.poll() is None:
            runner.kill()
    assert runner.returncode == 130, err
    report = json.loads(out.strip().splitlines()[-1])
    assert report["interrupted"] is True and 1 <= report["scored"] < count
    assert "Traceback" not in err
    assert wait_gone(workers) == []
    interrupted_at = stored_count(store)

    # SIGKILL of the resumed run: workers notice and exit, committed rows survive.
    runner = start_runner(tmp_path, manifest, store)
    try:
        wait_for_rows(store, runner, at_least=interrupted_at + 2)
        workers = children_of(runner.pid)
        runner.send_signal(signal.SIGKILL)
        runner.wait(timeout=30)
    finally:
        if runner.poll() is None:
            runner.kill()
    assert workers, "the runner had no worker processes"
    assert wait_gone(workers) == [], "workers kept running after their parent was killed"
    killed_at = stored_count(store)
    assert interrupted_at + 2 <= killed_at < count

    finish_and_check(manifest, store, killed_at, count)
