"""Benchmark: persuasion-cue precision and recall per cue type and language; ad-law compliance; cost.

Usage: python benchmarks/bench_cues.py [--data benchmarks/data/cues_eval.tsv] [--text-model NAME|none]
       python benchmarks/bench_cues.py --real test            # labelled real lines (cues_real*.tsv), per source
       python benchmarks/bench_cues.py --timing-only          # cost only
A labelled TSV has columns id, lang, text, labels (comma-separated cue ids, empty for none) and optionally
compliance (absolute|authority|medical|guarantee|payout, empty for none). ``--real SPLITS`` scores the
labelled real lines of those splits (comma-separated: train, train2, test), reading their text from the
real-data folder, and adds per-source precision, recall and false-positive rate on lines without a cue.
Each row is scored as one metadata text; a type is predicted when any sentence carries it. Prints
precision/recall per type and language against the target (>= 0.90 both, every type), exact label-set match,
absolute-claim and compliance precision/recall, the worst ratio, then the cost of cue + compliance + niche +
information-density analysis of a 60 s transcript after load and the model load time (targets 1 s each).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _labelled import read_real, read_rows, text_benchmark_parser  # noqa: E402
from _realdata import realdata_root  # noqa: E402
from _text_metrics import PITCH  # noqa: E402

from features.compliance import load_rules  # noqa: E402
from features.cue_lexicon import CUE_TYPES  # noqa: E402
from features.cues import CueDetector  # noqa: E402
from scorer.report import format_table  # noqa: E402

TARGET = 0.90
COST_TARGET_S = 1.0
PITCH_ZH = (
    "家人们晚上好，欢迎来到直播间。今天给大家带来的是这款保温杯，三百毫升，三一六不锈钢内胆，保温十二个小时。"
    "我自己用了半年，早上装的热水到晚上还是烫的。杯盖是一键弹开的，单手就能喝，密封圈可以拆下来洗。"
    "颜色有奶白、雾蓝和燕麦三种，杯身是磨砂的，拿在手里不滑。很多宝宝问能不能装牛奶，可以的，用完及时清洗就行。"
    "今天直播间下单立减二十元，还送一个杯套，数量有限，先到先得。七天无理由退货，运费险也给大家买好了。"
    "喜欢的宝宝点击下方小黄车，拍一号链接，没关注的点个关注，明天晚上八点我们继续。"
)


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def score_rows(rows: list[dict[str, str]], detector: CueDetector, errors: bool = False) -> tuple[list[set[str]], list[bool]]:
    """Predicted label sets and compliance flags (non-payout phrase) per row."""
    rules = load_rules()
    guesses, flagged = [], []
    for row in rows:
        guess = detector.types_in(row["text"])
        guesses.append(guess)
        flagged.append(any(f.category != "payout" for f in rules.check(row["text"])))
        truth = _truth(row)
        if errors and guess != truth:
            print(f"  {row['id']}: truth={sorted(truth)} guess={sorted(guess)}: {row['text']}")
    return guesses, flagged


def _truth(row: dict[str, str]) -> set[str]:
    return {t for t in (row.get("labels") or "").split(",") if t}


def report(name: str, rows: list[dict[str, str]], guesses: list[set[str]], flagged: list[bool], elapsed: float) -> float:
    """Print the per type x language table, exact match and claim figures; return the worst P/R value."""
    tp: Counter[tuple[str, str]] = Counter()
    fp: Counter[tuple[str, str]] = Counter()
    fn: Counter[tuple[str, str]] = Counter()
    exact = Counter[str]()
    for row, guess in zip(rows, guesses):
        lang, truth = row["lang"], _truth(row)
        exact[lang] += guess == truth
        for cue in CUE_TYPES:
            key = (cue, lang)
            if cue in guess and cue in truth:
                tp[key] += 1
            elif cue in guess:
                fp[key] += 1
            elif cue in truth:
                fn[key] += 1
    languages = sorted({row["lang"] for row in rows})
    table, worst = [], 1.0
    for cue in CUE_TYPES:
        for lang in languages:
            key = (cue, lang)
            precision, recall = _ratio(tp[key], tp[key] + fp[key]), _ratio(tp[key], tp[key] + fn[key])
            worst = min([worst] + [v for v in (precision, recall) if v is not None])
            table.append([cue, lang, tp[key] + fn[key], _fmt(precision), _fmt(recall)])
    print(f"cue detection on {name} ({len(rows)} rows, {elapsed:.1f} s incl. model load)")
    print(format_table(["type", "lang", "positives", "precision", "recall"], table))
    for lang in languages:
        count = sum(1 for row in rows if row["lang"] == lang)
        print(f"{lang}: exact label-set match {exact[lang] / count:.3f} of {count} rows")
    claims = [("absolute_claim" in _truth(r), "absolute_claim" in g) for r, g in zip(rows, guesses)]
    _claim_line("absolute_claim cue", claims)
    if rows and "compliance" in rows[0]:
        _claim_line("compliance flag vs labelled compliance", [(bool(r.get("compliance")), f) for r, f in zip(rows, flagged)])
    print(f"worst precision/recall {worst:.2f} vs target {TARGET:.2f}: ratio {worst / TARGET:.2f}")
    return worst


def _claim_line(name: str, pairs: list[tuple[bool, bool]]) -> None:
    hit = sum(t and g for t, g in pairs)
    pred, pos = sum(g for _, g in pairs), sum(t for t, _ in pairs)
    print(f"{name}: precision {_fmt(_ratio(hit, pred))} ({hit}/{pred}), recall {_fmt(_ratio(hit, pos))} ({hit}/{pos})"
          " vs targets P >= 0.90, R >= 0.95")


def per_source(rows: list[dict[str, str]], guesses: list[set[str]]) -> None:
    """Precision, recall and false-positive rate on lines without a cue, per real source file."""
    table = []
    for source in sorted({row["file"] for row in rows}):
        pairs = [(_truth(r), g) for r, g in zip(rows, guesses) if r["file"] == source]
        tp = sum(len(t & g) for t, g in pairs)
        fp = sum(len(g - t) for t, g in pairs)
        fn = sum(len(t - g) for t, g in pairs)
        empty = [g for t, g in pairs if not t]
        table.append([source, len(pairs), tp + fn, _fmt(_ratio(tp, tp + fp)), _fmt(_ratio(tp, tp + fn)),
                      f"{sum(bool(g) for g in empty) / len(empty):.3f}" if empty else "-",
                      f"{sum(t == g for t, g in pairs) / len(pairs):.3f}"])
    print(format_table(["source", "lines", "cues", "precision", "recall", "FPR (no-cue lines)", "exact"], table))


def timing(text_model: str | None) -> None:
    """Cost of cue + compliance + niche + density on a 60 s transcript (after load), and the load time."""
    code = ("import time; from features.embeddings import load_encoder; from features.cue_heads import load_heads; "
            "from features.cue_lexicon import load_lexicon; from features.compliance import load_rules; "
            "from features.niche import load_taxonomy; from features.text_sources import zh_tokens; t = time.perf_counter(); "
            f"e = load_encoder({text_model!r}) if {text_model!r} != 'none' else None; e and e.encode(['warm']); "
            "m = time.perf_counter() - t; t = time.perf_counter(); load_heads(); load_lexicon(); load_rules(); "
            "load_taxonomy(); zh_tokens('你好'); print(m, time.perf_counter() - t)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout.split()
    model_load, data_load = float(done[0]), float(done[1])
    from features.base import Transcript, TranscriptSegment, VideoContext
    from features.compliance import ComplianceExtractor
    from features.cues import CueExtractor
    from features.info_density import InfoDensityExtractor
    from features.media.probe import VideoInfo
    from features.niche import NicheExtractor

    fields = {name: None for name in VideoInfo.__dataclass_fields__}
    fields.update(path="pitch.mp4", duration_s=60.0)
    info = VideoInfo(**fields)  # type: ignore[arg-type]
    options = {"text_model": text_model}
    extractors = [CueExtractor.from_options(options), ComplianceExtractor(), NicheExtractor.from_options(options),
                  InfoDensityExtractor.from_options(options)]
    rows = []
    for lang, pitch in (("en", PITCH), ("zh", PITCH_ZH)):
        runs = []
        for take in range(4):  # the first run is the warm-up; each run is a new text (no result cache helps)
            text = pitch + (f" Take {take}." if lang == "en" else f"第{take}遍。")
            pieces = [p for p in text.replace("。", "。|").replace(". ", ". |").split("|") if p.strip()]
            segments = tuple(TranscriptSegment(60.0 * i / len(pieces), 60.0 * (i + 1) / len(pieces), p) for i, p in enumerate(pieces))
            context = VideoContext(info=info, transcript=Transcript(lang, text, segments))
            started = time.perf_counter()
            for extractor in extractors:
                extractor.start(context)
                extractor.finish(context)
            runs.append(time.perf_counter() - started)
        cost = sorted(runs[1:])[1]  # median of the three timed runs
        rows.append([f"cue + compliance + niche + density, 60 s {lang} transcript ({len(pitch)} chars)", f"{cost:.3f}",
                     f"{COST_TARGET_S:.1f}", f"{cost / COST_TARGET_S:.2f}"])
    rows.append(["text model load and first sentence, new process", f"{model_load:.3f}", f"{COST_TARGET_S:.1f}",
                 f"{model_load / COST_TARGET_S:.2f}"])
    rows.append(["lexicon, heads, compliance rules, taxonomy, jieba dictionary (same process)", f"{data_load:.3f}", "-", "-"])
    print(format_table(["cost (s)", "median", "target", "ratio"], rows))


def main() -> int:
    parser = text_benchmark_parser(__doc__.splitlines()[0], "cues_eval.tsv",
                                   "text model name/path (default use-multilingual-v3), or 'none' for the lexicon only")
    parser.add_argument("--real", default=None, help="score labelled real lines of these splits (train,train2,test)")
    parser.add_argument("--timing-only", action="store_true", help="print the cost table only")
    parser.add_argument("--no-timing", action="store_true", help="skip the cost table")
    args = parser.parse_args()
    if not args.timing_only:
        started = time.perf_counter()
        detector = CueDetector(text_model=args.text_model)
        if args.real:
            realdata = realdata_root()
            if realdata is None:
                print("no real-data folder (../shared/realdata or $VIDSCORE_REALDATA); skipped")
                return 0
            rows = read_real(realdata, tuple(args.real.split(",")))
            name = f"labelled real lines, split {args.real}"
        else:
            found = read_rows(Path(args.data), ("lang", "text", "labels"))
            if found is None:
                return 0
            rows, name = found, Path(args.data).name
        guesses, flagged = score_rows(rows, detector, args.errors)
        report(name, rows, guesses, flagged, time.perf_counter() - started)
        if args.real:
            per_source(rows, guesses)
    if not args.no_timing:
        timing(args.text_model)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
