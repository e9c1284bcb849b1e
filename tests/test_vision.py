"""The model wrappers: SSD anchors and decoding, NMS, the hand crop's geometry, settings, and the real models
(skipped when their packages are missing) on generated and real frames."""

from __future__ import annotations

import math

import numpy as np
import pytest
from visualgen import frames_from, shot

from features import faces as faces_module
from features.base import VideoContext
from features.detector_settings import DetectorSettings
from features.face_signals import FacesExtractor
from features.faces import faces
from features.hands import hands
from features.media.decode import FrameDecoder
from features.media.probe import probe
from features.vision import models, palm, yunet
from features.vision.boxes import iou, nms, weighted_nms
from features.vision.hand_landmarks import INPUT_SIZE, crop_matrix, palm_roi


def _needs_hand_models() -> None:
    pytest.importorskip("ai_edge_litert")
    try:
        models.mediapipe_file(palm.MODELS["full"])
    except models.ModelMissingError:
        pytest.skip("mediapipe 0.10.14's model files are not installed (pip install --no-deps mediapipe==0.10.14)")


def test_palm_anchors_follow_mediapipes_ssd_options():
    anchors = palm.anchors()
    assert anchors.shape == (2016, 2)
    assert anchors[0] == pytest.approx((0.5 / 24, 0.5 / 24)) and anchors[1] == pytest.approx(anchors[0])
    assert anchors[1151] == pytest.approx((23.5 / 24, 23.5 / 24))
    assert anchors[1152] == pytest.approx((0.5 / 12, 0.5 / 12)) and (anchors[1152:1158] == anchors[1152]).all()
    assert anchors[-1] == pytest.approx((11.5 / 12, 11.5 / 12))


def test_palm_decoding_offsets_boxes_and_keypoints_from_the_anchor_and_merges_neighbours():
    raw_boxes = np.zeros((1, 2016, 18), np.float32)
    raw_scores = np.full((1, 2016, 1), -10.0, np.float32)
    for index in (1200, 1201):  # two anchors of one cell, same prediction
        raw_boxes[0, index, :4] = (9.6, -9.6, 38.4, 57.6)  # +0.05, -0.05 of the input; 0.2 x 0.3
        raw_boxes[0, index, 4:6] = (0.0, 19.2)  # wrist keypoint 0.1 below the anchor
        raw_scores[0, index, 0] = 3.0
    (box, score, points), = palm.decode(raw_boxes, raw_scores, 0.5)
    cx, cy = palm.anchors()[1200]
    assert score == pytest.approx(1 / (1 + math.exp(-3.0)))
    assert box == pytest.approx([cx + 0.05 - 0.1, cy - 0.05 - 0.15, cx + 0.05 + 0.1, cy - 0.05 + 0.15], abs=1e-5)
    assert points[0] == pytest.approx((cx, cy + 0.1), abs=1e-5)
    assert palm.decode(raw_boxes, raw_scores, 0.99) == []


def test_nms_keeps_the_best_of_each_overlapping_group():
    boxes = np.array([[0, 0, 1, 1], [0.05, 0, 1.05, 1], [2, 2, 3, 3]], float)
    assert iou(boxes[0], boxes[1:]) == pytest.approx([0.95 / 1.05, 0.0])
    assert nms(boxes, np.array([0.5, 0.9, 0.7]), 0.4) == [1, 2]
    merged = weighted_nms(boxes, np.array([0.5, 0.5, 0.7]), np.zeros((3, 2)), 0.3)
    assert merged[1][0] == pytest.approx([0.025, 0, 1.025, 1]) and merged[0][1] == 0.7


def test_hand_crop_turns_the_fingers_up_and_reaches_past_the_knuckles():
    upright = palm.Palm((0.4, 0.4, 0.6, 0.6), 0.9, ((0.5, 0.6), (0.45, 0.45), (0.5, 0.4)) + ((0.5, 0.5),) * 4)
    roi = palm_roi(upright, 100, 100)
    assert roi.rotation == pytest.approx(0.0, abs=1e-9)
    assert (roi.cx, roi.cy) == pytest.approx((50.0, 40.0)) and roi.side == pytest.approx(52.0)
    sideways = palm.Palm((0.4, 0.4, 0.6, 0.6), 0.9, ((0.4, 0.5), (0.55, 0.45), (0.6, 0.5)) + ((0.5, 0.5),) * 4)
    roi = palm_roi(sideways, 100, 100)
    assert roi.rotation == pytest.approx(math.pi / 2)
    matrix = crop_matrix(roi)
    top_centre = matrix @ np.array([INPUT_SIZE / 2, 0.0, 1.0])
    assert top_centre == pytest.approx((roi.cx + roi.side / 2, roi.cy))  # the crop's top is where the fingers point


def test_detector_settings_declare_and_check_their_ranges():
    assert DetectorSettings().sample_fps == 2.5
    for bad in ({"sample_fps": 0.1}, {"face_scales": (32,)}, {"face_scales": ()}, {"hand_presence": 1.5},
                {"palm_model": "huge"}, {"max_palms": 0}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            DetectorSettings(**bad)  # type: ignore[arg-type]


def test_missing_yuface_falls_back_to_haar_with_one_warning_line(monkeypatch, capsys):
    monkeypatch.setattr(yunet, "available", lambda: False)
    faces_module.backend.cache_clear()
    try:
        assert faces_module.backend() == "haar"
        frame = frames_from(shot(1), 15.0)[0]
        assert faces(frame) == ()
    finally:
        faces_module.backend.cache_clear()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install yuface" in err[0]


def test_missing_litert_names_the_package(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("ai_edge_litert"):
            raise ImportError("No module named 'ai_edge_litert'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(models.ModelMissingError, match="pip install ai-edge-litert"):
        models._interpreter_class()


@pytest.mark.models
def test_real_face_model_finds_nothing_in_a_texture():
    pytest.importorskip("yuface")
    frame = frames_from(shot(1), 15.0)[0]
    assert yunet.detect(frame.bgr) == [] and faces(frame) == ()


@pytest.mark.models
def test_real_hand_models_load_once_and_find_nothing_in_a_texture():
    _needs_hand_models()
    frames = frames_from(shot(2) + shot(1, seed=7), 15.0)
    assert all(hands(frame, DetectorSettings()) == () for frame in frames)
    path = models.mediapipe_file(palm.MODELS["full"])
    assert models.tflite_model(path) is models.tflite_model(path)


@pytest.mark.realdata
@pytest.mark.models
@pytest.mark.parametrize(
    "clip, face_expected",
    [("videos/talking_head/liveportrait_driving_d13.mp4", True),
     ("videos/talking_head/sadtalker_WDA_KatieHill_000.mp4", True),
     ("videos/kinetics400/HyZMiWeJyMw_000072_000082.mp4", True),  # shaving: a face filling the frame
     ("videos/snapugc/71788d3ea63f1c18516e17b115430283.mp4", True),  # two women in medium shot
     ("videos/kinetics400/FEQ-gdkTN4Q_000008_000018.mp4", False)],
)
def test_real_clips_faces(realdata, clip, face_expected):
    pytest.importorskip("yuface")
    info = probe(str(realdata / clip))
    extractor = FacesExtractor()
    context = VideoContext(info=info)
    extractor.start(context)
    for frame in FrameDecoder(info).frames():
        extractor.process_frame(frame)
    signals = extractor.validated(extractor.finish(context)).signals
    if face_expected:
        assert signals["face_share"] >= 0.8
    else:
        assert signals["face_share"] <= 0.1
