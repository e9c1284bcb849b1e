"""Transcript repair from burned-in captions: where a subtitle says what is being said, its words win.

Whisper writes homophones (红变网络 for 红遍网络, 断子 for 段子) that the creator's
own subtitles get right. For every caption-position text (see
:func:`features.screen_text.is_caption`) whose characters (Chinese) or words
(English) match what was heard while it was up (:func:`features.caption_sync.similarity`
≥ :data:`REPAIR_MIN`), the two are aligned and each short substitution — the same
number of characters or words on both sides, at most :data:`MAX_SUBSTITUTION` long,
between stretches that agree — replaces the heard text in the transcript. Nothing
is inserted or deleted, so timing stays the recogniser's; captions that do not
track the speech change nothing. Cue detection and the other text extractors read
the repaired words (:func:`features.text_sources.collect`); the recogniser's own
words stay in the result's transcript, and each change is reported.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass

from features.asr_backends import to_simplified
from features.base import Event, Extractor, ExtractorOutput, Input, ScreenText, SignalSpec, Transcript, TranscriptSegment, VideoContext
from features.caption_sync import heard_during, similarity, split_on, timed_words
from features.screen_text import is_caption
from features.text_sources import TextSources, collect, english_words, has_cjk

REPAIR_MIN = 0.6       # caption/heard similarity from which a caption is trusted to correct the words
MAX_SUBSTITUTION = 3   # longest substitution taken from a caption (characters for Chinese, words for English)
MIN_CONTEXT = 2        # agreeing characters (or words) needed on at least one side of a substitution
SPELLING_MIN = 0.6     # English: a heard word is replaced only by a caption word spelt alike (lick -> link)


@dataclass(frozen=True)
class Repair:
    """One substitution: ``heard`` (as the recogniser wrote it) → ``caption`` text, at ``start_s``-``end_s``."""

    heard: str
    caption: str
    start_s: float
    end_s: float


def _units(text: str, chinese: bool, vocabulary: set[str] | None = None) -> list[str]:
    """Characters (Chinese) or words (English; run-together caption words cut on ``vocabulary``)."""
    if chinese:
        return [ch for ch in to_simplified(text) if ch.isalnum()]
    words = english_words(text)
    if vocabulary is None:
        return words
    out: list[str] = []
    for word in words:
        pieces = None if word in vocabulary else split_on(word, vocabulary)
        out += pieces or [word]
    return out


def _alike(heard: str, caption: str) -> bool:
    """English substitutions must look alike (a mis-heard word, not a paraphrase): spelling ratio >= 0.6."""
    return difflib.SequenceMatcher(a=heard, b=caption).ratio() >= SPELLING_MIN


def substitutions(caption: str, heard: str) -> list[tuple[str, str, str]]:
    """(heard, caption, left context) of short equal-length substitutions between agreeing stretches."""
    chinese = has_cjk(caption)
    a = _units(heard, chinese)
    b = _units(caption, chinese, None if chinese else set(a))
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    blocks = matcher.get_opcodes()
    pairs = []
    joiner = "" if chinese else " "
    for n, (tag, i1, i2, j1, j2) in enumerate(blocks):
        if tag != "replace" or j2 - j1 > MAX_SUBSTITUTION:
            continue
        if i2 - i1 != j2 - j1:
            # The heard window runs past the caption's edges (it is widened for OCR lag): at the caption's
            # end (or start) only the first (or last) heard units face the caption's.
            if j2 == len(b) and i2 - i1 > j2 - j1:
                i2 = i1 + (j2 - j1)
            elif j1 == 0 and i2 - i1 > j2 - j1:
                i1 = i2 - (j2 - j1)
            else:
                continue
        before = blocks[n - 1] if n > 0 else None
        after = blocks[n + 1] if n + 1 < len(blocks) else None
        context = max((before[2] - before[1]) if before and before[0] == "equal" else 0,
                      (after[2] - after[1]) if after and after[0] == "equal" else 0)
        if not chinese and not all(_alike(x, y) for x, y in zip(a[i1:i2], b[j1:j2])):
            continue
        if context >= MIN_CONTEXT:
            left = joiner.join(a[max(0, i1 - MIN_CONTEXT):i1]) if before and before[0] == "equal" else ""
            pairs.append((joiner.join(a[i1:i2]), joiner.join(b[j1:j2]), left))
    return pairs


def _replace_in(segment: TranscriptSegment, heard: str, caption: str, left: str, chinese: bool) -> TranscriptSegment | None:
    """``segment`` with ``heard`` replaced by ``caption`` where it is found exactly once: after its left context
    ``left`` when given, else on its own; None when the place is not certain."""
    text = to_simplified(segment.text) if chinese else segment.text
    if chinese:
        if left and text.count(left + heard) == 1:
            heard, caption = left + heard, left + caption
        elif text.count(heard) != 1:
            return None
        words = tuple((s, e, to_simplified(w)) for s, e, w in segment.words)
        return dataclasses.replace(segment, text=text.replace(heard, caption), words=_fix_words(words, heard, caption))
    lowered = text.lower()
    if left and lowered.count(f"{left} {heard}") == 1:
        at = lowered.index(f"{left} {heard}") + len(left) + 1
    elif lowered.count(heard) == 1:
        at = lowered.index(heard)
    else:
        return None
    new_text = text[:at] + caption + text[at + len(heard):]
    return dataclasses.replace(segment, text=new_text)


def _fix_words(words: tuple[tuple[float, float, str], ...], heard: str, caption: str) -> tuple[tuple[float, float, str], ...]:
    """Word timings kept; the characters of ``heard`` inside them swapped for ``caption``'s, one for one."""
    joined = "".join(w for _, _, w in words)
    at = joined.find(heard)
    if at < 0:
        return words
    out, pos = [], 0
    for start, end, word in words:
        chars = list(word)
        for k in range(len(chars)):
            if at <= pos + k < at + len(heard) and chars[k] == heard[pos + k - at]:
                chars[k] = caption[pos + k - at]
        out.append((start, end, "".join(chars)))
        pos += len(word)
    return tuple(out)


