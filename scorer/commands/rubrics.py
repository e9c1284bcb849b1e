"""``vidscore rubrics list|show|validate``: the built-in rubrics, one rubric's items, or check rubric files.

    vidscore rubrics list
    vidscore rubrics show default --niche beauty --lang zh
    vidscore rubrics validate my_rubric.yaml
"""

from __future__ import annotations

import click

from features.media.errors import ConfigError
from scorer.commands.common import LANG_CHOICES, examples, print_table


@click.group("rubrics", short_help="list, show or validate scoring rubrics", epilog=examples(
    "vidscore rubrics list",
    "vidscore rubrics show default --niche beauty --lang zh",
    "vidscore rubrics validate my_rubric.yaml",
))
def command() -> None:
    """The built-in rubrics, one rubric's items per dimension, or a check of rubric files."""


@command.command("list", epilog=examples("vidscore rubrics list"))
def list_rubrics() -> int:
    """Built-in rubrics with their version, size and niche overlays."""
    from scorer.rubric import DIMENSIONS
    from scorer.rubric_loader import builtin_rubrics
    from scorer.scorers import registered_rubric

    rows = []
    for name in builtin_rubrics():
        rubric = registered_rubric(name)
        sizes = " / ".join(str(len(rubric.dimensions[d])) for d in DIMENSIONS)
        rows.append((name, rubric.version, sizes, ", ".join(sorted(rubric.overlays)) or "-", rubric.description))
    print_table(("rubric", "version", "items q/i/p", "niche overlays", "description"), rows)
    return 0


@command.command("show", epilog=examples("vidscore rubrics show default", "vidscore rubrics show my_rubric.yaml --niche food --lang zh"))
@click.argument("rubric_name", metavar="NAME|PATH")
@click.option("--niche", metavar="ID", help="apply this niche overlay first")
@click.option("--lang", type=LANG_CHOICES, default="en", show_default=True, help="language of reasons and suggestions")
def show(rubric_name: str, niche: str | None, lang: str) -> int:
    """The items of one rubric per dimension: weight, share, direction, range and suggestion."""
    from scorer.rubric import DIMENSIONS
    from scorer.scorers import registered_rubric

    rubric = registered_rubric(rubric_name)
    if niche and niche not in rubric.overlays:
        raise ConfigError(f"rubric {rubric.name} has no overlay {niche!r}; it has {sorted(rubric.overlays) or 'none'}.")
    rubric = rubric.for_niche(niche)
    print(f"{rubric.name} v{rubric.version} ({rubric.source})")
    for dimension in DIMENSIONS:
        items = rubric.dimensions[dimension]
        total = sum(i.weight for i in items if i.direction != "penalty") or 1.0
        print(f"\n{dimension}:")
        rows = []
        for item in items:
            share = "penalty" if item.direction == "penalty" else f"{100 * item.weight / total:.0f}%"
            how = item.direction + (f" {list(item.target)}" if item.target else "")
            text = item.suggestion.get(lang) or item.suggestion.get("en", "")
            rows.append((item.signal, f"{item.weight:g}", share, how, f"[{item.low:g}, {item.high:g}]", text))
        print_table(("signal", "weight", "share", "direction", "range", "suggestion when weak"), rows)
    if rubric.compliance:
        print("\ncompliance flag:")
        print_table(("signal", "raised when above", "reason"),
                    [(r.signal, f"{r.above:g}", r.reason.get(lang) or r.reason["en"]) for r in rubric.compliance])
    return 0


@command.command("validate", epilog=examples("vidscore rubrics validate my_rubric.yaml other.yaml"))
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
def validate(paths: tuple[str, ...]) -> int:
    """Check rubric files; exit 2 with one line naming the first problem."""
    from scorer.scorers import registered_rubric

    for path in paths:
        rubric = registered_rubric(path)
        count = sum(len(items) for items in rubric.dimensions.values())
        print(f"{path}: ok ({rubric.name} v{rubric.version}, {count} items, {len(rubric.overlays)} niche overlays)")
    return 0
