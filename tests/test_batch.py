"""Batch scoring (scorer/batch.py, ``vidscore batch``): input expansion, worker pool, timeouts, crashes, resume."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from mediagen import write_video

from features.audio_level import AudioLevelExtractor
from features.base import Extractor, ExtractorOutput, Input, SignalSpec, VideoContext
from features.media.errors import ConfigError
from features.media.probe import MediaLimits
from scorer.batch import (
    BatchItem,
    PipelineSpec,
    expand_input,
    key_options,
    options_for,
    run_batch,
)
from scorer.commands.rank import top_reason
from scorer.options import ScoreOptions
from scorer.pipeline import Pipeline
from scorer.result import validate_result
from scorer.store import ResultStore

REPO = Path(__file__).resolve().parents[1]
LIGHT = PipelineSpec(extractors=("scene_dynamics", "audio_level"))


class TrapExtractor(Extractor):
    """Test extractor driven by the manifest column ``trap``: hang, crash, sleep a second, or flag compliance."""

    name = "trap"
    version = "1"
    inputs = frozenset({Input.METADATA})
    signals = (SignalSpec("compliance_risk", "bool", "test flag from the manifest", 0, 1, kind="bool"),)

    def finish(self, ctx: VideoContext) -> ExtractorOutput:
        action = ctx.metadata.get("trap", "")
        if action == "hang":
            time.sleep(600)
        elif action == "crash":
            os._exit(3)
        elif action == "slow":
            time.sleep(1.0)
        return ExtractorOutput(signals={"compliance_risk": action == "risky"})


def trap_pipeline() -> Pipeline:
    """A cheap pipeline with the trap extractor (module level, so spawned workers can import it)."""
    return Pipeline(extractors=[AudioLevelExtractor(), TrapExtractor()])


def make_videos(folder: Path, count: int, seconds: float = 1.0) -> list[Path]:
    """``count`` small distinct MP4s (different tone pitch, so different bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_video(folder / f"clip{i}.mp4", width=96, height=160, fps=10, seconds=seconds,
                    audio_tone_hz=300.0 + 50 * i)
        for i in range(count)
    ]


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    columns = sorted({k for row in rows for k in row}, key=lambda k: (k != "path", k))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


# -- input expansion ------------------------------------------------------------------------------


