"""Benchmark: hard-cut precision/recall/F1 and speed, ours vs PySceneDetect's default detect().

Usage: python benchmarks/bench_scenecut.py [--tolerance 2] [--realdata PATH]

Ground truth: ``labels/scenecut/scenecut_ground_truth.json`` of the real-data folder
(0-based index of the first frame of each new shot; files whose ``cuts`` is null are
skipped; the VQA and talking-head clips it lists by glob have no cut). Ours is
:class:`features.shots.ShotDetector` fed by the shared decode pass (analysis short
side 288, the time includes decoding); the reference is
``scenedetect.detect(path, ContentDetector())`` with its own OpenCV decoding. A cut
matches a label within ``--tolerance`` frames, one to one. Targets: our F1 >= 0.90,
our total time <= PySceneDetect's. PySceneDetect is optional
(``pip install --no-deps scenedetect``); without it only our side is printed.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from _visual_realdata import realdata_root  # puts the repository on sys.path

from features.media.decode import FrameDecoder  # noqa: E402
from features.media.probe import probe  # noqa: E402
from features.shots import ShotDetector  # noqa: E402
from scorer.report import format_table  # noqa: E402

TARGET_F1 = 0.90


def labelled_videos(root: Path) -> list[tuple[str, list[int], list[list]]]:
    """(relative path, cut frames, gradual ranges) for every labelled file present."""
    truth = json.loads((root / "labels/scenecut/scenecut_ground_truth.json").read_text())
    videos: list[tuple[str, list[int], list[list]]] = []
    for key, entry in truth.items():
        if key.startswith("_") or not isinstance(entry, dict) or entry.get("cuts") is None:
            continue
        if "*" in key:
            for pattern in key.split(" and "):
                for path in sorted(root.glob(pattern.strip())):
                    videos.append((str(path.relative_to(root)), list(entry["cuts"]), []))
        elif (root / key).is_file():
            videos.append((key, list(entry["cuts"]), list(entry.get("gradual", []))))
    return videos


def ours(path: Path) -> tuple[list[int], list[tuple[int, int]], float]:
    """Our cut frame indices, fade frame ranges and seconds (decode included)."""
    started = time.perf_counter()
    detector = ShotDetector()
    info = probe(str(path))
    for frame in FrameDecoder(info).frames():
        detector.push(frame)
    seg = detector.segment(info.duration_s)
    seconds = time.perf_counter() - started
    return [c.index for c in seg.cuts], [(f.start_index, f.end_index) for f in seg.fades], seconds


def reference(path: Path) -> tuple[list[int], float] | None:
    """PySceneDetect default ContentDetector cut frames and seconds, or None when not installed."""
    try:
        from scenedetect import ContentDetector, detect
    except ImportError:
        return None
    started = time.perf_counter()
    scenes = detect(str(path), ContentDetector())
    seconds = time.perf_counter() - started
    return [start.frame_num for start, _ in scenes[1:]], seconds


def match(predicted: list[int], truth: list[int], tolerance: int) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives), greedy one-to-one within ``tolerance`` frames."""
    left = list(truth)
    hits = 0
    for cut in predicted:
        near = [t for t in left if abs(t - cut) <= tolerance]
        if near:
            left.remove(min(near, key=lambda t: abs(t - cut)))
            hits += 1
    return hits, len(predicted) - hits, len(left)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance", type=int, default=2, help="frames (default 2)")
    parser.add_argument("--realdata", default=None, help="real-data folder (default ../shared/realdata)")
    args = parser.parse_args()
    root = Path(args.realdata) if args.realdata else realdata_root()
    if root is None or not (root / "labels/scenecut/scenecut_ground_truth.json").is_file():
        print("real data not found; skipped")
        return 0
    have_reference = _scenedetect_available()
    if not have_reference:
        print("NOTE: PySceneDetect is not installed (pip install --no-deps scenedetect); printing our side only.")
    rows = []
    totals = {"ours": [0, 0, 0], "ref": [0, 0, 0]}
    seconds = {"ours": 0.0, "ref": 0.0}
    fades_found = fades_labelled = 0
    for key, truth, gradual in labelled_videos(root):
        path = root / key
        cuts, fades, our_s = ours(path)
        mine = match(cuts, truth, args.tolerance)
        totals["ours"] = [a + b for a, b in zip(totals["ours"], mine)]
        seconds["ours"] += our_s
        for start, end, *label in gradual:
            if "fade" in " ".join(map(str, label)):
                fades_labelled += 1
                fades_found += any(s <= end + args.tolerance and e >= start - args.tolerance for s, e in fades)
        row = [Path(key).name[:38], len(truth), "{}/{}/{}".format(*mine), f"{our_s:.2f}"]
        if have_reference:
            ref_cuts, ref_s = reference(path)
            theirs = match(ref_cuts, truth, args.tolerance)
            totals["ref"] = [a + b for a, b in zip(totals["ref"], theirs)]
            seconds["ref"] += ref_s
            row += ["{}/{}/{}".format(*theirs), f"{ref_s:.2f}"]
        rows.append(row)
    header = ["video", "cuts", "ours tp/fp/fn", "ours s"] + (["pyscenedetect tp/fp/fn", "psd s"] if have_reference else [])
    print(format_table(header, rows))
    print()
    summary = []
    for side in ("ours", "ref") if have_reference else ("ours",):
        p, r, f = prf(*totals[side])
        name = "ours (ShotDetector)" if side == "ours" else "PySceneDetect detect(ContentDetector())"
        summary.append([name, f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", f"{seconds[side]:.2f}"])
    print(format_table(["detector", "precision", "recall", "F1", "total s"], summary))
    print()
    f1 = prf(*totals["ours"])[2]
    print(f"tolerance {args.tolerance} frames; {len(rows)} videos; labelled fades overlapped by our fade events: "
          f"{fades_found}/{fades_labelled}")
    print(f"our F1 {f1:.3f} (target >= {TARGET_F1:.2f}): {'MET' if f1 >= TARGET_F1 else 'MISSED'}")
    if have_reference:
        ratio = seconds["ours"] / max(seconds["ref"], 1e-9)
        print(f"time ours / PySceneDetect = {ratio:.2f} (target <= 1.00, ours includes decoding): "
              f"{'MET' if ratio <= 1.0 else 'MISSED'}")
    return 0


def _scenedetect_available() -> bool:
    try:
        import scenedetect  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
