"""The one place where extractors are registered.

To add a signal, write one :class:`~features.base.Extractor` subclass in its own
module and append it to ``EXTRACTORS``. ``vidscore features`` lists every
registered signal with its unit and meaning.
"""

from __future__ import annotations

from typing import Any

from features.audio_level import AudioLevelExtractor
from features.base import Extractor, SignalSpec
from features.camera_motion import CameraMotionExtractor
from features.caption_sync import CaptionSyncExtractor
from features.compliance import ComplianceExtractor
from features.cues import CueExtractor
from features.emotion import EmotionExtractor
from features.face_signals import FacesExtractor
from features.framing import FramingExtractor
from features.info_density import InfoDensityExtractor
from features.niche import NicheExtractor
from features.picture_quality import PictureQualityExtractor
from features.product_display import ProductDisplayExtractor
from features.prosody import ProsodyExtractor
from features.scene_dynamics import SceneDynamicsExtractor
from features.screen_text import ScreenTextExtractor
from features.speech import SpeechExtractor
from features.transcript_repair import TranscriptRepairExtractor

EXTRACTORS: tuple[type[Extractor], ...] = (
    SceneDynamicsExtractor,
    PictureQualityExtractor,
    CameraMotionExtractor,
    FacesExtractor,
    FramingExtractor,
    ProductDisplayExtractor,
    AudioLevelExtractor,
    SpeechExtractor,
    ProsodyExtractor,
    ScreenTextExtractor,
    CaptionSyncExtractor,
    TranscriptRepairExtractor,
    CueExtractor,
    ComplianceExtractor,
    InfoDensityExtractor,
    EmotionExtractor,
    NicheExtractor,
)


def create_extractors(options: dict[str, Any] | None = None) -> list[Extractor]:
    """Instantiate every registered extractor; ``options`` go to those with ``from_options``."""
    options = options or {}
    made: list[Extractor] = []
    for cls in EXTRACTORS:
        factory = getattr(cls, "from_options", None)
        made.append(factory(options) if factory else cls())
    return made


def signal_specs() -> list[tuple[str, SignalSpec]]:
    """(extractor name, spec) for every registered signal, in registry order."""
    specs: list[tuple[str, SignalSpec]] = []
    seen: dict[str, str] = {}
    for cls in EXTRACTORS:
        for spec in cls.signals:
            if spec.name in seen:
                raise ValueError(f"signal {spec.name!r} is declared by both {seen[spec.name]} and {cls.name}")
            seen[spec.name] = cls.name
            specs.append((cls.name, spec))
    return specs


def signal_spec_map() -> dict[str, SignalSpec]:
    """Signal name -> spec for every registered signal."""
    return {spec.name: spec for _, spec in signal_specs()}