def repair_transcript(transcript: Transcript, screen_text: list[ScreenText]) -> tuple[Transcript, list[Repair]]:
    """``transcript`` with the substitutions the tracking captions make, and the list of them."""
    words = timed_words(transcript)
    segments = list(transcript.segments)
    repairs: list[Repair] = []
    for caption in screen_text:
        if not is_caption(caption.box, caption.end_s - caption.start_s):
            continue
        heard = heard_during(words, caption)
        score = similarity(caption.text, heard) if heard else None
        if score is None or score < REPAIR_MIN:
            continue
        chinese = has_cjk(caption.text)
        for wrong, right, left in substitutions(caption.text, heard):
            for n, segment in enumerate(segments):
                if segment.end_s < caption.start_s - 3.0 or segment.start_s > caption.end_s + 1.0:
                    continue
                fixed = _replace_in(segment, wrong, right, left, chinese)
                if fixed is not None:
                    segments[n] = fixed
                    repairs.append(Repair(wrong, right, caption.start_s, caption.end_s))
                    break
    if not repairs:
        return transcript, []
    text = ("" if transcript.language == "zh" else " ").join(s.text for s in segments)
    return dataclasses.replace(transcript, segments=tuple(segments), text=text), repairs


def collect_text(context: VideoContext) -> TextSources:
    """:func:`features.text_sources.collect` with the speech repaired by the captions (when they track it)."""
    if context.transcript is not None and context.screen_text:
        repaired, repairs = repair_transcript(context.transcript, list(context.screen_text))
        if repairs:
            context = dataclasses.replace(context, transcript=repaired)
    return collect(context)


class TranscriptRepairExtractor(Extractor):
    """Reports the words the tracking captions correct (the text extractors apply them via :func:`collect_text`)."""

    name = "transcript_repair"
    version = "1"
    inputs = frozenset({Input.TRANSCRIPT, Input.SCREEN_TEXT})
    signals = (
        SignalSpec("caption_repairs", "count", "Recognised words corrected by subtitles that track the speech "
                   "(homophones such as 红变→红遍); 0 without tracking subtitles", 0.0, 10000.0),
    )

    def finish(self, context: VideoContext) -> ExtractorOutput:
        assert context.transcript is not None and context.screen_text is not None
        _, repairs = repair_transcript(context.transcript, list(context.screen_text))
        events = [Event("asr_repair", r.start_s, r.end_s, {"heard": r.heard, "text": r.caption}) for r in repairs]
        return ExtractorOutput(signals={"caption_repairs": float(len(repairs))}, events=events)
