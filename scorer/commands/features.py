"""``vidscore features``: list every registered signal with its unit, range and meaning."""

from __future__ import annotations

import click

from scorer.commands.common import examples, print_table


@click.command("features", short_help="list every signal with its unit and meaning", epilog=examples(
    "vidscore features",
    "vidscore features | grep hook",
))
def command() -> int:
    """List every signal the extractors measure: name, unit, range, extractor and meaning."""
    from features.registry import signal_specs

    rows = [
        (spec.name, spec.unit, f"[{spec.low:g}, {spec.high:g}]", extractor, spec.description)
        for extractor, spec in signal_specs()
    ]
    print_table(("signal", "unit", "range", "extractor", "meaning"), rows)
    return 0
