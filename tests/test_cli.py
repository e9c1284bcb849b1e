"""The command line: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mediagen import write_audio_only, write_video


def run_cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "scorer.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[str], fragment: str) -> None:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert "Traceback" not in proc.stderr
    assert any(line.startswith("vidscore: error:") and fragment in line for line in lines), proc.stderr


def test_usage_error_exits_2() -> None:
    proc = run_cli("score")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_unknown_command_exits_2() -> None:
    assert run_cli("frobnicate").returncode == 2


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("empty.mp4", b"", "empty"),
        ("noise.mp4", os.urandom(20000), "not a readable media file"),
        ("notes.mp4", b"just text\n" * 50, "not a readable media file"),
    ],
    ids=["empty", "random-bytes", "text-file"],
)
def test_bad_files_fail_with_one_line(tmp_path: Path, name: str, content: bytes, fragment: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    proc = run_cli("score", str(path))
    assert proc.returncode == 1
    assert_one_line_error(proc, fragment)


def test_missing_and_audio_only(tmp_path: Path) -> None:
    audio = write_audio_only(tmp_path / "a.m4a")
    proc = run_cli("score", str(tmp_path / "missing.mp4"), str(audio))
    assert proc.returncode == 1
    assert_one_line_error(proc, "no such file")
    assert_one_line_error(proc, "only audio")


def test_probe_json(tmp_path: Path) -> None:
    path = write_video(tmp_path / "v.mp4", width=180, height=320)
    proc = run_cli("probe", str(path), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert (info["width"], info["height"], info["has_audio"]) == (180, 320, False)


def test_bad_limit_is_usage_error(tmp_path: Path) -> None:
    path = write_video(tmp_path / "v.mp4")
    proc = run_cli("probe", str(path), "--max-pixels", "0")
    assert proc.returncode == 2
    assert_one_line_error(proc, "max_pixels")


def test_features_lists_signals() -> None:
    proc = run_cli("features")
    assert proc.returncode == 0
    assert "sharpness" in proc.stdout and "unit" in proc.stdout


@pytest.mark.models
def test_score_good_and_bad_together(tmp_path: Path) -> None:
    good = write_video(tmp_path / "good.mp4", seconds=2.0, audio_tone_hz=200.0)
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"")
    out = tmp_path / "out.json"
    proc = run_cli("score", str(good), str(bad), "--format", "json", "--out", str(out), "--no-progress")
    assert proc.returncode == 1
    assert_one_line_error(proc, "empty")
    result = json.loads(out.read_text())
    assert result["video"]["path"] == str(good)
    assert set(result["scores"]) == {"quality", "immersion", "persuasion"}
