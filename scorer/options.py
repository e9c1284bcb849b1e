"""What the user asks for when scoring one video (:class:`ScoreOptions`).

Options that configure the extractors themselves (ASR model, speech language, text model) are given once to
:class:`~scorer.pipeline.Pipeline`, because extractors and their models are built once per process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from features.media.probe import MediaLimits

LANGUAGES = ("en", "zh")  # languages of explanations and suggestions


@dataclass(frozen=True)
class ScoreOptions:
    """Per-video scoring options.

    Args:
        niche: target niche id (see ``vidscore features`` / niche taxonomy) or None.
        product: free-text product description for niche match, or None.
        title: the video's title/caption/hashtags as posted, or None.
        creator_niche: the creator's usual niche id, or None.
        lang: language of explanations, one of ``LANGUAGES``.
        analysis_short_side: short side of analysis frames in pixels (> 0).
        limits: media limits (pixels, duration, file size, wall-clock timeout).
        metadata: further metadata stored with the video (manifest columns such as description, creator).
        rubric: rubric name or YAML path (None: the pipeline's rubric, by default "default").
        model: calibrated model file from ``vidscore calibrate`` (carries its own rubric), or None.
    """

    niche: str | None = None
    product: str | None = None
    title: str | None = None
    creator_niche: str | None = None
    lang: str = "en"
    analysis_short_side: int = 288
    limits: MediaLimits = field(default_factory=MediaLimits)
    metadata: dict[str, Any] = field(default_factory=dict)
    rubric: str | None = None
    model: str | None = None

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"lang must be 'en' or 'zh', got {self.lang!r}")

    def video_metadata(self) -> dict[str, Any]:
        """The metadata extractors see: ``metadata`` plus the non-empty title, product, niche and creator niche."""
        merged = dict(self.metadata)
        for key in ("title", "product", "niche", "creator_niche"):
            value = getattr(self, key)
            if value:
                merged[key] = value
        return merged
