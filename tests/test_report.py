"""``vidscore report``: one self-contained HTML page from results or a store (scorer/htmlreport)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from mediagen import write_video

from scorer.cli import main
from scorer.htmlreport import build_report, load_results
from scorer.htmlreport.charts import waterfall_rows
from scorer.htmlreport.moments import MAX_MOMENTS, choose_moments
from scorer.store import ResultStore

GOLDEN = Path(__file__).parent / "golden" / "landscape_tone.json"
VERSIONS = {"vidscore": "0.1.0", "pipeline": "1", "extractors": {"a": "1"}, "rubric": "default@4", "model": "rubric"}


def make_result(video: Path | str, scores: tuple[float, float, float] = (70.0, 40.0, 55.0), niche: str = "beauty",
                risk: bool = True) -> dict:
    """A real result's shape (the golden generated-video result) with events of every lane added."""
    result = json.loads(GOLDEN.read_text(encoding="utf-8"))
    result = copy.deepcopy(result)
    result["video"]["path"] = str(video)
    result["scores"] = dict(zip(("quality", "immersion", "persuasion"), scores))
    result["niche"] = {"top": [{"id": niche, "score": 0.8}, {"id": "home", "score": 0.1}], "target": niche, "match": 1.0}
    result["transcript"] = {"language": "en", "text": "Only today <b>50% off</b>. Tap the link below!",
                            "segments": [{"start_s": 0.2, "end_s": 3.5, "text": "Only today <b>50% off</b>. Tap the link below!"}]}
    result["screen_text"] = [{"start_s": 1.0, "end_s": 3.0, "text": "限时秒杀 点击下方小黄车"}]
    result["events"] += [
        {"kind": "cut", "start_s": 2.0, "end_s": 2.0, "detail": {"score": 40.0}},
        {"kind": "face", "start_s": 1.0, "end_s": 3.0, "detail": {"boxes": [[0.3, 0.2, 0.6, 0.7]]}},
        {"kind": "speech", "start_s": 0.2, "end_s": 3.5, "detail": {"text": "Only today", "language": "en"}},
        {"kind": "screen_text", "start_s": 1.0, "end_s": 3.0, "detail": {"text": "限时秒杀 点击下方小黄车"}},
        {"kind": "cue", "start_s": 0.2, "end_s": 3.5,
         "detail": {"type": "call_to_action", "text": "Tap the link below!", "match": "Tap the link", "source": "speech"}},
        {"kind": "cue", "start_s": 1.0, "end_s": 3.0,
         "detail": {"type": "scarcity", "text": "限时秒杀 点击下方小黄车", "match": "限时秒杀", "source": "screen_text"}},
    ]
    result["compliance"] = {"risk": risk, "reasons": [
        {"signal": "compliance_risk", "value": True, "reason": "absolute claim: “the best serum”", "text": "the best serum",
         "category": "absolute", "rewrite": "my favourite serum this year"}] if risk else []}
    result["suggestions"] = [{"dimension": "immersion", "signal": "hands_share", "text": "Show hands using it.", "gain": 9.5},
                             {"dimension": "persuasion", "signal": "cues_trust", "text": "Say the return policy.", "gain": 12.0}]
    return result


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_video(tmp_path_factory.mktemp("media") / "clip.mp4", width=320, height=240, seconds=4.0)


