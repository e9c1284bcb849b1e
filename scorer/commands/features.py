"""``vidscore features``: list every registered signal with its unit, range and meaning."""

from __future__ import annotations

import argparse

from scorer.commands.common import print_table


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    return subparsers.add_parser("features", help="list every signal with its unit and meaning")


def run(args: argparse.Namespace) -> int:
    from features.registry import signal_specs

    rows = [
        (spec.name, spec.unit, f"[{spec.low:g}, {spec.high:g}]", extractor, spec.description)
        for extractor, spec in signal_specs()
    ]
    print_table(("signal", "unit", "range", "extractor", "meaning"), rows)
    return 0
