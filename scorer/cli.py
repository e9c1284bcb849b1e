"""The ``vidscore`` command line (click).

Each command lives in its own module under ``scorer/commands`` and exposes one
click command named ``command``; :data:`COMMANDS` lists them, and a module is
imported only when its command runs (or when ``--help`` lists them all).

Exit status: 0 when everything asked for succeeded, 1 when some inputs failed
(each failure printed as one ``vidscore: error:`` line on stderr), 2 for usage
and configuration errors, 130 when interrupted.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click

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
    "report",
    "serve",
    "script",
    "transcribe",
    "calibrate",
    "rubrics",
)


class LazyGroup(click.Group):
    """The top-level group: loads ``scorer.commands.<name>.command`` on demand, in :data:`COMMANDS` order."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        command = importlib.import_module(f"scorer.commands.{cmd_name}").command
        assert isinstance(command, click.Command)
        return command


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
    epilog="Run 'vidscore COMMAND --help' for a command's options and examples.",
)
@click.option("--debug", is_flag=True, help="show tracebacks of internal errors")
@click.version_option(package_name="vidscore", prog_name="vidscore")
def cli(debug: bool) -> None:
    """Score short e-commerce videos for quality, immersion and persuasion (0-100) with explanations."""


def _usage_hint(exc: click.UsageError) -> str:
    path = exc.ctx.command_path if exc.ctx is not None else "vidscore"
    return f" (see '{path} --help')"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``) and return the exit status."""
    try:
        result: Any = cli.main(args=list(argv) if argv is not None else None, prog_name="vidscore",
                               standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:  # 'vidscore' or 'vidscore rubrics' alone: show the help
        print(exc.ctx.get_help() if exc.ctx is not None else exc.format_message(), file=sys.stderr)
        return EXIT_USAGE
    except click.UsageError as exc:
        print(f"vidscore: error: {exc.format_message()}{_usage_hint(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except click.ClickException as exc:
        print(f"vidscore: error: {exc.format_message()}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        print(f"vidscore: error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except VidscoreError as exc:
        print(f"vidscore: error: {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    except (click.Abort, KeyboardInterrupt):
        print("vidscore: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
