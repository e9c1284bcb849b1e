"""The ``vidscore`` command line.

Each command lives in its own module under ``scorer/commands`` with two
functions, ``register(subparsers)`` and ``run(args) -> int``; ``COMMANDS`` lists
them. Exit status: 0 when everything asked for succeeded, 1 when some inputs
failed (each failure printed as one line on stderr), 2 for usage errors, 130
when interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from features.media.errors import ConfigError, VidscoreError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

COMMANDS = (
    "score",
    "probe",
    "features",
    "demo",
    "batch",
    "export",
    "rank",
    "transcribe",
    "calibrate",
    "rubrics",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vidscore",
        description="Score short e-commerce videos for quality, immersion and persuasion (0-100) with explanations.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"scorer.commands.{name}")
        sub = module.register(subparsers)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args))
    except ConfigError as exc:
        print(f"vidscore: error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except VidscoreError as exc:
        print(f"vidscore: error: {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("vidscore: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
