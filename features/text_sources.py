"""The three text sources of a video, kept distinct: speech, on-screen text and metadata.

Used by the language extractors (cues, information density, emotional tone,
niche) behind ``vidscore score``. ``speech`` spans are the timed transcript
segments, ``screen`` spans the timed OCR spans, ``metadata`` spans the title,
description, hashtags and product text (untimed). Metadata comes from the
command line (``--title``, ``--product``) and from a sidecar file next to the
video: ``clip.json`` / ``clip.mp4.json`` (keys title, description, hashtags),
``clip.csv`` (a header row with those columns; the row whose ``id`` matches the
file stem, else the first) or ``clip.txt`` (first line title, the rest
description; ``#tags`` become hashtags). Command-line values win over the sidecar.
"""

from __future__ import annotations

import csv
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from features.base import VideoContext

SOURCES = ("speech", "screen", "metadata")
METADATA_FIELDS = ("title", "description", "hashtags", "product")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_HASHTAG = re.compile(r"#([^\s#]+)")
_SENTENCE_END = re.compile(r"[。！？!?；;\n…]+|(?<!\bNo)(?<!\bno)\.+(?=\s|$)")
_EN_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_JIEBA_LOCK = threading.Lock()


@dataclass(frozen=True)
class TextSpan:
    """One piece of text: ``source`` is speech|screen|metadata, times in s (None for metadata)."""

    text: str
    source: str
    start_s: float | None = None
    end_s: float | None = None
    field: str = ""  # metadata field name (title, description, hashtags, product); "" otherwise


@dataclass(frozen=True)
class TextSources:
    """All text of one video, by source, plus the total duration of speech segments (s)."""

    speech: tuple[TextSpan, ...]
    screen: tuple[TextSpan, ...]
    metadata: tuple[TextSpan, ...]
    speech_duration_s: float

    def spans(self, include_product: bool = True) -> list[TextSpan]:
        """Every span, speech then screen then metadata; ``include_product=False`` drops the target product text."""
        meta = [s for s in self.metadata if include_product or s.field != "product"]
        return [*self.speech, *self.screen, *meta]

    def text(self, include_product: bool = True) -> str:
        """All text joined by newlines."""
        return "\n".join(span.text for span in self.spans(include_product))


