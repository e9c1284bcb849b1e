"""YAML parsing for rubrics and extractor data files: libyaml's C parser when PyYAML has it.

The lexicons, taxonomies and rubrics are parsed on every cold ``vidscore score``;
the C ``CSafeLoader`` reads them about ten times faster than the pure-Python
``SafeLoader`` and accepts exactly the same (safe) documents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import yaml

from features.media.errors import ConfigError

T = TypeVar("T")

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """The document in ``text`` as plain Python objects (safe subset; ``yaml.YAMLError`` when malformed)."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader


def parse_data_file(raw: str, source: str, build: Callable[[Any], T]) -> T:
    """``build`` applied to the YAML document in ``raw`` (``{}`` when empty); a ConfigError naming ``source``
    when the YAML is malformed or ``build`` rejects it with a ValueError, so the CLI reports one line."""
    try:
        return build(load_yaml(raw) or {})
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML ({str(exc).splitlines()[0]}).") from None
    except ValueError as exc:
        raise ConfigError(f"{source}: {exc}") from None


def word_list(values: Any, where: str) -> list[str]:
    """``values`` (a YAML list of words or phrases) as strings; ValueError naming ``where`` for anything else.

    Unquoted ``no``, ``yes``, ``on`` and ``off`` are booleans in YAML, so a word list that holds one would
    silently lose that word; numbers are accepted and kept as written.
    """
    out: list[str] = []
    for value in values or []:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValueError(f"{where}: {value!r} is not a word; quote it (YAML reads unquoted no/yes/on/off as true/false)")
        out.append(str(value))
    return out
