"""Results in PostgreSQL (``--out postgresql://…``): the SQLite store's behaviour, many writers, resume, export.

The server is a private one started for the session (tests/pgserver.py: Debian's
initdb/pg_ctl, unix socket only, removed afterwards).
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from test_batch import LIGHT, make_videos, write_csv
from test_store import VERSIONS, fake_result, put

from features.media.errors import ConfigError
from scorer.batch import expand_input, run_batch
from scorer.options import ScoreOptions
from scorer.store import versions_key
from scorer.stores import is_database_url, open_store, shown

pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install 'vidscore[postgres]')")


@pytest.fixture(params=["sqlite", "postgres"])
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same tests over both stores."""
    if request.param == "sqlite":
        return str(tmp_path / "s.db")
    return request.getfixturevalue("pg_url")


def test_both_stores_upsert_keep_versions_and_return_the_current_row(store_location: str) -> None:
    with open_store(store_location) as store:
        put(store, "/a.mp4", "sha-a", result=fake_result("sha-a", 70.1234567891234, True, "beauty"), options={"niche": None})
        put(store, "/b.mp4", "sha-b", error_code="not_media", error_message="/b.mp4: not a video.")
        put(store, "/a.mp4", "sha-a", result=fake_result("sha-a", 80.0, True, "beauty"), options={"niche": None})
        assert store.count() == 2  # same (sha, key): replaced
        put(store, "/a.mp4", "sha-a2", result=fake_result("sha-a2", 20.000000000000004), options={"niche": None})
        put(store, "/B.mp4", "sha-c", result=fake_result("sha-c", 55.5), options={"niche": "food"})
        assert store.count() == 4
        key = versions_key(VERSIONS, {})
        store.set_metadata("sha-b", key, {"gmv": 3, "tags": ["a", "b"]})
        assert store.done_keys()[("sha-b", key)] == {"gmv": 3, "tags": ["a", "b"]}
        assert {k[0] for k in store.done_keys(include_failed=False)} == {"sha-a", "sha-a2", "sha-c"}
        current = list(store.rows())
        assert [v.path for v in current] == ["/B.mp4", "/a.mp4", "/b.mp4"]  # byte order, as SQLite sorts
        by_path = {v.path: v for v in current}
        assert by_path["/a.mp4"].quality == 20.000000000000004  # doubles come back bit for bit
        assert by_path["/b.mp4"].status == "failed" and by_path["/b.mp4"].overall is None
        old = [v for v in store.rows(latest_only=False) if v.sha256 == "sha-a"][0]
        assert old.quality == 80.0 and old.compliance_flag is True and old.detected_niche == "beauty"
        assert by_path["/B.mp4"].target_niche == "food"
        assert [v.path for v in store.rows(status="failed")] == ["/b.mp4"]
        found = store.find("sha-a2")
        assert found is not None and found.result == fake_result("sha-a2", 20.000000000000004)
        assert store.find("nope") is None
        assert [v.sha256 for v in store.recent(2)] == ["sha-c", "sha-a2"]
        assert store.integrity_ok()
        with pytest.raises(ValueError, match="either result or error_code"):
            put(store, "/c.mp4", "sha-c")
        with pytest.raises(ValueError, match="status must be"):
            list(store.rows(status="done"))


