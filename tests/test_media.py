"""Probing and decoding: every kind of good and bad input the media layer must handle."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from mediagen import write_audio_only, write_video

from features.media.decode import AUDIO_SAMPLE_RATE, FrameDecoder, analysis_size, decode_audio
from features.media.errors import (
    AudioOnlyError,
    DecodeTimeoutError,
    EmptyFileError,
    InputError,
    LimitExceededError,
    MissingFileError,
    NotMediaError,
    TruncatedError,
)
from features.media.probe import MediaLimits, probe


def decode_all(path: Path, short_side: int = 96) -> tuple[list, FrameDecoder]:
    decoder = FrameDecoder(probe(path), analysis_short_side=short_side)
    return list(decoder.frames()), decoder


def test_portrait_video_probe(tmp_path: Path) -> None:
    path = write_video(tmp_path / "p.mp4", width=180, height=320, fps=15, seconds=2.0)
    info = probe(path)
    assert (info.width, info.height, info.rotation) == (180, 320, 0)
    assert info.fps == pytest.approx(15.0, rel=0.01)
    assert info.duration_s == pytest.approx(2.0, abs=0.15)
    assert info.frame_count == 30
    assert not info.is_vfr and not info.has_audio
    assert info.codec == "h264" and info.pixel_format == "yuv420p" and info.bit_depth == 8
    assert info.file_size == path.stat().st_size and len(info.sha256) == 64


def test_frames_have_real_timestamps_and_analysis_size(tmp_path: Path) -> None:
    path = write_video(tmp_path / "p.mp4", width=180, height=320, fps=15, seconds=2.0)
    frames, decoder = decode_all(path, short_side=96)
    assert len(frames) == 30 and decoder.report.frames_failed == 0
    assert frames[0].bgr.shape == (170, 96, 3)
    times = np.array([f.time_s for f in frames])
    np.testing.assert_allclose(np.diff(times), 1 / 15, atol=1e-3)
    assert frames[0].gray.shape == (170, 96) and frames[0].hsv.shape == (170, 96, 3)


@pytest.mark.parametrize("rotation_ccw, expected_cw", [(90, 270), (-90, 90), (180, 180)])
def test_display_matrix_rotation_is_applied(tmp_path: Path, rotation_ccw: int, expected_cw: int) -> None:
    path = write_video(tmp_path / "r.mp4", width=320, height=180, rotation_ccw=rotation_ccw)
    info = probe(path)
    assert info.rotation == expected_cw
    swapped = expected_cw in (90, 270)
    assert (info.width, info.height) == ((180, 320) if swapped else (320, 180))
    frame = next(FrameDecoder(info, analysis_short_side=90).frames())
    assert frame.bgr.shape[:2] == ((160, 90) if swapped else (90, 160))
    # The white band sits in the coded picture's left 1/8; find where rotation moved it.
    gray = frame.gray.astype(float)
    edges = {
        "top": gray[:8].mean(),
        "bottom": gray[-8:].mean(),
        "left": gray[:, :8].mean(),
        "right": gray[:, -8:].mean(),
    }
    expected_edge = {270: "bottom", 90: "top", 180: "right"}[expected_cw]
    assert max(edges, key=edges.get) == expected_edge


def test_variable_frame_rate_is_detected(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    times = np.cumsum(rng.choice([1 / 30, 1 / 10, 1 / 20], size=40))
    path = write_video(tmp_path / "vfr.mp4", fps=30, frame_times=list(times - times[0]))
    info = probe(path)
    assert info.is_vfr
    frames, _ = decode_all(path)
    np.testing.assert_allclose([f.time_s for f in frames], times - times[0], atol=2e-3)


def test_constant_frame_rate_is_not_vfr(tmp_path: Path) -> None:
    assert not probe(write_video(tmp_path / "cfr.mp4", fps=25)).is_vfr


def test_audio_is_decoded_to_mono_16k(tmp_path: Path) -> None:
    path = write_video(tmp_path / "a.mp4", seconds=2.0, audio_tone_hz=440.0)
    info = probe(path)
    assert info.has_audio and info.audio_sample_rate == 16000 and info.audio_codec == "aac"
    audio = decode_audio(str(path))
    assert audio is not None and audio.sample_rate == AUDIO_SAMPLE_RATE
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert audio.duration_s == pytest.approx(2.0, abs=0.2)
    spectrum = np.abs(np.fft.rfft(audio.samples[4000:20000]))
    assert np.fft.rfftfreq(16000, 1 / 16000)[np.argmax(spectrum)] == pytest.approx(440, abs=5)


def test_no_audio_is_explicit(tmp_path: Path) -> None:
    path = write_video(tmp_path / "silent.mp4")
    assert decode_audio(str(path)) is None


def test_ten_bit_video(tmp_path: Path) -> None:
    try:
        path = write_video(tmp_path / "10bit.mp4", pixel_format="yuv420p10le")
    except (av.error.FFmpegError, ValueError) as exc:  # encoder built without 10-bit support
        pytest.skip(f"10-bit H.264 encoding unavailable: {exc}")
    info = probe(path)
    assert info.bit_depth == 10
    frames, _ = decode_all(path)
    assert len(frames) == info.frame_count and frames[0].bgr.dtype == np.uint8


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MissingFileError, match="no such file"):
        probe(tmp_path / "nope.mp4")


def test_directory_is_not_media(tmp_path: Path) -> None:
    with pytest.raises(NotMediaError, match="directory"):
        probe(tmp_path)


def test_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    with pytest.raises(EmptyFileError, match="empty"):
        probe(path)


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "noise.mp4"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    with pytest.raises(NotMediaError, match="not a readable media file"):
        probe(path)


def test_text_file_named_mp4(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("this is not a video\n" * 100)
    with pytest.raises(NotMediaError):
        probe(path)


def test_audio_only(tmp_path: Path) -> None:
    with pytest.raises(AudioOnlyError, match="only audio"):
        probe(write_audio_only(tmp_path / "voice.m4a"))


def test_truncated_faststart_file(tmp_path: Path) -> None:
    path = write_video(tmp_path / "full.mp4", seconds=6.0, fps=15, faststart=True)
    data = path.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(TruncatedError, match="truncated"):
        probe(cut)


def test_truncated_file_without_index(tmp_path: Path) -> None:
    path = write_video(tmp_path / "full.mp4", seconds=4.0, faststart=False)
    data = path.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError):
        probe(cut)


def test_corrupt_mid_stream_continues(tmp_path: Path) -> None:
    path = write_video(tmp_path / "ok.mp4", seconds=4.0, fps=15)
    data = bytearray(path.read_bytes())
    rng = np.random.default_rng(3)
    start = len(data) // 2
    data[start : start + 3000] = rng.integers(0, 256, 3000, dtype=np.uint8).tobytes()
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(bytes(data))
    frames, decoder = decode_all(bad)
    assert len(frames) >= 30  # most frames survive; the damage is counted, not fatal
    assert decoder.report.frames_decoded == len(frames)


@pytest.mark.parametrize(
    "limits, message",
    [
        (MediaLimits(max_pixels=1000), "pixels"),
        (MediaLimits(max_duration_s=0.5), "lasts"),
        (MediaLimits(max_file_bytes=100), "MB"),
    ],
)
def test_limits(tmp_path: Path, limits: MediaLimits, message: str) -> None:
    path = write_video(tmp_path / "v.mp4")
    with pytest.raises(LimitExceededError, match=message):
        probe(path, limits)


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="max_pixels"):
        MediaLimits(max_pixels=0)


def test_decode_deadline(tmp_path: Path) -> None:
    path = write_video(tmp_path / "v.mp4", seconds=2.0)
    decoder = FrameDecoder(probe(path), timeout_s=1e-9)
    with pytest.raises(DecodeTimeoutError, match="longer than"):
        list(decoder.frames())


def test_decoder_parameters_are_validated(tmp_path: Path) -> None:
    info = probe(write_video(tmp_path / "v.mp4"))
    with pytest.raises(ValueError, match="analysis_short_side"):
        FrameDecoder(info, analysis_short_side=10)


def test_analysis_size_keeps_aspect_and_never_upscales() -> None:
    assert analysis_size(1080, 1920, 288) == (288, 512)
    assert analysis_size(1920, 1080, 288) == (512, 288)
    assert analysis_size(100, 200, 288) == (100, 200)


def test_opencv_fallback_when_pyav_yields_no_frames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_video(tmp_path / "v.mp4", width=180, height=320, seconds=2.0)
    info = probe(path)
    monkeypatch.setattr(FrameDecoder, "_pyav_frames", lambda self, deadline: iter(()))
    decoder = FrameDecoder(info, analysis_short_side=96)
    frames = list(decoder.frames())
    assert decoder.report.decoder == "opencv"
    assert len(frames) == info.frame_count and frames[0].bgr.shape == (170, 96, 3)
    assert frames[-1].time_s == pytest.approx(29 / 15, abs=0.01)
