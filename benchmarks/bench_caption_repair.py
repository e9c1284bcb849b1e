"""Benchmark: speech CER on realdata's Chinese narration clip before and after caption-based transcript repair.

Usage: python benchmarks/bench_caption_repair.py [--data ../shared/realdata]

Transcribes the clip (faster-whisper base, Mandarin), reads its burned-in
subtitles with OCR (the shared frame pass), repairs the transcript from the
subtitles that track the speech (features/transcript_repair.py) and prints the
character error rate of both against the subtitle text labelled by eye
(labels/subtitles/...burned_in_subtitles.tsv), over the stretch the recogniser
heard (the first subtitle, before speech starts, is left out of both), and the
list of corrections. Skips when the real-data folder is absent.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from _text_metrics import chinese_chars, edit_distance, realdata_root

from features.base import VideoContext
from features.media.decode import FrameDecoder, decode_audio
from features.media.probe import probe
from features.screen_text import ScreenTextExtractor
from features.speech import SpeechExtractor
from features.transcript_repair import repair_transcript
from scorer.report import format_table

VIDEO = "videos/zh_subtitled/rapidvideocr_test_a_zh_narration.mp4"
LABELS = "labels/subtitles/rapidvideocr_test_a_zh_narration.burned_in_subtitles.tsv"


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = chinese_chars(reference), chinese_chars(hypothesis)
    return edit_distance(ref, hyp) / max(1, len(ref))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="the realdata folder (default: $VIDSCORE_REALDATA or ../shared/realdata)")
    args = parser.parse_args()
    root = Path(args.data) if args.data else realdata_root()
    if root is None or not (root / VIDEO).is_file():
        print("no real-data clip; skipped")
        return 0
    info = probe(str(root / VIDEO))
    context = VideoContext(info=info, audio=decode_audio(str(root / VIDEO)))
    speech, screen_text = SpeechExtractor.from_options({"language": "zh"}), ScreenTextExtractor()
    speech.start(context)
    speech.finish(context)
    screen_text.start(context)
    for frame in FrameDecoder(info).frames():
        screen_text.process_frame(frame)
    screen_text.finish(context)
    transcript, screen = context.transcript, context.screen_text or []
    assert transcript is not None
    with (root / LABELS).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    start = transcript.segments[0].start_s if transcript.segments else 0.0
    reference = "".join(r["text"] for r in rows if float(r["end_s"]) > start + 0.5)
    fixed, repairs = repair_transcript(transcript, list(screen))
    print(format_table(("transcript", "CER", "text"), [
        ("recognised", f"{cer(reference, transcript.text):.3f}", transcript.text),
        ("caption-repaired", f"{cer(reference, fixed.text):.3f}", fixed.text),
        ("reference (subtitles)", "-", reference),
    ]))
    print()
    print(format_table(("heard", "caption", "subtitle on screen"),
                       [(r.heard, r.caption, f"{r.start_s:.1f}-{r.end_s:.1f} s") for r in repairs]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
