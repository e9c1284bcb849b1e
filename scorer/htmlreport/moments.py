"""Key moments of a video (hook, cuts, still stretches, faces/hands evidence) as JPEG data-URI thumbnails.

Thumbnails are grabbed by seeking to at most :data:`MAX_MOMENTS` timestamps
(:func:`features.media.stills.grab_stills`), never by a second full decode.
Boxes that events carry in ``detail["box"]`` or ``detail["boxes"]`` (``[x0, y0, x1, y1]``
as shares of the frame width and height) are drawn over the image as SVG.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from typing import Any

from features.media.stills import MAX_STILLS, grab_stills

MAX_MOMENTS = MAX_STILLS
HOOK_TIMES = (0.5, 1.5, 2.5)
MIN_GAP_S = 0.4          # two moments closer than this share one thumbnail
BOX_KINDS = ("face", "hands", "product_in_use", "person")


@dataclass
class Moment:
    """One thumbnail: time (s), why it was chosen, boxes drawn on it and the image as a data URI ('' if none)."""

    time_s: float
    kind: str
    boxes: list[tuple[str, list[float]]] = field(default_factory=list)
    image: str = ""


def _boxes(detail: dict[str, Any]) -> list[list[float]]:
    raw = detail.get("boxes") or ([detail["box"]] if detail.get("box") else [])
    return [[float(v) for v in box[:4]] for box in raw if isinstance(box, (list, tuple)) and len(box) >= 4]


def choose_moments(result: dict[str, Any], limit: int = MAX_MOMENTS) -> list[Moment]:
    """Up to ``limit`` moments in time order: the 3 s hook first, then cuts, still stretches, faces/hands."""
    duration = float((result.get("video") or {}).get("duration_s") or 0.0)
    events = result.get("events") or []
    candidates: list[tuple[float, str]] = [(t, "hook") for t in HOOK_TIMES if t < max(duration, 0.5)]
    candidates += [(float(e["start_s"]) + 0.2, "cut") for e in events if e.get("kind") == "cut"]
    candidates += [((float(e["start_s"]) + float(e["end_s"])) / 2, "still")
                   for e in events if e.get("kind") in ("static_shot", "still")]
    candidates += [((float(e["start_s"]) + float(e["end_s"])) / 2, str(e["kind"]))
                   for e in events if e.get("kind") in ("face", "hands")]
    chosen: list[Moment] = []
    for t, kind in candidates:
        t = max(0.0, min(t, max(0.0, duration - 0.05)))
        if len(chosen) >= limit:
            break
        if all(abs(m.time_s - t) >= MIN_GAP_S for m in chosen):
            chosen.append(Moment(round(t, 2), kind))
    for moment in chosen:
        for event in events:
            if event.get("kind") in BOX_KINDS and float(event["start_s"]) - 0.25 <= moment.time_s <= float(event["end_s"]) + 0.25:
                moment.boxes += [(str(event["kind"]), box) for box in _boxes(event.get("detail") or {})]
    return sorted(chosen, key=lambda m: m.time_s)


def attach_thumbnails(moments: list[Moment], path: str, rotation: int = 0, height: int = 200) -> bool:
    """Fill each moment's ``image`` from ``path``; False when the video is not there (nothing is filled)."""
    if not path or not os.path.isfile(path):
        return False
    import cv2

    stills = grab_stills(path, [m.time_s for m in moments], short_side=min(height, 2160), rotation=rotation)
    for moment in moments:
        image = stills.get(float(moment.time_s))
        if image is None:
            continue
        if image.shape[0] != height:  # the short side is the width for portrait video: scale to the height
            scale = height / image.shape[0]
            image = cv2.resize(image, (max(1, round(image.shape[1] * scale)), height), interpolation=cv2.INTER_AREA)
        ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
        if ok:
            moment.image = "data:image/jpeg;base64," + base64.b64encode(jpeg.tobytes()).decode("ascii")
    return True
