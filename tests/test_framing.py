"""Faces, hands-at-work heuristic and POV likelihood on generated footage, plus real clips when present."""

from __future__ import annotations

import pytest
from visualgen import frames_from, run, shot

from features.base import VideoContext
from features.faces import faces
from features.framing import FramingExtractor, sample_ranges
from features.hands import hand_evidence
from features.media.decode import FrameDecoder
from features.media.probe import probe

FPS = 15.0


def test_cartoon_face_is_found_as_a_large_centred_face():
    frame = frames_from(shot(1, face=True), FPS)[0]
    found = faces(frame)
    assert len(found) == 1
    face = found[0]
    assert 0.3 <= face.h <= 0.5 and 0.3 <= face.centre[0] <= 0.7 and face.centre[1] < 0.5


def test_no_face_in_plain_texture():
    assert faces(frames_from(shot(1), FPS)[0]) == ()


def test_moving_hand_in_lower_frame_counts_still_hand_and_upper_hand_do_not():
    moving = frames_from(shot(2, hand=True), FPS)
    assert hand_evidence(moving[1], moving[0]).present
    still = frames_from([shot(1, hand=True)[0]] * 2, FPS)
    assert not hand_evidence(still[1], still[0]).present
    upper = frames_from(shot(2, hand=True, hand_row=0.15), FPS)
    assert not hand_evidence(upper[1], upper[0]).present


def test_talking_head_video():
    signals = run(FramingExtractor(), frames_from(shot(45, face=True), FPS), FPS).signals
    assert signals["face_share"] == 1.0 and signals["talking_head_share"] == 1.0 and signals["closeup_share"] == 1.0
    assert 0.3 <= signals["face_size"] <= 0.5 and signals["face_position_y"] < 0.5
    assert signals["hands_share"] == 0.0 and signals["pov_likelihood"] == 0.0


def test_handheld_hands_without_face_is_pov_and_a_presenter_is_not():
    pov = run(FramingExtractor(), frames_from(shot(60, hand=True, jitter=3), FPS), FPS)
    presenter = run(FramingExtractor(), frames_from(shot(60, hand=True, face=True, jitter=3), FPS), FPS)
    still = run(FramingExtractor(), frames_from(shot(60), FPS), FPS)
    assert pov.signals["hands_share"] >= 0.8 and pov.signals["face_share"] == 0.0
    assert pov.signals["pov_likelihood"] >= 0.7
    assert presenter.signals["pov_likelihood"] <= 0.1
    assert still.signals["pov_likelihood"] == 0.0 and still.signals["face_position_y"] is None
    kinds = {e.kind for e in pov.events}
    assert {"hands", "pov"} <= kinds and "face" not in kinds


def test_static_camera_lowers_pov_likelihood():
    handheld = run(FramingExtractor(), frames_from(shot(60, hand=True, jitter=3), FPS), FPS).signals
    tripod = run(FramingExtractor(), frames_from(shot(60, hand=True), FPS), FPS).signals
    assert tripod["hands_share"] >= 0.8
    assert tripod["pov_likelihood"] < handheld["pov_likelihood"]


def test_sample_ranges_merge_consecutive_samples():
    times = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    flags = [True, True, False, True, True, True]
    assert sample_ranges(times, flags, 0.5, 2.8) == [(0.0, 1.0), (1.5, 2.8)]


@pytest.mark.parametrize(
    "clip, face_expected",
    [("videos/talking_head/liveportrait_driving_d13.mp4", True),
     ("videos/talking_head/sadtalker_WDA_KatieHill_000.mp4", True),
     ("videos/kinetics400/e4dv6ZsFzHE_000243_000253.mp4", False)],
)
def test_real_clips_faces(realdata, clip, face_expected):
    info = probe(str(realdata / clip))
    extractor = FramingExtractor()
    context = VideoContext(info=info)
    extractor.start(context)
    for frame in FrameDecoder(info).frames():
        extractor.process_frame(frame)
    signals = extractor.validated(extractor.finish(context)).signals
    if face_expected:
        assert signals["face_share"] >= 0.8 and signals["talking_head_share"] >= 0.8
        assert signals["pov_likelihood"] <= 0.1
    else:
        assert signals["face_share"] <= 0.1 and signals["hands_share"] > 0.1
