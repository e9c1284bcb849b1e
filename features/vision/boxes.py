"""Box geometry shared by the detectors: intersection over union and non-maximum suppression.

Boxes are ``(x0, y0, x1, y1)`` in any one coordinate system (pixels or fractions).
:func:`nms` keeps the best box of each overlapping group (plain NMS, used to merge
YuNet's scales); :func:`weighted_nms` averages each group weighted by score, as
MediaPipe's ``NonMaxSuppressionCalculator`` does with ``algorithm: WEIGHTED``
(palm detection, IoU 0.3).
"""

from __future__ import annotations

import numpy as np


def iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU of one box (4,) against each of ``boxes`` (N, 4)."""
    x0 = np.maximum(box[0], boxes[:, 0])
    y0 = np.maximum(box[1], boxes[:, 1])
    x1 = np.minimum(box[2], boxes[:, 2])
    y1 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-12)


def nms(boxes: np.ndarray, scores: np.ndarray, threshold: float) -> list[int]:
    """Indices of the boxes kept by greedy NMS (best score first; IoU above ``threshold`` suppresses)."""
    order = list(np.argsort(-scores, kind="stable"))
    keep: list[int] = []
    while order:
        best = order.pop(0)
        keep.append(int(best))
        if order:
            overlaps = iou(boxes[best], boxes[np.array(order)])
            order = [i for i, o in zip(order, overlaps) if o <= threshold]
    return keep


def weighted_nms(boxes: np.ndarray, scores: np.ndarray, extras: np.ndarray,
                 threshold: float) -> list[tuple[np.ndarray, float, np.ndarray]]:
    """Weighted NMS: for each group overlapping the best remaining box by more than ``threshold``, the
    score-weighted mean box and ``extras`` row (e.g. keypoints) and the best score, best group first."""
    order = np.argsort(-scores, kind="stable")
    remaining = order.copy()
    merged: list[tuple[np.ndarray, float, np.ndarray]] = []
    while remaining.size:
        best = remaining[0]
        overlaps = iou(boxes[best], boxes[remaining])
        group = remaining[overlaps > threshold]
        if group.size == 0:
            group = remaining[:1]
        weights = scores[group][:, None]
        total = float(weights.sum())
        box = (boxes[group] * weights).sum(axis=0) / total
        extra = (extras[group] * weights).sum(axis=0) / total
        merged.append((box, float(scores[best]), extra))
        remaining = remaining[overlaps <= threshold]
        remaining = remaining[remaining != best]
    return merged
