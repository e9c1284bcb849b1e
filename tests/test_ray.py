"""``vidscore batch --engine ray``: the same results as the local engine, faults per video, a two-node cluster.

A private Ray (2 CPUs, 127.0.0.1 only) runs inside the test process; the two-node
cluster runs in two network namespaces the test makes and removes (root only; CI runs
as root). Actors import the tests' trap pipeline through ``PYTHONPATH``.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from test_batch import make_videos, trap_pipeline, write_csv
from test_store import stored_count

from features.media.probe import MediaLimits
from scorer.batch import PipelineSpec, expand_input, run_batch
from scorer.options import ScoreOptions
from scorer.result import validate_result
from scorer.store import ResultStore

pytest.importorskip("ray", reason="Ray is not installed (pip install 'vidscore[ray]')")

from scorer.batch.ray_engine import run_batch_ray  # noqa: E402 - after the skip

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "tests"


def comparable(result: dict[str, Any]) -> dict[str, Any]:
    """A result without what legitimately differs between two runs (wall-clock timings)."""
    return {k: v for k, v in result.items() if k not in ("timing", "timing_s")}


def bad_inputs(folder: Path, good: Path) -> list[dict[str, str]]:
    """Manifest rows for a truncated MP4, a text file named .mp4 and a missing file."""
    data = good.read_bytes()
    (folder / "truncated.mp4").write_bytes(data[: len(data) // 3])
    (folder / "notes.mp4").write_text("not a video\n" * 50, encoding="utf-8")
    return [{"path": f"in/{n}"} for n in ("truncated.mp4", "notes.mp4", "gone.mp4")]


@pytest.mark.models
def test_private_ray_matches_the_local_engine_and_records_bad_input_alike(tmp_path: Path) -> None:
    clips = make_videos(tmp_path / "in", 3, seconds=2.0)
    rows = [{"path": f"in/{p.name}", "niche": "beauty"} for p in clips] + bad_inputs(tmp_path / "in", clips[0])
    items = expand_input(str(write_csv(tmp_path / "m.csv", rows)))
    spec = PipelineSpec()
    runs: dict[str, dict[str, Any]] = {}
    for engine in ("local", "ray"):
        with ResultStore(tmp_path / f"{engine}.db") as store:
            started = time.monotonic()
            if engine == "local":
                summary = run_batch(items, store, ScoreOptions(), spec, workers=2, progress=False)
            else:
                summary = run_batch_ray(items, store, ScoreOptions(), spec, workers=2, progress=False)
            took = time.monotonic() - started
            runs[engine] = {Path(v.path).name: v for v in store.rows()}
        print(f"{engine}: {summary.scored} scored, {summary.failed_total} failed in {took:.1f} s")
        assert (summary.scored, summary.failed_total, summary.retried) == (3, 3, 0)
    local, ray = runs["local"], runs["ray"]
    assert sorted(local) == sorted(ray)
    for name, video in local.items():
        other = ray[name]
        assert (other.status, other.error_code, other.error_message) == (video.status, video.error_code,
                                                                          video.error_message), name
        assert (other.sha256, other.versions_key) == (video.sha256, video.versions_key)
        if video.result is not None:
            validate_result(other.result)
            assert comparable(other.result) == comparable(video.result), name
            assert (other.quality, other.immersion, other.persuasion) == (video.quality, video.immersion,
                                                                          video.persuasion)
    codes = {name: v.error_code for name, v in ray.items() if v.status == "failed"}
    assert codes["notes.mp4"] == "not_media" and codes["gone.mp4"] == "missing"
    assert codes["truncated.mp4"] not in (None, "internal", "crashed", "timeout")


def test_ray_timeout_and_dead_actor_cost_only_their_video(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(TESTS))  # the actors import the trap pipeline from the tests
    clips = make_videos(tmp_path / "in", 4)
    manifest = write_csv(tmp_path / "m.csv", [
        {"path": f"in/{clips[0].name}", "trap": "hang"},
        {"path": f"in/{clips[1].name}", "trap": "risky"},
        {"path": f"in/{clips[2].name}", "trap": "crash"},
        {"path": f"in/{clips[3].name}", "trap": ""},
    ])
    options = ScoreOptions(limits=MediaLimits(timeout_s=1.0))
    with ResultStore(tmp_path / "s.db") as store:
        started = time.monotonic()
        summary = run_batch_ray(expand_input(str(manifest)), store, options, trap_pipeline, workers=2, progress=False)
        took = time.monotonic() - started
        by_name = {Path(v.path).name: v for v in store.rows()}
    assert summary.scored == 2 and dict(summary.failed) == {"timeout": 1, "crashed": 1}
    assert summary.retried == 1  # the crashing video was tried twice, on two actors
    assert took < 150  # the hanging video (600 s) was cut short
    assert by_name["clip0.mp4"].error_code == "timeout" and "longer than 1 s" in by_name["clip0.mp4"].error_message
    assert "died (2 attempts" in by_name["clip2.mp4"].error_message
    assert by_name["clip1.mp4"].compliance_flag is True and by_name["clip3.mp4"].compliance_flag is False
    assert private_ray_processes() == [], "the private Ray outlived its run"


def private_ray_processes(limit_s: float = 15.0) -> list[str]:
    """Command lines of processes still running from a private Ray's session folder (vidscore-ray-*)."""
    deadline = time.monotonic() + limit_s
    while True:
        left = []
        for entry in Path("/proc").iterdir():
            try:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if "vidscore-ray-" in cmd:
                left.append(cmd[:200])
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


