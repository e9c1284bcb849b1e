"""The labelled-text benchmarks reject a malformed TSV with one error line and exit status 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.parametrize(
    ("script", "content", "message"),
    [
        ("bench_cues.py", "id\tlang\ttext\nx\ten\thello\n", "lacks column(s) labels"),
        ("bench_cues.py", "id\tlang\ttext\tlabels\nx\ten\n", "line 2 has fewer than 4 tab-separated fields"),
        ("bench_niche.py", "id\tlang\ttext\tlabels\nx\ten\thi\t\n", "lacks column(s) niche"),
        ("bench_niche.py", b"\xff\xfe\x00", "is not UTF-8 text"),
        ("bench_cues.py", "id\tlang\ttext\tlabels\n", "has no labelled rows under a header"),
        ("bench_niche.py", "", "has no labelled rows under a header"),
    ],
)
def test_malformed_tsv_gives_one_error_line(tmp_path: Path, script: str, content: str | bytes, message: str) -> None:
    data = tmp_path / "rows.tsv"
    data.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    run = subprocess.run([sys.executable, str(BENCHMARKS / script), "--data", str(data)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {data} {message}")


@pytest.mark.realdata
def test_real_labels_join_their_lines_and_the_test_split_stays_out_of_training(realdata: Path) -> None:
    sys.path.insert(0, str(BENCHMARKS))
    sys.path.insert(0, str(BENCHMARKS.parent / "tools"))
    from _labelled import read_real
    from train_cue_heads import TRAIN_SPLITS

    assert "test" not in TRAIN_SPLITS
    rows = read_real(realdata, ("test",))
    assert rows and all(r["split"] == "test" and r["text"] and r["id"] == f"{r['file']}:{r['line']}" for r in rows)
    for row in rows:
        if row["span"]:
            a, b = (int(x) for x in row["span"].split(":"))
            assert 0 <= a < b <= len(row["text"])  # offsets index the stripped line