def test_database_urls_are_checked_and_never_print_a_password(pg_url: str, postgres_server: Any) -> None:
    import psycopg

    assert is_database_url(pg_url) and is_database_url("postgres://x/y") and not is_database_url("/tmp/a.db")
    assert shown("postgresql://kol:s3cret@db.example/kol") == "postgresql://kol:***@db.example/kol"
    assert shown("postgresql:///kol?host=/run/pg&password=s3cret") == "postgresql:///kol?host=/run/pg&password=***"
    with pytest.raises(ConfigError, match="no vidscore results store in this database"):
        open_store(pg_url, create=False)
    with pytest.raises(ConfigError, match="unknown kind of results store 'mysql://'"):
        open_store("mysql://localhost/kol")
    bad = f"postgresql://kol:s3cret@/nodb?host={postgres_server.socket_dir}&port=5999"
    with pytest.raises(ConfigError) as caught:
        open_store(bad)
    assert "s3cret" not in caught.value.message and "cannot connect to PostgreSQL" in caught.value.message
    assert "\n" not in caught.value.message
    other = postgres_server.new_database()
    with psycopg.connect(other, autocommit=True) as db:
        db.execute("CREATE TABLE videos (x int)")
    with pytest.raises(ConfigError, match="not a vidscore results store"):
        open_store(other)
    with open_store(pg_url) as store:
        assert store.count() == 0
    with open_store(pg_url, create=False) as store:  # now it exists
        assert store.integrity_ok()


def test_many_writers_at_once_leave_one_row_per_key(pg_url: str) -> None:
    from pgwriter import write

    writers, shared, own = 6, 100, 20
    start_at = time.time() + 8.0  # every writer started (spawned, imported) by then, even on a loaded machine
    with multiprocessing.get_context("spawn").Pool(writers) as pool:
        done = pool.starmap(write, [(pg_url, w, shared, own, start_at) for w in range(writers)])
    assert sorted(done) == list(range(writers))
    with open_store(pg_url, create=False) as store:
        assert store.count() == shared + writers * own
        assert store.integrity_ok()
        rows = list(store.rows(latest_only=False))
    assert len({(v.sha256, v.versions_key) for v in rows}) == len(rows)
    assert {v.quality for v in rows if v.status == "scored"} <= {float(w) for w in range(writers)}


def test_batch_into_postgres_resumes_and_exports_like_sqlite(pg_url: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture) -> None:
    from scorer.cli import main

    clips = make_videos(tmp_path / "in", 3)
    (tmp_path / "in" / "garbage.mp4").write_bytes(b"not a video" * 100)
    niches = ["beauty", "beauty", "food"]
    rows = [{"path": f"in/{p.name}", "niche": n, "gmv": str(i)} for i, (p, n) in enumerate(zip(clips, niches))]
    manifest = write_csv(tmp_path / "m.csv", rows + [{"path": "in/garbage.mp4"}])
    items = expand_input(str(manifest))
    sqlite_path = tmp_path / "s.db"
    for location in (pg_url, str(sqlite_path)):
        with open_store(location) as store:
            summary = run_batch(items, store, ScoreOptions(), LIGHT, workers=2, progress=False)
            assert (summary.scored, summary.failed_total) == (3, 1)
            again = run_batch(items, store, ScoreOptions(), LIGHT, workers=1, progress=False, resume=True)
            assert (again.skipped, again.scored, again.failed_total) == (4, 0, 0)
            assert store.count() == 4
    with open_store(pg_url, create=False) as pg, open_store(str(sqlite_path), create=False) as lite:
        ours = [(v.path, v.sha256, v.versions_key, v.status, v.quality, v.error_code) for v in pg.rows()]
        assert ours == [(v.path, v.sha256, v.versions_key, v.status, v.quality, v.error_code) for v in lite.rows()]

    assert main(["export", pg_url, "--format", "csv", "--out", str(tmp_path / "pg.csv")]) == 0
    assert main(["export", str(sqlite_path), "--format", "csv", "--out", str(tmp_path / "lite.csv")]) == 0
    drop = ("started_at", "finished_at", "elapsed_s")
    pg_table = [{k: v for k, v in r.items() if k not in drop} for r in csv.DictReader(open(tmp_path / "pg.csv"))]
    lite_table = [{k: v for k, v in r.items() if k not in drop} for r in csv.DictReader(open(tmp_path / "lite.csv"))]
    assert pg_table == lite_table and len(pg_table) == 4
    assert main(["rank", pg_url, "--by", "quality", "--niche", "beauty"]) == 0
    ranked = capsys.readouterr().out
    assert ranked.count("clip") == 2 and "beauty" in ranked

    lake = tmp_path / "lake"
    assert main(["export", pg_url, "--format", "parquet", "--partition", "niche", "--out", str(lake)]) == 0
    check_dataset(lake, {"beauty": 2, "food": 1, None: 1})
    assert main(["export", pg_url, "--format", "parquet", "--partition", "status", "--out", str(lake)]) == 0  # replaced
    check_dataset(lake, {"scored": 3, "failed": 1}, column="status")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("x")
    assert main(["export", pg_url, "--format", "parquet", "--partition", "niche", "--out", str(tmp_path / "mine")]) == 2
    assert (tmp_path / "mine" / "keep.txt").is_file()
    assert main(["export", pg_url, "--format", "csv", "--partition", "niche"]) == 2
    err = capsys.readouterr().err
    assert "not an earlier vidscore Parquet dataset" in err and "--partition only makes sense" in err

    report = tmp_path / "r.html"
    assert main(["report", pg_url, "--out", str(report), "--no-progress"]) == 0
    assert report.read_text(encoding="utf-8").count('<section class="video"') == 3


