"""Palm detection: MediaPipe's BlazePalm TFLite model (192x192) with its SSD anchors decoded in numpy.

Follows MediaPipe's ``mediapipe/modules/palm_detection/palm_detection_cpu.pbtxt``:

* input: the whole RGB frame letterboxed (aspect kept, zero border) to 192x192, values 0-1;
* anchors (``SsdAnchorsCalculator``): 4 layers, strides 8, 16, 16, 16, min scale 0.1484375,
  max scale 0.75, aspect ratio 1.0, one interpolated anchor per scale, fixed anchor size,
  offset 0.5: 24x24x2 + 12x12x6 = 2016 anchors; only their centres matter;
* decoding (``TensorsToDetectionsCalculator``): 18 values per anchor, x/y/w/h of the box then
  7 keypoints (x, y), all divided by 192 and offset by the anchor centre (``reverse_output_order``:
  x before y); score = sigmoid of the clipped (±100) logit, kept from ``min_score`` (0.5);
* weighted non-maximum suppression at IoU 0.3, then the letterbox is removed.

Keypoint 0 is the wrist centre and keypoint 2 the middle finger's knuckle (MCP); they
give the hand's rotation for the landmark crop (:mod:`features.vision.hand_landmarks`).
``palm_detection_full.tflite`` (2.3 MB) is the default, ``palm_detection_lite.tflite`` (2.0 MB) the faster one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from features.vision.boxes import weighted_nms
from features.vision.models import mediapipe_file, tflite_model

INPUT_SIZE = 192
NUM_LAYERS = 4
STRIDES = (8, 16, 16, 16)
MIN_SCALE, MAX_SCALE = 0.1484375, 0.75
NMS_IOU = 0.3
MODELS = {"full": "modules/palm_detection/palm_detection_full.tflite",
          "lite": "modules/palm_detection/palm_detection_lite.tflite"}


@dataclass(frozen=True)
class Palm:
    """A detected palm in fractions of the frame: box (x0, y0, x1, y1), score 0-1 and 7 keypoints (x, y)."""

    box: tuple[float, float, float, float]
    score: float
    keypoints: tuple[tuple[float, float], ...]


@lru_cache(maxsize=1)
def anchors() -> np.ndarray:
    """(2016, 2) anchor centres (x, y) in fractions of the 192x192 input, in the model's output order."""
    centres: list[tuple[float, float]] = []
    layer = 0
    while layer < NUM_LAYERS:
        per_cell = 0
        last = layer
        while last < NUM_LAYERS and STRIDES[last] == STRIDES[layer]:
            per_cell += 2  # aspect ratio 1.0 plus the interpolated-scale anchor (fixed size: same centre)
            last += 1
        cells = math.ceil(INPUT_SIZE / STRIDES[layer])
        for y in range(cells):
            for x in range(cells):
                centres.extend([((x + 0.5) / cells, (y + 0.5) / cells)] * per_cell)
        layer = last
    return np.array(centres, dtype=np.float32)


def letterbox(rgb: np.ndarray, size: int, zoom_out: float = 1.0) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """``rgb`` scaled to fit a ``size`` square (its long side ``zoom_out`` x ``size``) with a zero border;
    (image, padding left/top/right/bottom as fractions of the square)."""
    height, width = rgb.shape[:2]
    factor = size * zoom_out / max(height, width)
    new_w, new_h = max(1, round(width * factor)), max(1, round(height * factor))
    canvas = np.zeros((size, size, 3), dtype=np.float32)
    left, top = (size - new_w) // 2, (size - new_h) // 2
    canvas[top : top + new_h, left : left + new_w] = cv2.resize(rgb, (new_w, new_h), interpolation=cv2.INTER_AREA) / 255.0
    return canvas, (left / size, top / size, (size - new_w - left) / size, (size - new_h - top) / size)


def decode(raw_boxes: np.ndarray, raw_scores: np.ndarray, min_score: float) -> list[tuple[np.ndarray, float, np.ndarray]]:
    """Boxes (x0, y0, x1, y1), scores and (7, 2) keypoints in fractions of the model input, after weighted NMS."""
    scores = 1.0 / (1.0 + np.exp(-np.clip(raw_scores.reshape(-1), -100.0, 100.0)))
    keep = np.nonzero(scores >= min_score)[0]
    if keep.size == 0:
        return []
    raw = raw_boxes.reshape(-1, 18)[keep] / INPUT_SIZE
    centre = anchors()[keep]
    cx, cy = raw[:, 0] + centre[:, 0], raw[:, 1] + centre[:, 1]
    w, h = raw[:, 2], raw[:, 3]
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    points = raw[:, 4:].reshape(-1, 7, 2) + centre[:, None, :]
    merged = weighted_nms(boxes, scores[keep], points.reshape(-1, 14), NMS_IOU)
    return [(box, score, extra.reshape(7, 2)) for box, score, extra in merged]


def detect(bgr: np.ndarray, min_score: float = 0.5, model: str = "full", zoom_out: float = 1.0) -> list[Palm]:
    """Palms in the BGR frame, best score first (fractions of the frame). ``zoom_out`` < 1 shows the frame at
    that fraction of the model input (zero border around it), so hands larger than the model's largest anchors
    (a close-up hand filling the frame) fit."""
    interpreter = tflite_model(mediapipe_file(MODELS[model]))
    tensor, (left, top, right, bottom) = letterbox(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), INPUT_SIZE, zoom_out)
    inputs = interpreter.get_input_details()[0]
    interpreter.set_tensor(inputs["index"], tensor[None])
    interpreter.invoke()
    outputs = {tuple(d["shape"])[-1]: d["index"] for d in interpreter.get_output_details()}
    raw_boxes, raw_scores = interpreter.get_tensor(outputs[18]), interpreter.get_tensor(outputs[1])
    sx, sy = 1.0 / (1.0 - left - right), 1.0 / (1.0 - top - bottom)
    palms = []
    for box, score, points in decode(raw_boxes, raw_scores, min_score):
        x0, y0, x1, y1 = ((box[0] - left) * sx, (box[1] - top) * sy, (box[2] - left) * sx, (box[3] - top) * sy)
        keypoints = tuple(((float(px) - left) * sx, (float(py) - top) * sy) for px, py in points)
        palms.append(Palm((float(x0), float(y0), float(x1), float(y1)), score, keypoints))
    return palms
