"""Score one video end to end: probe, decode once, run every extractor, score, explain.

:class:`Pipeline` holds the extractors (created once, so models load once per
process) and the scorer. :meth:`Pipeline.score` returns a
:class:`~scorer.result.ScoreResult` whose ``to_json()`` follows ``scorer/schema/result.schema.json``. Input problems
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
from collections.abc import Sequence
from typing import Any

from tqdm import tqdm

from features.base import Event, Extractor, ExtractorOutput, VideoContext
from features.media.decode import FrameDecoder, decode_audio
from features.media.errors import InputError, VidscoreError
from features.media.probe import VideoInfo, probe
from features.media.scorable import check_scorable
from features.registry import create_extractors
from scorer import __version__
from scorer.explain import compliance, explanations, suggestions
from scorer.model import RubricScorer, Scorer
from scorer.options import ScoreOptions
from scorer.result import ScoreResult, evidence_sources, round_signal
from scorer.rubric import Rubric
from scorer.scorers import registered_rubric, resolve_scorer

PIPELINE_VERSION = "1"



class Pipeline:
    """Reusable scorer: build once, call :meth:`score` for each video."""

    def __init__(
        self,
        extractors: Sequence[Extractor] | None = None,
        rubric: Rubric | None = None,
        scorer: Scorer | None = None,
        extractor_options: dict[str, Any] | None = None,
    ) -> None:
        self.extractors = list(extractors) if extractors is not None else create_extractors(extractor_options)
        self.rubric = rubric or registered_rubric("default")
        self.scorer = scorer or RubricScorer(rubric=self.rubric).fit()
        self._scorers: dict[tuple[str | None, str | None], tuple[Rubric, Scorer]] = {}

    def scorer_for(self, options: ScoreOptions) -> tuple[Rubric, Scorer]:
        """(rubric, scorer) for ``options.rubric`` / ``options.model``, loaded once; the pipeline's own by default."""
        if not options.rubric and not options.model:
            return self.scorer.rubric_, self.scorer
        key = (options.rubric, options.model)
        if key not in self._scorers:
            self._scorers[key] = resolve_scorer(options.rubric, options.model)
        return self._scorers[key]

    def versions(self, scorer: Scorer | None = None) -> dict[str, Any]:
        """Versions that determine the result: package, pipeline, each extractor, rubric, model."""
        scorer = scorer or self.scorer
        return {
            "vidscore": __version__,
            "pipeline": PIPELINE_VERSION,
            "extractors": {e.name: e.version for e in self.extractors},
            "rubric": f"{scorer.rubric_.name}@{scorer.rubric_.version}",
            "model": scorer.model_id(),
        }

    def score(
        self, path: str, options: ScoreOptions | None = None, progress: bool | None = None, sha256: str | None = None
    ) -> ScoreResult:
        """Score the video at ``path``. Raises ``InputError`` for unusable input.

        Args:
            path: a video file.
            options: per-video options (niche, product, title, explanation language, limits, rubric, model).
            progress: show a frame progress bar (None: only on a terminal).
            sha256: the file's content SHA-256 when the caller already has it (None: hashed while probing).

        Returns:
            The :class:`~scorer.result.ScoreResult`; ``.to_json()`` is the JSON contract.
        """
        options = options or ScoreOptions()
        rubric, scorer = self.scorer_for(options)
        timing: dict[str, float] = {}
        errors: list[dict[str, Any]] = []
        clock = time.perf_counter()
        info = probe(path, options.limits, sha256)
        check_scorable(info, options.limits)
        timing["probe"] = time.perf_counter() - clock

        context = VideoContext(info=info, metadata=options.video_metadata())
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
        cues = sections["cues"] if "cues" in sections else [_cue(e) for e in events if e.kind == "cue"]
        screen_text = context.screen_text or []
        sources = evidence_sources(cues, events, screen_text, context.transcript, sections.get("compliance_flags"))
        shown = {name: round_signal(value) for name, value in signals.items()}
        return ScoreResult(
            video=info,
            scores=scored.scores,
            explanations=explanations(scored, options.lang, sources),
            suggestions=suggestions(scored, options.lang, result=sources),
            signals=signals,
            cues=cues,
            transcript=context.transcript,
            screen_text=screen_text,
            niche=sections.get("niche") or {"top": [], "target": options.niche or options.product, "match": None},
            compliance=compliance(rubric, shown, options.lang, sources),
            events=events,
            errors=errors,
            timing=timing,
            versions=self.versions(scorer),
        )

    # -- stages ---------------------------------------------------------------------------------

    def _frame_pass(
        self,
        info: VideoInfo,
        options: ScoreOptions,
        extractors: list[Extractor],
        context: VideoContext,
        outputs: dict[str, ExtractorOutput],
        errors: list[dict[str, Any]],
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
        errors: list[dict[str, Any]],
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
        errors: list[dict[str, Any]],
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
        errors: list[dict[str, Any]],
    ) -> None:
        try:
            outputs[extractor.name] = extractor.validated(extractor.finish(context))
        except VidscoreError as exc:
            errors.append({"stage": extractor.name, "message": exc.message})
        except Exception as exc:  # noqa: BLE001 - an extractor bug must not kill the score
            errors.append(_extractor_error(extractor, exc))


def _cue(event: Event) -> dict[str, Any]:
    """A cue of the contract from a ``cue`` event (for extractors that emit events but no ``cues`` section)."""
    detail = event.detail
    return {"type": detail.get("type"), "text": detail.get("text", ""), "start_s": event.start_s,
            "end_s": event.end_s, "source": detail.get("source", "speech")}


def _extractor_error(extractor: Extractor, exc: BaseException) -> dict[str, str]:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})" if where else ""
    return {"stage": extractor.name, "message": f"{type(exc).__name__}: {exc}{at}"}
