"""Accuracy roll-up: run every accuracy benchmark as a subprocess and print one table.

Usage: python benchmarks/bench_all.py [--timeout S] [--only NAME ...] [--verbose]

Runs bench_scenecut.py, bench_asr.py, bench_ocr.py, bench_cues.py, bench_niche.py
and bench_picture_distortion.py (each with its default arguments) one after the
other. A benchmark that is missing, fails, times out or skips itself (no data)
gets a row saying so; the others still run. The "headline" column is the last
line of the benchmark's output mentioning its target or ratio (else its last
line). Exit status 1 when any benchmark that exists failed or timed out.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from scorer.report import format_table  # noqa: E402

# (script, what it measures)
BENCHMARKS = (
    ("bench_scenecut.py", "scene-cut F1 vs PySceneDetect"),
    ("bench_asr.py", "speech recognition WER/CER"),
    ("bench_ocr.py", "on-screen text OCR CER"),
    ("bench_cues.py --no-timing", "persuasion-cue precision/recall (cues_eval)"),
    ("bench_cues.py --data benchmarks/data/cues_blind.tsv --no-timing", "persuasion cues, blind set"),
    ("bench_cues.py --real test --no-timing", "persuasion cues, real text (test split)"),
    ("bench_cues.py --timing-only", "cue + compliance + niche + density cost"),
    ("bench_compliance.py", "ad-law compliance, blind set"),
    ("bench_niche.py", "niche top-1 accuracy"),
    ("bench_niche.py --data benchmarks/data/niche_blind.tsv", "niche top-1, blind set"),
    ("bench_picture_distortion.py", "picture-distortion monotonicity"),
)
_HEADLINE = re.compile(r"\b(target|ratio)\b", re.IGNORECASE)
_SKIPPED = re.compile(r"\bskipp(ed|ing)\b", re.IGNORECASE)


@dataclass
class Outcome:
    """How one benchmark ran: status (ok, skipped, missing, failed, timeout), seconds, headline, full output."""

    script: str
    measures: str
    status: str
    seconds: float = 0.0
    headline: str = ""
    output: str = ""


def headline(output: str) -> str:
    """The last output line naming a target or ratio, else the last non-empty line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    marked = [line for line in lines if _HEADLINE.search(line)]
    return (marked or lines or [""])[-1]


def run_one(script: str, measures: str, timeout_s: float) -> Outcome:
    name, *arguments = script.split()
    path = HERE / name
    if not path.is_file():
        return Outcome(script, measures, "missing")
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, str(path), *arguments], cwd=ROOT, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return Outcome(script, measures, "timeout", time.perf_counter() - started, f"killed after {timeout_s:g} s", output)
    seconds = time.perf_counter() - started
    output = done.stdout + (("\n" + done.stderr) if done.returncode else "")
    if done.returncode != 0:
        last = headline(done.stderr) or headline(done.stdout)
        return Outcome(script, measures, f"failed ({done.returncode})", seconds, last, output)
    status = "skipped" if _SKIPPED.search(done.stdout) and not _HEADLINE.search(done.stdout) else "ok"
    return Outcome(script, measures, status, seconds, headline(done.stdout), output)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=3600.0, metavar="S", help="limit per benchmark (seconds)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these scripts (e.g. bench_asr.py)")
    parser.add_argument("--verbose", action="store_true", help="print each benchmark's full output")
    args = parser.parse_args()
    chosen = [(s, m) for s, m in BENCHMARKS
              if not args.only or s.split()[0] in args.only or s.split()[0].removesuffix(".py") in args.only]
    if not chosen:
        parser.error(f"--only must name some of {[s for s, _ in BENCHMARKS]}")
    outcomes = []
    for script, measures in chosen:
        print(f"running {script} ...", file=sys.stderr, flush=True)
        outcome = run_one(script, measures, args.timeout)
        outcomes.append(outcome)
        if args.verbose and outcome.output:
            print(f"===== {script} =====\n{outcome.output.rstrip()}\n")
    rows = [(o.script, o.measures, o.status, f"{o.seconds:.0f}", o.headline[:120]) for o in outcomes]
    print(format_table(("benchmark", "measures", "status", "s", "headline"), rows))
    return 1 if any(o.status.startswith(("failed", "timeout")) for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
