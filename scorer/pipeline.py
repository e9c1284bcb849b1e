"""Score one video end to end: probe, decode once, run every extractor, score, explain.

:class:`Pipeline` holds the extractors (created once, so models load once per
process) and the scorer. :meth:`Pipeline.score` returns the result as a plain
JSON-ready dict following ``scorer/schema/result.schema.json``. Input problems
raise :class:`~features.media.errors.InputError`; a failing extractor is recorded in
``errors`` and its signals become null, the rest of the score goes on.

Extractors that need only audio or metadata (speech recognition, prosody) run
in a background thread while the frame pass decodes video; the rest run in
dependency order once their inputs exist.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from features.base import Event, Extractor, ExtractorOutput, Input, VideoContext
from features.registry import create_extractors
from scorer import __version__
from features.media.decode import FrameDecoder, decode_audio
from features.media.errors import InputError, VidscoreError
from features.media.probe import MediaLimits, probe
from scorer.result import build_result
from scorer.rubric import Rubric, load_rubric
from scorer.model import RubricScorer
from scorer.scorers import resolve_scorer
from scorer.explain import annotate

PIPELINE_VERSION = "1"


@dataclass(frozen=True)
class ScoreOptions:
    """What the user asked for when scoring.

    Args:
        niche: target niche id (see ``vidscore features`` / niche taxonomy) or None.
        product: free-text product description for niche match, or None.
        title: the video's title/caption/hashtags as posted, or None.
        lang: language of explanations, "en" or "zh".
        analysis_short_side: short side of analysis frames in pixels.
        limits: media limits (pixels, duration, file size, wall-clock timeout).
        extractor_options: options passed to extractors (e.g. ASR model, language).
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
    extractor_options: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    rubric: str | None = None
    model: str | None = None

    def __post_init__(self) -> None:
        if self.lang not in ("en", "zh"):
            raise ValueError(f"lang must be 'en' or 'zh', got {self.lang!r}")


ProgressFactory = Callable[[int, str], Any]