def test_folder_is_searched_recursively_for_videos_only(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    for name in ("one.mp4", "a/two.MOV", "a/b/three.webm", "notes.txt", ".hidden/four.mp4"):
        (tmp_path / name).write_bytes(b"x")
    items = expand_input(str(tmp_path))
    assert [Path(i.path).relative_to(tmp_path).as_posix() for i in items] == ["a/b/three.webm", "a/two.MOV", "one.mp4"]
    assert all(os.path.isabs(i.path) and i.metadata == {} for i in items)


def test_glob_and_single_file(tmp_path: Path) -> None:
    for name in ("x1.mp4", "x2.mp4", "y.mp4"):
        (tmp_path / name).write_bytes(b"x")
    assert [Path(i.path).name for i in expand_input(str(tmp_path / "x*.mp4"))] == ["x1.mp4", "x2.mp4"]
    assert [Path(i.path).name for i in expand_input(str(tmp_path / "y.mp4"))] == ["y.mp4"]
    with pytest.raises(ConfigError, match="matches no files"):
        expand_input(str(tmp_path / "z*.mp4"))
    with pytest.raises(ConfigError, match="no such folder"):
        expand_input(str(tmp_path / "missing.mp4"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="no video files"):
        expand_input(str(tmp_path / "empty"))


def test_csv_and_jsonl_manifests_carry_metadata(tmp_path: Path) -> None:
    (tmp_path / "videos").mkdir()
    write_csv(tmp_path / "m.csv", [
        {"path": "videos/a.mp4", "title": "新品口红 #beauty", "niche": "beauty", "gmv": "1200"},
        {"path": "videos/b.mp4", "title": "", "niche": "tech", "gmv": "5"},
    ])
    items = expand_input(str(tmp_path / "m.csv"))
    expected = {"title": "新品口红 #beauty", "niche": "beauty", "gmv": "1200"}
    assert items[0] == BatchItem(str(tmp_path / "videos" / "a.mp4"), expected)
    assert items[1].metadata == {"niche": "tech", "gmv": "5"}  # empty cells are dropped

    lines = [{"Path": "videos/a.mp4", "labels": ["kol", "live"], "ctr": 0.031}, {"path": "/abs/b.mp4"}]
    (tmp_path / "m.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    items = expand_input(str(tmp_path / "m.jsonl"))
    assert items[0].metadata == {"labels": ["kol", "live"], "ctr": 0.031}
    assert items[1].path == "/abs/b.mp4"


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("m.csv", "file,title\na.mp4,x\n", "no 'path' value"),
        ("m.jsonl", '{"path": "a.mp4"}\nnot json\n', "line 2 is not valid JSON"),
        ("m.jsonl", "[1, 2]\n", "not a JSON object"),
        ("m.csv", "path,title\n", "lists no videos"),
    ],
)
def test_bad_manifests_are_refused(tmp_path: Path, name: str, text: str, message: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        expand_input(str(tmp_path / name))


def test_manifest_values_override_cli_options_and_only_result_inputs_are_keyed() -> None:
    base = ScoreOptions(niche="food", title="cli title", lang="zh")
    item = BatchItem("/v.mp4", {"niche": "beauty", "description": "desc", "gmv": "10"})
    options = options_for(item, base)
    assert (options.niche, options.title, options.lang) == ("beauty", "cli title", "zh")
    assert options.metadata == {"niche": "beauty", "description": "desc", "gmv": "10"}
    keyed = key_options(options, {})
    assert keyed["niche"] == "beauty" and keyed["description"] == "desc" and "gmv" not in keyed
    relabelled = options_for(BatchItem("/v.mp4", {**item.metadata, "gmv": "99"}), base)
    assert key_options(relabelled, {}) == keyed
    retitled = options_for(BatchItem("/v.mp4", {**item.metadata, "title": "new"}), base)
    assert key_options(retitled, {}) != keyed


def test_parameters_are_validated(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="extractors must be"):
        PipelineSpec(extractors=("no_such_extractor",))
    with ResultStore(tmp_path / "s.db") as store:
        with pytest.raises(ValueError, match="workers"):
            run_batch([BatchItem("/x.mp4")], store, ScoreOptions(), LIGHT, workers=0)
        with pytest.raises(ValueError, match="timeout_s"):
            run_batch([BatchItem("/x.mp4")], store, ScoreOptions(), LIGHT, timeout_s=0)


# -- runs -----------------------------------------------------------------------------------------


def test_batch_scores_records_failures_dedupes_and_resumes(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    clips = make_videos(tmp_path / "in", 3)
    shutil.copy(clips[0], tmp_path / "in" / "copy_of_clip0.mp4")
    (tmp_path / "in" / "garbage.mp4").write_bytes(b"this is not a video" * 100)
    rows = [{"path": f"in/{p.name}", "niche": "beauty", "gmv": str(i)} for i, p in enumerate(clips)]
    rows += [{"path": "in/copy_of_clip0.mp4", "niche": "beauty"}, {"path": "in/garbage.mp4"}, {"path": "in/gone.mp4"}]
    manifest = write_csv(tmp_path / "m.csv", rows)
    items = expand_input(str(manifest))
    store_path = tmp_path / "store.db"

    with ResultStore(store_path) as store:
        summary = run_batch(items, store, ScoreOptions(), LIGHT, workers=2, progress=False)
        assert (summary.scored, summary.duplicates, summary.skipped) == (3, 1, 0)
        assert dict(summary.failed) == {"not_media": 1, "missing": 1}
        stored = list(store.rows())
    assert len(stored) == 5
    scored = [v for v in stored if v.status == "scored"]
    assert sorted(Path(v.path).name for v in scored) == ["clip0.mp4", "clip1.mp4", "clip2.mp4"]
    for video in scored:
        validate_result(video.result)
        assert video.result["video"]["sha256"] == video.sha256
        assert video.versions == video.result["versions"]
        assert video.target_niche == "beauty" and video.metadata["gmv"] in ("0", "1", "2")
        assert video.compliance_flag is None  # the light pipeline has no compliance_risk signal
        assert [video.quality, video.immersion, video.persuasion] == [video.result["scores"][d] for d in
                                                                      ("quality", "immersion", "persuasion")]
    means = summary.mean_scores()
    assert means["quality"] == pytest.approx(sum(v.quality for v in scored) / 3)
    failed = {Path(v.path).name: v for v in stored if v.status == "failed"}
    assert failed["garbage.mp4"].error_code == "not_media" and failed["garbage.mp4"].result is None
    assert failed["gone.mp4"].error_code == "missing" and "no such file" in failed["gone.mp4"].error_message

    # Resume: nothing left to do; a label change does not re-score, a title change does.
    rows[1]["gmv"] = "999"
    rows[2]["title"] = "a new caption"
    write_csv(manifest, rows)
    with ResultStore(store_path) as store:
        again = run_batch(expand_input(str(manifest)), store, ScoreOptions(), LIGHT, workers=1, progress=False,
                          resume=True)
        assert (again.skipped, again.scored, again.failed_total, again.duplicates) == (5, 1, 0, 0)
        retried = run_batch(expand_input(str(manifest)), store, ScoreOptions(), LIGHT, workers=1, progress=False,
                            resume=True, retry_failed=True)
        assert (retried.skipped, retried.scored, dict(retried.failed)) == (4, 0, {"not_media": 1, "missing": 1})
        assert store.count() == 6  # the retitled clip has a second row; failures were replaced, not added
        current = {Path(v.path).name: v for v in store.rows()}
        assert current["clip2.mp4"].options["title"] == "a new caption"
        assert len(current) == 5
    check_export_and_rank(store_path, current, capsys, tmp_path)


def check_export_and_rank(store: Path, current: dict[str, Any], capsys: pytest.CaptureFixture, tmp: Path) -> None:
    """CSV/JSONL/Parquet exports and the rank command agree with the stored rows."""
    from scorer.cli import main

    assert main(["export", str(store), "--format", "csv", "--out", str(tmp / "x.csv")]) == 0
    table = list(csv.DictReader(open(tmp / "x.csv", encoding="utf-8")))
    assert len(table) == 5
    row = next(r for r in table if r["path"].endswith("clip1.mp4"))
    assert row["meta.gmv"] == "999"  # new labels were stored without re-scoring
    assert float(row["quality"]) == current["clip1.mp4"].quality
    assert float(row["signal.loudness_dbfs"]) == current["clip1.mp4"].result["signals"]["loudness_dbfs"]
    assert main(["export", str(store), "--format", "jsonl", "--all"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 6 and all((x["result"] is None) == (x["status"] == "failed") for x in lines)
    assert main(["export", str(store), "--format", "parquet", "--out", str(tmp / "x.parquet")]) == 0
    import pyarrow.parquet as pq

    assert pq.read_table(tmp / "x.parquet").num_rows == 5
    assert main(["export", str(store), "--format", "parquet"]) == 2

    assert main(["rank", str(store), "--by", "quality", "--top", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    best = sorted((v for v in current.values() if v.status == "scored"), key=lambda v: -v.quality)[:2]
    listed = [line for line in lines[2:] if line.strip()]
    assert len(listed) == 2
    for line, video in zip(listed, best):
        assert video.path in line and f"{video.quality:.1f}" in line
        assert top_reason(video.result, "quality").split(" ", 1)[1] in line
    assert main(["rank", str(store), "--niche", "food"]) == 0
    assert "no scored videos in niche 'food'" in capsys.readouterr().out


def test_timeout_and_crash_kill_only_their_video(tmp_path: Path) -> None:
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
        summary = run_batch(expand_input(str(manifest)), store, options, trap_pipeline, workers=1, progress=False)
        took = time.monotonic() - started
        by_name = {Path(v.path).name: v for v in store.rows()}
    assert summary.scored == 2 and dict(summary.failed) == {"timeout": 1, "crashed": 1}
    assert took < 120  # the hanging video (600 s) was cut short
    assert by_name["clip0.mp4"].error_code == "timeout"
    assert "exit code 3" in by_name["clip2.mp4"].error_message
    assert by_name["clip1.mp4"].compliance_flag is True
    assert by_name["clip3.mp4"].compliance_flag is False


def test_cli_batch_export_and_rank_on_unusable_files(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from scorer.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.mp4").write_bytes(b"")
    (folder / "text.mp4").write_text("hello", encoding="utf-8")
    store = tmp_path / "s.db"
    assert main(["batch", str(folder), "--out", str(store), "--workers", "1", "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert "failed: empty" in out and "failed: not_media" in out
    assert main(["export", str(store), "--format", "csv"]) == 0
    table = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert sorted((Path(r["path"]).name, r["status"], r["error_code"]) for r in table) == [
        ("empty.mp4", "failed", "empty"), ("text.mp4", "failed", "not_media")]
    assert main(["rank", str(store)]) == 0 and "no scored videos" in capsys.readouterr().out
    assert main(["batch", str(tmp_path / "nothing*"), "--out", str(store)]) == 2
    assert main(["batch", str(folder), "--out", str(store), "--workers", "0"]) == 2
    assert main(["export", str(tmp_path / "none.db")]) == 2
    err = capsys.readouterr().err
    assert err.count("vidscore: error:") == 3 and "Traceback" not in err


@pytest.mark.models
def test_cli_batch_full_pipeline_then_rank_and_export(tmp_path: Path) -> None:
    make_videos(tmp_path / "in", 2, seconds=2.0)
    store = tmp_path / "s.db"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cli = [sys.executable, "-m", "scorer.cli"]
    run = subprocess.run(cli + ["batch", str(tmp_path / "in"), "--out", str(store), "--workers", "1",
                                "--no-progress", "--niche", "beauty"], capture_output=True, text=True, env=env,
                         timeout=600)
    assert run.returncode == 0, run.stderr
    resumed = subprocess.run(cli + ["batch", str(tmp_path / "in"), "--out", str(store), "--resume", "--no-progress",
                                    "--niche", "beauty", "--report", str(tmp_path / "r.html")],
                             capture_output=True, text=True, env=env, timeout=600)
    assert resumed.returncode == 0 and "skipped (already in store)  2" in resumed.stdout
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.count('<section class="video"') == 2 and '<table class="ranked">' in page
    ranked = subprocess.run(cli + ["rank", str(store), "--by", "quality", "--niche", "beauty", "--top", "1"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert ranked.returncode == 0, ranked.stderr
    assert len([line for line in ranked.stdout.splitlines() if "clip" in line]) == 1
    out = tmp_path / "x.parquet"
    exported = subprocess.run(cli + ["export", str(store), "--format", "parquet", "--out", str(out)],
                              capture_output=True, text=True, env=env, timeout=120)
    assert exported.returncode == 0, exported.stderr
    import pyarrow.parquet as pq

    table = pq.read_table(out).to_pylist()
    assert len(table) == 2 and all(json.loads(r["result_json"])["scores"]["quality"] == r["quality"] for r in table)


def test_rubric_choice_is_part_of_the_versions_key(tmp_path: Path) -> None:
    from scorer.batch import pipeline_versions
    from scorer.store import versions_key

    text = (REPO / "rubrics" / "default.yaml").read_text(encoding="utf-8")
    changed = "\n".join("version: 999" if line.startswith("version:") else line for line in text.splitlines())
    (tmp_path / "r.yaml").write_text(changed + "\n", encoding="utf-8")
    pipeline = PipelineSpec(extractors=("audio_level",))()
    default, other = ScoreOptions(), ScoreOptions(rubric=str(tmp_path / "r.yaml"))
    before, after = pipeline_versions(pipeline, default), pipeline_versions(pipeline, other)
    assert after["rubric"].endswith("@999") and before["rubric"] != after["rubric"]
    assert versions_key(before, key_options(default, {})) != versions_key(after, key_options(other, {}))


def test_each_worker_gets_its_own_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    import scorer.batch.worker as batch

    monkeypatch.setattr(batch, "usable_cores", lambda: [0, 1, 2, 3])
    assert batch.core_sets(4, 1) == [frozenset({0}), frozenset({1}), frozenset({2}), frozenset({3})]
    assert batch.core_sets(2, 2) == [frozenset({0, 1}), frozenset({2, 3})]
    assert batch.core_sets(5, 1)[4] == frozenset({0})  # more workers than cores: wrap round
    assert batch.default_workers() == 4 and batch.default_workers(2) == 2 and batch.default_workers(8) == 1


def test_worker_threads_must_be_positive(tmp_path: Path) -> None:
    with ResultStore(tmp_path / "s.db") as store, pytest.raises(ValueError, match="worker_threads"):
        run_batch([BatchItem(str(tmp_path / "a.mp4"))], store, ScoreOptions(), PipelineSpec(), worker_threads=0)


def test_largest_videos_are_handed_out_first(tmp_path: Path) -> None:
    from scorer.batch.pool import Task as _Task
    from scorer.batch.run import _largest_first

    sizes = {"small.mp4": 10, "large.mp4": 300, "mid_a.mp4": 50, "mid_b.mp4": 50}
    tasks = []
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
        tasks.append(_Task(BatchItem(str(tmp_path / name)), name, ScoreOptions(), {}))
    tasks.append(_Task(BatchItem(str(tmp_path / "gone.mp4")), "gone", ScoreOptions(), {}))
    order = [Path(t.item.path).name for t in _largest_first(tasks)]
    assert order == ["large.mp4", "mid_a.mp4", "mid_b.mp4", "small.mp4", "gone.mp4"]
