"""On-screen text (OCR): burned-in captions, titles, price stickers and banners (exposed by ``vidscore score``).

:class:`ScreenTextExtractor` runs rapidocr's bundled PP-OCRv6 detection and
recognition ONNX models (never downloaded: the model paths are forced to the
files inside the rapidocr wheel) on frames sampled about once per second and at
scene changes. Frames are read at ``OCR_SHORT_SIDE`` px through
:meth:`features.media.decode.Frame.image`, so small captions stay legible although the
shared analysis frames are small. A sampled frame that looks the same as the
last read one reuses its text, and a text box whose pixels did not change keeps
its recognised text, so a still caption is recognised once.

Lines close together are grouped into blocks; consecutive sightings of the same
block become one timed :class:`~features.base.ScreenText` span with its box.
The spans fill ``context.screen_text`` (and ``screen_text`` in the result).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from features.base import Event, Extractor, ExtractorOutput, Input, ScreenText, SignalSpec, VideoContext
from features.media.decode import Frame
from features.media.errors import ConfigError
from features.media.resources import frame_pass_threads
from features.spans import union_length

OCR_SHORT_SIDE = 720
DET_LONG_SIDE = 512
SAMPLE_EVERY_S = 1.0
MIN_GAP_S = 0.4  # scene-change samples are at least this far apart
MIN_SCORE = 0.6
MAX_LINE_SHARE = 0.3  # a text line taller than this share of the frame height is a false detection
MAX_CAPTION_S = 10.0  # caption-position text shown longer (s) is a banner, not a subtitle
_SCENE_DIFF = 30.0  # mean abs difference (0-255) of 32x32 thumbnails that marks a scene change
_STILL_DIFF = 4.0  # largest 8x8-cell difference below which a frame is "the same" as the last read one
_SAME_CROP = 0.6  # correlation of 96x16 box thumbnails above which a box keeps its text (other text: < 0.45)
_SIMILAR = 0.8  # difflib ratio above which two readings are the same text
_MODEL_FILES = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")


def bundled_model_paths() -> dict[str, Path]:
    """The ONNX models that ship inside the rapidocr package, by stage (Det, Rec, Cls)."""
    import rapidocr

    root = Path(rapidocr.__file__).parent / "models"
    paths = {stage: root / name for stage, name in _MODEL_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise ConfigError(f"rapidocr's bundled OCR models are missing ({', '.join(missing)}); reinstall rapidocr.")
    return paths


@lru_cache(maxsize=1)
def load_ocr() -> Any:
    """rapidocr engine on the bundled models (never downloads), loaded once per process."""
    from rapidocr import RapidOCR

    paths = bundled_model_paths()
    params = {f"{stage}.model_path": str(path) for stage, path in paths.items()}
    params.update(
        {
            "Global.model_root_dir": str(paths["Det"].parent),
            "Global.log_level": "error",
            "Global.use_cls": False,
            "Det.limit_type": "max",
            "Det.limit_side_len": DET_LONG_SIDE,
            "EngineConfig.onnxruntime.intra_op_num_threads": frame_pass_threads(),
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )
    engine = RapidOCR(params=params)
    blank = np.full((48, 192, 3), 255, dtype=np.uint8)
    engine(blank, use_det=True, use_cls=False, use_rec=False)  # rapidocr makes its models lazily:
    engine(blank, use_det=False, use_cls=False, use_rec=True)  # load and warm up both now
    return engine


def count_chars(text: str) -> int:
    """Characters a viewer reads: Chinese characters plus Latin words."""
    return len(_CJK.findall(text)) + len(_LATIN_WORD.findall(text))


@dataclass
class Line:
    """One recognised text line: box (x0, y0, x1, y1) in pixels of the OCR image, crop signature."""

    text: str
    score: float
    box: tuple[float, float, float, float]
    signature: np.ndarray


@dataclass
class Block:
    """Lines read together (a caption, a title): text, box as fractions of the frame, tallest line share."""

    text: str
    box: tuple[float, float, float, float]
    height_share: float


@dataclass
class Span:
    """A block seen over several samples: from ``start_s`` to ``end_s`` (s)."""

    text: str
    start_s: float
    end_s: float
    box: tuple[float, float, float, float]
    height_share: float
    seen: int = 1


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two equally shaped thumbnails (1 same picture, ~0 unrelated)."""
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum() + 1e-6))


