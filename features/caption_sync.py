"""Caption sync: do the subtitles follow the voice? (exposed by ``vidscore score``).

:class:`CaptionSyncExtractor` compares the timed transcript (``features.speech``)
with the subtitles read by OCR (``features.screen_text``: caption-position text
shown at most 10 s). It measures how much of the speech time has a subtitle on
screen and how many subtitles say what is being said around them: Chinese by
characters (traditional folded to simplified, punctuation and spaces dropped),
English by words (words run together by OCR are split on the heard words).
Subtitles shown while nobody speaks are not compared. Without speech the
signals are null and a ``caption_sync`` event gives the reason; every compared
subtitle becomes a ``caption_match`` or ``caption_mismatch`` event.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from features.asr_backends import to_simplified
from features.base import Event, Extractor, ExtractorOutput, Input, ScreenText, SignalSpec, Transcript, VideoContext
from features.screen_text import SAMPLE_EVERY_S, is_caption
from features.spans import merge_spans, overlap_length
from features.speech import word_spans
from features.text_sources import english_words, has_cjk

MIN_SPEECH_S = 1.0  # less speech than this (s) is too little to judge subtitles by
MATCH_MIN = 0.5  # a subtitle matches when at least this share of its characters/words was heard
TRACK_OVERLAP_MIN = 0.5  # captions_track_speech: subtitles on screen for at least this share of speech time...
TRACK_MATCH_MIN = 0.5  # ...and at least this share of the compared subtitles match
OCR_LAG_S = SAMPLE_EVERY_S / 2  # OCR sees a subtitle on average this long after it appears and disappears
HEARD_BEFORE_S = SAMPLE_EVERY_S + 0.5  # speech this long before a subtitle was first seen belongs to it...
HEARD_AFTER_S = 0.5  # ...and this long after it was last seen
_WORD_GAP_S = 0.3  # gaps between words shorter than this (s) count as speech time
_UNIT = re.compile(r"[\u3400-\u9fff]|[^\s\u3400-\u9fff]+")  # a Chinese character or a run of other text

def normalised(text: str) -> str:
    """Lower-cased simplified-Chinese form of ``text`` without punctuation, symbols or spaces (NFKC first)."""
    folded = to_simplified(unicodedata.normalize("NFKC", text)).lower()
    return "".join(ch for ch in folded if ch.isalnum())


def char_recall(caption: str, heard: str) -> float | None:
    """Share (0-1) of the caption's characters found, in order, in ``heard``; None when it has none."""
    wanted, said = normalised(caption), normalised(heard)
    if not wanted:
        return None
    blocks = difflib.SequenceMatcher(None, wanted, said, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) / len(wanted)


def split_on(word: str, vocabulary: set[str]) -> list[str] | None:
    """``word`` cut into words of ``vocabulary`` (fewest pieces), or None when it cannot be."""
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(end):
            head, current = best[start], best[end]
            if head is not None and word[start:end] in vocabulary and (current is None or len(head) + 1 < len(current)):
                best[end] = [*head, word[start:end]]
    return best[-1]


def word_recall(caption: str, heard: str) -> float | None:
    """Share (0-1) of the caption's English words that were heard; None when it has no words."""
    wanted = english_words(caption)
    if not wanted:
        return None
    vocabulary = set(english_words(heard))
    found = total = 0
    for word in wanted:
        pieces = [word] if word in vocabulary else split_on(word, vocabulary)
        total += len(pieces) if pieces else 1
        found += len(pieces) if pieces else 0
    return found / total


def similarity(caption: str, heard: str) -> float | None:
    """How much (0-1) of a subtitle was heard: characters for Chinese text, words otherwise; None if empty."""
    return char_recall(caption, heard) if has_cjk(caption) else word_recall(caption, heard)


