"""The bundled demo video (scorer/demo/demo.mp4, rendered by tools/render_demo.py) and ``vidscore demo``."""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))  # the build-time renderer

from features.media.probe import MediaLimits, probe
from scorer.cli import main
from scorer.demo import demo_video_path
from scorer.result import validate_result

MAX_BYTES = 2 * 1024 * 1024


def _top_level_boxes(path: Path) -> list[str]:
    """Kinds of the top-level MP4 boxes, in file order."""
    kinds: list[str] = []
    with path.open("rb") as handle:
        while header := handle.read(8):
            size, kind = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", handle.read(8))[0] - 8
            kinds.append(kind.decode("latin-1"))
            handle.seek(size - 8, 1)
    return kinds


def test_bundled_demo_exists_and_is_under_two_megabytes() -> None:
    path = demo_video_path()
    assert 0 < path.stat().st_size < MAX_BYTES


def test_bundled_demo_is_vertical_h264_with_audio() -> None:
    info = probe(str(demo_video_path()), MediaLimits())
    assert info.width * 16 == info.height * 9
    assert info.rotation == 0
    assert info.has_audio
    assert info.codec == "h264" and info.pixel_format == "yuv420p"
    assert 15.0 <= info.duration_s <= 21.0
    assert info.fps == pytest.approx(30.0)


def test_bundled_demo_has_its_index_before_the_media_data() -> None:
    kinds = _top_level_boxes(demo_video_path())
    assert kinds.index("moov") < kinds.index("mdat")


def test_timeline_keeps_every_line_inside_its_shot() -> None:
    from render_demo import SCRIPT, plan_timeline

    durations = [[1.0 + 0.5 * i for i, _ in enumerate(lines)] for _, _, lines in SCRIPT]
    spans, cues, total = plan_timeline(durations)
    assert spans[0].start_s == 0.0 and spans[-1].end_s == total
    assert all(a.end_s == b.start_s for a, b in zip(spans, spans[1:]))
    shot_of_line = [n for n, (_, _, lines) in enumerate(SCRIPT) for _ in lines]
    for cue, n in zip(cues, shot_of_line, strict=True):
        assert spans[n].start_s < cue.start_s < cue.end_s < spans[n].end_s
    assert all(a.end_s < b.start_s for a, b in zip(cues, cues[1:]))


def test_render_names_the_missing_cjk_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import render_demo as render

    monkeypatch.setattr(render, "FONT_ROOTS", (tmp_path,))
    with pytest.raises(render.RenderError, match="no CJK font"):
        render.find_cjk_fonts()


def test_subtitles_wrap_chinese_after_a_comma() -> None:
    from render_demo import Fonts, find_cjk_fonts, wrap

    font = Fonts(*find_cjk_fonts()).get(46)
    assert wrap("七天无理由退货，点击下方小黄车", font, 610) == ["七天无理由退货，", "点击下方小黄车"]
    assert wrap("Tap the link below!", font, 610) == ["Tap the link below!"]


@pytest.mark.models
def test_vidscore_demo_scores_the_bundled_video(tmp_path: Path) -> None:
    out = tmp_path / "demo.json"
    assert main(["demo", "--format", "json", "--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    validate_result(result)
    assert result["errors"] == []
    assert (result["video"]["width"], result["video"]["height"]) == (720, 1280)
    assert result["video"]["has_audio"] is True
    cuts = [e for e in result["events"] if e["kind"] == "cut"]
    assert len(cuts) >= 3
    assert all(0.0 <= value <= 100.0 for value in result["scores"].values())
