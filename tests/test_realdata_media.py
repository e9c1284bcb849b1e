"""Every real video in ../shared/realdata probes and decodes, or fails with a clean typed error."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import realdata_path

from features.media.decode import FrameDecoder, decode_audio
from features.media.errors import InputError
from features.media.probe import probe

VIDEOS = sorted((realdata_path() / "videos").rglob("*.mp4")) if (realdata_path() / "videos").is_dir() else []


@pytest.mark.realdata
@pytest.mark.parametrize("path", VIDEOS, ids=[p.name for p in VIDEOS])
def test_real_video_decodes_or_fails_cleanly(path: Path) -> None:
    try:
        info = probe(path)
        decoder = FrameDecoder(info, analysis_short_side=128)
        count = sum(1 for _ in decoder.frames())
        audio = decode_audio(str(path)) if info.has_audio else None
    except InputError as exc:
        assert exc.message.count("\n") == 0 and str(path) in exc.message
        return
    assert count >= 0.9 * info.frame_count > 0
    assert min(info.width, info.height) > 0 and info.duration_s > 0
    if info.has_audio:
        assert audio is not None and abs(audio.duration_s - info.duration_s) < 1.0


def test_realdata_listing_is_not_empty_when_present() -> None:
    if not (realdata_path() / "MANIFEST.md").is_file():
        pytest.skip("real data absent")
    assert len(VIDEOS) >= 10
