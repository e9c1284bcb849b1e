"""Product in use versus static shots on generated footage."""

from __future__ import annotations

import numpy as np
from visualgen import frames_from, run, shot

from features.product_display import ProductDisplayExtractor

FPS = 15.0


def test_hands_working_in_the_centre_is_product_in_use():
    signals = run(ProductDisplayExtractor(), frames_from(shot(45, hand=True, hand_row=0.6), FPS), FPS).signals
    assert signals["product_in_use_share"] >= 0.6
    assert signals["static_shot_share"] == 0.0
    assert signals["subject_motion"] > 0.0


def test_still_picture_is_a_static_shot():
    out = run(ProductDisplayExtractor(), frames_from(shot(45), FPS), FPS)
    assert out.signals["static_shot_share"] == 1.0
    assert out.signals["product_in_use_share"] == 0.0 and out.signals["subject_motion"] < 0.01
    assert [e.kind for e in out.events] == ["static_shot"]


def test_presenter_face_is_not_a_static_shot():
    signals = run(ProductDisplayExtractor(), frames_from(shot(45, face=True), FPS), FPS).signals
    assert signals["static_shot_share"] == 0.0


def test_shaking_camera_alone_is_neither():
    images = shot(45, jitter=3)
    signals = run(ProductDisplayExtractor(), frames_from(images, FPS), FPS).signals
    assert signals["product_in_use_share"] == 0.0 and signals["static_shot_share"] == 0.0
    assert np.isfinite(signals["subject_motion"])
