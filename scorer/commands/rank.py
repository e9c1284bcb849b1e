"""``vidscore rank STORE --by persuasion|quality|immersion|overall``: a shortlist of the best scored videos.

Ranks the current row of each path in a batch results store, optionally only
the videos of one niche (the target niche given when scoring, else the detected
one), and shows each video's top reason: the stored explanation item that raised
the ranked score most (or, when none did, lowered it most).
"""

from __future__ import annotations

import argparse
from typing import Any

from features.media.errors import ConfigError
from scorer.commands.common import print_table
from scorer.rubric import DIMENSIONS

RANK_BY = ("persuasion", "quality", "immersion", "overall")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("rank", help="shortlist the best videos of a batch results store")
    parser.add_argument("store", metavar="STORE", help="results store written by `vidscore batch`")
    parser.add_argument("--by", choices=RANK_BY, default="overall",
                        help="score to rank by (overall: mean of the three; default %(default)s)")
    parser.add_argument("--niche", metavar="ID", help="only videos of this niche (target niche, else detected)")
    parser.add_argument("--top", type=int, default=10, metavar="K", help="how many videos to list (default %(default)s)")
    return parser


def top_reason(result: dict[str, Any], by: str) -> str:
    """'+12.3 reason' for the item that raised the ``by`` score most (else lowered it most; '' when none)."""
    dimensions = DIMENSIONS if by == "overall" else (by,)
    items = [
        item
        for d in dimensions
        for item in result.get("explanations", {}).get(d, [])
        if item.get("signal") not in ("baseline", "clip") and item.get("value") is not None
    ]
    if not items:
        return ""
    raising = [item for item in items if item["contribution"] > 0]
    best = max(raising or items, key=lambda item: abs(item["contribution"]))
    return f"{best['contribution']:+.1f} {best['reason']}"


def ranked(videos: list[Any], by: str, niche: str | None, top: int) -> list[tuple[float, Any]]:
    """(score, video) of the ``top`` best scored videos, best first; ties keep path order."""
    chosen = []
    for video in videos:
        if video.status != "scored":
            continue
        if niche and (video.target_niche or video.detected_niche) != niche:
            continue
        score = video.overall if by == "overall" else getattr(video, by)
        if score is not None:
            chosen.append((score, video))
    chosen.sort(key=lambda pair: -pair[0])
    return chosen[:top]


def run(args: argparse.Namespace) -> int:
    from scorer.store import ResultStore

    if args.top < 1:
        raise ConfigError(f"--top must be at least 1, got {args.top}.")
    with ResultStore(args.store, create=False) as store:
        videos = list(store.rows(status="scored"))
    rows = [
        (
            rank,
            f"{score:.1f}",
            f"{v.quality:.0f}/{v.immersion:.0f}/{v.persuasion:.0f}",
            v.target_niche or v.detected_niche or "-",
            "-" if v.compliance_flag is None else ("RISK" if v.compliance_flag else "ok"),
            v.path,
            top_reason(v.result or {}, args.by),
        )
        for rank, (score, v) in enumerate(ranked(videos, args.by, args.niche, args.top), start=1)
    ]
    if not rows:
        where = f" in niche {args.niche!r}" if args.niche else ""
        print(f"no scored videos{where} in {args.store}")
        return 0
    print_table(("#", args.by, "Q/I/P", "niche", "compliance", "path", "top reason"), rows)
    return 0
