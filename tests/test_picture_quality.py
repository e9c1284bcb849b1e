"""Picture-quality signals move the right way under blur, noise, darkening and compression of generated footage."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from visualgen import encode, frames_from, run, texture

from features.base import VideoContext
from features.media.decode import FrameDecoder
from features.media.probe import probe
from features.picture_quality import PictureQualityExtractor, black_bars, blockiness, noise_sigma

FPS = 10.0
W, H = 288, 512


def scene(count: int = 20) -> list[np.ndarray]:
    """A detailed, well exposed 9:16 scene drifting slowly (a stand-in for a clean phone video)."""
    wide = texture(21, W + 2 * count, H, (120, 130, 140), grain=1.0)
    for x in range(0, wide.shape[1], 24):  # fine detail: thin lines
        cv2.line(wide, (x, 0), (x + 40, H), (230, 230, 230), 1)
    return [wide[:, 2 * i : 2 * i + W].copy() for i in range(count)]


def signals(images: list[np.ndarray]) -> dict:
    return run(PictureQualityExtractor(), frames_from(images, FPS), FPS).signals


def strictly(values: list[float], direction: int) -> bool:
    return all(direction * (b - a) > 0 for a, b in zip(values, values[1:]))


def test_blur_lowers_sharpness_and_the_subscore():
    base = scene()
    series = [signals([cv2.GaussianBlur(f, (0, 0), s) if s else f for f in base]) for s in (0, 1, 2, 4)]
    assert strictly([s["sharpness"] for s in series], -1)
    assert strictly([s["picture_quality"] for s in series], -1)


def test_noise_raises_noise_level_and_lowers_the_subscore():
    base = scene()
    rng = np.random.default_rng(3)
    series = []
    for sigma in (0, 4, 10, 20):
        noisy = [np.clip(f + rng.normal(0, sigma, f.shape), 0, 255).astype(np.uint8) for f in base]
        series.append(signals(noisy))
    assert strictly([s["noise_level"] for s in series], +1)
    assert strictly([s["picture_quality"] for s in series], -1)
    assert series[2]["noise_level"] == pytest.approx(10, rel=0.35)  # the estimate is in luma levels
    sharp = [s["sharpness"] for s in series]
    assert max(sharp) <= sharp[0] + 0.02  # grain is not detail: sharpness does not rise with noise
    blocks = [s["blockiness"] for s in series]
    assert max(blocks) - min(blocks) < 0.1  # noise neither adds nor hides compression blocks


def test_darkening_lowers_brightness_raises_crushed_shadows_and_lowers_the_subscore():
    base = scene()
    series = [signals([(f * k).astype(np.uint8) for f in base]) for k in (1.0, 0.6, 0.3, 0.1)]
    assert strictly([s["brightness"] for s in series], -1)
    assert strictly([s["contrast"] for s in series], -1)
    assert [s["crushed_shadows"] for s in series] == sorted(s["crushed_shadows"] for s in series)
    assert series[-1]["crushed_shadows"] > series[0]["crushed_shadows"]
    assert strictly([s["picture_quality"] for s in series], -1)


def test_heavy_compression_raises_blockiness_and_lowers_the_subscore(tmp_path):
    base = scene(16)
    series = []
    for crf in (14, 36, 46, 51):
        path = encode(tmp_path / f"crf{crf}.mp4", base, fps=int(FPS), crf=crf)
        info = probe(str(path))
        extractor = PictureQualityExtractor()
        context = VideoContext(info=info)
        extractor.start(context)
        for frame in FrameDecoder(info).frames():
            extractor.process_frame(frame)
        series.append(extractor.validated(extractor.finish(context)).signals)
    blocks = [s["blockiness"] for s in series]
    assert blocks[0] < blocks[2] < blocks[3] and blocks[0] < blocks[1]
    assert strictly([s["picture_quality"] for s in series], -1)


def test_estimators_on_known_images():
    flat = np.full((128, 128), 120, np.uint8)
    rng = np.random.default_rng(0)
    noisy = np.clip(flat + rng.normal(0, 8, flat.shape), 0, 255).astype(np.uint8)
    assert noise_sigma(flat) == 0.0
    assert noise_sigma(noisy) == pytest.approx(8, rel=0.2)
    blocky = cv2.resize(rng.integers(0, 255, (16, 16)).astype(np.uint8), (128, 128), interpolation=cv2.INTER_NEAREST)
    assert blockiness(blocky) == 1.0
    assert blockiness(cv2.GaussianBlur(noisy, (0, 0), 2)) < 0.1
    faint = cv2.resize(rng.integers(120, 136, (16, 16)).astype(np.uint8), (128, 128), interpolation=cv2.INTER_NEAREST)
    grainy = np.clip(faint + rng.normal(0, 8, faint.shape), 0, 255).astype(np.uint8)
    assert blockiness(grainy) < 0.5 < blockiness(grainy, noise_sigma(grainy))  # with the noise removed, blocks show


def test_letterbox_bars_and_aspect():
    picture = texture(5, 288, 162)  # 16:9 picture centred in a 9:16 frame
    frame = np.zeros((512, 288, 3), np.uint8)
    frame[175:337] = picture
    assert black_bars(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)) == (175, 175, 0, 0)
    out = signals([frame] * 10)
    assert out["black_bar_share"] == pytest.approx(350 / 512, abs=0.01)
    assert out["content_aspect"] == pytest.approx(288 / 162, rel=0.02)
    full = signals(scene(10))
    assert full["black_bar_share"] == 0.0 and full["content_aspect"] == pytest.approx(288 / 512, rel=0.01)


def test_effective_fps_counts_only_new_frames():
    base = scene(20)
    doubled = [base[i // 2] for i in range(20)]  # every picture shown twice
    assert signals(base)["effective_fps"] == pytest.approx(FPS, rel=0.05)
    assert signals(doubled)["effective_fps"] == pytest.approx(FPS / 2, rel=0.15)


def test_all_values_inside_their_ranges_for_a_black_video():
    out = signals([np.zeros((H, W, 3), np.uint8)] * 10)
    assert out["brightness"] == 0.0 and out["crushed_shadows"] == 1.0 and out["picture_quality"] < 0.6


@pytest.mark.parametrize("kwargs", [{"samples_per_second": 0.1}, {"native_samples": 0}])
def test_rejects_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        PictureQualityExtractor(**kwargs)
