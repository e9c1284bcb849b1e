"""``vidscore rubrics list|show|validate``: the built-in rubrics, one rubric's items, or check rubric files.

    vidscore rubrics list
    vidscore rubrics show default --niche beauty --lang zh
    vidscore rubrics validate my_rubric.yaml
"""

from __future__ import annotations

import argparse

from features.media.errors import ConfigError
from scorer.commands.common import print_table


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("rubrics", help="list, show or validate scoring rubrics")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    actions.add_parser("list", help="built-in rubrics with their size and niche overlays")
    show = actions.add_parser("show", help="the items of one rubric, per dimension")
    show.add_argument("rubric", metavar="NAME|PATH")
    show.add_argument("--niche", metavar="ID", help="apply this niche overlay first")
    show.add_argument("--lang", choices=("en", "zh"), default="en", help="language of reasons and suggestions")
    validate = actions.add_parser("validate", help="check rubric files; exit 2 on the first problem")
    validate.add_argument("paths", nargs="+", metavar="PATH")
    return parser


def run(args: argparse.Namespace) -> int:
    from scorer.rubric import DIMENSIONS
    from scorer.rubric_loader import builtin_rubrics, load_rubric

    if args.action == "list":
        rows = []
        for name in builtin_rubrics():
            rubric = load_rubric(name)
            sizes = " / ".join(str(len(rubric.dimensions[d])) for d in DIMENSIONS)
            rows.append((name, rubric.version, sizes, ", ".join(sorted(rubric.overlays)) or "-", rubric.description))
        print_table(("rubric", "version", "items q/i/p", "niche overlays", "description"), rows)
        return 0
    if args.action == "show":
        rubric = load_rubric(args.rubric)
        if args.niche and args.niche not in rubric.overlays:
            raise ConfigError(f"rubric {rubric.name} has no overlay {args.niche!r}; it has {sorted(rubric.overlays) or 'none'}.")
        rubric = rubric.for_niche(args.niche)
        print(f"{rubric.name} v{rubric.version} ({rubric.source})")
        for dimension in DIMENSIONS:
            items = rubric.dimensions[dimension]
            total = sum(i.weight for i in items if i.direction != "penalty") or 1.0
            print(f"\n{dimension}:")
            rows = []
            for item in items:
                share = "penalty" if item.direction == "penalty" else f"{100 * item.weight / total:.0f}%"
                how = item.direction + (f" {list(item.target)}" if item.target else "")
                text = item.suggestion.get(args.lang) or item.suggestion.get("en", "")
                rows.append((item.signal, f"{item.weight:g}", share, how, f"[{item.low:g}, {item.high:g}]", text))
            print_table(("signal", "weight", "share", "direction", "range", "suggestion when weak"), rows)
        if rubric.compliance:
            print("\ncompliance flag:")
            print_table(("signal", "raised when above", "reason"),
                        [(r.signal, f"{r.above:g}", r.reason.get(args.lang) or r.reason["en"]) for r in rubric.compliance])
        return 0
    for path in args.paths:
        rubric = load_rubric(path)
        count = sum(len(items) for items in rubric.dimensions.values())
        print(f"{path}: ok ({rubric.name} v{rubric.version}, {count} items, {len(rubric.overlays)} niche overlays)")
    return 0