def test_engine_ray_without_ray_names_the_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture) -> None:
    from scorer.cli import main

    make_videos(tmp_path / "in", 1)
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    assert main(["batch", str(tmp_path / "in"), "--out", str(tmp_path / "s.db"), "--engine", "ray"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["vidscore: error: --engine ray needs Ray: pip install 'vidscore[ray]'."]
    assert main(["batch", str(tmp_path / "in"), "--out", str(tmp_path / "s.db"), "--address", "auto"]) == 2
    assert "--address only makes sense with --engine ray" in capsys.readouterr().err
    assert not (tmp_path / "s.db").exists()


@pytest.mark.models
def test_cli_batch_engine_ray(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from scorer.cli import main

    make_videos(tmp_path / "in", 1, seconds=2.0)
    (tmp_path / "in" / "text.mp4").write_text("hello", encoding="utf-8")
    store = tmp_path / "s.db"
    assert main(["batch", str(tmp_path / "in"), "--out", str(store), "--engine", "ray", "--workers", "1",
                 "--no-progress"]) == 1  # one video failed
    captured = capsys.readouterr()
    assert "failed: not_media" in captured.out and "scored                      1" in captured.out
    assert "Traceback" not in captured.err
    assert private_ray_processes() == []


# -- two nodes in two network namespaces ----------------------------------------------------------

DRIVER = textwrap.dedent(
    """
    import json, sys
    sys.path[:0] = [{repo!r}, {tests!r}]
    from scorer.batch import expand_input
    from scorer.batch.ray_engine import run_batch_ray
    from scorer.options import ScoreOptions
    from scorer.stores import open_store
    from test_batch import trap_pipeline

    with open_store(sys.argv[2]) as store:
        summary = run_batch_ray(expand_input(sys.argv[1]), store, ScoreOptions(), trap_pipeline, address=sys.argv[3],
                                workers=2, resume=True, progress=False)
    print(json.dumps({{"scored": summary.scored, "skipped": summary.skipped, "failed": dict(summary.failed),
                      "retried": summary.retried, "interrupted": summary.interrupted}}))
    sys.exit(130 if summary.interrupted else 0)
    """
)


def wait_rows(store: Path, driver: subprocess.Popen, at_least: int, limit_s: float = 180.0) -> int:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        count = stored_count(store)
        if count >= at_least:
            return count
        assert driver.poll() is None, driver.communicate()
        time.sleep(0.1)
    raise AssertionError(f"the Ray run stored fewer than {at_least} videos in {limit_s:g} s")


def test_two_node_cluster_survives_losing_a_node_then_resume_scores_each_video_once(tmp_path: Path) -> None:
    from netnscluster import HEAD_IP, PORT, NetnsCluster, netns_unavailable

    why = netns_unavailable()
    if why:
        pytest.skip(f"two-node Ray test needs network namespaces: {why}")
    count = 16
    clips = make_videos(tmp_path / "in", count)
    manifest = write_csv(tmp_path / "m.csv", [{"path": f"in/{p.name}", "trap": "slow"} for p in clips])
    store = tmp_path / "store.db"
    script = tmp_path / "driver.py"
    script.write_text(DRIVER.format(repo=str(REPO), tests=str(TESTS)), encoding="utf-8")
    cluster = NetnsCluster()
    try:
        cluster.start(cpus_per_node=1)
        env = cluster.env(PYTHONPATH=str(TESTS))

        def driver() -> subprocess.Popen:
            return subprocess.Popen(["ip", "netns", "exec", cluster.head, sys.executable, str(script), str(manifest),
                                     str(store), f"{HEAD_IP}:{PORT}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL, text=True, env=env)

        # One actor per node; when both score, the worker node dies; the run goes on, then Ctrl-C.
        run = driver()
        try:
            wait_rows(store, run, at_least=3)
            assert any("ScoringActor" in c for c in cluster.commands(cluster.worker)), "no actor on the worker node"
            assert cluster.kill_node(cluster.worker) > 0
            killed_at = stored_count(store)
            wait_rows(store, run, at_least=killed_at + 2)  # the head's actor carries on
            run.send_signal(signal.SIGINT)
            out, err = run.communicate(timeout=120)
        finally:
            if run.poll() is None:
                run.kill()
        assert run.returncode == 130, err
        first = json.loads(out.strip().splitlines()[-1])
        assert first["interrupted"] is True and first["failed"] == {} and first["retried"] <= 1
        assert "Traceback" not in err
        interrupted_at = stored_count(store)
        assert killed_at + 2 <= interrupted_at < count

        with ResultStore(store) as results:
            before = {v.sha256: v.finished_at for v in results.rows()}
        resumed = driver()
        out, err = resumed.communicate(timeout=300)
        assert resumed.returncode == 0, err
        second = json.loads(out.strip().splitlines()[-1])
        assert (second["skipped"], second["scored"], second["failed"]) == (interrupted_at, count - interrupted_at, {})
        print(f"two nodes: {first} after the worker node was killed at {killed_at} rows; resume: {second}")
    finally:
        cluster.close()
    assert cluster.exists() == [], "the test's network namespaces were not removed"

    with ResultStore(store) as results:
        rows = list(results.rows(latest_only=False))
        assert results.integrity_ok()
    assert len(rows) == count and len({v.sha256 for v in rows}) == count  # every video exactly once
    assert all(v.status == "scored" for v in rows)
    assert all(before[v.sha256] == v.finished_at for v in rows if v.sha256 in before)  # nothing scored twice
