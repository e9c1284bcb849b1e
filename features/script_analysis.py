"""One line of a script (口播文案, 直播话术, ad copy) checked with the detectors ``vidscore score`` uses.

:func:`analyse_line` gives ``{"lang", "cues": [{"type", "text"}], "compliance": {"risk", "reasons": [{"text",
"category", "rewrite"}]}}`` for one line: cues from :class:`features.cues.CueDetector`, compliance from
:mod:`features.compliance`. The detector, its text model and the rules load once per process and text model
(:func:`line_analyser`), so a long script costs only the per-line work.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from features.compliance import ComplianceRules, load_rules
from features.cues import CueDetector
from features.text_sources import TextSpan, all_sentences, text_language


class LineAnalyser:
    """Cues and compliance of single lines with one shared detector.

    Args:
        text_model: as ``vidscore score --text-model`` (None: the default; "none": lexicon and rules only).
    """

    def __init__(self, text_model: str | None = None, rules: ComplianceRules | None = None) -> None:
        self.detector = CueDetector(text_model=text_model)
        self.rules = rules or load_rules()

    def analyse(self, text: str) -> dict[str, Any]:
        """The analysis of one line (see the module docstring); an empty line has no cues and no risk."""
        sentences = all_sentences([TextSpan(text, "metadata")])
        cues = self.detector.detect(sentences)
        seen: set[tuple[str, str]] = set()
        found = []
        for cue in cues:
            key = (cue.type, cue.match)
            if key not in seen:
                seen.add(key)
                found.append({"type": cue.type, "text": cue.match})
        reasons = [flag.as_dict() for sentence in sentences for flag in self.rules.check(sentence.text)]
        return {"lang": text_language(text) if text.strip() else "en", "cues": found,
                "compliance": {"risk": bool(reasons), "reasons": reasons}}


@lru_cache(maxsize=4)
def line_analyser(text_model: str | None = None) -> LineAnalyser:
    """One :class:`LineAnalyser` per text model and process."""
    return LineAnalyser(text_model)


def analyse_line(text: str, text_model: str | None = None) -> dict[str, Any]:
    """Cues and compliance of one line of text, with the detectors of ``vidscore score`` (loaded once).

    Returns ``{"lang": "zh"|"en", "cues": [{"type", "text"}], "compliance": {"risk": bool, "reasons":
    [{"text", "category", "rewrite"}]}}``; a cue's ``text`` is the quoted words that carry it (the whole sentence
    when a learned head found it without a lexicon phrase).
    """
    return line_analyser(text_model).analyse(text)
