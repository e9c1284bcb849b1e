"""``vidscore script FILE|-``: check a script (口播文案, 直播话术, ad copy) line by line before filming."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from typing import Any, TextIO

import click

from features.media.errors import ConfigError
from scorer.commands.common import FORMAT_CHOICES, examples

BINARY_SNIFF_BYTES = 8192


@click.command("script", short_help="check a script line by line: cues and ad-law compliance", epilog=examples(
    "vidscore script pitch.txt",
    "vidscore script live_script.txt --format json --out checked.json",
    "echo '全网最低价，今天下单再送小样' | vidscore script -",
))
@click.argument("file", metavar="FILE|-")
@click.option("--format", "fmt", type=FORMAT_CHOICES, default="table", show_default=True,
              help="table, or json: a list in input order of {text, lang, cues, compliance}")
@click.option("--out", metavar="PATH", help="write the output to PATH instead of stdout")
@click.option("--text-model", metavar="NAME|PATH", help="text model for the cue heads, as in 'vidscore score' "
              "('none': lexicon and rules only)")
def command(file: str, fmt: str, out: str | None, text_model: str | None) -> int:
    """One result per non-empty line of FILE (UTF-8 text; '-' reads stdin): the persuasion cues it carries
    and the advertising-law risks with a compliant rewrite for each flagged phrase.

    The detectors are the ones 'vidscore score' uses on transcripts and captions.
    A long script is read and written line by line.
    """
    from features.script_analysis import line_analyser

    analyser = line_analyser(text_model)
    results = (dict(text=line, **analyser.analyse(line)) for line in _lines(file))
    if out:
        from pathlib import Path

        tmp = Path(f"{out}.tmp")
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        try:
            with tmp.open("w", encoding="utf-8") as handle:
                count = _write(results, fmt, handle)
            if count:
                tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
    else:
        count = _write(results, fmt, sys.stdout)
    if count == 0:
        raise ConfigError(f"{file}: has no non-empty line to check.")
    return 0


def _lines(file: str) -> Iterator[str]:
    """Non-empty lines of ``file`` (or stdin), stripped; ConfigError for missing, binary or non-UTF-8 input."""
    if file == "-":
        stream: Any = sys.stdin.buffer
        name = "stdin"
    else:
        try:
            stream = open(file, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise ConfigError(f"{file}: no such file.") from None
        except IsADirectoryError:
            raise ConfigError(f"{file}: is a directory, not a text file.") from None
        except OSError as exc:
            raise ConfigError(f"{file}: cannot be read ({exc.strerror}).") from None
        name = file
    try:
        head = stream.read(BINARY_SNIFF_BYTES)
        if b"\x00" in head:
            raise ConfigError(f"{name}: is a binary file, not UTF-8 text.")
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        reader = io.TextIOWrapper(io.BufferedReader(_Prefixed(head, stream)), encoding="utf-8", errors="strict", newline=None)
        number = 0
        try:
            for number, raw in enumerate(reader, start=1):  # noqa: B007 - number names the bad line below
                line = raw.strip()
                if line:
                    yield line
        except UnicodeDecodeError:
            raise ConfigError(f"{name}: is not UTF-8 text (line {number + 1}); save it as UTF-8.") from None
    finally:
        if file != "-":
            stream.close()


class _Prefixed(io.RawIOBase):
    """``head`` bytes already read, then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: Any) -> None:
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _write(results: Iterator[dict[str, Any]], fmt: str, handle: TextIO) -> int:
    """Stream ``results`` to ``handle`` as a JSON array or a table, one line at a time; the count written."""
    count = 0
    if fmt == "json":
        for result in results:
            handle.write(("[\n" if count == 0 else ",\n") + json.dumps(result, ensure_ascii=False))
            count += 1
        handle.write("\n]\n" if count else "")
        return count
    for result in results:
        if count == 0:
            handle.write("line  risk  cues / compliance\n")
        count += 1
        cues = ", ".join(f"{c['type']}: {c['text']}" for c in result["cues"]) or "-"
        risk = "RISK" if result["compliance"]["risk"] else "ok"
        handle.write(f"{count:<5} {risk:<5} {result['text']}\n{'':11} cues: {cues}\n")
        for reason in result["compliance"]["reasons"]:
            handle.write(f"{'':11} {reason.get('category', '')}: \u201c{reason.get('text', '')}\u201d -> "
                         f"\u201c{reason.get('rewrite', '')}\u201d\n")
    return count
