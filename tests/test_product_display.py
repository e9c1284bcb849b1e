"""Product in use, product in the hook and static shots on generated frames with known detections."""

from __future__ import annotations

import numpy as np
import pytest
from detectgen import attach, hand
from visualgen import frames_from, run, shot

from features.faces import Face
from features.product_display import ProductDisplayExtractor
from features.vision import models

FPS = 15.0


def test_a_hand_holding_something_near_the_camera_is_product_in_use():
    frames = attach(frames_from(shot(45), FPS), hands=lambda i: (hand(0.5, 0.8, size=0.12, curled=True),))
    out = run(ProductDisplayExtractor(), frames, FPS)
    assert out.signals["product_in_use_share"] == 1.0 and out.signals["product_in_hook"] == 1.0
    assert out.signals["static_shot_share"] == 0.0
    (event,) = [e for e in out.events if e.kind == "product_in_use"]
    assert event.start_s == 0.0 and len(event.detail["box"]) == 4


def test_an_open_still_hand_or_a_distant_gesture_is_not_use():
    open_hand = attach(frames_from(shot(45), FPS), hands=lambda i: (hand(0.5, 0.8, size=0.12),))
    distant = attach(frames_from(shot(45), FPS), hands=lambda i: (hand(0.5, 0.6, size=0.03, curled=True),))
    assert run(ProductDisplayExtractor(), open_hand, FPS).signals["product_in_use_share"] == 0.0
    assert run(ProductDisplayExtractor(), distant, FPS).signals["product_in_use_share"] == 0.0


def test_product_in_hook_counts_only_the_first_three_seconds():
    frames = attach(frames_from(shot(90), FPS),
                    hands=lambda i: (hand(0.5, 0.8, size=0.12, curled=True),) if i >= 60 else ())
    signals = run(ProductDisplayExtractor(), frames, FPS).signals
    assert signals["product_in_hook"] == 0.0
    assert signals["product_in_use_share"] == pytest.approx(1 / 3, abs=0.05)


def test_still_picture_is_a_static_shot():
    out = run(ProductDisplayExtractor(), attach(frames_from(shot(45), FPS)), FPS)
    assert out.signals["static_shot_share"] == 1.0
    assert out.signals["product_in_use_share"] == 0.0 and out.signals["subject_motion"] < 0.01
    assert [e.kind for e in out.events] == ["static_shot"]


def test_presenter_face_is_not_a_static_shot():
    frames = attach(frames_from(shot(45), FPS), faces=lambda i: (Face(0.3, 0.1, 0.4, 0.3, 0.9),))
    assert run(ProductDisplayExtractor(), frames, FPS).signals["static_shot_share"] == 0.0


def test_shaking_camera_alone_is_neither():
    signals = run(ProductDisplayExtractor(), attach(frames_from(shot(45, jitter=3), FPS)), FPS).signals
    assert signals["product_in_use_share"] == 0.0 and signals["static_shot_share"] == 0.0
    assert np.isfinite(signals["subject_motion"])


def test_without_hand_models_the_hand_signals_are_null_and_the_rest_still_comes(monkeypatch):
    models.mediapipe_file.cache_clear()
    monkeypatch.setattr(models.importlib.util, "find_spec", lambda name: None)
    try:
        signals = run(ProductDisplayExtractor(), frames_from(shot(45), FPS), FPS).signals  # no stored hands: models run
    finally:
        models.mediapipe_file.cache_clear()
    assert signals["product_in_use_share"] is None and signals["product_in_hook"] is None
    assert signals["static_shot_share"] is not None and signals["subject_motion"] is not None
