"""On-screen text accuracy and cost: character error rate of burned-in subtitles, OCR seconds per minute of video.

Usage: python benchmarks/bench_ocr.py [--video videos/zh_subtitled/rapidvideocr_test_a_zh_narration.mp4]

Runs the screen-text extractor over the Chinese subtitled clip of the real-data
folder (skips when absent) with the shared decode pass, matches each reference
subtitle of ``labels/subtitles/*test_a*.tsv`` with the caption-position span that
overlaps it most, and prints per-subtitle and overall CER (target <= 0.15), plus
the extractor's own wall and CPU time per minute of video (decoding excluded).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time

from _text_metrics import chinese_chars, edit_distance, realdata_root

from features.base import VideoContext
from features.media.decode import FrameDecoder
from features.media.probe import probe
from features.screen_text import ScreenTextExtractor, load_ocr
from scorer.report import format_table

CER_TARGET = 0.15
VIDEO = "videos/zh_subtitled/rapidvideocr_test_a_zh_narration.mp4"
LABELS = "labels/subtitles/rapidvideocr_test_a_zh_narration.burned_in_subtitles.tsv"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", default=VIDEO)
    parser.add_argument("--labels", default=LABELS)
    args = parser.parse_args()
    root = realdata_root()
    if root is None:
        print("bench_ocr: real data not found; skipped")
        return 0
    started = time.perf_counter()
    load_ocr()
    print(f"OCR model load: {time.perf_counter() - started:.1f} s")
    info = probe(str(root / args.video))
    extractor = ScreenTextExtractor()
    context = VideoContext(info=info)
    extractor.start(context)
    wall = cpu = 0.0
    for frame in FrameDecoder(info).frames():
        w, c = time.perf_counter(), time.process_time()
        extractor.process_frame(frame)
        wall += time.perf_counter() - w
        cpu += time.process_time() - c
    w, c = time.perf_counter(), time.process_time()
    output = extractor.finish(context)
    wall += time.perf_counter() - w
    cpu += time.process_time() - c
    spans = [s for s in context.screen_text or [] if (s.box[1] + s.box[3]) / 2 >= 0.55]

    with open(root / args.labels, encoding="utf-8") as handle:
        refs = list(csv.DictReader(handle, delimiter="\t"))
    rows, errors, total = [], 0, 0
    for ref in refs:
        start, end = float(ref["start_s"]), float(ref["end_s"])
        best = max(spans, key=lambda s: min(end, s.end_s) - max(start, s.start_s), default=None)
        overlap = min(end, best.end_s) - max(start, best.start_s) if best else 0.0
        hyp = best.text if best and overlap > 0 else ""
        r, h = chinese_chars(ref["text"]), chinese_chars(hyp)
        e = edit_distance(r, h)
        errors, total = errors + e, total + len(r)
        rows.append((f"{start:.1f}-{end:.1f}", ref["text"], hyp, f"{e / len(r):.3f}"))
    print(format_table(("time s", "reference", "read", "CER"), rows))
    print("all spans:", [(round(s.start_s, 1), round(s.end_s, 1), s.text) for s in context.screen_text or []])
    print("signals:", output.signals)
    minutes = info.duration_s / 60.0
    state = extractor.state
    print(f"OCR cost: {wall / minutes:.1f} s wall, {cpu / minutes:.1f} s cpu per minute of video "
          f"({state.ocr_calls} detections, {state.rec_calls} line recognitions, {len(state.samples)} samples "
          f"over {info.duration_s:.1f} s)")
    print(f"overall: OCR CER {errors / max(1, total):.3f} (target <= {CER_TARGET}, {total} chars)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
