"""``vidscore script``: one result per non-empty line, cues and compliance with rewrites, bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scorer.cli import main

SCRIPT = "全网最低价，今天下单再送小样\n\n   \nThe best serum in the world, tap the link below!\n这款面霜质地轻薄，上脸很舒服\n"


def test_json_is_a_list_in_input_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pitch.txt"
    path.write_text(SCRIPT, encoding="utf-8")
    assert main(["script", str(path), "--format", "json", "--text-model", "none"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [r["text"] for r in results] == ["全网最低价，今天下单再送小样", "The best serum in the world, tap the link below!",
                                            "这款面霜质地轻薄，上脸很舒服"]
    assert [r["lang"] for r in results] == ["zh", "en", "zh"]
    assert set(results[0]) == {"text", "lang", "cues", "compliance"}
    first, second, plain = results
    assert first["compliance"]["risk"] and all({"text", "category", "rewrite"} <= set(r) for r in first["compliance"]["reasons"])
    assert any(r["category"] == "absolute" and r["rewrite"] for r in second["compliance"]["reasons"])
    assert {"call_to_action"} <= {c["type"] for c in second["cues"]}
    assert not plain["compliance"]["risk"] and plain["compliance"]["reasons"] == []


def test_table_and_stdin(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SCRIPT.encode("utf-8")), encoding="utf-8"))
    out = tmp_path / "checked.txt"
    assert main(["script", "-", "--text-model", "none", "--out", str(out)]) == 0
    table = out.read_text(encoding="utf-8")
    assert table.count("RISK") == 2 and "这款面霜" in table and "->" in table


@pytest.mark.parametrize("content, fragment", [
    (None, "no such file"),
    (b"", "no non-empty line"),
    (b"\n  \n", "no non-empty line"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("第一行\n第二行".encode("gbk"), "not UTF-8"),
])
def test_bad_input_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None,
                                      fragment: str) -> None:
    path = tmp_path / "s.txt"
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "o.json"
    assert main(["script", str(path), "--text-model", "none", "--format", "json", "--out", str(out)]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("vidscore: error:") and fragment in err[0]
    assert not out.exists()