def _crop_signature(gray: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    crop = gray[max(0, y0) : max(y0 + 1, y1), max(0, x0) : max(x0 + 1, x1)]
    return cv2.resize(crop, (96, 16), interpolation=cv2.INTER_AREA).astype(np.float32)


def similar(a: str, b: str) -> bool:
    """True when two readings are the same text up to small OCR differences."""
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= _SIMILAR


def _joined(a: Line, b: Line) -> bool:
    """Same block: stacked lines (gap < 0.8 line height, overlapping horizontally) or phrases on one row."""
    height = min(a.box[3] - a.box[1], b.box[3] - b.box[1])
    v_overlap = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
    h_gap = max(a.box[0], b.box[0]) - min(a.box[2], b.box[2])
    if v_overlap >= 0.5 * height:
        return h_gap < 1.5 * height
    upper, lower = (a, b) if a.box[1] <= b.box[1] else (b, a)
    gap = lower.box[1] - upper.box[3]
    return -0.5 * height <= gap < 0.8 * height and h_gap < 0


def group_lines(lines: list[Line], width: int, height: int) -> list[Block]:
    """Lines of one caption/title joined into blocks, read row by row, left to right."""
    parent = list(range(len(lines)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(lines)):
        for j in range(i + 1, len(lines)):
            if _joined(lines[i], lines[j]):
                parent[root(i)] = root(j)
    groups: dict[int, list[Line]] = {}
    for i, line in enumerate(lines):
        groups.setdefault(root(i), []).append(line)
    out: list[Block] = []
    for group in groups.values():
        row_h = max(1.0, float(np.median([item.box[3] - item.box[1] for item in group])))
        group.sort(key=lambda item: (round((item.box[1] + item.box[3]) / 2 / row_h), item.box[0]))
        x0 = min(item.box[0] for item in group) / width
        y0 = min(item.box[1] for item in group) / height
        x1 = max(item.box[2] for item in group) / width
        y1 = max(item.box[3] for item in group) / height
        tallest = max(item.box[3] - item.box[1] for item in group) / height
        box = (float(np.clip(x0, 0, 1)), float(np.clip(y0, 0, 1)), float(np.clip(x1, 0, 1)), float(np.clip(y1, 0, 1)))
        out.append(Block(" ".join(item.text for item in group), box, float(np.clip(tallest, 0, 1))))
    return sorted(out, key=lambda block: (block.box[1], block.box[0]))


def is_caption_box(box: tuple[float, float, float, float]) -> bool:
    """Caption position: centred horizontally in the lower part of the frame."""
    centre_x = (box[0] + box[2]) / 2
    centre_y = (box[1] + box[3]) / 2
    return centre_y >= 0.55 and abs(centre_x - 0.5) <= 0.15


def is_caption(box: tuple[float, float, float, float], shown_s: float) -> bool:
    """A subtitle: caption-position text shown for at most ``MAX_CAPTION_S`` seconds (longer ones are banners)."""
    return is_caption_box(box) and shown_s <= MAX_CAPTION_S


@dataclass
class _State:
    samples: list[tuple[float, list[Block]]] = field(default_factory=list)
    last_sample_s: float = -1e9
    last_thumb: np.ndarray | None = None
    read_thumb: np.ndarray | None = None
    read_lines: list[Line] = field(default_factory=list)
    ocr_calls: int = 0
    rec_calls: int = 0
    last_time_s: float = 0.0


class ScreenTextExtractor(Extractor):
    """Reads on-screen text (provides screen text) and measures how the video uses it."""

    name = "screen_text"
    version = "1"
    inputs = frozenset({Input.FRAMES})
    provides = frozenset({Input.SCREEN_TEXT})
    signals = (
        SignalSpec("screen_text_share", "0-1", "Share of the video with readable text on screen", 0.0, 1.0),
        SignalSpec("captions_present", "bool", "Caption-style subtitles: changing text centred in the lower part of the frame", 0.0, 1.0, kind="bool"),
        SignalSpec("text_density", "chars", "Mean characters (Chinese characters + Latin words) on screen per sampled second", 0.0, 5000.0),
        SignalSpec("prominent_text_height", "0-1", "Height of the tallest text line as a share of frame height (titles, prices, banners)", 0.0, 1.0),
        SignalSpec("screen_text_changes_per_minute", "1/min", "New pieces of on-screen text per minute", 0.0, 600.0),
    )

    def __init__(self, sample_every_s: float = SAMPLE_EVERY_S, ocr_short_side: int = OCR_SHORT_SIDE) -> None:
        if not 0.1 <= sample_every_s <= 10.0:
            raise ValueError(f"sample_every_s must be in [0.1, 10], got {sample_every_s!r}")
        if not 288 <= ocr_short_side <= 2160:
            raise ValueError(f"ocr_short_side must be in [288, 2160], got {ocr_short_side!r}")
        self.sample_every_s = sample_every_s
        self.ocr_short_side = ocr_short_side
        self.state = _State()

    def start(self, context: VideoContext) -> None:
        self.state = _State()

    def process_frame(self, frame: Frame) -> None:
        state = self.state
        state.last_time_s = max(state.last_time_s, frame.time_s)
        thumb = cv2.resize(frame.gray, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
        scene_change = state.last_thumb is not None and float(np.mean(np.abs(thumb - state.last_thumb))) > _SCENE_DIFF
        state.last_thumb = thumb
        since = frame.time_s - state.last_sample_s
        if not (since >= self.sample_every_s or (scene_change and since >= MIN_GAP_S)):
            return
        state.last_sample_s = frame.time_s
        image = frame.image(self.ocr_short_side)
        grey = cache(lambda: cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))  # converted at most once per sample
        if self._unchanged(thumb, grey):
            lines = state.read_lines
        else:
            lines = self._read(image, grey)
            state.read_thumb, state.read_lines = thumb, lines
        state.samples.append((frame.time_s, group_lines(lines, image.shape[1], image.shape[0])))

    def _unchanged(self, thumb: np.ndarray, grey: Callable[[], np.ndarray]) -> bool:
        """True when the picture and every text box look as they did at the last read.

        The thumbnail test alone misses a caption replaced by one of about the same
        length (a 32x32 thumbnail averages the strokes away), so each read box's crop
        is compared too.
        """
        state = self.state
        if state.read_thumb is None or _max_cell_diff(thumb, state.read_thumb) >= _STILL_DIFF:
            return False
        if not state.read_lines:
            return True
        return all(_correlation(line.signature, _crop_signature(grey(), line.box)) > _SAME_CROP for line in state.read_lines)

    def _read(self, image: np.ndarray, grey: Callable[[], np.ndarray]) -> list[Line]:
        """Detect text boxes in ``image`` (BGR; ``grey()`` gives its grey version); recognise only boxes whose
        pixels differ from the last read frame's."""
        engine = load_ocr()
        state = self.state
        state.ocr_calls += 1
        detected = engine(image, use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(detected, "boxes", None)
        if boxes is None or len(boxes) == 0:
            return []
        gray = grey()
        lines: list[Line] = []
        unread: list[tuple[tuple[float, float, float, float], np.ndarray, np.ndarray]] = []
        for quad in boxes:
            quad = np.asarray(quad, dtype=np.float32)
            box = (float(quad[:, 0].min()), float(quad[:, 1].min()), float(quad[:, 0].max()), float(quad[:, 1].max()))
            if box[2] - box[0] < 4 or box[3] - box[1] < 4 or box[3] - box[1] > MAX_LINE_SHARE * image.shape[0]:
                continue  # specks, and "lines" taller than any real caption or title (false detections)
            signature = _crop_signature(gray, box)
            known = next(
                (
                    old
                    for old in state.read_lines
                    if _iou(old.box, box) > 0.8 and _correlation(old.signature, signature) > _SAME_CROP
                ),
                None,
            )
            if known is not None:
                lines.append(Line(known.text, known.score, box, signature))
                continue
            x0, y0, x1, y1 = (int(round(v)) for v in box)
            unread.append((box, signature, np.ascontiguousarray(image[max(0, y0) : y1, max(0, x0) : x1])))
        if unread:
            from rapidocr.ch_ppocr_rec.typings import TextRecInput

            state.rec_calls += len(unread)
            read = engine.text_rec(TextRecInput(img=[crop for _, _, crop in unread]))
            for (box, signature, _), text, score in zip(unread, read.txts or (), read.scores or ()):
                if score >= MIN_SCORE and text.strip():
                    lines.append(Line(text.strip(), float(score), box, signature))
        return lines

    def spans(self, end_s: float) -> list[Span]:
        """Samples merged into spans: a block continues while a similar text stays at the same place."""
        open_spans: list[Span] = []
        closed: list[Span] = []
        for time_s, blocks in self.state.samples:
            still: list[Span] = []
            for block in blocks:
                match = next(
                    (s for s in open_spans if s not in still and similar(s.text, block.text) and _near(s.box, block.box)),
                    None,
                )
                if match is None:
                    still.append(Span(block.text, time_s, time_s, block.box, block.height_share))
                else:
                    match.end_s, match.seen = time_s, match.seen + 1
                    still.append(match)
            for span in open_spans:
                if span not in still:
                    span.end_s = time_s
                    closed.append(span)
            open_spans = still
        for span in open_spans:
            span.end_s = max(span.end_s, end_s)
            closed.append(span)
        return sorted(closed, key=lambda s: (s.start_s, s.box[1]))

    def finish(self, context: VideoContext) -> ExtractorOutput:
        state = self.state
        end_s = max(state.last_time_s, context.info.duration_s or 0.0)
        spans = self.spans(end_s)
        context.screen_text = [ScreenText(s.start_s, s.end_s, s.text, s.box, s.height_share) for s in spans]
        duration = max(end_s, 1e-3)
        covered = union_length([(s.start_s, s.end_s) for s in spans])
        captions = [s for s in spans if is_caption(s.box, s.end_s - s.start_s)]
        densities = [sum(count_chars(b.text) for b in blocks) for _, blocks in state.samples]
        prominent = max(spans, key=lambda s: s.height_share, default=None)
        events = [
            Event(
                "screen_text",
                s.start_s,
                s.end_s,
                {
                    "text": s.text,
                    "box": [round(v, 3) for v in s.box],
                    "height_share": round(s.height_share, 3),
                    "caption": s in captions,
                    "prominent": s is prominent,
                },
            )
            for s in spans
        ]
        return ExtractorOutput(
            signals={
                "screen_text_share": min(1.0, covered / duration),
                "captions_present": len({s.text for s in captions}) >= 2,
                "text_density": float(np.mean(densities)) if densities else 0.0,
                "prominent_text_height": prominent.height_share if prominent else 0.0,
                "screen_text_changes_per_minute": min(600.0, len(spans) / (duration / 60.0)),
            },
            events=events,
        )


def _near(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Same place on screen: overlapping boxes, or vertical centres within 5 % of the frame height."""
    return _iou(a, b) > 0.3 or abs((a[1] + a[3]) - (b[1] + b[3])) / 2 < 0.05


def _max_cell_diff(a: np.ndarray, b: np.ndarray) -> float:
    """Largest mean absolute difference over the 4x4-pixel cells of two 32x32 thumbnails."""
    diff = np.abs(a - b).reshape(8, 4, 8, 4).mean(axis=(1, 3))
    return float(diff.max())