def timed_words(transcript: Transcript) -> list[tuple[float, float, str]]:
    """(start s, end s, text) of every recognised word; a segment without word timing is spread evenly."""
    words: list[tuple[float, float, str]] = []
    for segment in transcript.segments:
        if segment.words:
            words.extend(segment.words)
            continue
        units = _UNIT.findall(segment.text)
        step = max(segment.end_s - segment.start_s, 0.0) / max(len(units), 1)
        words.extend((segment.start_s + i * step, segment.start_s + (i + 1) * step, u) for i, u in enumerate(units))
    return words


def heard_during(words: list[tuple[float, float, str]], caption: ScreenText) -> str:
    """Words spoken while ``caption`` was up, widened by the OCR sampling delay and a little slack."""
    start, end = caption.start_s - HEARD_BEFORE_S, caption.end_s + HEARD_AFTER_S
    return " ".join(text.strip() for a, b, text in words if b > start and a < end and text.strip())


class CaptionSyncExtractor(Extractor):
    """Measures whether the subtitles cover the speech and say what is said."""

    name = "caption_sync"
    version = "1"
    inputs = frozenset({Input.TRANSCRIPT, Input.SCREEN_TEXT})
    signals = (
        SignalSpec("caption_speech_overlap", "0-1", "Share of speech time with a subtitle (caption-position text) on screen; null without speech", 0.0, 1.0),
        SignalSpec("caption_text_match", "0-1", "Share of subtitles shown during speech that say what is said then (Chinese: characters, English: words); null without speech or subtitles", 0.0, 1.0),
        SignalSpec("captions_track_speech", "bool", f"Subtitles follow the voice: overlap >= {TRACK_OVERLAP_MIN} and text match >= {TRACK_MATCH_MIN}; null without speech", 0.0, 1.0, kind="bool"),
    )

    def finish(self, context: VideoContext) -> ExtractorOutput:
        assert context.transcript is not None and context.screen_text is not None
        speech = merge_spans(word_spans(context.transcript), _WORD_GAP_S)
        speech_s = sum(b - a for a, b in speech)
        end_s = max([context.info.duration_s or 0.0, *(b for _, b in speech)])
        if speech_s < MIN_SPEECH_S:
            reason = "no speech recognised" if speech_s == 0 else f"only {speech_s:.1f} s of speech"
            event = Event("caption_sync", 0.0, end_s, {"reason": f"{reason}: subtitle sync not measured"})
            return ExtractorOutput(signals={spec.name: None for spec in self.signals}, events=[event])

        captions = [c for c in context.screen_text if is_caption(c.box, c.end_s - c.start_s)]
        lagged = sorted((max(0.0, c.start_s - OCR_LAG_S), max(0.0, c.end_s - OCR_LAG_S)) for c in captions)
        shown = merge_spans(lagged, 0.0)
        overlap = min(1.0, overlap_length(speech, shown) / speech_s)
        words = timed_words(context.transcript)
        events: list[Event] = []
        for caption in captions:
            heard = heard_during(words, caption)
            score = similarity(caption.text, heard) if heard else None
            if score is not None:
                kind = "caption_match" if score >= MATCH_MIN else "caption_mismatch"
                detail = {"text": caption.text, "heard": heard, "similarity": round(score, 3)}
                events.append(Event(kind, caption.start_s, caption.end_s, detail))
        matched = sum(1 for e in events if e.kind == "caption_match")
        match = matched / len(events) if events else None
        tracks = match is not None and overlap >= TRACK_OVERLAP_MIN and match >= TRACK_MATCH_MIN
        if not captions:
            reason = "no subtitles (caption-position text) on screen"
        elif match is None:
            reason = "no subtitle is shown while someone speaks"
        else:
            reason = f"subtitles cover {overlap:.0%} of the speech time; {matched} of {len(events)} say what is said"
        events.append(Event("caption_sync", speech[0][0], speech[-1][1], {"reason": reason, "tracks_speech": tracks}))
        return ExtractorOutput(
            signals={"caption_speech_overlap": overlap, "caption_text_match": match, "captions_track_speech": tracks},
            events=events,
        )
