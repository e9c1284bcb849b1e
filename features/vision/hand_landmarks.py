"""Hand landmarks: MediaPipe's hand landmark TFLite model on the rotated hand crop (224x224, 21 points).

Follows MediaPipe's ``palm_detection_detection_to_roi.pbtxt`` and ``hand_landmark_cpu.pbtxt``:

* the crop (``DetectionsToRectsCalculator`` + ``RectTransformationCalculator``): rotation
  = 90° - the angle of the vector from the wrist (palm keypoint 0) to the middle finger's
  knuckle (keypoint 2), so the fingers point up in the crop; the palm box is moved by half its
  height towards the fingers, made square on its long side and scaled by 2.6;
* the model: the crop as RGB 0-1 at 224x224; outputs 21 landmarks (x, y, z in crop pixels),
  the hand-presence score (kept from 0.5) and the handedness score (> 0.5: the model's "Left"
  for a mirrored selfie picture, i.e. the person's right hand in an ordinary, unmirrored video);
* the landmarks are mapped back through the same rotation to fractions of the frame.

Landmark order: 0 wrist; 1-4 thumb; 5-8 index; 9-12 middle; 13-16 ring; 17-20 little
finger (knuckle, two joints, tip). ``hand_landmark_full.tflite`` (5.5 MB) is the default,
``hand_landmark_lite.tflite`` (2.1 MB) the faster one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from features.vision.models import mediapipe_file, tflite_model
from features.vision.palm import Palm

INPUT_SIZE = 224
ROI_SCALE = 2.6
ROI_SHIFT_Y = -0.5
MODELS = {"full": "modules/hand_landmark/hand_landmark_full.tflite",
          "lite": "modules/hand_landmark/hand_landmark_lite.tflite"}
WRIST, MIDDLE_MCP = 0, 9
TIPS = (4, 8, 12, 16, 20)
KNUCKLES = (2, 5, 9, 13, 17)


@dataclass(frozen=True)
class Roi:
    """A square, rotated crop in pixels: centre, side and rotation (radians, clockwise in the picture)."""

    cx: float
    cy: float
    side: float
    rotation: float


@dataclass(frozen=True)
class Hand:
    """A hand: 21 (x, y) landmarks in fractions of the frame, presence 0-1, handedness ("left"/"right" as
    seen in an unmirrored picture) with its score, the palm detector's score and the frame's aspect
    ratio (width / height, to measure distances in frame heights)."""

    landmarks: tuple[tuple[float, float], ...]
    presence: float
    handedness: str
    handedness_score: float
    palm_score: float
    aspect: float = 1.0

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Bounding box (x0, y0, x1, y1) of the landmarks, clipped to the frame."""
        points = np.clip(np.array(self.landmarks), 0.0, 1.0)
        return (float(points[:, 0].min()), float(points[:, 1].min()), float(points[:, 0].max()), float(points[:, 1].max()))

    @property
    def size(self) -> float:
        """Wrist to middle-finger knuckle distance, in frame heights (a scale of the hand)."""
        (x0, y0), (x1, y1) = self.landmarks[WRIST], self.landmarks[MIDDLE_MCP]
        return math.hypot((x1 - x0) * self.aspect, y1 - y0)


def palm_roi(palm: Palm, width: int, height: int) -> Roi:
    """The landmark crop for a detected palm, in pixels of a ``width`` x ``height`` frame."""
    (wx, wy), (mx, my) = palm.keypoints[0], palm.keypoints[2]
    angle = math.atan2(-(my - wy) * height, (mx - wx) * width)
    rotation = _normalise(math.pi / 2 - angle)
    x0, y0, x1, y1 = palm.box
    box_w, box_h = (x1 - x0) * width, (y1 - y0) * height
    shift_x = -math.sin(rotation) * box_h * ROI_SHIFT_Y
    shift_y = math.cos(rotation) * box_h * ROI_SHIFT_Y
    return Roi((x0 + x1) / 2 * width + shift_x, (y0 + y1) / 2 * height + shift_y, max(box_w, box_h) * ROI_SCALE, rotation)


