"""``vidscore transcribe``: subtitle formats, errors, and one real run on generated speech."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mediagen import write_video
from speechgen import espeak_wav

from features.base import Transcript, TranscriptSegment
from scorer.cli import main
from scorer.commands.transcribe import render, subtitle_cues

SHORT = Transcript("en", "Buy it now.", (TranscriptSegment(0.5, 1.75, "Buy it now.", ((0.5, 0.8, "Buy"), (0.8, 1.0, "it"), (1.0, 1.75, "now."))),))


def long_zh() -> Transcript:
    chars = "这款面霜真的很好用我已经用了三个月皮肤变得又白又嫩"
    words = tuple((0.4 * i, 0.4 * i + 0.35, c) for i, c in enumerate(chars))
    return Transcript("zh", chars, (TranscriptSegment(0.0, words[-1][1], chars, words),))


def test_srt_vtt_txt_and_json_render_the_same_cues() -> None:
    srt = render(SHORT, "srt")
    assert srt == "1\n00:00:00,500 --> 00:00:01,750\nBuy it now.\n"
    assert render(SHORT, "vtt") == "WEBVTT\n\n00:00:00.500 --> 00:00:01.750\nBuy it now.\n"
    assert render(SHORT, "txt") == "Buy it now.\n"
    payload = json.loads(render(SHORT, "json"))
    assert payload["language"] == "en" and payload["segments"][0]["words"][2] == {"start_s": 1.0, "end_s": 1.75, "word": "now."}
    with pytest.raises(ValueError, match="format"):
        render(SHORT, "doc")


def test_long_segments_are_split_into_readable_cues() -> None:
    transcript = long_zh()
    cues = list(subtitle_cues(transcript))
    assert len(cues) >= 2
    assert "".join(text for _, _, text in cues) == transcript.text
    assert all(len(text) <= 18 and end - start <= 6.0 for start, end, text in cues)
    assert all(a[1] <= b[0] for a, b in zip(cues, cues[1:]))
    assert render(transcript, "srt").count("-->") == len(cues)


def test_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["transcribe", str(tmp_path / "missing.mp4")]) == 1
    assert "no such file" in capsys.readouterr().err
    silent = write_video(tmp_path / "silent.mp4", seconds=1.0)
    assert main(["transcribe", str(silent)]) == 1
    assert "no audio" in capsys.readouterr().err
    assert main(["transcribe", str(silent), "--model", "tiny.en", "--speech-language", "zh"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vidscore: error:") and "English-only" in err and "Traceback" not in err


def test_the_old_language_flag_still_works_with_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    silent = write_video(tmp_path / "silent.mp4", seconds=1.0)
    assert main(["transcribe", str(silent), "--model", "tiny.en", "--language", "zh"]) == 2
    err = capsys.readouterr().err
    assert "--language is deprecated; use --speech-language" in err and "English-only" in err


@pytest.mark.models
def test_transcribe_writes_subtitles_for_generated_speech(tmp_path: Path) -> None:
    wav = espeak_wav(tmp_path / "ad.wav", "Hello everyone. Today I will show you a new phone.", words_per_minute=130)
    out = tmp_path / "ad.srt"
    assert main(["transcribe", str(wav), "--format", "srt", "--model", "tiny.en", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("1\n00:00:0") and "-->" in text
    assert "today" in text.lower() and "phone" in text.lower()