def check_dataset(folder: Path, expected: dict[Any, int], column: str = "niche") -> None:
    """``folder`` is a hive-partitioned Parquet dataset pyarrow.dataset reads, with ``expected`` rows per value."""
    import pyarrow.dataset as ds

    dirs = sorted(p.name for p in folder.iterdir() if p.is_dir())
    assert all(d.startswith(f"{column}=") for d in dirs) and dirs
    table = ds.dataset(folder, format="parquet", partitioning="hive").to_table()
    counts: dict[Any, int] = {}
    for value in table.column(column).to_pylist():
        counts[value] = counts.get(value, 0) + 1
    assert counts == expected
    assert json.loads((folder / "_vidscore_dataset.json").read_text())["rows"] == sum(expected.values())
    results = [json.loads(r) for r in table.column("result_json").to_pylist() if r]
    assert all(r["scores"]["quality"] is not None for r in results)


def test_sqlite_store_is_still_a_plain_file(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        put(store, "/a.mp4", "sha-a", result=fake_result("sha-a", 70.0))
        assert store.location == str(tmp_path / "s.db")
    with sqlite3.connect(tmp_path / "s.db") as db:
        assert db.execute("SELECT count(*) FROM videos").fetchone()[0] == 1


def test_serve_keeps_results_in_postgres(pg_url: str, tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient
    from mediagen import write_video

    from scorer.service.app import create_app
    from scorer.service.config import ServeConfig

    token = "unit-test-token-0123456789"
    auth = {"Authorization": f"Bearer {token}"}
    clip = write_video(tmp_path / "clip.mp4", width=180, height=320, seconds=2.0, audio_tone_hz=330.0)
    cfg = ServeConfig(token=token, data_dir=tmp_path / "serve", store=pg_url, jobs=1, timeout_s=120.0,
                      extractor_options={"text_model": "none"})
    with TestClient(create_app(cfg)) as client:
        deadline = time.monotonic() + 180
        while client.get("/api/v1/health").json()["status"] != "ok":
            assert time.monotonic() < deadline, "workers never became ready"
            time.sleep(0.3)
        with clip.open("rb") as handle:
            response = client.post("/api/v1/score", headers=auth, files={"file": ("my clip.mp4", handle, "video/mp4")})
        assert response.status_code == 200, response.text
        sha = response.json()["video"]["sha256"]
        assert client.get(f"/api/v1/results/{sha}", headers=auth).json()["scores"] == response.json()["scores"]
        listed = client.get("/api/v1/results", headers=auth).json()["results"]
        assert [r["file"] for r in listed] == ["my clip.mp4"]
    assert not (tmp_path / "serve" / "results.db").exists()  # nothing went to a SQLite file
    with open_store(pg_url, create=False) as store:
        assert [(v.path, v.sha256) for v in store.rows()] == [("my clip.mp4", sha)]