TRACK_POINTS = (0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18)  # wrist, thumb base and the finger bases and first joints
TRACK_SCALE, TRACK_SHIFT_Y = 2.0, -0.1


def landmarks_roi(hand: Hand, width: int, height: int) -> Roi:
    """The crop that follows a hand found in an earlier frame (MediaPipe's ``hand_landmark_landmarks_to_roi``):
    rotation from the wrist to the middle knuckle, the box of the palm points in that rotated frame, moved
    up by a tenth of its height, squared on its long side and scaled by 2."""
    points = np.array([hand.landmarks[i] for i in TRACK_POINTS]) * (width, height)
    (wx, wy), (mx, my) = points[0], points[TRACK_POINTS.index(MIDDLE_MCP)]
    rotation = _normalise(math.pi / 2 - math.atan2(-(my - wy), mx - wx))
    cos, sin = math.cos(rotation), math.sin(rotation)
    local = points @ np.array([[cos, -sin], [sin, cos]])  # into the hand's upright frame
    low, high = local.min(axis=0), local.max(axis=0)
    centre = (low + high) / 2
    box_w, box_h = high - low
    centre = centre + np.array([0.0, box_h * TRACK_SHIFT_Y])
    cx, cy = centre[0] * cos - centre[1] * sin, centre[0] * sin + centre[1] * cos  # back to the frame
    return Roi(float(cx), float(cy), float(max(box_w, box_h) * TRACK_SCALE), rotation)


def _normalise(angle: float) -> float:
    return angle - 2 * math.pi * math.floor((angle + math.pi) / (2 * math.pi))


def crop_matrix(roi: Roi) -> np.ndarray:
    """2x3 affine map from crop pixels (0-224) to frame pixels."""
    cos, sin = math.cos(roi.rotation), math.sin(roi.rotation)
    k = roi.side / INPUT_SIZE
    a = np.array([[cos * k, -sin * k], [sin * k, cos * k]])
    offset = np.array([roi.cx, roi.cy]) - a @ np.array([INPUT_SIZE / 2, INPUT_SIZE / 2])
    return np.hstack([a, offset[:, None]])


def landmarks(bgr: np.ndarray, palm: Palm, model: str = "full") -> Hand:
    """Run the landmark model on the crop of ``palm`` in the BGR frame."""
    height, width = bgr.shape[:2]
    return landmarks_in(bgr, palm_roi(palm, width, height), palm.score, model)


def landmarks_in(bgr: np.ndarray, roi: Roi, palm_score: float = 0.0, model: str = "full") -> Hand:
    """Run the landmark model on the crop ``roi`` of the BGR frame."""
    height, width = bgr.shape[:2]
    matrix = crop_matrix(roi)
    crop = cv2.warpAffine(bgr, matrix, (INPUT_SIZE, INPUT_SIZE), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE)
    interpreter = tflite_model(mediapipe_file(MODELS[model]))
    tensor = cv2.cvtColor(crop, cv2.COLOR_BGR2RGB).astype(np.float32)[None] / 255.0
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], tensor)
    interpreter.invoke()
    details = sorted(interpreter.get_output_details(), key=lambda d: d["name"])  # Identity, Identity_1, ...
    out = [interpreter.get_tensor(d["index"]) for d in details]
    points = next(o for o in out if o.size == 63).reshape(21, 3)[:, :2]  # the first 63-value output is image landmarks
    presence, handed = (float(o.reshape(-1)[0]) for o in out if o.size == 1)
    mapped = points @ matrix[:, :2].T + matrix[:, 2]
    return Hand(
        landmarks=tuple((float(x) / width, float(y) / height) for x, y in mapped),
        presence=presence,
        handedness="right" if handed > 0.5 else "left",
        handedness_score=max(handed, 1.0 - handed),
        palm_score=palm_score,
        aspect=width / height,
    )
