"""Golden results: the JSON contract for the demo and generated videos, byte-for-byte apart from timing.

The golden files were written before the architecture change moved any code; a refactor that changes a
score, a signal, an explanation or an event fails here. Regenerate (only for an intended behaviour change)
with ``VIDSCORE_WRITE_GOLDEN=1 python -m pytest tests/test_golden.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mediagen import write_video

GOLDEN = Path(__file__).parent / "golden"
DEMO = Path(__file__).resolve().parents[1] / "scorer" / "demo" / "demo.mp4"


def _stable(result: dict) -> dict:
    """The result without what legitimately varies between runs: wall-clock timing and the file's path."""
    result = dict(result)
    result.pop("timing_s", None)
    result["video"] = {k: v for k, v in result["video"].items() if k != "path"}
    return result


def _score(path: Path, *extra: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "scorer.cli", "score", str(path), "--format", "json", *extra],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr
    return _stable(json.loads(done.stdout))


# Extractors that never see the speech recogniser's output.
SPEECH_FREE = ("scene_dynamics", "picture_quality", "camera_motion", "framing", "product_display", "screen_text",
               "audio_level")


def _check(name: str, result: dict) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("VIDSCORE_WRITE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    golden = json.loads(path.read_text(encoding="utf-8"))
    heard, expected = (result.get("transcript") or {}).get("text"), (golden.get("transcript") or {}).get("text")
    if heard != expected:
        # Whisper's words depend on the CTranslate2 build and the CPU's vector unit, not only on our code: the
        # same commit hears "100% off" on one machine and "100% of" on another. Then everything downstream of
        # speech legitimately differs; what must still be identical is every signal that never sees it.
        from features.registry import signal_specs

        names = [spec.name for extractor, spec in signal_specs() if extractor in SPEECH_FREE]
        assert names, "no speech-free signals found"
        assert {n: result["signals"].get(n) for n in names} == {n: golden["signals"].get(n) for n in names}, name
        assert result["video"] == golden["video"], name
        pytest.skip(f"{name}: the ASR heard other words on this machine ({heard[:60]!r} vs {expected[:60]!r}); "
                    "speech-free signals and video info checked, the rest not comparable")
    assert text == path.read_text(encoding="utf-8"), f"{name}: result differs from {path}"


@pytest.mark.models
def test_demo_result_is_unchanged() -> None:
    _check("demo", _score(DEMO, "--niche", "beauty", "--product", "hyaluronic acid serum 30 ml"))


@pytest.mark.models
@pytest.mark.parametrize("case", ["landscape_tone", "portrait_silent"])
def test_generated_result_is_unchanged(case: str, tmp_path: Path) -> None:
    if case == "landscape_tone":
        video = write_video(tmp_path / "a.mp4", width=320, height=240, seconds=4.0, audio_tone_hz=440.0)
    else:
        video = write_video(tmp_path / "b.mp4", width=180, height=320, seconds=3.0)
    _check(case, _score(video, "--lang", "zh", "--title", "限时秒杀 点击下方小黄车"))
