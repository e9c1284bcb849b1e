"""Speech-recognition accuracy and speed on the real references (WER English, CER Mandarin, real-time factor).

Usage: python benchmarks/bench_asr.py [--model base] [--language auto] [--backend faster-whisper] [--beam-size 5]
                                     [--rtf-seconds 60]

Reads ``audio/transcripts.tsv`` of the real-data folder (skips when absent),
transcribes every file with the extractor's ASR (language detected unless
``--language`` says otherwise), prints per-file and overall error rates, then the
real-time factor on a 60 s English speech track that espeak-ng reads (a product
pitch; looping the short references would repeat text and trigger Whisper's
repetition fallbacks, which real speech does not). Wall time on a shared machine depends on its load, so CPU time is
printed beside it. Targets with the default model: WER <= 0.10, CER <= 0.20.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

from _text_metrics import PITCH, chinese_chars, edit_distance, english_words, espeak_track, realdata_root

from features.asr_backends import AsrSettings, make_backend
from features.media.decode import decode_audio
from features.whisper_models import load_whisper
from scorer.report import format_table

WER_TARGET, CER_TARGET = 0.10, 0.20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="base")
    parser.add_argument("--language", default="auto", choices=("auto", "en", "zh"))
    parser.add_argument("--backend", default="faster-whisper", choices=("faster-whisper", "openai-whisper"))
    parser.add_argument("--beam-size", type=int, default=AsrSettings.beam_size)
    parser.add_argument("--rtf-seconds", type=float, default=60.0)
    args = parser.parse_args()
    root = realdata_root()
    if root is None:
        print("bench_asr: real data not found; skipped")
        return 0
    settings = AsrSettings(backend=args.backend, model=args.model, language=args.language, beam_size=args.beam_size)
    backend = make_backend(settings)
    if args.backend == "faster-whisper":
        started = time.perf_counter()
        load_whisper(args.model)
        print(f"model load: {time.perf_counter() - started:.1f} s")
    with open(root / "audio" / "transcripts.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    table = []
    totals = {"en": [0, 0], "zh": [0, 0]}
    for row in rows:
        language = row["language"]
        if args.model.endswith(".en") and language != "en":
            continue
        audio = decode_audio(str(root / row["file"]))
        assert audio is not None
        wall, cpu = time.perf_counter(), time.process_time()
        transcript = backend.transcribe(audio.samples)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        tokens = english_words if language == "en" else chinese_chars
        ref, hyp = tokens(row["reference_text"]), tokens(transcript.text)
        errors = edit_distance(ref, hyp)
        totals[language][0] += errors
        totals[language][1] += len(ref)
        table.append(
            (row["file"].split("/")[-1][:34], language, transcript.language, f"{errors / len(ref):.3f}",
             f"{wall:.1f}", f"{cpu:.1f}", f"{wall / audio.duration_s:.2f}", transcript.text[:60])
        )
    print(format_table(("file", "lang", "detected", "WER/CER", "wall s", "cpu s", "RTF", "hypothesis"), table))
    wer = totals["en"][0] / max(1, totals["en"][1])
    cer = totals["zh"][0] / max(1, totals["zh"][1])

    with tempfile.TemporaryDirectory() as folder:
        track_path = espeak_track(Path(folder) / "pitch.wav", args.rtf_seconds)
        track = decode_audio(str(track_path)) if track_path else None
    if track is not None:
        samples = track.samples[: int(args.rtf_seconds * track.sample_rate)]
        wall, cpu = time.perf_counter(), time.process_time()
        transcript = backend.transcribe(samples)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        seconds = samples.size / track.sample_rate
        ref, hyp = english_words(PITCH), english_words(transcript.text)
        print(f"real-time factor on a {seconds:.0f} s espeak-ng speech track: {wall / seconds:.3f} "
              f"(wall {wall:.1f} s, cpu {cpu:.1f} s over all threads; its WER {edit_distance(ref, hyp) / len(ref):.3f})")
    print(f"overall ({args.model}, language {args.language}, beam {args.beam_size}): WER {wer:.3f} (target <= {WER_TARGET}, "
          f"{totals['en'][1]} words), CER {cer:.3f} (target <= {CER_TARGET}, {totals['zh'][1]} chars)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