def text_language(text: str) -> str:
    """"zh" or "en" for ``text`` by script: one CJK character weighs about three Latin letters."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return "zh" if cjk > 0 and cjk * 3 >= latin else "en"


def has_cjk(text: str) -> bool:
    """True when ``text`` contains at least one CJK ideograph."""
    return _CJK.search(text) is not None


def collect(context: VideoContext) -> TextSources:
    """Gather speech, screen and metadata spans of the video in ``context`` (empty tuples when absent)."""
    speech: list[TextSpan] = []
    duration = 0.0
    if context.transcript is not None:
        for seg in context.transcript.segments:
            if seg.text.strip():
                speech.append(TextSpan(seg.text.strip(), "speech", seg.start_s, seg.end_s))
                duration += max(0.0, seg.end_s - seg.start_s)
    screen = [
        TextSpan(s.text.strip(), "screen", s.start_s, s.end_s)
        for s in (context.screen_text or [])
        if s.text.strip()
    ]
    fields = read_sidecar(Path(context.info.path)) if context.info is not None else {}
    for key in METADATA_FIELDS:
        value = context.metadata.get(key)
        if value:
            fields[key] = _as_text(value)
    if "hashtags" not in fields:
        tags = [t for key in ("title", "description") for t in _HASHTAG.findall(fields.get(key, ""))]
        if tags:
            fields["hashtags"] = " ".join(tags)
    metadata = [TextSpan(fields[key], "metadata", None, None, key) for key in METADATA_FIELDS if fields.get(key)]
    return TextSources(tuple(speech), tuple(screen), tuple(metadata), duration)


def read_sidecar(video: Path) -> dict[str, str]:
    """Title/description/hashtags from ``<video>.json|.csv|.txt`` next to ``video``; {} when there is none."""
    candidates = [video.with_suffix(ext) for ext in (".json", ".csv", ".txt")]
    candidates += [video.with_name(video.name + ext) for ext in (".json", ".csv", ".txt")]
    for path in candidates:
        if path == video or not path.is_file():
            continue
        try:
            raw = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        if path.suffix == ".json":
            fields = _from_json(raw)
        elif path.suffix == ".csv":
            fields = _from_csv(raw, video.stem)
        else:
            fields = _from_txt(raw)
        return {k: v for k, v in fields.items() if v}
    return {}


def _as_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(str(v).strip().lstrip("#") for v in value if str(v).strip())
    return str(value).strip()


def _from_json(raw: str) -> dict[str, str]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    if not isinstance(data, dict):
        return {}
    lowered = {str(k).lower(): v for k, v in data.items()}
    return {key: _as_text(lowered[key]) for key in ("title", "description", "hashtags") if lowered.get(key)}


def _from_csv(raw: str, stem: str) -> dict[str, str]:
    rows = list(csv.DictReader(raw.splitlines()))
    if not rows:
        return {}
    rows = [{str(k).strip().lower(): (v or "") for k, v in row.items() if k} for row in rows]
    chosen = next((r for r in rows if r.get("id", "").strip() == stem), rows[0])
    return {key: chosen.get(key, "").strip() for key in ("title", "description", "hashtags")}


def _from_txt(raw: str) -> dict[str, str]:
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    if not lines:
        return {}
    return {"title": lines[0], "description": " ".join(lines[1:])}


@dataclass(frozen=True)
class Sentence:
    """One sentence of a span, its source, time span (s, interpolated by character position) and language."""

    text: str
    source: str
    start_s: float | None
    end_s: float | None
    language: str
    field: str = ""


def sentences(span: TextSpan) -> list[Sentence]:
    """Split ``span`` at sentence-final punctuation; times interpolate linearly over characters."""
    text = span.text
    pieces: list[tuple[int, int]] = []
    begin = 0
    for mark in _SENTENCE_END.finditer(text):
        pieces.append((begin, mark.end()))
        begin = mark.end()
    pieces.append((begin, len(text)))
    out: list[Sentence] = []
    for a, b in pieces:
        piece = text[a:b]
        stripped = piece.strip()
        if not stripped or not any(ch.isalnum() for ch in stripped):
            continue
        a += len(piece) - len(piece.lstrip())
        b = a + len(stripped)
        start, end = _interpolate(span, a, b, len(text))
        out.append(Sentence(stripped, span.source, start, end, text_language(stripped), span.field))
    return out


def _interpolate(span: TextSpan, a: int, b: int, total: int) -> tuple[float | None, float | None]:
    if span.start_s is None or span.end_s is None or total == 0:
        return span.start_s, span.end_s
    length = span.end_s - span.start_s
    return span.start_s + length * a / total, span.start_s + length * b / total


def all_sentences(spans: Iterable[TextSpan]) -> list[Sentence]:
    """Sentences of every span, in order."""
    return [sentence for span in spans for sentence in sentences(span)]


def english_words(text: str) -> list[str]:
    """Lower-cased English words and numbers of ``text`` (apostrophe forms kept: "don't")."""
    return _EN_WORD.findall(text.lower().replace("’", "'"))


@lru_cache(maxsize=8)
def zh_tokenizer(extra_words: tuple[str, ...] = ()) -> Any:
    """A private jieba tokenizer (global jieba state untouched) that also knows ``extra_words``; cached."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    with _JIEBA_LOCK:
        tokenizer.initialize()
        for word in extra_words:
            tokenizer.add_word(word)
    return tokenizer


def zh_tokens(text: str, extra_words: tuple[str, ...] = ()) -> list[tuple[str, int, int]]:
    """jieba tokens of ``text`` as (token, start, end) character offsets; whitespace dropped."""
    tokenizer = zh_tokenizer(extra_words)
    with _JIEBA_LOCK:
        raw = list(tokenizer.tokenize(text, HMM=False))
    return [(tok, a, b) for tok, a, b in raw if tok.strip()]