def test_one_video_page_has_every_section_chart_and_image(video: Path) -> None:
    page = build_report([make_result(video)], lang="en")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for heading in ("Key moments", "Timeline", "How each score was reached", "Transcript", "On-screen text",
                    "Compliance", "Niche (top 3)", "What to change, by expected gain"):
        assert f"<h3>{heading}</h3>" in page, heading
    assert page.count('class="gauge"') == 3 and page.count('class="waterfall"') == 3 and page.count('class="timeline"') == 1
    images = re.findall(r'<img src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) >= 3 and all(len(i) > 500 for i in images)
    assert 'class="box box-face"' in page                       # the face box drawn over its moment
    assert "my favourite serum this year" in page and "absolute" in page   # compliance rewrite and category
    assert '<mark style="--cue:' in page and ">Tap the link</mark>" in page and ">限时秒杀</mark>" in page
    assert "&lt;b&gt;50% off&lt;/b&gt;" in page and "<b>50% off</b>" not in page   # result text is escaped
    assert page.index("+12.0") < page.index("+9.5")              # suggestions by gain
    assert 'class="ranked"' not in page                          # one video: no table
    assert not re.search(r'(src|href)="(https?:)?//', page)     # nothing from the network


def test_waterfall_adds_up_to_the_score() -> None:
    result = make_result("x.mp4")
    items = result["explanations"]["persuasion"]
    rows = waterfall_rows(items, result["scores"]["persuasion"], "en")
    assert rows[0][0] == "baseline" and rows[-1][0] == "score" and rows[-1][2] == result["scores"]["persuasion"]
    steps = rows[1:-1]
    assert all(b[1] == pytest.approx(a[2]) for a, b in zip(steps, steps[1:]))  # each bar starts where the last ended


def test_missing_video_is_said_and_the_rest_shown(tmp_path: Path) -> None:
    page = build_report([make_result(tmp_path / "gone.mp4")], lang="zh")
    assert "找不到视频文件" in page and "gone.mp4" in page
    assert "<img" not in page and page.count('class="waterfall"') == 3
    assert "<h3>口播文字</h3>" in page and 'lang="zh-CN"' in page


def test_moments_are_capped_and_start_with_the_hook() -> None:
    result = make_result("x.mp4")
    result["video"]["duration_s"] = 120.0
    result["events"] += [{"kind": "cut", "start_s": float(t), "end_s": float(t), "detail": {}} for t in range(3, 100, 2)]
    moments = choose_moments(result)
    assert len(moments) == MAX_MOMENTS
    assert [m.kind for m in moments[:3]] == ["hook"] * 3 and [m.time_s for m in moments] == sorted(m.time_s for m in moments)


def store_of_three(tmp_path: Path, video: Path) -> Path:
    path = tmp_path / "s.db"
    with ResultStore(path) as store:
        for n, (scores, niche, risk) in enumerate([((50.0, 50.0, 50.0), "food", False), ((90.0, 80.0, 85.0), "beauty", True),
                                                   ((20.0, 30.0, 10.0), "food", False)]):
            result = make_result(video, scores, niche, risk)
            result["video"]["sha256"] = f"{n:064d}"
            store.put(path=f"v{n}.mp4", sha256=f"{n:064d}", versions=VERSIONS, options={}, metadata={},
                      started_at="2026-12-02T00:00:00Z", elapsed_s=1.0, result=result)
        store.put(path="bad.mp4", sha256="f" * 64, versions=VERSIONS, options={}, metadata={},
                  started_at="2026-12-02T00:00:00Z", elapsed_s=0.1, error_code="not_video", error_message="bad.mp4: not a video")
    return path


def test_store_gives_a_ranked_sortable_filterable_table(tmp_path: Path, video: Path) -> None:
    store = store_of_three(tmp_path, video)
    results = load_results([str(store)])
    assert len(results) == 3                                     # the failed video has no section
    page = build_report(results, by="overall")
    table = page[page.index('<table class="ranked">'): page.index("</table>")]
    rows = re.findall(r'<tr data-niche="(\w+)" data-compliance="(\w+)"><td class="num" data-v="(\d)">', table)
    assert rows == [("beauty", "risk", "1"), ("food", "ok", "2"), ("food", "ok", "3")]
    assert table.count('<img src="data:image/jpeg') == 3 and 'href="#v0"' in table and 'id="v0"' in page
    assert '<select id="filter-niche">' in page and '<option value="food">' in page and "addEventListener('click'" in page
    top = build_report(results, by="persuasion", top=1)
    assert top.count('<section class="video"') == 1 and 'class="ranked"' not in top   # --top 1: the best video only
    assert ">85</text>" in top and ">10</text>" not in top


def test_cli_report_and_score_report(tmp_path: Path, video: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = tmp_path / "r.json"
    results.write_text(json.dumps([make_result(video), make_result(video, (10.0, 10.0, 10.0))]), encoding="utf-8")
    out = tmp_path / "out" / "report.html"
    assert main(["report", str(results), "--out", str(out), "--lang", "zh", "--by", "quality", "--no-progress"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "视频排名" in page and page.count('<section class="video"') == 2


@pytest.mark.parametrize("content, fragment", [(None, "no such result file"), ("not json {", "not a vidscore result"),
                                                ('{"a": 1}', "not a vidscore result"), (b"\xff\xfe\x00binary", "not a vidscore result")])
def test_cli_report_bad_input_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], content, fragment) -> None:
    path = tmp_path / "in.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["report", str(path), "--out", str(tmp_path / "r.html")]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("vidscore: error:") and fragment in err[0]
    assert not (tmp_path / "r.html").exists()


def test_cli_report_of_an_empty_store_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "empty.db"
    ResultStore(store).close()
    assert main(["report", str(store), "--out", str(tmp_path / "r.html")]) == 1
    assert "nothing to report" in capsys.readouterr().err
