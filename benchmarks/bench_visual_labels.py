"""Benchmark: faces, hands, POV and product handling against per-second labels of real clips.

Usage: python benchmarks/bench_visual_labels.py [--split dev|eval|all] [--root ../shared/realdata] [--clips]

Labels (written by looking at one frame per second of every clip; the media stay in the
real-data folder): ``benchmarks/data/visual_frames.tsv`` (``file t_s faces face_large
hands hands_bottom handling person note``, one row per second at t = 0.5, 1.5, ...) and
``benchmarks/data/visual_clips.tsv`` (``file split duration_s pov product_in_hook
summary``; split dev or eval). Thresholds are tuned on the dev split only; the eval split
is held back. Runs the faces, framing and product-display extractors over each clip (one
decode pass) and prints, per split:

* per-second precision and recall of face and hand detection (the sampled frame nearest
  to each labelled second; targets 0.90 for faces, 0.85 for hands);
* per clip, the error of face_share, hands_share, hands_from_bottom_share and
  product_in_use_share against the share of labelled seconds (target: every clip within 0.2);
* POV accuracy per clip (pov_likelihood >= 0.5 against the clip's label; target: every clip)
  and product_in_hook (>= 0.3 against the label).
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from _labelled import DATA, read_rows
from _visual_realdata import realdata_root, run_visual  # puts the repository on sys.path

from features.face_signals import FacesExtractor  # noqa: E402
from features.framing import FramingExtractor  # noqa: E402
from features.product_display import ProductDisplayExtractor  # noqa: E402
from scorer.report import format_table  # noqa: E402

FRAME_COLUMNS = ("file", "t_s", "faces", "face_large", "hands", "hands_bottom", "handling", "person", "note")
CLIP_COLUMNS = ("file", "split", "duration_s", "pov", "product_in_hook", "summary")
SHARES = (("face_share", "faces"), ("hands_share", "hands"), ("hands_from_bottom_share", "hands_bottom"),
          ("product_in_use_share", "handling"))
SHARE_TOLERANCE = 0.2
POV_THRESHOLD = 0.5
HOOK_THRESHOLD = 0.3
TARGETS = {"face": 0.90, "hands": 0.85}


def flag(value: str) -> bool:
    """A label cell as a bool: a positive count or yes/true/y/1."""
    text = (value or "").strip().lower()
    try:
        return float(text) > 0
    except ValueError:
        return text in {"yes", "true", "y", "x"}


def nearest(times: list[float], t: float) -> int:
    return min(range(len(times)), key=lambda i: abs(times[i] - t))


def ratio(a: int, b: int) -> float:
    return a / b if b else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("dev", "eval", "all"),
                        help="which clips to score (tune on dev only; eval is the held-back check)")
    parser.add_argument("--root", default=None, help="real-data folder (default ../shared/realdata)")
    parser.add_argument("--frames", default=str(DATA / "visual_frames.tsv"))
    parser.add_argument("--clips-file", default=str(DATA / "visual_clips.tsv"))
    parser.add_argument("--clips", action="store_true", help="print every clip's figures")
    args = parser.parse_args()
    root = Path(args.root) if args.root else realdata_root()
    frame_rows = read_rows(args.frames, FRAME_COLUMNS)
    clip_rows = read_rows(args.clips_file, CLIP_COLUMNS)
    if root is None or frame_rows is None or clip_rows is None:
        print("real data or labels absent; skipped")
        return 0
    seconds: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in frame_rows:
        seconds[row["file"]].append(row)
    splits = ("dev", "eval") if args.split == "all" else (args.split,)
    extractors = (FacesExtractor(), FramingExtractor(), ProductDisplayExtractor())
    faces_x, framing_x, product_x = extractors
    started = time.perf_counter()
    for split in splits:
        clips = [c for c in clip_rows if c["split"].strip() == split and (root / c["file"]).is_file()]
        counts = {k: [0, 0, 0] for k in ("face", "hands", "hands from bottom", "handling")}  # tp, fp, fn
        share_ok = {s: 0 for s, _ in SHARES}
        pov_ok = hook_ok = 0
        rows = []
        for clip in clips:
            run = run_visual(root / clip["file"], list(extractors))
            signals = {k: v for out in run.outputs.values() for k, v in out.signals.items()}
            face_samples, hand_samples, use_samples = faces_x.samples(), framing_x.samples(), product_x.samples()
            labels = seconds.get(clip["file"], [])
            for row in labels:
                t = float(row["t_s"])
                truth = {"face": flag(row["faces"]), "hands": flag(row["hands"]),
                         "hands from bottom": flag(row["hands_bottom"]), "handling": flag(row["handling"])}
                face_at = face_samples[nearest([s[0] for s in face_samples], t)] if face_samples else None
                hand_at = hand_samples[nearest([s[0] for s in hand_samples], t)] if hand_samples else None
                use_at = use_samples[nearest([s[0] for s in use_samples], t)] if use_samples else None
                found = {"face": bool(face_at and face_at[1]), "hands": bool(hand_at and hand_at[1]),
                         "hands from bottom": bool(hand_at and hand_at[2]), "handling": bool(use_at and use_at[1])}
                for key in counts:
                    counts[key][0] += truth[key] and found[key]
                    counts[key][1] += found[key] and not truth[key]
                    counts[key][2] += truth[key] and not found[key]
            errors = []
            for signal, column in SHARES:
                label = sum(flag(r[column]) for r in labels) / len(labels) if labels else 0.0
                value = signals.get(signal)
                error = abs((value or 0.0) - label)
                share_ok[signal] += error <= SHARE_TOLERANCE
                errors.append(f"{value if value is None else round(value, 2)}/{label:.2f}")
            pov = (signals.get("pov_likelihood") or 0.0) >= POV_THRESHOLD
            pov_ok += pov == flag(clip["pov"])
            hook = (signals.get("product_in_hook") or 0.0) >= HOOK_THRESHOLD
            hook_ok += hook == flag(clip["product_in_hook"])
            rows.append([Path(clip["file"]).name[:28], *errors,
                         f"{signals.get('pov_likelihood') or 0:.2f}/{int(flag(clip['pov']))}",
                         f"{signals.get('product_in_hook') or 0:.2f}/{int(flag(clip['product_in_hook']))}"])
        n = len(clips)
        print(f"\n== split {split}: {n} clips, {sum(len(seconds.get(c['file'], [])) for c in clips)} labelled seconds")
        if args.clips and rows:
            print(format_table(["clip", "face", "hands", "from bottom", "in use", "pov", "hook"], rows))
        table = []
        for key, (tp, fp, fn) in counts.items():
            precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
            target = TARGETS.get(key)
            table.append([f"{key} per second", f"P {precision:.3f} R {recall:.3f} ({tp + fn} labelled)",
                          f">= {target:.2f}" if target else "—", f"{min(precision, recall) / target:.2f}" if target else ""])
        for signal, _ in SHARES:
            table.append([f"{signal} within {SHARE_TOLERANCE}", f"{share_ok[signal]}/{n}", "all", f"{ratio(share_ok[signal], n):.2f}"])
        table.append([f"POV (likelihood >= {POV_THRESHOLD})", f"{pov_ok}/{n}", "all", f"{ratio(pov_ok, n):.2f}"])
        table.append([f"product_in_hook (>= {HOOK_THRESHOLD})", f"{hook_ok}/{n}", "—", f"{ratio(hook_ok, n):.2f}"])
        print(format_table(["measure", "result", "target", "ratio"], table))
    print(f"\n{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
