"""Hands, hands from the lower edge and POV likelihood: plumbing on generated frames with known detections,
the real models on real clips when present."""

from __future__ import annotations

import pytest
from detectgen import attach, hand
from visualgen import frames_from, run, shot

from features.base import VideoContext
from features.faces import Face
from features.framing import FramingExtractor
from features.hands import from_bottom, grip
from features.media.decode import FrameDecoder
from features.media.probe import probe
from features.sampling import FrameSampler, durations, sample_ranges, share
from features.vision import models

FPS = 15.0
PRESENTER = (Face(0.3, 0.1, 0.4, 0.3, 0.9),)


def test_hand_reaching_up_from_the_lower_edge_is_from_bottom_one_from_the_side_is_not():
    assert from_bottom(hand(0.5, 0.9))
    assert from_bottom(hand(0.4, 1.05, angle_deg=70))  # wrist just outside the frame
    assert not from_bottom(hand(0.1, 0.5, angle_deg=0))  # arm from the left edge
    assert not from_bottom(hand(0.5, 0.3, angle_deg=-90))  # hanging down from above
    assert not from_bottom(hand(0.5, 0.3, size=0.03))  # a small hand high up: the lower edge is far


def test_grip_tells_curled_fingers_from_straight_ones():
    assert grip(hand(0.5, 0.5, curled=True)) > 0.5
    assert grip(hand(0.5, 0.5)) < 0.2


def test_filmers_hands_on_a_handheld_camera_are_pov_a_presenter_is_not():
    images = shot(60, jitter=3)
    pov = run(FramingExtractor(), attach(frames_from(images, FPS), hands=lambda i: (hand(0.5, 0.92),)), FPS)
    presenter = run(FramingExtractor(), attach(frames_from(images, FPS), faces=lambda i: PRESENTER,
                                               hands=lambda i: (hand(0.5, 0.92),)), FPS)
    empty = run(FramingExtractor(), attach(frames_from(shot(60), FPS)), FPS)
    assert pov.signals["hands_share"] == 1.0 and pov.signals["hands_from_bottom_share"] == 1.0
    assert pov.signals["pov_likelihood"] >= 0.7
    assert presenter.signals["pov_likelihood"] == 0.0
    assert empty.signals["hands_share"] == 0.0 and empty.signals["pov_likelihood"] == 0.0
    (hands_event,) = [e for e in pov.events if e.kind == "hands"]
    assert hands_event.start_s == 0.0 and hands_event.end_s == pytest.approx(4.0, abs=0.1)
    assert hands_event.detail["from_bottom"] and len(hands_event.detail["box"]) == 4
    assert any(e.kind == "pov" for e in pov.events)


def test_hands_from_the_side_count_as_hands_not_from_bottom():
    frames = attach(frames_from(shot(45), FPS), hands=lambda i: (hand(0.05, 0.5, angle_deg=0),) if i < 23 else ())
    signals = run(FramingExtractor(), frames, FPS).signals
    assert signals["hands_share"] == pytest.approx(0.5, abs=0.1) and signals["hands_from_bottom_share"] == 0.0


def test_static_camera_lowers_pov_likelihood():
    def hands_of(i):
        return (hand(0.5, 0.5, angle_deg=0),)
    handheld = run(FramingExtractor(), attach(frames_from(shot(60, jitter=3), FPS), hands=hands_of), FPS).signals
    tripod = run(FramingExtractor(), attach(frames_from(shot(60), FPS), hands=hands_of), FPS).signals
    assert tripod["pov_likelihood"] < handheld["pov_likelihood"]


def test_missing_hand_models_make_one_line_error_naming_the_package(monkeypatch):
    models.mediapipe_file.cache_clear()
    monkeypatch.setattr(models.importlib.util, "find_spec", lambda name: None)
    extractor = FramingExtractor()
    frames = frames_from(shot(10), FPS)
    try:
        with pytest.raises(models.ModelMissingError) as caught:
            run(extractor, frames, FPS)
    finally:
        models.mediapipe_file.cache_clear()
    message = caught.value.message
    assert "\n" not in message and "pip install --no-deps mediapipe==0.10.14" in message


def test_sampler_takes_a_steady_rate_plus_the_first_frame_after_a_cut():
    images = shot(30, seed=1) + [255 - image for image in shot(30, seed=2)]
    frames = frames_from(images, FPS)
    sampler = FrameSampler(2.0)
    picked = [f.time_s for f in frames if sampler.wants(f)]
    assert picked[:4] == [0.0, pytest.approx(0.533, abs=0.01), pytest.approx(1.0, abs=0.01), pytest.approx(1.533, abs=0.01)]
    assert any(2.0 < t < 2.3 for t in picked)  # the cut at 2.0 s is followed by a sample 0.1-0.3 s later
    with pytest.raises(ValueError):
        FrameSampler(0.0)


def test_sample_ranges_and_shares_weight_each_sample_by_the_time_it_stands_for():
    times = [0.0, 0.5, 1.0, 1.1, 1.5]
    flags = [True, True, False, True, True]
    weights = durations(times, 2.0, 0.5)
    assert weights == pytest.approx([0.5, 0.5, 0.1, 0.4, 0.5])
    assert share(flags, weights) == pytest.approx(1.9 / 2.0)
    assert [(a, b) for a, b, _ in sample_ranges(times, flags, 2.0, 0.5)] == [(0.0, 1.0), (1.1, 2.0)]


@pytest.mark.realdata
@pytest.mark.models
@pytest.mark.parametrize(
    "clip, hands_at_least, hands_at_most",
    [("videos/kinetics400/HyZMiWeJyMw_000072_000082.mp4", 0.3, 1.0),  # shaving: hands with the trimmer
     ("videos/talking_head/liveportrait_driving_d13.mp4", 0.0, 0.1),  # a face, no hands
     ("videos/snapugc/13bdbeb5f3b1fdbda2a8fbcc646db222.mp4", 0.0, 0.2)],  # claw machine: no hands
)
def test_real_clips_hands(realdata, clip, hands_at_least, hands_at_most):
    pytest.importorskip("ai_edge_litert")
    try:
        models.mediapipe_file("modules/palm_detection/palm_detection_full.tflite")
    except models.ModelMissingError:
        pytest.skip("mediapipe 0.10.14's model files are not installed")
    info = probe(str(realdata / clip))
    extractor = FramingExtractor()
    context = VideoContext(info=info)
    extractor.start(context)
    for frame in FrameDecoder(info).frames():
        extractor.process_frame(frame)
    signals = extractor.validated(extractor.finish(context)).signals
    assert hands_at_least <= signals["hands_share"] <= hands_at_most