class Pipeline:
    """Reusable scorer: build once, call :meth:`score` for each video."""

    def __init__(
        self,
        extractors: Sequence[Extractor] | None = None,
        rubric: Rubric | None = None,
        scorer: RubricScorer | None = None,
        extractor_options: dict[str, Any] | None = None,
    ) -> None:
        self.extractors = list(extractors) if extractors is not None else create_extractors(extractor_options)
        self.rubric = rubric or load_rubric("default")
        self.scorer = scorer or RubricScorer(rubric=self.rubric).fit()
        self._scorers: dict[tuple[str | None, str | None], tuple[Rubric, Any]] = {}

    def scorer_for(self, options: ScoreOptions) -> tuple[Rubric, Any]:
        """(rubric, scorer) for ``options.rubric`` / ``options.model``, loaded once; the pipeline's own by default."""
        if not options.rubric and not options.model:
            return self.scorer.rubric_, self.scorer
        key = (options.rubric, options.model)
        if key not in self._scorers:
            self._scorers[key] = resolve_scorer(options.rubric, options.model)
        return self._scorers[key]

    def versions(self, scorer: Any = None) -> dict[str, Any]:
        """Versions that determine the result: package, pipeline, each extractor, rubric, model."""
        scorer = scorer or self.scorer
        return {
            "vidscore": __version__,
            "pipeline": PIPELINE_VERSION,
            "extractors": {e.name: e.version for e in self.extractors},
            "rubric": f"{scorer.rubric_.name}@{scorer.rubric_.version}",
            "model": scorer.model_id(),
        }

    def score(self, path: str, options: ScoreOptions | None = None, progress: bool | None = None) -> dict[str, Any]:
        """Score the video at ``path``; returns the result dict. Raises ``InputError`` for unusable input."""
        options = options or ScoreOptions()
        rubric, scorer = self.scorer_for(options)
        timing: dict[str, float] = {}
        errors: list[dict[str, str]] = []
        clock = time.perf_counter()
        info = probe(path, options.limits)
        timing["probe"] = time.perf_counter() - clock

        context = VideoContext(info=info, metadata=_metadata(options), options=dict(options.extractor_options))
        clock = time.perf_counter()
        if info.has_audio:
            try:
                context.audio = decode_audio(path, timeout_s=options.limits.timeout_s)
            except InputError as exc:
                errors.append({"stage": "audio", "message": exc.message})
        timing["audio_decode"] = time.perf_counter() - clock

        outputs: dict[str, ExtractorOutput] = {}
        pending = list(self.extractors)
        for extractor in pending:
            extractor.start(context)

        # Extractors whose inputs are ready now and need no frames run beside the frame pass.
        early = [e for e in pending if not e.needs_frames and self._ready(e, context, pending)]
        frame_extractors = [e for e in pending if e.needs_frames]
        rest = [e for e in pending if e not in early and e not in frame_extractors]
        side = threading.Thread(target=self._run_all, args=(early, context, outputs, errors, timing), daemon=True)
        side.start()
        try:
            self._frame_pass(info, options, frame_extractors, context, outputs, errors, timing, progress)
        finally:
            side.join()
        self._run_in_order(rest, context, outputs, errors, timing)

        signals: dict[str, Any] = {}
        events: list[Event] = []
        sections: dict[str, Any] = {}
        for extractor in self.extractors:
            output = outputs.get(extractor.name)
            for spec in extractor.signals:
                signals[spec.name] = output.signals.get(spec.name) if output else None
            if output:
                events.extend(output.events)
                sections.update(output.sections)
        clock = time.perf_counter()
        scored = scorer.score_one(signals, lang=options.lang, niche=options.niche)
        timing["scoring"] = time.perf_counter() - clock
        result = build_result(
            info=info,
            context=context,
            signals=signals,
            events=events,
            sections=sections,
            scored=scored,
            errors=errors,
            timing=timing,
            versions=self.versions(scorer),
            options=options,
        )
        return annotate(result, scored, rubric, options.lang)

    # -- stages ---------------------------------------------------------------------------------

    def _frame_pass(
        self,
        info: Any,
        options: ScoreOptions,
        extractors: list[Extractor],
        context: VideoContext,
        outputs: dict[str, ExtractorOutput],
        errors: list[dict[str, str]],
        timing: dict[str, float],
        progress: bool | None,
    ) -> None:
        decoder = FrameDecoder(info, options.analysis_short_side, options.limits.timeout_s)
        active = list(extractors)
        spent = {e.name: 0.0 for e in extractors}
        clock = time.perf_counter()
        bar = tqdm(
            total=info.frame_count or None,
            desc="frames",
            unit="f",
            leave=False,
            disable=None if progress is None else not progress,
        )
        with bar:
            for frame in decoder.frames():
                for extractor in list(active):
                    started = time.perf_counter()
                    try:
                        extractor.process_frame(frame)
                    except Exception as exc:  # noqa: BLE001 - an extractor bug must not kill the score
                        errors.append(_extractor_error(extractor, exc))
                        active.remove(extractor)
                    spent[extractor.name] += time.perf_counter() - started
                bar.update(1)
        timing["frame_pass"] = time.perf_counter() - clock
        if decoder.report.frames_failed:
            errors.append(
                {
                    "stage": "decode",
                    "message": f"{decoder.report.frames_failed} video packet(s) failed to decode and were skipped.",
                }
            )
        context.options["decode_report"] = decoder.report
        for extractor in active:
            started = time.perf_counter()
            self._finish(extractor, context, outputs, errors)
            timing[extractor.name] = spent[extractor.name] + time.perf_counter() - started

    def _ready(self, extractor: Extractor, context: VideoContext, pending: list[Extractor]) -> bool:
        """True when no pending extractor will still provide an input this one needs or uses."""
        wanted = set(extractor.inputs) | set(getattr(extractor, "optional_inputs", ()))
        return not any(
            other is not extractor and (wanted & set(other.provides)) for other in pending
        )

    def _run_in_order(
        self,
        extractors: list[Extractor],
        context: VideoContext,
        outputs: dict[str, ExtractorOutput],
        errors: list[dict[str, str]],
        timing: dict[str, float],
    ) -> None:
        pending = list(extractors)
        while pending:
            ready = [e for e in pending if self._ready(e, context, pending)] or pending[:1]
            for extractor in ready:
                pending.remove(extractor)
                self._run_all([extractor], context, outputs, errors, timing)

    def _run_all(
        self,
        extractors: list[Extractor],
        context: VideoContext,
        outputs: dict[str, ExtractorOutput],
        errors: list[dict[str, str]],
        timing: dict[str, float],
    ) -> None:
        for extractor in extractors:
            missing = set(extractor.inputs) - context.available()
            if missing:
                names = ", ".join(sorted(i.value for i in missing))
                errors.append({"stage": extractor.name, "message": f"skipped: no {names}", "skipped": True})
                continue
            started = time.perf_counter()
            self._finish(extractor, context, outputs, errors)
            timing[extractor.name] = time.perf_counter() - started

    def _finish(
        self,
        extractor: Extractor,
        context: VideoContext,
        outputs: dict[str, ExtractorOutput],
        errors: list[dict[str, str]],
    ) -> None:
        try:
            outputs[extractor.name] = extractor.validated(extractor.finish(context))
        except VidscoreError as exc:
            errors.append({"stage": extractor.name, "message": exc.message})
        except Exception as exc:  # noqa: BLE001 - an extractor bug must not kill the score
            errors.append(_extractor_error(extractor, exc))


def _metadata(options: ScoreOptions) -> dict[str, Any]:
    metadata = dict(options.metadata)
    for key in ("title", "product", "niche", "creator_niche"):
        value = getattr(options, key)
        if value:
            metadata[key] = value
    return metadata


def _extractor_error(extractor: Extractor, exc: BaseException) -> dict[str, str]:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})" if where else ""
    return {"stage": extractor.name, "message": f"{type(exc).__name__}: {exc}{at}"}
