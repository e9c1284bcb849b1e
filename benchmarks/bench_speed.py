"""Speed against the floor: full ``vidscore score`` time versus decode-only plus speech-recognition time.

Usage: python benchmarks/bench_speed.py [--seconds 60] [--width 1080 --height 1920] [--cache DIR]

Generates a 9:16 video (default 60 s, 1080x1920, 30 fps) with espeak-ng speech,
scene changes and on-screen captions, then measures

* ``vidscore score FILE`` run as a command (cold: process start, model loading, scoring);
* ``Pipeline.score`` in this process, second call (warm: models loaded), with its per-stage ``timing_s``;
* the floor: one ``FrameDecoder`` pass over the file (decode only) plus faster-whisper
  transcription of its audio with the same model and settings as the speech extractor
  (model load timed separately).

Ratios: cold = command wall time / (decode + model load + transcription);
warm = warm score time / (decode + transcription). Target <= 1.5.
Stages in ``timing_s`` overlap (audio-only extractors run beside the frame pass),
so they add up to more than the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scorer.report import format_table  # noqa: E402

TARGET_RATIO = 1.5
PITCH = (
    "Hi everyone, today I am showing you this new wireless speaker. "
    "It is small, light and the sound is amazing. "
    "The battery lasts twenty hours and it is fully waterproof. "
    "Right now it is forty percent off, only today. "
    "Click the yellow cart below to buy it before it sells out. "
    "Trust me, you will love it, thousands of customers already do. "
)
CAPTIONS = ("NEW ARRIVAL", "20 H BATTERY", "WATERPROOF", "40% OFF TODAY", "LINK BELOW", "LIMITED STOCK")
SCENE_COLOURS = ((40, 60, 160), (150, 80, 40), (60, 140, 70), (130, 50, 130), (30, 120, 150), (90, 90, 90))


def speech_track(seconds: float, sample_rate: int = 16000, words_per_minute: int = 160) -> np.ndarray:
    """Mono float32 English speech from espeak-ng, repeated or cut to ``seconds``."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", str(words_per_minute), "-w", str(wav), PITCH],
                       check=True, capture_output=True)
        with av.open(str(wav)) as container:
            resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
            chunks = [r.to_ndarray().reshape(-1) for f in container.decode(audio=0) for r in resampler.resample(f)]
    once = np.concatenate(chunks + [np.zeros(sample_rate // 2, np.float32)])
    total = int(seconds * sample_rate)
    return np.resize(once, total).astype(np.float32) * 0.8


def make_talking_video(path: Path, seconds: float = 60.0, width: int = 1080, height: int = 1920, fps: int = 30) -> Path:
    """H.264/AAC MP4 with speech, a cut every 5 s, a moving product box and a caption changing every 4 s."""
    scale = height / 1920
    backgrounds = []
    ramp = np.linspace(0.6, 1.2, height, dtype=np.float32)[:, None, None]
    for colour in SCENE_COLOURS:
        image = np.clip(ramp * np.array(colour, np.float32), 0, 255).astype(np.uint8)
        backgrounds.append(np.repeat(image, width, axis=1))
    audio = speech_track(seconds)
    with av.open(str(path), "w", options={"movflags": "+faststart"}) as container:
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.codec_context.time_base = Fraction(1, fps)
        video.options = {"preset": "ultrafast", "crf": "23"}
        sound = container.add_stream("aac", rate=16000)
        sound.layout = "mono"
        box = int(300 * scale)
        for index in range(int(seconds * fps)):
            t = index / fps
            frame = backgrounds[int(t // 5) % len(backgrounds)].copy()
            x = int((width - box) * (0.5 + 0.4 * np.sin(t)))
            y = int(height * 0.45)
            cv2.rectangle(frame, (x, y), (x + box, y + box), (240, 240, 240), -1)
            cv2.circle(frame, (x + box // 2, y + box // 2), box // 3, (30, 30, 200), -1)
            caption = CAPTIONS[int(t // 4) % len(CAPTIONS)]
            cv2.putText(frame, caption, (int(60 * scale), int(height * 0.2)), cv2.FONT_HERSHEY_DUPLEX,
                        3.0 * scale, (255, 255, 255), max(2, int(8 * scale)), cv2.LINE_AA)
            out = av.VideoFrame.from_ndarray(frame[:, :, ::-1].copy(), format="rgb24")
            out.pts = index
            for packet in video.encode(out.reformat(format="yuv420p")):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)
        for start in range(0, audio.size, 1024):
            block = av.AudioFrame.from_ndarray(audio[start : start + 1024].reshape(1, -1), format="flt", layout="mono")
            block.sample_rate, block.pts = 16000, start
            for packet in sound.encode(block):
                container.mux(packet)
        for packet in sound.encode():
            container.mux(packet)
    return path


def cached_video(cache: Path, seconds: float, width: int, height: int) -> Path:
    """The generated video for these parameters, made once per cache folder."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"talking_{int(seconds)}s_{width}x{height}.mp4"
    if not path.is_file():
        print(f"generating {path} ...", file=sys.stderr, flush=True)
        make_talking_video(path.with_suffix(".tmp.mp4"), seconds, width, height)
        os.replace(path.with_suffix(".tmp.mp4"), path)
    return path


def decode_only_s(path: Path) -> float:
    """Seconds for probe plus one FrameDecoder pass (the shared decode every visual extractor uses)."""
    from features.media.decode import FrameDecoder
    from features.media.probe import probe

    started = time.perf_counter()
    for _ in FrameDecoder(probe(str(path))).frames():
        pass
    return time.perf_counter() - started


def whisper_s(path: Path) -> tuple[float, float]:
    """(model load s, transcription s) with the speech extractor's model and settings."""
    from features.asr_backends import AsrSettings, FasterWhisperBackend
    from features.media.decode import decode_audio
    from features.whisper_models import load_whisper

    audio = decode_audio(str(path))
    settings = AsrSettings()
    started = time.perf_counter()
    load_whisper(settings.model)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    FasterWhisperBackend(settings).transcribe(audio.samples)
    return loaded, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--width", type=int, default=1080)
    parser.add_argument("--height", type=int, default=1920)
    parser.add_argument("--repeat", type=int, default=1, help="measure each time N times and keep the fastest")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "vidscore-bench")
    args = parser.parse_args()
    video = cached_video(args.cache, args.seconds, args.width, args.height)
    load_before = os.getloadavg()[0]

    # The floor first, in this fresh process, so the model load is really timed.
    load, transcribe = whisper_s(video)
    transcribe = min([transcribe] + [whisper_s(video)[1] for _ in range(args.repeat - 1)])
    decode = min(decode_only_s(video) for _ in range(args.repeat))

    out = args.cache / "score.json"
    colds = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        subprocess.run(["vidscore", "score", str(video), "--format", "json", "--no-progress", "--out", str(out)],
                       check=True)
        colds.append((time.perf_counter() - started, json.loads(out.read_text())["timing_s"]))
    cold, cold_timing = min(colds, key=lambda pair: pair[0])

    from scorer.pipeline import Pipeline

    pipeline = Pipeline()
    pipeline.score(str(video), progress=False)  # loads the remaining models
    warms = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = pipeline.score(str(video), progress=False).to_json()
        warms.append((time.perf_counter() - started, result["timing_s"]))
    warm, warm_timing = min(warms, key=lambda pair: pair[0])

    stages = sorted(set(cold_timing) | set(warm_timing), key=lambda s: -warm_timing.get(s, 0.0))
    print(f"video: {video.name} ({args.seconds:g} s, {args.width}x{args.height}, speech + captions); "
          f"cores: {os.cpu_count()}; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(format_table(("stage", "cold s", "warm s"),
                       [(s, f"{cold_timing.get(s, 0.0):.2f}", f"{warm_timing.get(s, 0.0):.2f}") for s in stages]))
    print()
    floor_cold = decode + load + transcribe
    floor_warm = decode + transcribe
    rows = [
        ("decode only (FrameDecoder pass)", f"{decode:.2f}"),
        ("whisper model load", f"{load:.2f}"),
        ("whisper transcription", f"{transcribe:.2f}"),
        ("vidscore score (command, cold)", f"{cold:.2f}"),
        ("Pipeline.score (warm)", f"{warm:.2f}"),
        ("ratio cold = command / (decode + load + transcription)", f"{cold / floor_cold:.2f}"),
        ("ratio warm = Pipeline.score / (decode + transcription)", f"{warm / floor_warm:.2f}"),
    ]
    print(format_table(("measure", "seconds / ratio"), rows))
    worst = max(cold / floor_cold, warm / floor_warm)
    print(f"speed vs floor: worst ratio {worst:.2f} vs target {TARGET_RATIO:.2f} "
          f"({'met' if worst <= TARGET_RATIO else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
