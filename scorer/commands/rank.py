"""``vidscore rank STORE --by persuasion|quality|immersion|overall``: a shortlist of the best scored videos.

Ranks the current row of each path in a batch results store, optionally only
the videos of one niche (the target niche given when scoring, else the detected
one), and shows each video's top reason: the stored explanation item that raised
the ranked score most (or, when none did, lowered it most).
"""

from __future__ import annotations

from typing import Any

import click

from scorer.commands.common import examples, print_table
from scorer.explain import top_reason

RANK_BY = ("persuasion", "quality", "immersion", "overall")


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


@click.command("rank", short_help="shortlist the best videos of a batch results store", epilog=examples(
    "vidscore rank results.db",
    "vidscore rank results.db --by persuasion --niche beauty --top 5",
))
@click.argument("store", metavar="STORE")
@click.option("--by", type=click.Choice(RANK_BY), default="overall", show_default=True,
              help="score to rank by (overall: mean of the three)")
@click.option("--niche", metavar="ID", help="only videos of this niche (target niche, else detected)")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, metavar="K",
              help="how many videos to list")
def command(store: str, by: str, niche: str | None, top: int) -> int:
    """Rank the scored videos of STORE (written by 'vidscore batch': an SQLite file or a postgresql:// URL) and
    show each one's top reason."""
    from scorer.stores import open_store, shown

    with open_store(store, create=False) as results:
        videos = list(results.rows(status="scored"))
    rows = [
        (
            rank,
            f"{score:.1f}",
            f"{v.quality:.0f}/{v.immersion:.0f}/{v.persuasion:.0f}",
            v.target_niche or v.detected_niche or "-",
            "-" if v.compliance_flag is None else ("RISK" if v.compliance_flag else "ok"),
            v.path,
            top_reason(v.result or {}, by),
        )
        for rank, (score, v) in enumerate(ranked(videos, by, niche, top), start=1)
    ]
    if not rows:
        where = f" in niche {niche!r}" if niche else ""
        print(f"no scored videos{where} in {shown(store)}")
        return 0
    print_table(("#", by, "Q/I/P", "niche", "compliance", "path", "top reason"), rows)
    return 0
