"""Camera-motion classes (static, pan, zoom, handheld) and shake index on generated camera moves."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from visualgen import HEIGHT, WIDTH, frames_from, run, texture

from features.camera_motion import CameraMotionExtractor

FPS = 15.0
COUNT = 45


def canvas() -> np.ndarray:
    return texture(41, WIDTH * 3, HEIGHT * 3, (110, 120, 130), grain=2.0)


def crop(image: np.ndarray, x: float, y: float, scale: float = 1.0) -> np.ndarray:
    """The WIDTH x HEIGHT view centred at (x, y) of ``image``, magnified by ``scale``."""
    matrix = np.array([[scale, 0, WIDTH / 2 - scale * x], [0, scale, HEIGHT / 2 - scale * y]], dtype=np.float64)
    return cv2.warpAffine(image, matrix, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR)


def camera(kind: str) -> list[np.ndarray]:
    big = canvas()
    cx, cy = big.shape[1] / 2, big.shape[0] / 2
    rng = np.random.default_rng(2)
    if kind == "static":
        return [crop(big, cx, cy)] * COUNT
    if kind == "pan":
        return [crop(big, cx + 3 * i, cy) for i in range(COUNT)]  # 45 px/s = 0.31 frame widths/s
    if kind == "zoom":
        return [crop(big, cx, cy, 1.0 + 0.02 * i) for i in range(COUNT)]
    return [crop(big, cx + rng.normal(0, 3), cy + rng.normal(0, 3)) for _ in range(COUNT)]


@pytest.mark.parametrize("kind", ["static", "pan", "zoom", "handheld"])
def test_camera_move_is_classified(kind):
    out = run(CameraMotionExtractor(), frames_from(camera(kind), FPS), FPS)
    share = {k: out.signals[f"{k}_share" if k != "static" else "static_camera_share"]
             for k in ("static", "pan", "zoom", "handheld")}
    assert share[kind] == 1.0, share
    assert [e.detail["class"] for e in out.events if e.kind == "camera"] == [kind]


def test_shake_index_orders_stable_below_handheld():
    static = run(CameraMotionExtractor(), frames_from(camera("static"), FPS), FPS).signals
    pan = run(CameraMotionExtractor(), frames_from(camera("pan"), FPS), FPS).signals
    shaky = run(CameraMotionExtractor(), frames_from(camera("handheld"), FPS), FPS).signals
    assert static["shake_index"] < 0.02 and pan["shake_index"] < shaky["shake_index"]
    assert pan["camera_speed"] == pytest.approx(45 / WIDTH, rel=0.15)


@pytest.mark.parametrize("kwargs", [{"static_speed": 0}, {"static_shake": -1}, {"zoom_rate": 20}])
def test_rejects_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        CameraMotionExtractor(**kwargs)
