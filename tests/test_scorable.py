"""Inputs that are not a scorable short video get one line and exit 1 (``failed`` with a code in batch);
real formats keep scoring (features/media/scorable.py)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from features.media.decode import FrameDecoder
from features.media.errors import StillImageError, TooShortError, TooSmallError
from features.media.probe import MediaLimits, probe
from features.media.scorable import check_scorable, is_image_container
from scorer.cli import main


def ffmpeg(out: Path, *args: str) -> Path:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args, str(out)], check=True, capture_output=True, timeout=120)
    return out


def source(size: str = "320x240", rate: int = 10) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}"]


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("scorable")
    x264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p"]
    return {
        "png": ffmpeg(d / "photo.png", *source(), "-frames:v", "1"),
        "jpeg": ffmpeg(d / "photo.jpg", *source(), "-frames:v", "1"),
        "webp": ffmpeg(d / "photo.webp", *source(), "-frames:v", "1"),
        "gif_still": ffmpeg(d / "still.gif", *source("160x120"), "-frames:v", "1"),
        "one_frame": ffmpeg(d / "one.mp4", *source(), "-frames:v", "1", *x264),
        "short": ffmpeg(d / "short.mp4", *source(), "-t", "0.5", *x264),
        "tiny": ffmpeg(d / "tiny.mp4", *source("8x14"), "-t", "2", *x264),
        "gif_anim": ffmpeg(d / "anim.gif", *source("160x120"), "-t", "2"),
    }


REFUSED = [("png", StillImageError, "is a still image (png)"), ("jpeg", StillImageError, "is a still image (mjpeg)"),
           ("webp", StillImageError, "is a still image (webp)"), ("gif_still", StillImageError, "is a still image (gif)"),
           ("one_frame", TooShortError, "single video frame"), ("short", TooShortError, "under the minimum of 1 s"),
           ("tiny", TooSmallError, "short side of 8 px is under the minimum of 64 px")]


@pytest.mark.parametrize("case, error, fragment", REFUSED, ids=[c for c, _, _ in REFUSED])
def test_not_a_scorable_video(cases: dict[str, Path], case: str, error: type, fragment: str) -> None:
    info = probe(str(cases[case]))                # probe still describes it
    with pytest.raises(error, match=re.escape(fragment)):
        check_scorable(info, MediaLimits())


@pytest.mark.parametrize("case, error, fragment", REFUSED, ids=[c for c, _, _ in REFUSED])
def test_cli_refuses_with_one_line_and_exit_1(cases: dict[str, Path], case: str, error: type, fragment: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(cases[case]), "--text-model", "none", "--no-progress"]) == 1
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("vidscore: error:") and fragment in lines[0]
    assert captured.out == ""                     # never a score


def test_the_minimums_can_be_lowered(cases: dict[str, Path]) -> None:
    check_scorable(probe(str(cases["short"])), MediaLimits(min_duration_s=0.4))
    check_scorable(probe(str(cases["tiny"])), MediaLimits(min_short_side=8))
    with pytest.raises(ValueError, match="min_short_side"):
        MediaLimits(min_short_side=0)
    with pytest.raises(ValueError, match="min_duration_s"):
        MediaLimits(min_duration_s=-1)
    assert main(["probe", str(cases["png"]), "--min-duration", "-2"]) == 2


@pytest.mark.models
def test_animated_gif_is_scored(cases: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(cases["gif_anim"]), "--text-model", "none", "--no-progress", "--format", "json"]) == 0
    assert '"quality"' in capsys.readouterr().out


def test_batch_records_each_refusal_with_its_code(cases: dict[str, Path], tmp_path: Path) -> None:
    from scorer.store import ResultStore

    manifest = tmp_path / "m.csv"   # a folder would skip the PNG (not a video extension); a manifest names it
    manifest.write_text("path\n" + "".join(f"{cases[c]}\n" for c in ("png", "one_frame", "tiny")), encoding="utf-8")
    store = tmp_path / "s.db"
    assert main(["batch", str(manifest), "--out", str(store), "--workers", "1", "--no-progress", "--text-model", "none"]) == 1
    with ResultStore(store, create=False) as results:
        codes = {Path(v.path).name: v.error_code for v in results.rows()}
    assert codes == {"photo.png": "still_image", "one.mp4": "too_short", "tiny.mp4": "too_small"}


FORMATS = {
    "hevc_10bit.mp4": ["-c:v", "libx265", "-pix_fmt", "yuv420p10le", "-x265-params", "log-level=error"],
    "av1.mp4": ["-c:v", "libaom-av1", "-cpu-used", "8", "-pix_fmt", "yuv420p"],
    "vp9.webm": ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-pix_fmt", "yuv420p"],
    "prores.mov": ["-c:v", "prores_ks", "-profile:v", "0"],
    "mjpeg.avi": ["-c:v", "mjpeg", "-q:v", "5"],
    "h264.mkv": ["-c:v", "libx264", "-pix_fmt", "yuv420p"],
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_real_formats_stay_scorable(tmp_path: Path, name: str) -> None:
    path = ffmpeg(tmp_path / name, *source("180x320", 15), "-t", "1.5", *FORMATS[name])
    info = probe(str(path))
    check_scorable(info, MediaLimits())
    assert (info.width, info.height) == (180, 320) and not is_image_container(info.container)
    frames = list(FrameDecoder(info, analysis_short_side=96).frames())
    assert len(frames) >= 20
